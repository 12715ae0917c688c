# The table misses the save of the frame pointer (the shape of libgcrypt's and OpenSSL's
# hand-written assembly): the code pushes %rbp and uses it as scratch, but the CFI says nothing
# about rbp, so the table claims the caller's rbp is still in its register ("same value").
# diff puts fp_scratch+0x4 (the add, the mov and the pop: 3 instructions, where rbp holds the
# scratch value and the caller's is at cfa-16) in class table-misses-fp-save.
# fp_scratch_fixed.S is the same code with the .cfi_offset: it agrees everywhere.
	.text
	.globl	fp_scratch
	.type	fp_scratch, @function
fp_scratch:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	mov	%rdi, %rbp
	add	$1, %rbp
	mov	%rbp, %rax
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	fp_scratch, .-fp_scratch
