/*
 * 38 - fp-scratch (fp rules): a frameless leaf saves %rbp (second, after
 * %rbx, so not even in the frame slot) and uses it as a counter.  Only the
 * first write (xorl %ebp, %ebp) is reported, not the later incq %rbp.
 * Clean under the stack rules.  The twin counts in %rdx.
 *
 * long fp_scratch_counter(const char *s, int c)   occurrences of c in s
 */
# EXPECT fp fp-scratch site_fp_scratch_counter

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	fp_scratch_counter
	.type	fp_scratch_counter, @function
fp_scratch_counter:
	pushq	%rbx
	pushq	%rbp
	movq	%rdi, %rbx
site_fp_scratch_counter:
	xorl	%ebp, %ebp		# BUG: %rbp used as a counter
.Lb_loop:
	movzbl	(%rbx), %eax
	testl	%eax, %eax
	je	.Lb_done
	cmpl	%esi, %eax
	jne	.Lb_next
	incq	%rbp
.Lb_next:
	incq	%rbx
	jmp	.Lb_loop
.Lb_done:
	movq	%rbp, %rax
	popq	%rbp
	popq	%rbx
	ret
	.size	fp_scratch_counter, .-fp_scratch_counter
#endif

	.p2align 4
	.globl	fp_scratch_counter_ok
	.type	fp_scratch_counter_ok, @function
fp_scratch_counter_ok:
	xorl	%edx, %edx
.Lg_loop:
	movzbl	(%rdi), %eax
	testl	%eax, %eax
	je	.Lg_done
	cmpl	%esi, %eax
	jne	.Lg_next
	incq	%rdx
.Lg_next:
	incq	%rdi
	jmp	.Lg_loop
.Lg_done:
	movq	%rdx, %rax
	ret
	.size	fp_scratch_counter_ok, .-fp_scratch_counter_ok

	.section .note.GNU-stack,"",@progbits
