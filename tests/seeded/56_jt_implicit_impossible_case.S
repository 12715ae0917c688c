/*
 * 56 - return-modified-frame in a case of a jump table that has no bound compare (clang's switch
 * over an enum: the type is the bound) and a case the compiler knows cannot happen before the
 * real ones. Such a table ends at its first entry that is not code of the function; an entry
 * pointing into the padding after the final ret (clang's empty block for llvm_unreachable) is
 * not the end but an impossible case, skipped like one in a table with a bound (case 52). The
 * shape of libLLVM-15's fde@0x369ec10, where entry 1 of two such tables cut them short and left
 * eight case blocks reported unreachable (issue 17). The cases after it are analysed: the
 * buggy one returns with %rbx still pushed. In the twin the function ends in a call that never
 * returns (libLLVM-15's fde@0x38c5c30: `call std::__throw_length_error`, 84 instructions left
 * unreached): the padding after it is the impossible case's too.
 *
 * int jt_implicit_impossible_case(enum kind k, int x)   k is 0, 2 or 3; 1 never happens
 */
# EXPECT stack return-modified-frame site_jt_implicit_impossible_case

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	jt_implicit_impossible_case
	.type	jt_implicit_impossible_case, @function
jt_implicit_impossible_case:
	movzbl	%dil, %eax
	leaq	.Lb_tab(%rip), %rcx
	movslq	(%rcx,%rax,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
.Lb_c0:
	leal	1(%rsi), %eax
	ret
.Lb_c2:
	leal	-1(%rsi), %eax
	ret
.Lb_c3:
	pushq	%rbx
	movl	%esi, %ebx
	leal	(%rbx,%rbx), %eax
site_jt_implicit_impossible_case:
	ret				# BUG: %rbx is still on the stack
.Lb_unreachable:
	.size	jt_implicit_impossible_case, .-jt_implicit_impossible_case
	.section .rodata
	.p2align 2
.Lb_tab:
	.long	.Lb_c0-.Lb_tab
	.long	.Lb_unreachable-.Lb_tab
	.long	.Lb_c2-.Lb_tab
	.long	.Lb_c3-.Lb_tab
	.long	0			/* other data: not code, the table ends */
	.text
#endif

	.p2align 4
	.globl	jt_implicit_impossible_case_ok
	.type	jt_implicit_impossible_case_ok, @function
jt_implicit_impossible_case_ok:
	movzbl	%dil, %eax
	leaq	.Lg_tab(%rip), %rcx
	movslq	(%rcx,%rax,4), %rax
	addq	%rcx, %rax
	jmp	*%rax
.Lg_c0:
	testl	%esi, %esi
	js	.Lg_fail
	leal	1(%rsi), %eax
	ret
.Lg_c2:
	leal	-1(%rsi), %eax
	ret
.Lg_c3:
	pushq	%rbx
	movl	%esi, %ebx
	leal	(%rbx,%rbx), %eax
	popq	%rbx
	ret
.Lg_fail:
	pushq	%rbp
	movq	%rsp, %rbp
	call	abort
.Lg_unreachable:			# clang: the impossible case, an empty block
	.size	jt_implicit_impossible_case_ok, .-jt_implicit_impossible_case_ok
	.section .rodata
	.p2align 2
.Lg_tab:
	.long	.Lg_c0-.Lg_tab
	.long	.Lg_unreachable-.Lg_tab
	.long	.Lg_c2-.Lg_tab
	.long	.Lg_c3-.Lg_tab
	.long	0			/* other data: not code, the table ends */
	.text

	.p2align 4
	.globl	jt_implicit_next_function
	.type	jt_implicit_next_function, @function
jt_implicit_next_function:
	leal	7(%rdi), %eax
	ret
	.size	jt_implicit_next_function, .-jt_implicit_next_function

	.section .note.GNU-stack,"",@progbits
