/*
 * 31 - call-without-frame (fp rules): a non-leaf function that saves the
 * registers it needs but never sets up push %rbp / movq %rsp, %rbp.  Each of
 * its two calls is reported.  Balanced, so clean under the stack rules.
 *
 * unsigned long call_noframe(const char *a, const char *b)
 *     strlen(a) + strlen(b)
 */
# EXPECT fp call-without-frame site_call_noframe_1
# EXPECT fp call-without-frame site_call_noframe_2

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	call_noframe
	.type	call_noframe, @function
call_noframe:
	pushq	%r12
	pushq	%rbx
	subq	$8, %rsp
	movq	%rsi, %r12
site_call_noframe_1:
	call	strlen			# BUG: no frame
	movq	%rax, %rbx
	movq	%r12, %rdi
site_call_noframe_2:
	call	strlen			# BUG: no frame
	addq	%rbx, %rax
	addq	$8, %rsp
	popq	%rbx
	popq	%r12
	ret
	.size	call_noframe, .-call_noframe
#endif

	.p2align 4
	.globl	call_noframe_ok
	.type	call_noframe_ok, @function
call_noframe_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%r12
	pushq	%rbx
	movq	%rsi, %r12
	call	strlen
	movq	%rax, %rbx
	movq	%r12, %rdi
	call	strlen
	addq	%rbx, %rax
	popq	%rbx
	popq	%r12
	popq	%rbp
	ret
	.size	call_noframe_ok, .-call_noframe_ok

	.section .note.GNU-stack,"",@progbits
