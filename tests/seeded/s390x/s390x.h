/*
 * Shared by the s390x seeded cases (included with the C preprocessor, as gcc -c does for .S).
 * FUNC opens a global STT_FUNC symbol, ENDF closes it with its size. GNU as for s390 takes `#`
 * as a comment: the `# EXPECT` lines are comments to it; the cases comment code with C comments.
 */
	.macro FUNC name
	.p2align 3
	.globl	\name
	.type	\name, @function
\name:
	.endm

	.macro ENDF name
	.size	\name, .-\name
	.endm

	.section .note.GNU-stack, "", @progbits
	.text
