/*
 * 02 - return-modified-frame inside a non-first case of an absolute 8-byte
 * jump table (non-PIC: jmp *.Ltab(,%rdi,8), .quad entries).
 *
 * The function keeps a 24-byte scratch area; case 2 releases only 16 bytes
 * of it before returning.
 *
 * int jt_abs_case2(unsigned kind, const unsigned char *s)
 */
# EXPECT stack return-modified-frame site_jt_abs_case2

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_abs_case2
	.type	jt_abs_case2, @function
jt_abs_case2:
	subq	$24, %rsp
	cmpl	$3, %edi
	ja	.Lb_def
	movl	%edi, %edi
	jmp	*.Lb_tab(,%rdi,8)
	.section .rodata
	.p2align 3
.Lb_tab:
	.quad	.Lb_c0
	.quad	.Lb_c1
	.quad	.Lb_c2
	.quad	.Lb_c3
	.text
.Lb_c0:
	movzbl	(%rsi), %eax
	addq	$24, %rsp
	ret
.Lb_c1:
	movzwl	(%rsi), %eax
	addq	$24, %rsp
	ret
.Lb_c2:					# copy 16 bytes out, mix two of them
	movq	(%rsi), %rax
	movq	%rax, (%rsp)
	movq	8(%rsi), %rax
	movq	%rax, 8(%rsp)
	movzbl	3(%rsp), %eax
	xorb	12(%rsp), %al
	addq	$16, %rsp		# BUG: the scratch area is 24 bytes
site_jt_abs_case2:
	ret
.Lb_c3:
	movl	$-1, %eax
	addq	$24, %rsp
	ret
.Lb_def:
	xorl	%eax, %eax
	addq	$24, %rsp
	ret
	.size	jt_abs_case2, .-jt_abs_case2
#endif

	.p2align 4
	.globl	jt_abs_case2_ok
	.type	jt_abs_case2_ok, @function
jt_abs_case2_ok:
	subq	$24, %rsp
	cmpl	$3, %edi
	ja	.Lg_def
	movl	%edi, %edi
	jmp	*.Lg_tab(,%rdi,8)
	.section .rodata
	.p2align 3
.Lg_tab:
	.quad	.Lg_c0
	.quad	.Lg_c1
	.quad	.Lg_c2
	.quad	.Lg_c3
	.text
.Lg_c0:
	movzbl	(%rsi), %eax
	addq	$24, %rsp
	ret
.Lg_c1:
	movzwl	(%rsi), %eax
	addq	$24, %rsp
	ret
.Lg_c2:
	movq	(%rsi), %rax
	movq	%rax, (%rsp)
	movq	8(%rsi), %rax
	movq	%rax, 8(%rsp)
	movzbl	3(%rsp), %eax
	xorb	12(%rsp), %al
	addq	$24, %rsp
	ret
.Lg_c3:
	movl	$-1, %eax
	addq	$24, %rsp
	ret
.Lg_def:
	xorl	%eax, %eax
	addq	$24, %rsp
	ret
	.size	jt_abs_case2_ok, .-jt_abs_case2_ok

	.section .note.GNU-stack,"",@progbits
