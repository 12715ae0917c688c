/*
 * 50 - a PC-relative jump table whose base is loaded once, before a loop, and kept in %r10
 * across a call to a file-local function (gcc -fipa-ra: the caller knows the callee leaves
 * %r8-%r10 alone). The shape of libxml2 xmlRelaxNGTryCompile (gcc 12 -O2 -fPIC): one path into
 * the dispatch block comes round the loop, another returns from the call. The callee has a jump
 * table of its own and calls itself; neither makes it change %r10 (a table jump lands in the
 * function, and gcc leaves self-recursive calls out of what a function changes).
 * The buggy function calls a helper that does change %r10: the table base is gone when the
 * dispatch jumps. The jump still adds an entry of a table of offsets to the address that
 * table was loaded from: a dispatch whose table the analysis does not know, reported as
 * unresolved-indirect-jump, not as a tail call with the frame set up, and its cases not as
 * unreachable (issue 17: what the analysis cannot follow is said with a kind that says so).
 *
 * int jt_base_across_local_call(void *ctx, struct node *n)
 */
# EXPECT stack unresolved-indirect-jump site_jt_base_across_local_call

	.text
/* static int walk_node(struct node *n): its own jump table, recursive, leaves %r8-%r11 alone */
	.p2align 4
	.type	walk_node, @function
walk_node:
	testq	%rdi, %rdi
	je	.Lw_done
	movl	(%rdi), %eax
	cmpl	$2, %eax
	ja	.Lw_done
	leaq	.Lw_table(%rip), %rcx
	movslq	(%rcx,%rax,4), %rdx
	addq	%rcx, %rdx
	jmp	*%rdx
.Lw_case0:
	pushq	%rbp
	movq	%rsp, %rbp
	movq	8(%rdi), %rdi
	call	walk_node
	popq	%rbp
	ret
.Lw_case1:
	movl	$1, %eax
	ret
.Lw_case2:
	movl	$2, %eax
	ret
.Lw_done:
	xorl	%eax, %eax
	ret
	.size	walk_node, .-walk_node
	.section .rodata
	.p2align 2
.Lw_table:
	.long	.Lw_case0-.Lw_table
	.long	.Lw_case1-.Lw_table
	.long	.Lw_case2-.Lw_table
	.text

/* int after_extern_call(void): a switch over what an external function returned; the value %rax
 * held before the call (0) is gone after it (a call out of the file may change every
 * caller-saved register): all three cases are reachable */
	.p2align 4
	.globl	after_extern_call
	.type	after_extern_call, @function
after_extern_call:
	pushq	%rbp
	movq	%rsp, %rbp
	xorl	%eax, %eax
	call	external_kind
	leal	1(%rax), %edx
	cmpl	$2, %edx
	ja	.Le_out
	leaq	.Le_table(%rip), %rcx
	movslq	(%rcx,%rdx,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
.Le_case0:
	movl	$10, %eax
	popq	%rbp
	ret
.Le_case1:
	movl	$11, %eax
	popq	%rbp
	ret
.Le_case2:
	movl	$12, %eax
.Le_out:
	popq	%rbp
	ret
	.size	after_extern_call, .-after_extern_call
	.section .rodata
	.p2align 2
.Le_table:
	.long	.Le_case0-.Le_table
	.long	.Le_case1-.Le_table
	.long	.Le_case2-.Le_table
	.text

#ifndef TWIN_ONLY
/* static void mark_node(struct node *n): uses %r10 as a scratch register */
	.p2align 4
	.type	mark_node, @function
mark_node:
	movq	8(%rdi), %r10
	movq	%r10, 16(%rdi)
	ret
	.size	mark_node, .-mark_node

	.p2align 4
	.globl	jt_base_across_local_call
	.type	jt_base_across_local_call, @function
jt_base_across_local_call:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %r12
	movq	%rsi, %r9
	leaq	.Lb_table(%rip), %r10
.Lb_loop:
	movl	(%r9), %r8d
	xorl	%eax, %eax
	movl	%r8d, %edx
	andl	$-17, %edx
	cmpl	$4, %edx
	je	.Lb_call
.Lb_dispatch:
	addl	$1, %r8d
	cmpl	$2, %r8d
	ja	.Lb_out
	movslq	(%r10,%r8,4), %rdx
	addq	%r10, %rdx
site_jt_base_across_local_call:
	jmp	*%rdx			# BUG: mark_node changed %r10, the table base
site_jt_base_case0:
	movq	0x30(%r9), %r9
	testq	%r9, %r9
	jne	.Lb_loop
	movl	$-1, %eax
	jmp	.Lb_out
site_jt_base_case1:
	movl	$1, %eax
	jmp	.Lb_out
site_jt_base_case2:
	movl	$2, %eax
.Lb_out:
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
.Lb_call:
	movq	%r9, %rdi
	call	mark_node
	testb	$0x40, 0x62(%r9)
	je	.Lb_dispatch
	jmp	.Lb_out
	.size	jt_base_across_local_call, .-jt_base_across_local_call
	.section .rodata
	.p2align 2
.Lb_table:
	.long	site_jt_base_case0-.Lb_table
	.long	site_jt_base_case1-.Lb_table
	.long	site_jt_base_case2-.Lb_table
	.text
#endif

	.p2align 4
	.globl	jt_base_across_local_call_ok
	.type	jt_base_across_local_call_ok, @function
jt_base_across_local_call_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %r12
	movq	%rsi, %r9
	leaq	.Lg_table(%rip), %r10	# loaded once, before the loop
.Lg_loop:
	movl	(%r9), %r8d
	xorl	%eax, %eax
	movl	%r8d, %edx
	andl	$-17, %edx
	cmpl	$4, %edx
	je	.Lg_call
.Lg_dispatch:				# reached round the loop and after the call
	addl	$1, %r8d
	cmpl	$2, %r8d
	ja	.Lg_out
	movslq	(%r10,%r8,4), %rdx
	addq	%r10, %rdx
	jmp	*%rdx
.Lg_case0:
	movq	0x30(%r9), %r9
	testq	%r9, %r9
	jne	.Lg_loop
	movl	$-1, %eax
	jmp	.Lg_out
.Lg_case1:
	movl	$1, %eax
	jmp	.Lg_out
.Lg_case2:
	movl	$2, %eax
.Lg_out:
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
.Lg_call:
	movq	%r9, %rdi
	call	walk_node		# keeps %r8, %r9, %r10
	testb	$0x40, 0x62(%r9)
	je	.Lg_dispatch
	jmp	.Lg_out
	.size	jt_base_across_local_call_ok, .-jt_base_across_local_call_ok
	.section .rodata
	.p2align 2
.Lg_table:
	.long	.Lg_case0-.Lg_table
	.long	.Lg_case1-.Lg_table
	.long	.Lg_case2-.Lg_table

	.section .note.GNU-stack,"",@progbits
