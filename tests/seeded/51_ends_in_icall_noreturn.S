/*
 * 51 - falls-through after an indirect call: the panic path of a function calls through a
 * table of function pointers (Tcl's stub table: `call *0x20(%rdx)` is Tcl_Panic) and the
 * author, taking the callee for one that returns, set a result after it and forgot the
 * return: that instruction runs off the end of the function. Reported there.
 * The twin is the shape of libtk's Tk_3DBorderGC (gcc -O2): the indirect call to a function
 * that never returns is the last instruction, only padding follows. The compiler knew the
 * callee never returns (it laid out nothing after the call), so nothing falls through.
 *
 * GC border_gc(struct border *b, int which)   b->gc[which], or panic for which > 2
 */
# RULES stack
# EXPECT stack falls-through site_ends_in_icall_noreturn

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	ends_in_icall_noreturn
	.type	ends_in_icall_noreturn, @function
ends_in_icall_noreturn:
	cmpl	$2, %esi
	ja	.Lb_panic
	movslq	%esi, %rsi
	movq	8(%rdi,%rsi,8), %rax
	ret
.Lb_panic:
	pushq	%rbx
	movq	stub_table(%rip), %rdx
	leaq	.Lmsg(%rip), %rdi
	xorl	%eax, %eax
	call	*0x20(%rdx)
site_ends_in_icall_noreturn:
	movq	$0, %rax		# BUG: runs off the end (the ret is missing)
	.size	ends_in_icall_noreturn, .-ends_in_icall_noreturn
#endif

	.p2align 4
	.globl	ends_in_icall_noreturn_ok
	.type	ends_in_icall_noreturn_ok, @function
ends_in_icall_noreturn_ok:
	cmpl	$2, %esi
	ja	.Lg_panic
	movslq	%esi, %rsi
	movq	8(%rdi,%rsi,8), %rax
	ret
.Lg_panic:
	pushq	%rax			# realigns the stack for the call
	movq	stub_table(%rip), %rdx
	leaq	.Lmsg(%rip), %rdi
	xorl	%eax, %eax
	call	*0x20(%rdx)		# Tcl_Panic: never returns
	.size	ends_in_icall_noreturn_ok, .-ends_in_icall_noreturn_ok

	.p2align 4
	.globl	border_width
	.type	border_width, @function
border_width:
	movl	4(%rdi), %eax
	ret
	.size	border_width, .-border_width

	.section .rodata.str1.1,"aMS",@progbits,1
.Lmsg:
	.string	"unknown GC type"
	.bss
	.p2align 3
stub_table:
	.zero	8

	.section .note.GNU-stack,"",@progbits
