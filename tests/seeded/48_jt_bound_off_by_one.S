/*
 * 48 - unresolved-indirect-jump: absolute 8-byte jump table with an off-by-one
 * bound check (ja after cmpl $4 for a 4-entry table), so index 4 reads the
 * word after the table, which is not an entry of this function.  Reported at
 * the indirect jmp (where the table is used), not at the cmpl.  Only that
 * warning is expected (the cases are reachable at run time, so they must not
 * be reported as unreachable).
 *
 * int jt_bound_off_by_one(unsigned k, int x)   x * (k + 2) for k <= 3, else 0
 */
# EXPECT stack unresolved-indirect-jump site_jt_bound_off_by_one

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_bound_off_by_one
	.type	jt_bound_off_by_one, @function
jt_bound_off_by_one:
	cmpl	$4, %edi		# BUG: the table has 4 entries, must be $3
	ja	.Lb_def
	movl	%edi, %edi
site_jt_bound_off_by_one:
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
	leal	(%rsi,%rsi), %eax
	ret
.Lb_c1:
	leal	(%rsi,%rsi,2), %eax
	ret
.Lb_c2:
	leal	0(,%rsi,4), %eax
	ret
.Lb_c3:
	leal	(%rsi,%rsi,4), %eax
	ret
.Lb_def:
	xorl	%eax, %eax
	ret
	.size	jt_bound_off_by_one, .-jt_bound_off_by_one
#endif

	.p2align 4
	.globl	jt_bound_off_by_one_ok
	.type	jt_bound_off_by_one_ok, @function
jt_bound_off_by_one_ok:
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
	.size	jt_bound_off_by_one_ok, .-jt_bound_off_by_one_ok

	.section .note.GNU-stack,"",@progbits
