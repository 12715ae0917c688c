/*
 * 34 - call-without-frame (fp rules) on an indirect call: the prologue saves
 * %rbp but the movq %rsp, %rbp that makes it a frame is missing, so %rbp
 * does not hold this frame at the call *%rax.  %rbp is never written, so this
 * is not fp-scratch; the stack is balanced, so clean under the stack rules.
 *
 * int half_frame_icall(struct obj *o)
 *     o->ops->hook(o) + o->bias if the hook is set, else o->bias
 */
# EXPECT fp call-without-frame site_half_frame_icall

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	half_frame_icall
	.type	half_frame_icall, @function
half_frame_icall:
	pushq	%rbp			# BUG: movq %rsp, %rbp missing
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	(%rdi), %rax
	movq	8(%rax), %rax
	testq	%rax, %rax
	je	.Lb_none
site_half_frame_icall:
	call	*%rax
	addl	16(%rbx), %eax
	jmp	.Lb_out
.Lb_none:
	movl	16(%rbx), %eax
.Lb_out:
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
	.size	half_frame_icall, .-half_frame_icall
#endif

	.p2align 4
	.globl	half_frame_icall_ok
	.type	half_frame_icall_ok, @function
half_frame_icall_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	(%rdi), %rax
	movq	8(%rax), %rax
	testq	%rax, %rax
	je	.Lg_none
	call	*%rax
	addl	16(%rbx), %eax
	jmp	.Lg_out
.Lg_none:
	movl	16(%rbx), %eax
.Lg_out:
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	ret
	.size	half_frame_icall_ok, .-half_frame_icall_ok

	.section .note.GNU-stack,"",@progbits
