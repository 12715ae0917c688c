/*
 * 19 - stack-mismatch at a loop header: the save of %rbx was placed inside
 * the loop body, so the back edge arrives with one more word on the stack
 * each iteration than the loop entry.  Reported at the loop header (the
 * first instruction of the loop, which is the push itself).
 *
 * unsigned long mismatch_loop_push(const unsigned char *p, unsigned long n)
 *     sum of the bytes
 */
# EXPECT stack stack-mismatch site_mismatch_loop_push

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mismatch_loop_push
	.type	mismatch_loop_push, @function
mismatch_loop_push:
	xorl	%eax, %eax
	testq	%rsi, %rsi
	je	.Lb_out
site_mismatch_loop_push:
	pushq	%rbx			# BUG: belongs before the loop
	movzbl	(%rdi), %ebx
	addq	%rbx, %rax
	incq	%rdi
	decq	%rsi
	jne	site_mismatch_loop_push
	popq	%rbx
.Lb_out:
	ret
	.size	mismatch_loop_push, .-mismatch_loop_push
#endif

	.p2align 4
	.globl	mismatch_loop_push_ok
	.type	mismatch_loop_push_ok, @function
mismatch_loop_push_ok:
	xorl	%eax, %eax
	testq	%rsi, %rsi
	je	.Lg_out
	pushq	%rbx
.Lg_loop:
	movzbl	(%rdi), %ebx
	addq	%rbx, %rax
	incq	%rdi
	decq	%rsi
	jne	.Lg_loop
	popq	%rbx
.Lg_out:
	ret
	.size	mismatch_loop_push_ok, .-mismatch_loop_push_ok

	.section .note.GNU-stack,"",@progbits
