/*
 * 12 - unsupported-stack-op: atomic exchange with memory using the wrong
 * register (xchgq %rsp, 8(%rdi) instead of xchgq %rax, 8(%rdi)); the stack
 * pointer is swapped with a heap word.  Only the xchg is expected to be
 * reported.
 *
 * long xchg_mem_typo(struct slot *s, long v)
 *     s->uses++ (locked), installs v in s->val, returns the old s->val;
 *     returns -1 for a NULL slot
 */
# EXPECT stack unsupported-stack-op site_xchg_mem_typo

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	xchg_mem_typo
	.type	xchg_mem_typo, @function
xchg_mem_typo:
	testq	%rdi, %rdi
	je	.Lb_null
	lock incq	16(%rdi)
	movq	%rsi, %rax
site_xchg_mem_typo:
	xchgq	%rsp, 8(%rdi)		# BUG: meant %rax
	ret
.Lb_null:
	movq	$-1, %rax
	ret
	.size	xchg_mem_typo, .-xchg_mem_typo
#endif

	.p2align 4
	.globl	xchg_mem_typo_ok
	.type	xchg_mem_typo_ok, @function
xchg_mem_typo_ok:
	testq	%rdi, %rdi
	je	.Lg_null
	lock incq	16(%rdi)
	movq	%rsi, %rax
	xchgq	%rax, 8(%rdi)
	ret
.Lg_null:
	movq	$-1, %rax
	ret
	.size	xchg_mem_typo_ok, .-xchg_mem_typo_ok

	.section .note.GNU-stack,"",@progbits
