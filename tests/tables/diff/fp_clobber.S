# table-misses-fp-clobber (libgcrypt's DES helpers, OpenSSL's _mul_1x1): a local helper that
# only assembly calls uses %rbp as scratch without saving it (its caller saved it); its CFI says
# nothing of rbp, so the table claims the caller's rbp is still in its register ("same value")
# where it is gone. diff: fp_clobber_helper+0x7 (the load and the ret: 2 instructions).
# fp_clobber_fixed.S says `.cfi_undefined %rbp` after the lea: it agrees everywhere.
	.text
	.type	fp_clobber_helper, @function
fp_clobber_helper:
	.cfi_startproc
	lea	table(%rip), %rbp
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
