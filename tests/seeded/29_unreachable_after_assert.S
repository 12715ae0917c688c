/*
 * 29 - unreachable: a defensive fallback placed after __assert_fail(), which
 * never returns.  The twin ends the failure path with a ud2 trap after the
 * call instead; that ud2 is padding and must not be reported.
 *
 * int unreachable_after_assert(const int *v, unsigned i, unsigned n)
 *     v[i], asserting i < n
 */
# EXPECT stack unreachable site_unreachable_after_assert

	.section .rodata.str1.1,"aMS",@progbits,1
.Lexpr:
	.string	"i < n"
.Lfile:
	.string	"vec.c"
	.section .rodata
.Lfunc:
	.string	"vec_get"

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	unreachable_after_assert
	.type	unreachable_after_assert, @function
unreachable_after_assert:
	pushq	%rbp
	movq	%rsp, %rbp
	cmpl	%edx, %esi
	jae	.Lb_fail
	movl	%esi, %esi
	movl	(%rdi,%rsi,4), %eax
	popq	%rbp
	ret
.Lb_fail:
	leaq	.Lfunc(%rip), %rcx
	movl	$42, %edx
	leaq	.Lfile(%rip), %rsi
	leaq	.Lexpr(%rip), %rdi
	call	__assert_fail
site_unreachable_after_assert:
	movl	$-1, %eax		# BUG: __assert_fail does not return
	popq	%rbp
	ret
	.size	unreachable_after_assert, .-unreachable_after_assert
#endif

	.p2align 4
	.globl	unreachable_after_assert_ok
	.type	unreachable_after_assert_ok, @function
unreachable_after_assert_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	cmpl	%edx, %esi
	jae	.Lg_fail
	movl	%esi, %esi
	movl	(%rdi,%rsi,4), %eax
	popq	%rbp
	ret
.Lg_fail:
	leaq	.Lfunc(%rip), %rcx
	movl	$42, %edx
	leaq	.Lfile(%rip), %rsi
	leaq	.Lexpr(%rip), %rdi
	call	__assert_fail
	ud2
	.size	unreachable_after_assert_ok, .-unreachable_after_assert_ok

	.section .note.GNU-stack,"",@progbits
