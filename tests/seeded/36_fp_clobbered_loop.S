/*
 * 36 - fp-clobbered (fp rules): %rbp becomes the loop counter of a loop that
 * calls a callback.  Only the first overwrite (xorl %ebp, %ebp) is reported;
 * the increments and the calls in the loop are not.  Epilogue with pops, so
 * clean under the stack rules.  The twin counts in %r13.
 *
 * long fp_clobbered_loop(long n, void (*step)(long))
 *     step(0) .. step(n-1), returns n
 */
# EXPECT fp fp-clobbered site_fp_clobbered_loop

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	fp_clobbered_loop
	.type	fp_clobbered_loop, @function
fp_clobbered_loop:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r12
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rsi, %r12
site_fp_clobbered_loop:
	xorl	%ebp, %ebp		# BUG: %rbp used as the counter
	testq	%rbx, %rbx
	jle	.Lb_done
.Lb_loop:
	movq	%rbp, %rdi
	call	*%r12
	incq	%rbp
	cmpq	%rbx, %rbp
	jne	.Lb_loop
.Lb_done:
	movq	%rbx, %rax
	popq	%rbx
	popq	%r12
	popq	%rbp
	ret
	.size	fp_clobbered_loop, .-fp_clobbered_loop
#endif

	.p2align 4
	.globl	fp_clobbered_loop_ok
	.type	fp_clobbered_loop_ok, @function
fp_clobbered_loop_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r13
	pushq	%r12
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	%rsi, %r12
	xorl	%r13d, %r13d
	testq	%rbx, %rbx
	jle	.Lg_done
.Lg_loop:
	movq	%r13, %rdi
	call	*%r12
	incq	%r13
	cmpq	%rbx, %r13
	jne	.Lg_loop
.Lg_done:
	movq	%rbx, %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%r12
	popq	%r13
	popq	%rbp
	ret
	.size	fp_clobbered_loop_ok, .-fp_clobbered_loop_ok

	.section .note.GNU-stack,"",@progbits
