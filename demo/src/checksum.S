/*
 * fast_checksum: a "hand-optimised" routine, the kind that lives in many code bases.
 * It has two stack bugs that compilers never make, both invisible to tests:
 *  - it borrows %rbp as a loop register while calling a helper, so a frame-pointer
 *    unwinder (perf, a crash reporter) sampling in the helper loses the caller's frame;
 *  - its early-exit path returns without popping %rbx.
 */
	.text
	.p2align 4
	.type	mix, @function
mix:
	pushq	%rbp
	movq	%rsp, %rbp
	roll	$5, %eax
	xorl	%edi, %eax
	popq	%rbp
	ret
	.size	mix, .-mix

	.p2align 4
	.globl	fast_checksum
	.type	fast_checksum, @function
fast_checksum:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	xorl	%eax, %eax
	testq	%rsi, %rsi
	je	.Lempty
	movq	%rdi, %rbx
	movq	%rsi, %rbp		# BUG: the frame pointer becomes the loop counter
.Lloop:
	movzbl	(%rbx), %edi
	call	mix
	incq	%rbx
	decq	%rbp
	jne	.Lloop
	leaq	-8(%rsp), %rbp		# (restores the frame, but too late for the calls above)
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
.Lempty:
	addq	$8, %rsp		# BUG: %rbx is still on the stack
	popq	%rbp
	ret
	.size	fast_checksum, .-fast_checksum
	.section .note.GNU-stack,"",@progbits
