/*
 * 47 - unresolved-indirect-jump: a gcc -fPIE style jump table without a bound
 * check whose entries were written against the wrong table base (copied from
 * the twin below), so not one of them leads into this function.  A missing
 * bound alone is not reported (clang's switches over enums have none: the
 * table is followed up to its first entry that is not code of the function),
 * but a table none of whose entries is code of the function cannot be resolved.
 * Reported at the indirect jmp.  Only that warning is expected: the case blocks
 * are reachable at run time through a correct table, so they must not be
 * reported as unreachable.
 *
 * long jt_missing_bound(unsigned op, long a, long b)
 */
# EXPECT stack unresolved-indirect-jump site_jt_missing_bound

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_missing_bound
	.type	jt_missing_bound, @function
jt_missing_bound:
	leaq	.Lb_tab(%rip), %rcx	# no bound check: fine on its own
	movl	%edi, %edi
	movslq	(%rcx,%rdi,4), %rax
	addq	%rcx, %rax
site_jt_missing_bound:
	jmp	*%rax
	.section .rodata
	.p2align 2
.Lb_tab:
	.long	.Lg_c0-.Lb_tab		# BUG: entries point into the twin, not here
	.long	.Lg_c1-.Lb_tab
	.long	.Lg_c2-.Lb_tab
	.long	.Lg_c3-.Lb_tab
	.text
.Lb_c0:
	leaq	(%rsi,%rdx), %rax
	ret
.Lb_c1:
	movq	%rsi, %rax
	subq	%rdx, %rax
	ret
.Lb_c2:
	movq	%rsi, %rax
	andq	%rdx, %rax
	ret
.Lb_c3:
	movq	%rsi, %rax
	orq	%rdx, %rax
	ret
	.size	jt_missing_bound, .-jt_missing_bound
#endif

	.p2align 4
	.globl	jt_missing_bound_ok
	.type	jt_missing_bound_ok, @function
jt_missing_bound_ok:
	cmpl	$3, %edi
	ja	.Lg_def
	leaq	.Lg_tab(%rip), %rcx
	movl	%edi, %edi
	movslq	(%rcx,%rdi,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
	.section .rodata
	.p2align 2
.Lg_tab:
	.long	.Lg_c0-.Lg_tab
	.long	.Lg_c1-.Lg_tab
	.long	.Lg_c2-.Lg_tab
	.long	.Lg_c3-.Lg_tab
	.text
.Lg_c0:
	leaq	(%rsi,%rdx), %rax
	ret
.Lg_c1:
	movq	%rsi, %rax
	subq	%rdx, %rax
	ret
.Lg_c2:
	movq	%rsi, %rax
	andq	%rdx, %rax
	ret
.Lg_c3:
	movq	%rsi, %rax
	orq	%rdx, %rax
	ret
.Lg_def:
	xorl	%eax, %eax
	ret
	.size	jt_missing_bound_ok, .-jt_missing_bound_ok

	.section .note.GNU-stack,"",@progbits
