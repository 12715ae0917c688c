/* a64_relocs.S - the relocation types compilers seldom emit, each against a symbol of another
 * section (so the assembler leaves it to the linker): conditional and test branches, byte and
 * halfword loads by :lo12:, movz/movk of every 16-bit group, PC-relative data. (16-bit data
 * relocations would not fit the test's layout.) */
	.text
	.globl	reloc_probe
	.type	reloc_probe, %function
reloc_probe:
	b.ne	far_label            /* R_AARCH64_CONDBR19 */
	cbz	x0, far_label        /* R_AARCH64_CONDBR19 */
	tbz	w0, #3, far_label    /* R_AARCH64_TSTBR14 */
	tbnz	x1, #40, far_label   /* R_AARCH64_TSTBR14 */
	adrp	x2, bytes
	ldrb	w3, [x2, :lo12:bytes + 1]    /* R_AARCH64_LDST8_ABS_LO12_NC */
	ldrh	w4, [x2, :lo12:halves + 2]   /* R_AARCH64_LDST16_ABS_LO12_NC */
	ldr	w5, [x2, :lo12:words + 4]    /* R_AARCH64_LDST32_ABS_LO12_NC */
	movz	x6, #:abs_g3:bytes           /* R_AARCH64_MOVW_UABS_G3 */
	movk	x6, #:abs_g2_nc:bytes        /* G2_NC */
	movk	x6, #:abs_g1_nc:bytes        /* G1_NC */
	movk	x6, #:abs_g0_nc:bytes        /* G0_NC */
	movz	x7, #:abs_g2:halves          /* G2 */
	movz	x7, #:abs_g1:halves          /* G1 */
	adr	x8, far_label                /* R_AARCH64_ADR_PREL_LO21 */
	ldr	x9, far_literal              /* R_AARCH64_LD_PREL_LO19 */
	b	far_label                    /* R_AARCH64_JUMP26 */
	.size	reloc_probe, . - reloc_probe

	.section .text.far, "ax", %progbits
far_label:
	ret
far_literal:
	.quad	0

	.data
bytes:	.byte	1, 2, 3, 4
	.balign	2
halves:	.hword	1, 2, 3
	.balign	4
words:	.word	1, 2, 3
	.word	far_label - .                /* R_AARCH64_PREL32 */
	.quad	far_label - .                /* R_AARCH64_PREL64 */
	.word	bytes                        /* R_AARCH64_ABS32 */
	.quad	reloc_probe                  /* R_AARCH64_ABS64 */
