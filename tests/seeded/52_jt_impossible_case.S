/*
 * 52 - unresolved-indirect-jump: a PC-relative jump table one of whose entries points into
 * the middle of the next function (an entry written against the wrong label): the table is
 * not this function's alone, so it is reported and not followed.
 * The twin is the shape of clang's switch with a case it knows cannot happen
 * (llvm_unreachable in libLLVM's ConstantRange::intrinsic): that entry points at the
 * label of an empty block after the final ret, in the padding before the next function.
 * Nothing is there to run: the case is impossible, not a tail call and not a defect.
 *
 * int jt_impossible_case(unsigned op, int x)   x + 1, x - 1, x * 2; op 3 never happens
 */
# EXPECT stack unresolved-indirect-jump site_jt_impossible_case

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_impossible_case
	.type	jt_impossible_case, @function
jt_impossible_case:
	movl	%edi, %eax
	cmpl	$3, %edi
	ja	.Lb_def
	leaq	.Lb_tab(%rip), %rcx
	movslq	(%rcx,%rax,4), %rax
	addq	%rcx, %rax
site_jt_impossible_case:
	jmp	*%rax
.Lb_c0:
	leal	1(%rsi), %eax
	ret
.Lb_c1:
	leal	-1(%rsi), %eax
	ret
.Lb_c2:
	leal	(%rsi,%rsi), %eax
	ret
.Lb_def:
	xorl	%eax, %eax
	ret
	.size	jt_impossible_case, .-jt_impossible_case
	.section .rodata
	.p2align 2
.Lb_tab:
	.long	.Lb_c0-.Lb_tab
	.long	.Lb_c1-.Lb_tab
	.long	.Lb_c2-.Lb_tab
	.long	jt_mid_helper-.Lb_tab	# BUG: the middle of another function
	.text

	.p2align 4
	.type	jt_helper, @function
jt_helper:
	movl	%edi, %eax
jt_mid_helper:
	addl	$3, %eax
	ret
	.size	jt_helper, .-jt_helper
#endif

	.p2align 4
	.globl	jt_impossible_case_ok
	.type	jt_impossible_case_ok, @function
jt_impossible_case_ok:
	movl	%edi, %eax
	cmpl	$3, %edi
	ja	.Lg_def
	leaq	.Lg_tab(%rip), %rcx
	movslq	(%rcx,%rax,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
.Lg_c0:
	leal	1(%rsi), %eax
	ret
.Lg_c1:
	leal	-1(%rsi), %eax
	ret
.Lg_c2:
	leal	(%rsi,%rsi), %eax
	ret
.Lg_def:
	xorl	%eax, %eax
	ret
.Lg_unreachable:			# clang: the impossible case, an empty block
	.size	jt_impossible_case_ok, .-jt_impossible_case_ok
	.section .rodata
	.p2align 2
.Lg_tab:
	.long	.Lg_c0-.Lg_tab
	.long	.Lg_c1-.Lg_tab
	.long	.Lg_c2-.Lg_tab
	.long	.Lg_unreachable-.Lg_tab
	.text

	.p2align 4
	.globl	jt_next_function
	.type	jt_next_function, @function
jt_next_function:
	leal	7(%rdi), %eax
	ret
	.size	jt_next_function, .-jt_next_function

	.section .note.GNU-stack,"",@progbits
