/*
 * 23 - falls-through: the function ends with a call to free(), which returns.
 * The author turned the final tail call (jmp free) into a call and dropped
 * the epilogue.  Reported at that last call.  The frame is still intact at
 * the call, so the fp rules have nothing to add.  The twin tears the frame
 * down and tail-calls free.
 *
 * void ends_in_call(struct buf *b)   free(b->data); free(b)
 */
# EXPECT stack falls-through site_ends_in_call

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	ends_in_call
	.type	ends_in_call, @function
ends_in_call:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	8(%rdi), %rdi
	testq	%rdi, %rdi
	je	.Lb_nodata
	call	free
.Lb_nodata:
	movq	%rbx, %rdi
site_ends_in_call:
	call	free			# BUG: free returns; nothing follows
	.size	ends_in_call, .-ends_in_call
#endif

	.p2align 4
	.globl	ends_in_call_ok
	.type	ends_in_call_ok, @function
ends_in_call_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	8(%rdi), %rdi
	testq	%rdi, %rdi
	je	.Lg_nodata
	call	free
.Lg_nodata:
	movq	%rbx, %rdi
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	jmp	free
	.size	ends_in_call_ok, .-ends_in_call_ok

	.section .note.GNU-stack,"",@progbits
