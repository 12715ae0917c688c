/*
 * 01 - return-modified-frame inside a non-first case of a PC-relative jump table.
 *
 * gcc -fPIE style switch: bound check, lea of the table, movslq of the 32-bit
 * table-relative entry, add of the base, jmp *%rax.  Case 3 needs an extra
 * register, saves %rbx and returns without restoring it.
 *
 * long jt_pic_case3(unsigned op, long a, long b)
 */
# EXPECT stack return-modified-frame site_jt_pic_case3

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_pic_case3
	.type	jt_pic_case3, @function
jt_pic_case3:
	cmpl	$4, %edi
	ja	.Lb_def
	leaq	.Lb_tab(%rip), %rcx
	movl	%edi, %edi
	movslq	(%rcx,%rdi,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
	.section .rodata
	.p2align 2
.Lb_tab:
	.long	.Lb_c0-.Lb_tab
	.long	.Lb_c1-.Lb_tab
	.long	.Lb_c2-.Lb_tab
	.long	.Lb_c3-.Lb_tab
	.long	.Lb_c4-.Lb_tab
	.text
	.p2align 4,,10
	.p2align 3
.Lb_c0:
	leaq	(%rsi,%rdx), %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lb_c1:
	movq	%rsi, %rax
	subq	%rdx, %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lb_c2:
	movq	%rsi, %rax
	imulq	%rdx, %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lb_c3:					# a*a + b*b
	pushq	%rbx
	movq	%rsi, %rbx
	imulq	%rsi, %rbx
	movq	%rdx, %rax
	imulq	%rdx, %rax
	addq	%rbx, %rax
site_jt_pic_case3:
	ret				# BUG: %rbx is still on the stack
	.p2align 4,,10
	.p2align 3
.Lb_c4:
	movq	%rsi, %rax
	xorq	%rdx, %rax
	ret
.Lb_def:
	xorl	%eax, %eax
	ret
	.size	jt_pic_case3, .-jt_pic_case3
#endif

	.p2align 4
	.globl	jt_pic_case3_ok
	.type	jt_pic_case3_ok, @function
jt_pic_case3_ok:
	cmpl	$4, %edi
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
	.long	.Lg_c4-.Lg_tab
	.text
	.p2align 4,,10
	.p2align 3
.Lg_c0:
	leaq	(%rsi,%rdx), %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lg_c1:
	movq	%rsi, %rax
	subq	%rdx, %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lg_c2:
	movq	%rsi, %rax
	imulq	%rdx, %rax
	ret
	.p2align 4,,10
	.p2align 3
.Lg_c3:
	pushq	%rbx
	movq	%rsi, %rbx
	imulq	%rsi, %rbx
	movq	%rdx, %rax
	imulq	%rdx, %rax
	addq	%rbx, %rax
	popq	%rbx
	ret
	.p2align 4,,10
	.p2align 3
.Lg_c4:
	movq	%rsi, %rax
	xorq	%rdx, %rax
	ret
.Lg_def:
	xorl	%eax, %eax
	ret
	.size	jt_pic_case3_ok, .-jt_pic_case3_ok

	.section .note.GNU-stack,"",@progbits
