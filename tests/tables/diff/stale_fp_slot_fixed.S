# stale_fp_slot.S with `.cfi_restore %rbp` after the pop: the analysis and the table agree.
	.text
	.globl	stale_fp_slot
	.type	stale_fp_slot, @function
stale_fp_slot:
	.cfi_startproc
	test	%rdi, %rdi
	jz	.Lout
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	(%rdi), %rbp
	call	*%rbp
	pop	%rbp
	.cfi_def_cfa_offset 8
	.cfi_restore %rbp
.Lout:
	ret
	.cfi_endproc
	.size	stale_fp_slot, .-stale_fp_slot
