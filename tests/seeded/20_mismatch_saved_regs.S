/*
 * 20 - stack-mismatch with equal stack depth: the two arms save different
 * callee-saved registers (%rbx vs %r12) in the same slot and both branch to
 * the shared abort path.  The stack pointer agrees, the record of which
 * register is saved where does not.  Reported at the join (the call).
 *
 * long mismatch_saved_regs(const long *v, long bias, int second)
 *     v[second ? 1 : 0] + bias, aborts if that element is negative
 */
# EXPECT stack stack-mismatch site_mismatch_saved_regs

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mismatch_saved_regs
	.type	mismatch_saved_regs, @function
mismatch_saved_regs:
	pushq	%rbp
	movq	%rsp, %rbp
	testl	%edx, %edx
	jne	.Lb_second
	pushq	%rbx
	movq	(%rdi), %rbx
	testq	%rbx, %rbx
	js	site_mismatch_saved_regs	# %rbx saved at CFA-24
	leaq	(%rbx,%rsi), %rax
	popq	%rbx
	popq	%rbp
	ret
.Lb_second:
	pushq	%r12
	movq	8(%rdi), %r12
	testq	%r12, %r12
	js	site_mismatch_saved_regs	# BUG: %r12 saved at CFA-24 instead
	leaq	(%r12,%rsi), %rax
	popq	%r12
	popq	%rbp
	ret
site_mismatch_saved_regs:
	call	abort
	.size	mismatch_saved_regs, .-mismatch_saved_regs
#endif

	.p2align 4
	.globl	mismatch_saved_regs_ok
	.type	mismatch_saved_regs_ok, @function
mismatch_saved_regs_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	testl	%edx, %edx
	jne	.Lg_second
	pushq	%rbx
	movq	(%rdi), %rbx
	testq	%rbx, %rbx
	js	.Lg_fail
	leaq	(%rbx,%rsi), %rax
	popq	%rbx
	popq	%rbp
	ret
.Lg_second:
	pushq	%rbx
	movq	8(%rdi), %rbx
	testq	%rbx, %rbx
	js	.Lg_fail
	leaq	(%rbx,%rsi), %rax
	popq	%rbx
	popq	%rbp
	ret
.Lg_fail:
	call	abort
	.size	mismatch_saved_regs_ok, .-mismatch_saved_regs_ok

	.section .note.GNU-stack,"",@progbits
