/*
 * 30 - unreachable code next to a call to a function of the same file that
 * never returns.  panic_halt is a file-local function (no relocation on the
 * call) that prints and then spins forever; the analysis has to infer that it
 * is noreturn.  The fallback right after that call is dead, but it is what a
 * compiler emits when it does not know the callee never returns, so it is not
 * reported (policy: only noreturn-ness we inferred excuses it).  The block
 * after it, which no branch reaches at all, is the bug.
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
	xorl	%eax, %eax		# dead, excused: a compiler could not know
	popq	%rbp
	ret
site_unreachable_local_noreturn:
	movq	$-1, %rax		# BUG: no branch leads here
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
