# Wrong CFI: after the second push the table says CFA=rsp+32 (it is rsp+24). diff must report
# wrong_offset+0x3 (the call and the first pop: 2 instructions) as unclassified.
	.text
	.globl	wrong_offset
	.type	wrong_offset, @function
wrong_offset:
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	push	%r12
	.cfi_def_cfa_offset 32
	.cfi_offset %r12, -24
	call	ext
	pop	%r12
	.cfi_def_cfa_offset 16
	pop	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	wrong_offset, .-wrong_offset
