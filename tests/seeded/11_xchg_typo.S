/*
 * 11 - unsupported-stack-op: register typo in a swap, xchgq %rax, %rsp
 * instead of xchgq %rax, %rdx.  Exchanging the stack pointer with a data
 * register cannot be modelled.  Only the xchg is expected to be reported
 * (no follow-on warning on the rest of that path).
 *
 * int xchg_typo(long *a, long *b)
 *     orders *a <= *b, returns 1 if the values were swapped
 */
# EXPECT stack unsupported-stack-op site_xchg_typo

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	xchg_typo
	.type	xchg_typo, @function
xchg_typo:
	movq	(%rdi), %rax
	movq	(%rsi), %rdx
	cmpq	%rdx, %rax
	jle	.Lb_sorted
site_xchg_typo:
	xchgq	%rax, %rsp		# BUG: meant %rdx
	movq	%rax, (%rdi)
	movq	%rdx, (%rsi)
	movl	$1, %eax
	ret
.Lb_sorted:
	xorl	%eax, %eax
	ret
	.size	xchg_typo, .-xchg_typo
#endif

	.p2align 4
	.globl	xchg_typo_ok
	.type	xchg_typo_ok, @function
xchg_typo_ok:
	movq	(%rdi), %rax
	movq	(%rsi), %rdx
	cmpq	%rdx, %rax
	jle	.Lg_sorted
	xchgq	%rax, %rdx
	movq	%rax, (%rdi)
	movq	%rdx, (%rsi)
	movl	$1, %eax
	ret
.Lg_sorted:
	xorl	%eax, %eax
	ret
	.size	xchg_typo_ok, .-xchg_typo_ok

	.section .note.GNU-stack,"",@progbits
