/*
 * 16 - unsupported-realign with a DRAP register set up too late.  The twin is
 * the sequence gcc emits when it realigns the stack through a DRAP register
 * (%r10 = CFA, realign, copy the return address, standard frame, save %r10,
 * and the reverse in the epilogue).  In the buggy version the andq comes
 * before leaq 8(%rsp), %r10, so %r10 captures the realigned value and the CFA
 * is lost at the andq.  Only the andq is expected to be reported.
 *
 * void realign_drap_order(long seed)   fills a 64-byte aligned block and
 *                                      hands it to consume_block()
 */
# EXPECT stack unsupported-realign site_realign_drap_order

	.text
/* void consume_block(unsigned char *blk, long seed): leaf helper */
	.p2align 4
	.globl	consume_block
	.type	consume_block, @function
consume_block:
	movq	%rsi, (%rdi)
	movq	%rsi, 56(%rdi)
	ret
	.size	consume_block, .-consume_block

#ifndef TWIN_ONLY
	.p2align 4
	.globl	realign_drap_order
	.type	realign_drap_order, @function
realign_drap_order:
site_realign_drap_order:
	andq	$-64, %rsp		# BUG: the DRAP register must be loaded first
	leaq	8(%rsp), %r10
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r10
	subq	$104, %rsp
	movq	%rdi, %rsi
	leaq	-112(%rbp), %rdi
	call	consume_block
	movq	-8(%rbp), %r10
	leave
	leaq	-8(%r10), %rsp
	ret
	.size	realign_drap_order, .-realign_drap_order
#endif

	.p2align 4
	.globl	realign_drap_order_ok
	.type	realign_drap_order_ok, @function
realign_drap_order_ok:
	leaq	8(%rsp), %r10
	andq	$-64, %rsp
	pushq	-8(%r10)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r10
	subq	$104, %rsp
	movq	%rdi, %rsi
	leaq	-112(%rbp), %rdi
	call	consume_block
	movq	-8(%rbp), %r10
	leave
	leaq	-8(%r10), %rsp
	ret
	.size	realign_drap_order_ok, .-realign_drap_order_ok

	.section .note.GNU-stack,"",@progbits
