/*
 * 46 - decode-error in a function with a frame, inside a loop: the overflow
 * path was meant to execute a debug trap (int3, 0xcc) but the hand-encoded
 * byte is 0x0e, invalid in 64-bit mode.  As in 45, the next instruction is
 * also reached by the jno branch with the same state.
 *
 * long decode_bad_framed(const long *v, long n)   sum of v[0..n)
 */
# EXPECT stack decode-error site_decode_bad_framed

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	decode_bad_framed
	.type	decode_bad_framed, @function
decode_bad_framed:
	pushq	%rbp
	movq	%rsp, %rbp
	xorl	%eax, %eax
	testq	%rsi, %rsi
	jle	.Lb_out
.Lb_loop:
	addq	(%rdi), %rax
	jno	.Lb_next
site_decode_bad_framed:
	.byte	0x0e			# BUG: meant 0xcc (int3)
.Lb_next:
	addq	$8, %rdi
	decq	%rsi
	jne	.Lb_loop
.Lb_out:
	popq	%rbp
	ret
	.size	decode_bad_framed, .-decode_bad_framed
#endif

	.p2align 4
	.globl	decode_bad_framed_ok
	.type	decode_bad_framed_ok, @function
decode_bad_framed_ok:
	pushq	%rbp
	movq	%rsp, %rbp
	xorl	%eax, %eax
	testq	%rsi, %rsi
	jle	.Lg_out
.Lg_loop:
	addq	(%rdi), %rax
	jno	.Lg_next
	.byte	0xcc
.Lg_next:
	addq	$8, %rdi
	decq	%rsi
	jne	.Lg_loop
.Lg_out:
	popq	%rbp
	ret
	.size	decode_bad_framed_ok, .-decode_bad_framed_ok

	.section .note.GNU-stack,"",@progbits
