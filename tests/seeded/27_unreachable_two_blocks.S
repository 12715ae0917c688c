/*
 * 27 - unreachable, twice in one function: a stale block right after an
 * unconditional jmp that nothing branches to, and a second stale block
 * after the final ret.  Each contiguous dead block is reported once, at its
 * first instruction.  The twin has the same shape gcc produces: multi-byte
 * nop padding after the jmp (aligning the loop) and an int3 after the ret
 * (straight-line-speculation padding); padding must not be reported.
 *
 * long unreachable_two_blocks(const long *v, long n)   max of v, LONG_MIN if empty
 */
# EXPECT stack unreachable site_unreachable_two_blocks_1
# EXPECT stack unreachable site_unreachable_two_blocks_2

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	unreachable_two_blocks
	.type	unreachable_two_blocks, @function
unreachable_two_blocks:
	movabsq	$0x8000000000000000, %rax
	testq	%rsi, %rsi
	jle	.Lb_out
	xorl	%ecx, %ecx
	jmp	.Lb_loop
site_unreachable_two_blocks_1:
	movq	$-1, %rax		# BUG: stale code, no branch comes here
	jmp	.Lb_out
.Lb_loop:
	movq	(%rdi,%rcx,8), %rdx
	cmpq	%rdx, %rax
	cmovlq	%rdx, %rax
	incq	%rcx
	cmpq	%rsi, %rcx
	jl	.Lb_loop
.Lb_out:
	ret
site_unreachable_two_blocks_2:
	xorl	%eax, %eax		# BUG: stale code after the final ret
	ret
	.size	unreachable_two_blocks, .-unreachable_two_blocks
#endif

	.p2align 4
	.globl	unreachable_two_blocks_ok
	.type	unreachable_two_blocks_ok, @function
unreachable_two_blocks_ok:
	movabsq	$0x8000000000000000, %rax
	testq	%rsi, %rsi
	jle	.Lg_out
	xorl	%ecx, %ecx
	jmp	.Lg_loop
	.p2align 4,,10
	.p2align 3
.Lg_loop:
	movq	(%rdi,%rcx,8), %rdx
	cmpq	%rdx, %rax
	cmovlq	%rdx, %rax
	incq	%rcx
	cmpq	%rsi, %rcx
	jl	.Lg_loop
.Lg_out:
	ret
	int3
	.size	unreachable_two_blocks_ok, .-unreachable_two_blocks_ok

	.section .note.GNU-stack,"",@progbits
