/*
 * 13 - unsupported-stack-op: code ported from i386 still adjusts the stack
 * pointer with 32-bit arithmetic.  subl $16, %esp zero-extends into %rsp,
 * i.e. truncates the stack pointer to 32 bits, which cannot be modelled.
 * Only the subl is expected to be reported.
 *
 * int esp_truncation(int a, int b, int c)   = a + b + c via a local buffer
 */
# EXPECT stack unsupported-stack-op site_esp_truncation

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	esp_truncation
	.type	esp_truncation, @function
esp_truncation:
site_esp_truncation:
	subl	$16, %esp		# BUG: 32-bit operation on the stack pointer
	movl	%edi, (%rsp)
	movl	%esi, 4(%rsp)
	movl	%edx, 8(%rsp)
	movl	(%rsp), %eax
	addl	4(%rsp), %eax
	addl	8(%rsp), %eax
	addq	$16, %rsp
	ret
	.size	esp_truncation, .-esp_truncation
#endif

	.p2align 4
	.globl	esp_truncation_ok
	.type	esp_truncation_ok, @function
esp_truncation_ok:
	subq	$16, %rsp
	movl	%edi, (%rsp)
	movl	%esi, 4(%rsp)
	movl	%edx, 8(%rsp)
	movl	(%rsp), %eax
	addl	4(%rsp), %eax
	addl	8(%rsp), %eax
	addq	$16, %rsp
	ret
	.size	esp_truncation_ok, .-esp_truncation_ok

	.section .note.GNU-stack,"",@progbits
