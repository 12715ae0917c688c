/*
 * 45 - decode-error: a hand-encoded instruction (.byte) with a wrong opcode
 * on the negative-input path.  0xd6 is not a valid opcode in 64-bit mode
 * (objdump prints (bad)).  It is a single byte and the code after it is also
 * reached by the jns branch with the same state, so the decode error must be
 * the only warning whatever the analysis does after it.
 *
 * int decode_bad_byte(int x)   |x| + 1
 */
# EXPECT stack decode-error site_decode_bad_byte

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	decode_bad_byte
	.type	decode_bad_byte, @function
decode_bad_byte:
	movl	%edi, %eax
	testl	%edi, %edi
	jns	.Lb_pos
site_decode_bad_byte:
	.byte	0xd6			# BUG: meant negl %eax
.Lb_pos:
	addl	$1, %eax
	ret
	.size	decode_bad_byte, .-decode_bad_byte
#endif

	.p2align 4
	.globl	decode_bad_byte_ok
	.type	decode_bad_byte_ok, @function
decode_bad_byte_ok:
	movl	%edi, %eax
	testl	%edi, %edi
	jns	.Lg_pos
	negl	%eax
.Lg_pos:
	addl	$1, %eax
	ret
	.size	decode_bad_byte_ok, .-decode_bad_byte_ok

	.section .note.GNU-stack,"",@progbits
