/*
 * 21 - stack-mismatch reached from a non-first case of a PC-relative jump
 * table: case 2 pushes %rbx and, on a NULL pointer, branches to the shared
 * abort path that the bound check also uses.  Reported at the join (the call).
 *
 * long mismatch_jt_case(unsigned op, long **p)
 *     op 0: *p[0]   op 1: -*p[1]   op 2: **p[2] (checked)   op 3: *p[3]
 *     aborts on op > 3 or a NULL p[2]
 */
# EXPECT stack stack-mismatch site_mismatch_jt_case

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mismatch_jt_case
	.type	mismatch_jt_case, @function
mismatch_jt_case:
	pushq	%rbp
	movq	%rsp, %rbp
	cmpl	$3, %edi
	ja	site_mismatch_jt_case
	leaq	.Lb_tab(%rip), %rdx
	movl	%edi, %edi
	movslq	(%rdx,%rdi,4), %rax
	addq	%rdx, %rax
	jmp	*%rax
	.section .rodata
	.p2align 2
.Lb_tab:
	.long	.Lb_c0-.Lb_tab
	.long	.Lb_c1-.Lb_tab
	.long	.Lb_c2-.Lb_tab
	.long	.Lb_c3-.Lb_tab
	.text
.Lb_c0:
	movq	(%rsi), %rax
	movq	(%rax), %rax
	popq	%rbp
	ret
.Lb_c1:
	movq	8(%rsi), %rax
	movq	(%rax), %rax
	negq	%rax
	popq	%rbp
	ret
.Lb_c2:
	pushq	%rbx
	movq	16(%rsi), %rbx
	testq	%rbx, %rbx
	je	site_mismatch_jt_case		# BUG: %rbx still pushed
	movq	(%rbx), %rax
	popq	%rbx
	popq	%rbp
	ret
.Lb_c3:
	movq	24(%rsi), %rax
	movq	(%rax), %rax
	popq	%rbp
	ret
site_mismatch_jt_case:
	call	abort
	.size	mismatch_jt_case, .-mismatch_jt_case
#endif

	.p2align 4
	.globl	mismatch_jt_case_ok
	.type	mismatch_jt_case_ok, @function
mismatch_jt_case_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	cmpl	$3, %edi
	ja	.Lg_fail
	leaq	.Lg_tab(%rip), %rdx
	movl	%edi, %edi
	movslq	(%rdx,%rdi,4), %rax
	addq	%rdx, %rax
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
	movq	(%rsi), %rax
	movq	(%rax), %rax
	popq	%rbp
	ret
.Lg_c1:
	movq	8(%rsi), %rax
	movq	(%rax), %rax
	negq	%rax
	popq	%rbp
	ret
.Lg_c2:
	movq	16(%rsi), %rax
	testq	%rax, %rax
	je	.Lg_fail
	movq	(%rax), %rax
	popq	%rbp
	ret
.Lg_c3:
	movq	24(%rsi), %rax
	movq	(%rax), %rax
	popq	%rbp
	ret
.Lg_fail:
	call	abort
	.size	mismatch_jt_case_ok, .-mismatch_jt_case_ok

	.section .note.GNU-stack,"",@progbits
