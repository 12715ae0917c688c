/*
 * 17 - stack-mismatch at a join: two error branches reach the shared abort
 * path, one before and one after %rbx was pushed.  Reported at the first
 * instruction of the join target (the call, since the failure block is just
 * the call).  The block after the join never returns, so whichever state is
 * kept there causes no follow-on warning.
 *
 * int mismatch_framed_abort(const unsigned char *p, unsigned long n)
 *     parses a 4-byte header, returns its payload length, aborts if malformed
 */
# EXPECT stack stack-mismatch site_mismatch_framed_abort

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	mismatch_framed_abort
	.type	mismatch_framed_abort, @function
mismatch_framed_abort:
	pushq	%rbp
	movq	%rsp, %rbp
	cmpq	$4, %rsi
	jb	site_mismatch_framed_abort	# reached with %rbx not saved
	pushq	%rbx
	movzbl	(%rdi), %ebx
	cmpb	$0x7f, %bl
	jne	site_mismatch_framed_abort	# BUG: reached with %rbx saved
	movzbl	1(%rdi), %eax
	andl	$15, %eax
	movzwl	2(%rdi), %edx
	rolw	$8, %dx
	addl	%edx, %eax
	addl	%ebx, %eax
	popq	%rbx
	popq	%rbp
	ret
site_mismatch_framed_abort:
	call	abort
	.size	mismatch_framed_abort, .-mismatch_framed_abort
#endif

	.p2align 4
	.globl	mismatch_framed_abort_ok
	.type	mismatch_framed_abort_ok, @function
mismatch_framed_abort_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	cmpq	$4, %rsi
	jb	.Lg_fail
	movzbl	(%rdi), %ebx
	cmpb	$0x7f, %bl
	jne	.Lg_fail
	movzbl	1(%rdi), %eax
	andl	$15, %eax
	movzwl	2(%rdi), %edx
	rolw	$8, %dx
	addl	%edx, %eax
	addl	%ebx, %eax
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
.Lg_fail:
	call	abort
	.size	mismatch_framed_abort_ok, .-mismatch_framed_abort_ok

	.section .note.GNU-stack,"",@progbits
