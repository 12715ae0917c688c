# An entry point that marks the end of the stack (.cfi_undefined rip, as glibc's _start does):
# outermost-frame at every instruction (3).
	.text
	.globl	entry
	.type	entry, @function
entry:
	.cfi_startproc
	.cfi_undefined %rip
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	hlt
	.cfi_endproc
	.size	entry, .-entry
