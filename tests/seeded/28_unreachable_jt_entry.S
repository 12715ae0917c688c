/*
 * 28 - unreachable case of an absolute jump table: a copy-and-paste slip makes
 * entry 2 point at case 1, so the code for case 2 (a non-first case) can
 * never run.  Reported at the first instruction of case 2.
 *
 * int unreachable_jt_entry(unsigned k, int x)   x * (k + 2) for k <= 3, else 0
 */
# EXPECT stack unreachable site_unreachable_jt_entry

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	unreachable_jt_entry
	.type	unreachable_jt_entry, @function
unreachable_jt_entry:
	cmpl	$3, %edi
	ja	.Lb_def
	movl	%edi, %edi
	jmp	*.Lb_tab(,%rdi,8)
	.section .rodata
	.p2align 3
.Lb_tab:
	.quad	.Lb_c0
	.quad	.Lb_c1
	.quad	.Lb_c1			# BUG: should be .Lb_c2
	.quad	.Lb_c3
	.text
.Lb_c0:
	leal	(%rsi,%rsi), %eax
	ret
.Lb_c1:
	leal	(%rsi,%rsi,2), %eax
	ret
site_unreachable_jt_entry:
	leal	0(,%rsi,4), %eax
	ret
.Lb_c3:
	leal	(%rsi,%rsi,4), %eax
	ret
.Lb_def:
	xorl	%eax, %eax
	ret
	.size	unreachable_jt_entry, .-unreachable_jt_entry
#endif

	.p2align 4
	.globl	unreachable_jt_entry_ok
	.type	unreachable_jt_entry_ok, @function
unreachable_jt_entry_ok:
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
	leal	(%rsi,%rsi), %eax
	ret
.Lg_c1:
	leal	(%rsi,%rsi,2), %eax
	ret
.Lg_c2:
	leal	0(,%rsi,4), %eax
	ret
.Lg_c3:
	leal	(%rsi,%rsi,4), %eax
	ret
.Lg_def:
	xorl	%eax, %eax
	ret
	.size	unreachable_jt_entry_ok, .-unreachable_jt_entry_ok

	.section .note.GNU-stack,"",@progbits
