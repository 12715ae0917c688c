/*
 * 55 - stack-mismatch in a Go function: a call that returns is followed directly by the
 * function's stack-growth block (entered from the prologue's `jbe`, before the frame is set
 * up), so the call's return runs into it with the frame set up.
 * The twin is the shape of every bounds check Go's compiler emits (docker: 1,540 mismatches
 * before Go's panics were known): the call is to runtime.panicIndex, which never returns and
 * which the compiler knows never returns, so it lays out the stack-growth block after it.
 * The .go.buildinfo section makes the object a Go program.
 *
 * func goIndex(s *[4]int, i int) int { return s[i] }   (Go's register ABI: s in rbx, i in rax)
 */
# RULES stack
# EXPECT stack stack-mismatch site_go_panic_noreturn

	.section .go.buildinfo,"aw"
	.quad	0
	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	go_panic_noreturn
	.type	go_panic_noreturn, @function
go_panic_noreturn:
	cmpq	16(%r14), %rsp
	jbe	site_go_panic_noreturn
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	cmpq	$4, %rax
	jae	.Lb_panic
	movq	(%rbx,%rax,8), %rax
	addq	$16, %rsp
	popq	%rbp
	ret
.Lb_panic:
	movq	%rax, %rcx
	call	runtime.printint	# BUG: returns, into the stack-growth block
site_go_panic_noreturn:
	movq	%rax, 8(%rsp)
	movq	%rbx, 16(%rsp)
	call	runtime.morestack_noctxt
	movq	8(%rsp), %rax
	movq	16(%rsp), %rbx
	jmp	go_panic_noreturn
	.size	go_panic_noreturn, .-go_panic_noreturn
#endif

	.p2align 4
	.globl	go_panic_noreturn_ok
	.type	go_panic_noreturn_ok, @function
go_panic_noreturn_ok:
	cmpq	16(%r14), %rsp
	jbe	.Lg_grow
	pushq	%rbp
	movq	%rsp, %rbp
	subq	$16, %rsp
	cmpq	$4, %rax
	jae	.Lg_panic
	movq	(%rbx,%rax,8), %rax
	addq	$16, %rsp
	popq	%rbp
	ret
.Lg_panic:
	movq	%rax, %rcx
	call	runtime.panicIndex	# never returns
.Lg_grow:
	movq	%rax, 8(%rsp)
	movq	%rbx, 16(%rsp)
	call	runtime.morestack_noctxt
	movq	8(%rsp), %rax
	movq	16(%rsp), %rbx
	jmp	go_panic_noreturn_ok
	.size	go_panic_noreturn_ok, .-go_panic_noreturn_ok

	.section .note.GNU-stack,"",@progbits
