/*
 * 39 - sibling-call-modified-frame: a direct tail call (jmp to the start of
 * another function of this file) made while the saved %rbp is still on the
 * stack: the epilogue lost its popq %rbp.
 *
 * int tail_with_frame(int x)   log_value(x); return forward_value(x)
 */
# EXPECT stack sibling-call-modified-frame site_tail_with_frame

	.bss
	.p2align 3
log_count:
	.zero	8

	.text
/* void log_value(int x): leaf helper, counts calls */
	.p2align 4
	.globl	log_value
	.type	log_value, @function
log_value:
	incq	log_count(%rip)
	ret
	.size	log_value, .-log_value

/* int forward_value(int x): leaf helper */
	.p2align 4
	.globl	forward_value
	.type	forward_value, @function
forward_value:
	leal	1(%rdi,%rdi), %eax
	ret
	.size	forward_value, .-forward_value

#ifndef TWIN_ONLY
	.p2align 4
	.globl	tail_with_frame
	.type	tail_with_frame, @function
tail_with_frame:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movl	%edi, %ebx
	call	log_value
	movl	%ebx, %edi
	addq	$8, %rsp
	popq	%rbx
site_tail_with_frame:
	jmp	forward_value		# BUG: popq %rbp missing before the tail call
	.size	tail_with_frame, .-tail_with_frame
#endif

	.p2align 4
	.globl	tail_with_frame_ok
	.type	tail_with_frame_ok, @function
tail_with_frame_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movl	%edi, %ebx
	call	log_value
	movl	%ebx, %edi
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	jmp	forward_value
	.size	tail_with_frame_ok, .-tail_with_frame_ok

	.section .note.GNU-stack,"",@progbits
