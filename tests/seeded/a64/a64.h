/*
 * Shared by the arm64 seeded cases (included with the C preprocessor, as gcc -c does for .S).
 * FUNC/LOCALFUNC open a global/local STT_FUNC symbol, ENDF closes it with its size;
 * BTI_NOTE marks the object as built for BTI (and PAC) through its GNU property note, as
 * gcc and clang do with -mbranch-protection=standard: a note of type NT_GNU_PROPERTY_TYPE_0
 * holding GNU_PROPERTY_AARCH64_FEATURE_1_AND (0xc0000000) with the bits BTI (1) and PAC (2).
 */
	.macro FUNC name
	.p2align 2
	.globl	\name
	.type	\name, %function
\name:
	.endm

	.macro LOCALFUNC name
	.p2align 2
	.type	\name, %function
\name:
	.endm

	.macro ENDF name
	.size	\name, .-\name
	.endm

	.macro BTI_NOTE
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.word	4		/* name size */
	.word	16		/* descriptor size */
	.word	5		/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.word	0xc0000000	/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.word	4
	.word	3		/* BTI | PAC */
	.word	0
	.popsection
	.endm

	.section .note.GNU-stack, "", @progbits
	.text
