/*
 * 25 - falls-through after a call to a function of the same file that does
 * return: report_error prints and returns, but the author treated it like the
 * fatal die() and put nothing after the call.  The twin calls die, which ends
 * in exit() and so never returns; the analysis must infer that (no warning
 * in the twin, no falls-through in die itself).
 *
 * int fallthrough_local_call(int x)   x, or an error for negative x
 */
# EXPECT stack falls-through site_fallthrough_local_call

	.section .rodata.str1.1,"aMS",@progbits,1
.Lmsg_neg:
	.string	"negative argument"

	.text
/* void report_error(const char *msg): prints msg, returns */
	.p2align 4
	.globl	report_error
	.type	report_error, @function
report_error:
	pushq	%rbp
	movq	%rsp, %rbp
	call	puts
	popq	%rbp
	ret
	.size	report_error, .-report_error

/* void die(const char *msg): prints msg and exits, never returns */
	.p2align 4
	.globl	die
	.type	die, @function
die:
	pushq	%rbp
	movq	%rsp, %rbp
	call	puts
	movl	$1, %edi
	call	exit
	.size	die, .-die

#ifndef TWIN_ONLY
	.p2align 4
	.globl	fallthrough_local_call
	.type	fallthrough_local_call, @function
fallthrough_local_call:
	pushq	%rbp
	movq	%rsp, %rbp
	movl	%edi, %eax
	testl	%edi, %edi
	js	.Lb_neg
	popq	%rbp
	ret
.Lb_neg:
	leaq	.Lmsg_neg(%rip), %rdi
site_fallthrough_local_call:
	call	report_error		# BUG: report_error returns
	.size	fallthrough_local_call, .-fallthrough_local_call
#endif

	.p2align 4
	.globl	fallthrough_local_call_ok
	.type	fallthrough_local_call_ok, @function
fallthrough_local_call_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	movl	%edi, %eax
	testl	%edi, %edi
	js	.Lg_neg
	popq	%rbp
	ret
.Lg_neg:
	leaq	.Lmsg_neg(%rip), %rdi
	call	die
	.size	fallthrough_local_call_ok, .-fallthrough_local_call_ok

	.section .note.GNU-stack,"",@progbits
