/*
 * 32 - call-without-frame (fp rules), shrink-wrapping gone wrong: the frame
 * is only built on the strdup path; the empty-string path calls malloc
 * before (without) any frame.  Balanced on both paths, so clean under the
 * stack rules.
 *
 * char *call_before_frame(const char *s)   strdup(s), or a fresh "" for NULL
 */
# EXPECT fp call-without-frame site_call_before_frame

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	call_before_frame
	.type	call_before_frame, @function
call_before_frame:
	testq	%rdi, %rdi
	jne	.Lb_dup
	movl	$1, %edi
site_call_before_frame:
	call	malloc			# BUG: no frame on this path
	testq	%rax, %rax
	je	.Lb_ret
	movb	$0, (%rax)
.Lb_ret:
	ret
.Lb_dup:
	pushq	%rbp
	movq	%rsp, %rbp
	call	strdup
	popq	%rbp
	ret
	.size	call_before_frame, .-call_before_frame
#endif

	.p2align 4
	.globl	call_before_frame_ok
	.type	call_before_frame_ok, @function
call_before_frame_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	testq	%rdi, %rdi
	jne	.Lg_dup
	movl	$1, %edi
	call	malloc
	testq	%rax, %rax
	je	.Lg_ret
	movb	$0, (%rax)
.Lg_ret:
	popq	%rbp
	ret
.Lg_dup:
	call	strdup
	popq	%rbp
	ret
	.size	call_before_frame_ok, .-call_before_frame_ok

	.section .note.GNU-stack,"",@progbits
