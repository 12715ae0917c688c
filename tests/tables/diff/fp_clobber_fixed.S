# fp_clobber.S with the helper's CFI saying what it does to rbp (.cfi_undefined after the lea):
# the analysis and the table agree at every instruction.
	.text
	.type	fp_clobber_helper, @function
fp_clobber_helper:
	.cfi_startproc
	lea	table(%rip), %rbp
	.cfi_undefined %rbp
	mov	(%rbp), %eax
	ret
	.cfi_endproc
	.size	fp_clobber_helper, .-fp_clobber_helper

	.globl	fp_clobber
	.type	fp_clobber, @function
fp_clobber:
	.cfi_startproc
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	call	fp_clobber_helper
	pop	%rbp
	.cfi_def_cfa_offset 8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	fp_clobber, .-fp_clobber

	.section .rodata
table:	.long	1, 2
