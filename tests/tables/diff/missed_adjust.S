# The table misses an SP adjustment (the clang pattern seen in SQLite's unixDlError): after
# "add $8, %rsp" the table still says rsp+32. diff classifies it as table-misses-sp-adjust
# at missed_adjust+0xc (the test and the first pop: 2 instructions).
	.text
	.globl	missed_adjust
	.type	missed_adjust, @function
missed_adjust:
	.cfi_startproc
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	push	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset %rbx, -24
	push	%rax
	.cfi_def_cfa_offset 32
	call	ext
	add	$8, %rsp
	test	%rax, %rax
	pop	%rbx
	.cfi_def_cfa_offset 16
	pop	%rbp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	missed_adjust, .-missed_adjust
