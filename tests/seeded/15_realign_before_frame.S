/*
 * 15 - unsupported-realign: prologue instructions in the wrong order.  %rbp is
 * saved, but the stack is realigned before movq %rsp, %rbp, so at the andq
 * the CFA is not recoverable through %rbp (and leave later restores the
 * aligned value, not the entry one).  Only the andq is expected to be
 * reported.  Uses AVX with a 32-byte aligned temporary.
 *
 * void realign_before_frame(int *dst, const int *a, const int *b)   8 lanes
 */
# EXPECT stack unsupported-realign site_realign_before_frame

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	realign_before_frame
	.type	realign_before_frame, @function
realign_before_frame:
	pushq	%rbp
site_realign_before_frame:
	andq	$-32, %rsp		# BUG: must come after movq %rsp, %rbp
	movq	%rsp, %rbp
	subq	$32, %rsp
	vmovdqu	(%rsi), %ymm0
	vpaddd	(%rdx), %ymm0, %ymm0
	vmovdqa	%ymm0, (%rsp)
	vmovdqa	(%rsp), %ymm1
	vmovdqu	%ymm1, (%rdi)
	vzeroupper
	leave
	ret
	.size	realign_before_frame, .-realign_before_frame
#endif

	.p2align 4
	.globl	realign_before_frame_ok
	.type	realign_before_frame_ok, @function
realign_before_frame_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-32, %rsp
	subq	$32, %rsp
	vmovdqu	(%rsi), %ymm0
	vpaddd	(%rdx), %ymm0, %ymm0
	vmovdqa	%ymm0, (%rsp)
	vmovdqa	(%rsp), %ymm1
	vmovdqu	%ymm1, (%rdi)
	vzeroupper
	leave
	ret
	.size	realign_before_frame_ok, .-realign_before_frame_ok

	.section .note.GNU-stack,"",@progbits
