/*
 * 44 - sibling-call-modified-frame on an indirect tail call through memory:
 * bytecode dispatch through a table of handler functions passed in a register
 * (jmp *(%rsi,%rax,8)).  No relocation makes it a jump table of this function,
 * so it is a tail call to a handler, made while this function's frame is
 * still set up.  The twin tears the frame down before dispatching.
 *
 * long ijmp_framed_table_arg(struct vm *vm, void **handlers)
 *     dispatch handlers[vm->op] (tail), or vm_trap(vm) and -1 for op > 15
 */
# EXPECT stack sibling-call-modified-frame site_ijmp_framed_table_arg

	.text
/* void vm_trap(struct vm *vm): leaf helper */
	.p2align 4
	.globl	vm_trap
	.type	vm_trap, @function
vm_trap:
	movl	$1, 4(%rdi)
	ret
	.size	vm_trap, .-vm_trap

#ifndef TWIN_ONLY
	.p2align 4
	.globl	ijmp_framed_table_arg
	.type	ijmp_framed_table_arg, @function
ijmp_framed_table_arg:
	pushq	%rbp
	movq	%rsp, %rbp
	movzbl	(%rdi), %eax
	cmpl	$15, %eax
	ja	.Lb_bad
site_ijmp_framed_table_arg:
	jmp	*(%rsi,%rax,8)		# BUG: frame still set up
.Lb_bad:
	call	vm_trap
	movq	$-1, %rax
	popq	%rbp
	ret
	.size	ijmp_framed_table_arg, .-ijmp_framed_table_arg
#endif

	.p2align 4
	.globl	ijmp_framed_table_arg_ok
	.type	ijmp_framed_table_arg_ok, @function
ijmp_framed_table_arg_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	movzbl	(%rdi), %eax
	cmpl	$15, %eax
	ja	.Lg_bad
	popq	%rbp
	jmp	*(%rsi,%rax,8)
.Lg_bad:
	call	vm_trap
	movq	$-1, %rax
	popq	%rbp
	ret
	.size	ijmp_framed_table_arg_ok, .-ijmp_framed_table_arg_ok

	.section .note.GNU-stack,"",@progbits
