/*
 * 05 - return-modified-frame in a function with a frame pointer: the miss
 * path unwinds its locals and %rbx but returns with the saved %rbp still on
 * the stack (and %rbp still pointing at this frame).
 *
 * long missing_pop_rbp(long *tab, long key, long dflt)
 *     value stored in the slot holding key, or dflt
 */
# EXPECT stack return-modified-frame site_missing_pop_rbp

	.text
/* long *find_slot(long *tab, long key): leaf helper, scans 16 slots */
	.p2align 4
	.globl	find_slot
	.type	find_slot, @function
find_slot:
	leaq	128(%rdi), %rdx
.Lfs_loop:
	cmpq	%rsi, (%rdi)
	je	.Lfs_hit
	addq	$8, %rdi
	cmpq	%rdx, %rdi
	jne	.Lfs_loop
	xorl	%eax, %eax
	ret
.Lfs_hit:
	movq	%rdi, %rax
	ret
	.size	find_slot, .-find_slot

#ifndef TWIN_ONLY
	.p2align 4
	.globl	missing_pop_rbp
	.type	missing_pop_rbp, @function
missing_pop_rbp:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdx, %rbx
	call	find_slot
	testq	%rax, %rax
	je	.Lb_miss
	movq	8(%rax), %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
.Lb_miss:
	movq	%rbx, %rax
	addq	$8, %rsp
	popq	%rbx
site_missing_pop_rbp:
	ret				# BUG: popq %rbp missing on this path
	.size	missing_pop_rbp, .-missing_pop_rbp
#endif

	.p2align 4
	.globl	missing_pop_rbp_ok
	.type	missing_pop_rbp_ok, @function
missing_pop_rbp_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdx, %rbx
	call	find_slot
	testq	%rax, %rax
	je	.Lg_miss
	movq	8(%rax), %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
.Lg_miss:
	movq	%rbx, %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
	.size	missing_pop_rbp_ok, .-missing_pop_rbp_ok

	.section .note.GNU-stack,"",@progbits
