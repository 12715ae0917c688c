/*
 * 18 - stack-mismatch in a function without a frame pointer: the divide-by-
 * zero check jumps to the exit(1) path before %rbx is pushed, the overflow
 * check after.  The join is reported at the movl that starts the failure
 * block.  In fp mode the frameless call to exit is also reported.  The twin
 * builds a frame (needed to be clean under the fp rules).
 *
 * long mismatch_frameless_exit(long a, long b)
 *     a / b, exits on b == 0 or LONG_MIN / -1
 */
# EXPECT stack stack-mismatch site_mismatch_frameless_exit
# EXPECT fp call-without-frame site_mismatch_frameless_exit_call

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mismatch_frameless_exit
	.type	mismatch_frameless_exit, @function
mismatch_frameless_exit:
	testq	%rsi, %rsi
	je	site_mismatch_frameless_exit	# reached at depth 0
	pushq	%rbx
	movq	%rsi, %rbx
	cmpq	$-1, %rbx
	jne	.Lb_div
	movabsq	$0x8000000000000000, %rax
	cmpq	%rax, %rdi
	je	site_mismatch_frameless_exit	# BUG: reached with %rbx pushed
.Lb_div:
	movq	%rdi, %rax
	cqto
	idivq	%rbx
	popq	%rbx
	ret
site_mismatch_frameless_exit:
	movl	$1, %edi
site_mismatch_frameless_exit_call:
	call	exit
	.size	mismatch_frameless_exit, .-mismatch_frameless_exit
#endif

	.p2align 4
	.globl	mismatch_frameless_exit_ok
	.type	mismatch_frameless_exit_ok, @function
mismatch_frameless_exit_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	testq	%rsi, %rsi
	je	.Lg_fail
	movq	%rsi, %rbx
	cmpq	$-1, %rbx
	jne	.Lg_div
	movabsq	$0x8000000000000000, %rax
	cmpq	%rax, %rdi
	je	.Lg_fail
.Lg_div:
	movq	%rdi, %rax
	cqto
	idivq	%rbx
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
.Lg_fail:
	movl	$1, %edi
	call	exit
	.size	mismatch_frameless_exit_ok, .-mismatch_frameless_exit_ok

	.section .note.GNU-stack,"",@progbits
