/*
 * 30 - unreachable after a call to a function of the same file that never
 * returns.  panic_halt is a file-local function (no relocation on the call)
 * that prints and then spins forever, so it has no return path; the analysis
 * has to infer that it is noreturn.  The buggy caller keeps a fallback after
 * the call.
 *
 * void *unreachable_local_noreturn(unsigned long n)   malloc(n) or panic
 */
# EXPECT stack unreachable site_unreachable_local_noreturn

	.section .rodata.str1.1,"aMS",@progbits,1
.Loom:
	.string	"out of memory"

	.text
/* static void panic_halt(const char *msg): never returns */
	.p2align 4
	.type	panic_halt, @function
panic_halt:
	pushq	%rbp
	movq	%rsp, %rbp
	call	puts
.Lhalt:
	pause
	jmp	.Lhalt
	.size	panic_halt, .-panic_halt

#ifndef TWIN_ONLY
	.p2align 4
	.globl	unreachable_local_noreturn
	.type	unreachable_local_noreturn, @function
unreachable_local_noreturn:
	pushq	%rbp
	movq	%rsp, %rbp
	call	malloc
	testq	%rax, %rax
	je	.Lb_oom
	popq	%rbp
	ret
.Lb_oom:
	leaq	.Loom(%rip), %rdi
	call	panic_halt
site_unreachable_local_noreturn:
	xorl	%eax, %eax		# BUG: panic_halt never returns
	popq	%rbp
	ret
	.size	unreachable_local_noreturn, .-unreachable_local_noreturn
#endif

	.p2align 4
	.globl	unreachable_local_noreturn_ok
	.type	unreachable_local_noreturn_ok, @function
unreachable_local_noreturn_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	call	malloc
	testq	%rax, %rax
	je	.Lg_oom
	popq	%rbp
	ret
.Lg_oom:
	leaq	.Loom(%rip), %rdi
	call	panic_halt
	.size	unreachable_local_noreturn_ok, .-unreachable_local_noreturn_ok

	.section .note.GNU-stack,"",@progbits
