/*
 * 06 - return-modified-frame: callee-saved registers are saved with mov into
 * a stack slot (no push).  The empty-input path reloads %r12 but forgets
 * %rbx, which has already been overwritten.
 *
 * unsigned long mov_save_not_restored(const unsigned long *p, long n)
 *     xor/rotate hash of p[0..n)
 */
# EXPECT stack return-modified-frame site_mov_save_not_restored

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mov_save_not_restored
	.type	mov_save_not_restored, @function
mov_save_not_restored:
	subq	$24, %rsp
	movq	%rbx, 8(%rsp)
	movq	%r12, 16(%rsp)
	movq	%rdi, %rbx
	leaq	(%rdi,%rsi,8), %r12
	xorl	%eax, %eax
	cmpq	%r12, %rbx
	jae	.Lb_empty
.Lb_loop:
	xorq	(%rbx), %rax
	rolq	$13, %rax
	addq	$8, %rbx
	cmpq	%r12, %rbx
	jb	.Lb_loop
	movq	8(%rsp), %rbx
	movq	16(%rsp), %r12
	addq	$24, %rsp
	ret
.Lb_empty:
	movq	16(%rsp), %r12		# BUG: %rbx is not reloaded on this path
	addq	$24, %rsp
site_mov_save_not_restored:
	ret
	.size	mov_save_not_restored, .-mov_save_not_restored
#endif

	.p2align 4
	.globl	mov_save_not_restored_ok
	.type	mov_save_not_restored_ok, @function
mov_save_not_restored_ok:
	subq	$24, %rsp
	movq	%rbx, 8(%rsp)
	movq	%r12, 16(%rsp)
	movq	%rdi, %rbx
	leaq	(%rdi,%rsi,8), %r12
	xorl	%eax, %eax
	cmpq	%r12, %rbx
	jae	.Lg_empty
.Lg_loop:
	xorq	(%rbx), %rax
	rolq	$13, %rax
	addq	$8, %rbx
	cmpq	%r12, %rbx
	jb	.Lg_loop
	movq	8(%rsp), %rbx
	movq	16(%rsp), %r12
	addq	$24, %rsp
	ret
.Lg_empty:
	movq	8(%rsp), %rbx
	movq	16(%rsp), %r12
	addq	$24, %rsp
	ret
	.size	mov_save_not_restored_ok, .-mov_save_not_restored_ok

	.section .note.GNU-stack,"",@progbits
