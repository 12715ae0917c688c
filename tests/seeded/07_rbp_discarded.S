/*
 * 07 - return-modified-frame: the epilogue restores %rsp from the frame
 * pointer but then discards the saved %rbp with addq instead of popping it.
 * The stack pointer is right at the return address, yet %rbp still points
 * into the dead frame (callee-saved %rbp not restored).
 *
 * long rbp_discarded(long x)   = triple(x) + triple(~x)
 */
# EXPECT stack return-modified-frame site_rbp_discarded

	.text
/* long triple(long x): leaf helper */
	.p2align 4
	.globl	triple
	.type	triple, @function
triple:
	leaq	(%rdi,%rdi,2), %rax
	ret
	.size	triple, .-triple

#ifndef TWIN_ONLY
	.p2align 4
	.globl	rbp_discarded
	.type	rbp_discarded, @function
rbp_discarded:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movq	%rdi, -8(%rbp)
	call	triple
	movq	%rax, -16(%rbp)
	movq	-8(%rbp), %rdi
	notq	%rdi
	call	triple
	addq	-16(%rbp), %rax
	movq	%rbp, %rsp
	addq	$8, %rsp		# BUG: drops the saved %rbp instead of popping it
site_rbp_discarded:
	ret
	.size	rbp_discarded, .-rbp_discarded
#endif

	.p2align 4
	.globl	rbp_discarded_ok
	.type	rbp_discarded_ok, @function
rbp_discarded_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movq	%rdi, -8(%rbp)
	call	triple
	movq	%rax, -16(%rbp)
	movq	-8(%rbp), %rdi
	notq	%rdi
	call	triple
	addq	-16(%rbp), %rax
	movq	%rbp, %rsp
	popq	%rbp
	ret
	.size	rbp_discarded_ok, .-rbp_discarded_ok

	.section .note.GNU-stack,"",@progbits
