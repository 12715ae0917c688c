# wrong_at_return.S with the right sign after the lea: the analysis and the table agree.
	.text
	.globl	wrong_at_return
	.type	wrong_at_return, @function
wrong_at_return:
	.cfi_startproc
	sub	$88, %rsp
	.cfi_adjust_cfa_offset 88
	call	ext
	lea	88(%rsp), %rsp
	.cfi_adjust_cfa_offset -88
	ret
	.cfi_endproc
	.size	wrong_at_return, .-wrong_at_return
