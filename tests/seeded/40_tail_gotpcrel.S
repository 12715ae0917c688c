/*
 * 40 - sibling-call-modified-frame on an indirect tail call: -fno-plt style
 * jmp *free@GOTPCREL(%rip), i.e. an indirect jmp through the GOT slot of a
 * named function (not a jump table), made with the frame still set up
 * (leave/popq %rbp missing).
 *
 * void tail_gotpcrel(struct obj *o)   free(o->name); free(o)
 */
# EXPECT stack sibling-call-modified-frame site_tail_gotpcrel

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	tail_gotpcrel
	.type	tail_gotpcrel, @function
tail_gotpcrel:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	16(%rdi), %rdi
	call	*free@GOTPCREL(%rip)
	movq	%rbx, %rdi
	addq	$8, %rsp
	popq	%rbx
site_tail_gotpcrel:
	jmp	*free@GOTPCREL(%rip)	# BUG: %rbp still pushed
	.size	tail_gotpcrel, .-tail_gotpcrel
#endif

	.p2align 4
	.globl	tail_gotpcrel_ok
	.type	tail_gotpcrel_ok, @function
tail_gotpcrel_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movq	%rdi, %rbx
	movq	16(%rdi), %rdi
	call	*free@GOTPCREL(%rip)
	movq	%rbx, %rdi
	addq	$8, %rsp
	popq	%rbx
	popq	%rbp
	jmp	*free@GOTPCREL(%rip)
	.size	tail_gotpcrel_ok, .-tail_gotpcrel_ok

	.section .note.GNU-stack,"",@progbits
