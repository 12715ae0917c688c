/*
 * 22 - falls-through into the next function: the ret at the end of a leaf
 * was lost, so execution continues into byte_parity, which follows it
 * directly (no padding in between).  Reported at the last instruction.
 *
 * int fallthrough_next(int x)   clamps x to 0..255
 */
# EXPECT stack falls-through site_fallthrough_next

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	fallthrough_next
	.type	fallthrough_next, @function
fallthrough_next:
	xorl	%eax, %eax
	testl	%edi, %edi
	cmovns	%edi, %eax
	movl	$255, %edx
	cmpl	%edx, %eax
site_fallthrough_next:
	cmovg	%edx, %eax		# BUG: no ret after this
	.size	fallthrough_next, .-fallthrough_next
#endif

/* int byte_parity(unsigned x): parity of the low byte, leaf */
	.globl	byte_parity
	.type	byte_parity, @function
byte_parity:
	movl	%edi, %eax
	shrl	$4, %eax
	xorl	%edi, %eax
	movl	%eax, %edx
	shrl	$2, %edx
	xorl	%edx, %eax
	movl	%eax, %edx
	shrl	$1, %edx
	xorl	%edx, %eax
	andl	$1, %eax
	ret
	.size	byte_parity, .-byte_parity

	.p2align 4
	.globl	fallthrough_next_ok
	.type	fallthrough_next_ok, @function
fallthrough_next_ok:
	xorl	%eax, %eax
	testl	%edi, %edi
	cmovns	%edi, %eax
	movl	$255, %edx
	cmpl	%edx, %eax
	cmovg	%edx, %eax
	ret
	.size	fallthrough_next_ok, .-fallthrough_next_ok

	.section .note.GNU-stack,"",@progbits
