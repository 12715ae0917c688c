/*
 * 49 - unresolved-indirect-jump: a computed jump into equal-sized blocks of code
 * (the shape of glibc's memmove-ssse3: `and $3; shl $4; add base; jmp *`), where
 * one block grew past its 16 bytes, so the jump for index 3 lands in the middle
 * of an instruction.  The twin keeps every block at 16 bytes: all four are
 * followed and none of the code is unreachable.
 *
 * long strided_block_size(long x, unsigned k)   x scaled by one of four ops
 */
# EXPECT stack unresolved-indirect-jump site_strided_block_size

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	strided_block_size
	.type	strided_block_size, @function
strided_block_size:
	movq	%rdi, %rax
	andl	$3, %esi
	shll	$4, %esi
	leaq	.Lb_blocks(%rip), %rdx
	addq	%rdx, %rsi
site_strided_block_size:
	jmp	*%rsi
	.p2align 4
.Lb_blocks:
	addq	%rax, %rax		# block 0: x * 2
	ret
	.p2align 4
	leaq	(%rax,%rax,2), %rax	# block 1: x * 3
	ret
	.p2align 4
	shlq	$2, %rax		# block 2: x * 4 * 0x123456789
	movabsq	$0x123456789, %rdx	# BUG: the block grew to 19 bytes: block 3's
	imulq	%rdx, %rax		# place is inside this imul
	ret
	.p2align 4
	negq	%rax			# block 3: -x (now 16 bytes too far)
	ret
	.size	strided_block_size, .-strided_block_size
#endif

	.p2align 4
	.globl	strided_block_size_ok
	.type	strided_block_size_ok, @function
strided_block_size_ok:
	movq	%rdi, %rax
	andl	$3, %esi
	shll	$4, %esi
	leaq	.Lg_blocks(%rip), %rdx
	addq	%rdx, %rsi
	jmp	*%rsi
	.p2align 4
.Lg_blocks:
	addq	%rax, %rax		# block 0: x * 2
	ret
	.p2align 4
	leaq	(%rax,%rax,2), %rax	# block 1: x * 3
	ret
	.p2align 4
	shlq	$2, %rax		# block 2: x * 4
	ret
	.p2align 4
	negq	%rax			# block 3: -x
	ret
	.size	strided_block_size_ok, .-strided_block_size_ok

	.section .note.GNU-stack,"",@progbits
