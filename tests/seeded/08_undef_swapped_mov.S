/*
 * 08 - undefined-stack: AT&T operand order mistake.  The author meant to copy
 * the stack pointer into %rax (movq %rsp, %rax) but wrote the reverse, so
 * %rsp now holds an untracked value; the ret that follows uses the stack.
 *
 * unsigned long undef_swapped_mov(unsigned long limit)
 *     bytes between limit and the current stack pointer, 0 if below
 */
# EXPECT stack undefined-stack site_undef_swapped_mov

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	undef_swapped_mov
	.type	undef_swapped_mov, @function
undef_swapped_mov:
	movq	%rax, %rsp		# BUG: operands swapped
	subq	%rdi, %rax
	movl	$0, %edx
	cmovbq	%rdx, %rax
site_undef_swapped_mov:
	ret
	.size	undef_swapped_mov, .-undef_swapped_mov
#endif

	.p2align 4
	.globl	undef_swapped_mov_ok
	.type	undef_swapped_mov_ok, @function
undef_swapped_mov_ok:
	movq	%rsp, %rax
	subq	%rdi, %rax
	movl	$0, %edx
	cmovbq	%rdx, %rax
	ret
	.size	undef_swapped_mov_ok, .-undef_swapped_mov_ok

	.section .note.GNU-stack,"",@progbits
