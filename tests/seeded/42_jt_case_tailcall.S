/*
 * 42 - sibling-call-modified-frame inside a non-first case of an absolute jump
 * table: case 2 spills through a 24-byte scratch area and tail-calls op_slow
 * without releasing it.
 *
 * long jt_case_tailcall(unsigned op, long a)
 *     op 0: a   op 1: a + 1   op 2: op_slow(~a)   op 3: -a   else 0
 */
# EXPECT stack sibling-call-modified-frame site_jt_case_tailcall

	.text
/* long op_slow(long a): leaf helper */
	.p2align 4
	.globl	op_slow
	.type	op_slow, @function
op_slow:
	movq	%rdi, %rax
	sarq	$3, %rax
	xorq	%rdi, %rax
	ret
	.size	op_slow, .-op_slow

#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_case_tailcall
	.type	jt_case_tailcall, @function
jt_case_tailcall:
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
	movq	%rsi, %rax
	ret
.Lb_c1:
	leaq	1(%rsi), %rax
	ret
.Lb_c2:
	subq	$24, %rsp
	movq	%rsi, 8(%rsp)
	movq	8(%rsp), %rdi
	notq	%rdi
site_jt_case_tailcall:
	jmp	op_slow			# BUG: scratch area still allocated
.Lb_c3:
	movq	%rsi, %rax
	negq	%rax
	ret
.Lb_def:
	xorl	%eax, %eax
	ret
	.size	jt_case_tailcall, .-jt_case_tailcall
#endif

	.p2align 4
	.globl	jt_case_tailcall_ok
	.type	jt_case_tailcall_ok, @function
jt_case_tailcall_ok:
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
	movq	%rsi, %rax
	ret
.Lg_c1:
	leaq	1(%rsi), %rax
	ret
.Lg_c2:
	subq	$24, %rsp
	movq	%rsi, 8(%rsp)
	movq	8(%rsp), %rdi
	notq	%rdi
	addq	$24, %rsp
	jmp	op_slow
.Lg_c3:
	movq	%rsi, %rax
	negq	%rax
	ret
.Lg_def:
	xorl	%eax, %eax
	ret
	.size	jt_case_tailcall_ok, .-jt_case_tailcall_ok

	.section .note.GNU-stack,"",@progbits
