/*
 * 35 - fp-clobbered (fp rules): after the standard frame setup, %rbp is
 * reused as a data pointer and a call follows.  Reported at the overwrite
 * only; the following call is not reported again.  The epilogue restores
 * everything with pops (no leave), so the stack rules find nothing wrong:
 * the stack pointer stays trackable even though %rbp no longer holds the
 * frame.  The twin keeps the pointer in %r12.
 *
 * long fp_clobbered_call(struct node *n, long (*score)(long))
 *     score(n->key) + n->bias
 */
# EXPECT fp fp-clobbered site_fp_clobbered_call

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	fp_clobbered_call
	.type	fp_clobbered_call, @function
fp_clobbered_call:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rsi, %rbx
site_fp_clobbered_call:
	movq	%rdi, %rbp		# BUG: %rbp must keep holding the frame
	movq	(%rbp), %rdi
	call	*%rbx
	addq	8(%rbp), %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
	.size	fp_clobbered_call, .-fp_clobbered_call
#endif

	.p2align 4
	.globl	fp_clobbered_call_ok
	.type	fp_clobbered_call_ok, @function
fp_clobbered_call_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r12
	pushq	%rbx
	movq	%rsi, %rbx
	movq	%rdi, %r12
	movq	(%r12), %rdi
	call	*%rbx
	addq	8(%r12), %rax
	popq	%rbx
	popq	%r12
	popq	%rbp
	ret
	.size	fp_clobbered_call_ok, .-fp_clobbered_call_ok

	.section .note.GNU-stack,"",@progbits
