/*
 * 24 - falls-through at the end of the section: the last function in .text
 * ends with its loop-closing conditional branch; when the loop terminates,
 * execution runs past the end of the function and of the section.
 * Reported at that final jne.  (The twin comes first in this file so that
 * the buggy function is the last thing in .text.)
 *
 * void fallthrough_section_end(unsigned char *p, unsigned long n)   zeroes p[0..n)
 */
# EXPECT stack falls-through site_fallthrough_section_end

	.text
	.p2align 4
	.globl	fallthrough_section_end_ok
	.type	fallthrough_section_end_ok, @function
fallthrough_section_end_ok:
	testq	%rsi, %rsi
	jne	.Lg_loop
	ret
.Lg_loop:
	movb	$0, (%rdi)
	incq	%rdi
	decq	%rsi
	jne	.Lg_loop
	ret
	.size	fallthrough_section_end_ok, .-fallthrough_section_end_ok

#ifndef TWIN_ONLY
	.p2align 4
	.globl	fallthrough_section_end
	.type	fallthrough_section_end, @function
fallthrough_section_end:
	testq	%rsi, %rsi
	jne	.Lb_loop
	ret
.Lb_loop:
	movb	$0, (%rdi)
	incq	%rdi
	decq	%rsi
site_fallthrough_section_end:
	jne	.Lb_loop		# BUG: no ret after the loop
	.size	fallthrough_section_end, .-fallthrough_section_end
#endif

	.section .note.GNU-stack,"",@progbits
