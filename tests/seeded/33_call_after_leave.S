/*
 * 33 - call-without-frame (fp rules): the epilogue (leave) was moved up above
 * the final printf call, so that call runs after the frame is torn down.
 * The stack is balanced at the ret, so clean under the stack rules.  The
 * first call (with the frame) is fine.
 *
 * int call_after_leave(int x)   prints x and square(x), returns printf result
 */
# EXPECT fp call-without-frame site_call_after_leave

	.section .rodata.str1.1,"aMS",@progbits,1
.Lfmt:
	.string	"%d -> %d\n"

	.text
/* int square(int x): leaf helper */
	.p2align 4
	.globl	square
	.type	square, @function
square:
	movl	%edi, %eax
	imull	%edi, %eax
	ret
	.size	square, .-square

#ifndef TWIN_ONLY
	.p2align 4
	.globl	call_after_leave
	.type	call_after_leave, @function
call_after_leave:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movl	%edi, -4(%rbp)
	call	square
	movl	%eax, %edx
	movl	-4(%rbp), %esi
	leave				# BUG: frame torn down too early
	leaq	.Lfmt(%rip), %rdi
	xorl	%eax, %eax
site_call_after_leave:
	call	printf
	ret
	.size	call_after_leave, .-call_after_leave
#endif

	.p2align 4
	.globl	call_after_leave_ok
	.type	call_after_leave_ok, @function
call_after_leave_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	movl	%edi, -4(%rbp)
	call	square
	movl	%eax, %edx
	movl	-4(%rbp), %esi
	leaq	.Lfmt(%rip), %rdi
	xorl	%eax, %eax
	call	printf
	leave
	ret
	.size	call_after_leave_ok, .-call_after_leave_ok

	.section .note.GNU-stack,"",@progbits
