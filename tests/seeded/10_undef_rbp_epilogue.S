/*
 * 10 - undefined-stack: a frame-pointer style epilogue (movq %rbp, %rsp) in a
 * function that never set up a frame.  %rbp still holds the caller value, so
 * the stack pointer becomes unknown and the ret uses it.
 *
 * long undef_rbp_epilogue(const long *p)
 *     touches a 4 KiB probe area below the stack pointer, returns p[0] + p[1]
 */
# EXPECT stack undefined-stack site_undef_rbp_epilogue

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	undef_rbp_epilogue
	.type	undef_rbp_epilogue, @function
undef_rbp_epilogue:
	subq	$4096, %rsp
	orq	$0, (%rsp)
	movq	(%rdi), %rax
	addq	8(%rdi), %rax
	movq	%rax, 8(%rsp)
	movq	8(%rsp), %rax
	movq	%rbp, %rsp		# BUG: there is no frame; meant addq $4096, %rsp
site_undef_rbp_epilogue:
	ret
	.size	undef_rbp_epilogue, .-undef_rbp_epilogue
#endif

	.p2align 4
	.globl	undef_rbp_epilogue_ok
	.type	undef_rbp_epilogue_ok, @function
undef_rbp_epilogue_ok:
	subq	$4096, %rsp
	orq	$0, (%rsp)
	movq	(%rdi), %rax
	addq	8(%rdi), %rax
	movq	%rax, 8(%rsp)
	movq	8(%rsp), %rax
	addq	$4096, %rsp
	ret
	.size	undef_rbp_epilogue_ok, .-undef_rbp_epilogue_ok

	.section .note.GNU-stack,"",@progbits
