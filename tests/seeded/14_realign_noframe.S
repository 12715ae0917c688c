/*
 * 14 - unsupported-realign: the stack is realigned with andq $-16, %rsp in
 * a function that has neither a frame pointer nor a DRAP register, so the
 * CFA cannot be recovered afterwards (and the epilogue is wrong whenever the
 * realignment actually moved %rsp).  Only the andq is expected to be reported.
 * The twin builds a frame first, like gcc does for over-aligned locals.
 *
 * void realign_noframe(float *v, float k)   v[0..3] *= k using an aligned temp
 */
# EXPECT stack unsupported-realign site_realign_noframe

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	realign_noframe
	.type	realign_noframe, @function
realign_noframe:
site_realign_noframe:
	andq	$-16, %rsp		# BUG: no frame pointer to undo this
	subq	$32, %rsp
	movups	(%rdi), %xmm1
	shufps	$0, %xmm0, %xmm0
	mulps	%xmm0, %xmm1
	movaps	%xmm1, (%rsp)
	movq	(%rsp), %rax
	movq	%rax, (%rdi)
	movq	8(%rsp), %rax
	movq	%rax, 8(%rdi)
	addq	$32, %rsp
	ret
	.size	realign_noframe, .-realign_noframe
#endif

	.p2align 4
	.globl	realign_noframe_ok
	.type	realign_noframe_ok, @function
realign_noframe_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-16, %rsp
	subq	$32, %rsp
	movups	(%rdi), %xmm1
	shufps	$0, %xmm0, %xmm0
	mulps	%xmm0, %xmm1
	movaps	%xmm1, (%rsp)
	movq	(%rsp), %rax
	movq	%rax, (%rdi)
	movq	8(%rsp), %rax
	movq	%rax, 8(%rdi)
	leave
	ret
	.size	realign_noframe_ok, .-realign_noframe_ok

	.section .note.GNU-stack,"",@progbits
