/*
 * 03 - return-modified-frame: an early-exit path returns straight away
 * instead of going through the shared epilogue, leaving %rbx and %r12 saved
 * on the stack.
 *
 * long early_ret_skips_pops(const long *v, long n)
 *     sum of v[0..n), or -1 as soon as a negative element is seen
 */
# EXPECT stack return-modified-frame site_early_ret_skips_pops

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	early_ret_skips_pops
	.type	early_ret_skips_pops, @function
early_ret_skips_pops:
	pushq	%r12
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rsi, %r12
	xorl	%eax, %eax
	testq	%r12, %r12
	jle	.Lb_done
.Lb_loop:
	movq	(%rbx), %rdx
	testq	%rdx, %rdx
	js	.Lb_neg
	addq	%rdx, %rax
	addq	$8, %rbx
	decq	%r12
	jne	.Lb_loop
.Lb_done:
	popq	%rbx
	popq	%r12
	ret
.Lb_neg:
	movq	$-1, %rax
site_early_ret_skips_pops:
	ret				# BUG: should jmp .Lb_done
	.size	early_ret_skips_pops, .-early_ret_skips_pops
#endif

	.p2align 4
	.globl	early_ret_skips_pops_ok
	.type	early_ret_skips_pops_ok, @function
early_ret_skips_pops_ok:
	pushq	%r12
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rsi, %r12
	xorl	%eax, %eax
	testq	%r12, %r12
	jle	.Lg_done
.Lg_loop:
	movq	(%rbx), %rdx
	testq	%rdx, %rdx
	js	.Lg_neg
	addq	%rdx, %rax
	addq	$8, %rbx
	decq	%r12
	jne	.Lg_loop
.Lg_done:
	popq	%rbx
	popq	%r12
	ret
.Lg_neg:
	movq	$-1, %rax
	jmp	.Lg_done
	.size	early_ret_skips_pops_ok, .-early_ret_skips_pops_ok

	.section .note.GNU-stack,"",@progbits
