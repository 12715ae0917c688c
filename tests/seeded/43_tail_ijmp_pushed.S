/*
 * 43 - sibling-call-modified-frame on an indirect tail call through a register:
 * jmp *%rax to a function pointer loaded from a structure (not a jump table,
 * so a tail call), executed while %rbx is still pushed.  The twin pops %rbx
 * first, which makes it a clean indirect tail call.
 *
 * long ijmp_pushed(struct req *r)   r->handler(r) if set, else r->status
 */
# EXPECT stack sibling-call-modified-frame site_ijmp_pushed

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	ijmp_pushed
	.type	ijmp_pushed, @function
ijmp_pushed:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	8(%rdi), %rax
	testq	%rax, %rax
	je	.Lb_none
	movq	%rbx, %rdi
site_ijmp_pushed:
	jmp	*%rax			# BUG: %rbx still pushed
.Lb_none:
	movq	16(%rbx), %rax
	popq	%rbx
	ret
	.size	ijmp_pushed, .-ijmp_pushed
#endif

	.p2align 4
	.globl	ijmp_pushed_ok
	.type	ijmp_pushed_ok, @function
ijmp_pushed_ok:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	8(%rdi), %rax
	testq	%rax, %rax
	je	.Lg_none
	movq	%rbx, %rdi
	popq	%rbx
	jmp	*%rax
.Lg_none:
	movq	16(%rbx), %rax
	popq	%rbx
	ret
	.size	ijmp_pushed_ok, .-ijmp_pushed_ok

	.section .note.GNU-stack,"",@progbits
