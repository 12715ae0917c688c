# table-wrong-at-return (OpenSSL's perlasm epilogues): after `lea 88(%rsp),%rsp` the CFI adds
# 88 to the CFA offset instead of subtracting it, so at the ret the table says rsp+184 where a
# return proves rsp+8. diff: wrong_at_return+0xe (the ret: 1 instruction).
# wrong_at_return_fixed.S has the right sign: it agrees everywhere.
	.text
	.globl	wrong_at_return
	.type	wrong_at_return, @function
wrong_at_return:
	.cfi_startproc
	sub	$88, %rsp
	.cfi_adjust_cfa_offset 88
	call	ext
	lea	88(%rsp), %rsp
	.cfi_adjust_cfa_offset 88
	ret
	.cfi_endproc
	.size	wrong_at_return, .-wrong_at_return
