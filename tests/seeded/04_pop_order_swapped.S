/*
 * 04 - return-modified-frame: the epilogue pops in push order instead of
 * reverse order.  The stack pointer is back at the return address, but %rbx
 * and %r13 receive each other's saved values (callee-saved registers not
 * restored).
 *
 * void pop_order_swapped(long *dst, const long *src, long n, long k)
 *     dst[i] = src[i] * k
 */
# EXPECT stack return-modified-frame site_pop_order_swapped

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	pop_order_swapped
	.type	pop_order_swapped, @function
pop_order_swapped:
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movq	%rdx, %r13
	testq	%r13, %r13
	jle	.Lb_out
.Lb_loop:
	movq	(%r12), %rax
	imulq	%rcx, %rax
	movq	%rax, (%rbx)
	addq	$8, %r12
	addq	$8, %rbx
	decq	%r13
	jne	.Lb_loop
.Lb_out:
	popq	%rbx			# BUG: wrong order, should be r13, r12, rbx
	popq	%r12
	popq	%r13
site_pop_order_swapped:
	ret
	.size	pop_order_swapped, .-pop_order_swapped
#endif

	.p2align 4
	.globl	pop_order_swapped_ok
	.type	pop_order_swapped_ok, @function
pop_order_swapped_ok:
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movq	%rdx, %r13
	testq	%r13, %r13
	jle	.Lg_out
.Lg_loop:
	movq	(%r12), %rax
	imulq	%rcx, %rax
	movq	%rax, (%rbx)
	addq	$8, %r12
	addq	$8, %rbx
	decq	%r13
	jne	.Lg_loop
.Lg_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
	.size	pop_order_swapped_ok, .-pop_order_swapped_ok

	.section .note.GNU-stack,"",@progbits
