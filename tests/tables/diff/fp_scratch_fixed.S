# fp_scratch.S with correct CFI: the save of rbp is described (and undone after the pop), so
# the analysis and the table agree at every instruction.
	.text
	.globl	fp_scratch
	.type	fp_scratch, @function
fp_scratch:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	mov	%rdi, %rbp
	add	$1, %rbp
	mov	%rbp, %rax
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	fp_scratch, .-fp_scratch
