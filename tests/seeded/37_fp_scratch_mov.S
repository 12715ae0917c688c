/*
 * 37 - fp-scratch (fp rules): a leaf that builds no frame saves %rbp and then
 * uses it as an ordinary pointer register (push %rbp; movq %rdi, %rbp).
 * Saved and restored, so clean under the stack rules.  The twin needs no
 * callee-saved registers at all.
 *
 * long fp_scratch_mov(const long *a, const long *b)   3-element dot product
 */
# EXPECT fp fp-scratch site_fp_scratch_mov

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	fp_scratch_mov
	.type	fp_scratch_mov, @function
fp_scratch_mov:
	pushq	%rbp
	pushq	%rbx
site_fp_scratch_mov:
	movq	%rdi, %rbp		# BUG: %rbp used as a general register
	movq	%rsi, %rbx
	movq	(%rbp), %rax
	imulq	(%rbx), %rax
	movq	8(%rbp), %rdx
	imulq	8(%rbx), %rdx
	addq	%rdx, %rax
	movq	16(%rbp), %rdx
	imulq	16(%rbx), %rdx
	addq	%rdx, %rax
	popq	%rbx
	popq	%rbp
	ret
	.size	fp_scratch_mov, .-fp_scratch_mov
#endif

	.p2align 4
	.globl	fp_scratch_mov_ok
	.type	fp_scratch_mov_ok, @function
fp_scratch_mov_ok:
	movq	(%rdi), %rax
	imulq	(%rsi), %rax
	movq	8(%rdi), %rdx
	imulq	8(%rsi), %rdx
	addq	%rdx, %rax
	movq	16(%rdi), %rdx
	imulq	16(%rsi), %rdx
	addq	%rdx, %rax
	ret
	.size	fp_scratch_mov_ok, .-fp_scratch_mov_ok

	.section .note.GNU-stack,"",@progbits
