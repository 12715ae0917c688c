/*
 * 26 - unreachable: an epilogue left behind after a call to exit(), which
 * never returns.  The dead block (addq/popq/popq/ret) is reported once, at
 * its first instruction.  The twin simply ends with the call.
 *
 * void unreachable_after_exit(int code)   prints the usage text, exits
 */
# EXPECT stack unreachable site_unreachable_after_exit

	.section .rodata.str1.1,"aMS",@progbits,1
.Lusage:
	.string	"usage: tool [-v] FILE..."

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	unreachable_after_exit
	.type	unreachable_after_exit, @function
unreachable_after_exit:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movl	%edi, %ebx
	leaq	.Lusage(%rip), %rdi
	call	puts
	movl	%ebx, %edi
	call	exit
site_unreachable_after_exit:
	addq	$8, %rsp		# BUG: dead epilogue after a noreturn call
	popq	%rbx
	popq	%rbp
	ret
	.size	unreachable_after_exit, .-unreachable_after_exit
#endif

	.p2align 4
	.globl	unreachable_after_exit_ok
	.type	unreachable_after_exit_ok, @function
unreachable_after_exit_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	subq	$8, %rsp
	movl	%edi, %ebx
	leaq	.Lusage(%rip), %rdi
	call	puts
	movl	%ebx, %edi
	call	exit
	.size	unreachable_after_exit_ok, .-unreachable_after_exit_ok

	.section .note.GNU-stack,"",@progbits
