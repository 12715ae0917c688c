# stale_drap.S with the CFI naming the register the DRAP value was popped into (rsi): the
# analysis and the table agree (or name equal bases) at every instruction.
	.text
	.globl	stale_drap
	.type	stale_drap, @function
stale_drap:
	.cfi_startproc
	push	%r13
	.cfi_def_cfa_offset 16
	.cfi_offset %r13, -16
	lea	16(%rsp), %r13
	.cfi_def_cfa %r13, 0
	and	$-64, %rsp
	push	-8(%r13)
	push	%rbp
	mov	%rsp, %rbp
	.cfi_escape 0x10, 0x6, 0x2, 0x76, 0x0
	push	%r13
	.cfi_escape 0xf, 0x3, 0x76, 0x78, 0x6
	mov	%rdi, %r13
	call	ext
	lea	-8(%rbp), %rsp
	pop	%rsi
	.cfi_def_cfa %rsi, 0
	pop	%rbp
	.cfi_restore %rbp
	lea	-16(%rsi), %rsp
	.cfi_def_cfa %rsp, 16
	pop	%r13
	.cfi_def_cfa_offset 8
	.cfi_restore %r13
	ret
	.cfi_endproc
	.size	stale_drap, .-stale_drap
