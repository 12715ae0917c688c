/*
 * 28 - missing-landing-pad: clang 14 -O2 -mbranch-protection=standard jump table (adrp+add of
 * the table, adr of the first case, ldrb, add with lsl #2, br); one case lost its bti j.  The
 * twin is clang output as is, including a case that builds a frame and signs x30 after its
 * landing pad.
 *
 * int jt_clang_no_bti_j(int x, int y) { switch (x) { case 0: return g(y); case 1: return g2(y) + 2; ... } }
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_jt_clang_no_bti_j

	BTI_NOTE
#ifndef TWIN_ONLY
FUNC jt_clang_no_bti_j
	hint	34			/* bti c */
	cmp	w0, #3
	b.hi	.Lb_default
	adrp	x9, .Lb_table
	mov	w8, w0
	add	x9, x9, :lo12:.Lb_table
	adr	x10, .Lb_c0
	ldrb	w11, [x9, x8]
	add	x10, x10, x11, lsl #2
	br	x10
.Lb_c0:
	hint	36			/* bti j */
	mov	w0, w1
	b	g
.Lb_default:
	mov	w0, wzr
	ret
.Lb_c1:
	hint	36			/* bti j */
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	w0, w1
	bl	g2
	add	w0, w0, #2
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
site_jt_clang_no_bti_j:
	add	w0, w1, w1, lsl #2	/* BUG: bti j missing */
	ret
.Lb_c3:
	hint	36			/* bti j */
	sub	w0, w1, #1
	ret
ENDF jt_clang_no_bti_j
	.section .rodata
.Lb_table:
	.byte	(.Lb_c0 - .Lb_c0) >> 2
	.byte	(.Lb_c1 - .Lb_c0) >> 2
	.byte	(site_jt_clang_no_bti_j - .Lb_c0) >> 2
	.byte	(.Lb_c3 - .Lb_c0) >> 2
	.text
#endif

FUNC jt_clang_no_bti_j_ok
	hint	34			/* bti c */
	cmp	w0, #3
	b.hi	.Lg_default
	adrp	x9, .Lg_table
	mov	w8, w0
	add	x9, x9, :lo12:.Lg_table
	adr	x10, .Lg_c0
	ldrb	w11, [x9, x8]
	add	x10, x10, x11, lsl #2
	br	x10
.Lg_c0:
	hint	36			/* bti j */
	mov	w0, w1
	b	g
.Lg_default:
	mov	w0, wzr
	ret
.Lg_c1:
	hint	36			/* bti j */
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	w0, w1
	bl	g2
	add	w0, w0, #2
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
.Lg_c2:
	hint	36			/* bti j */
	add	w0, w1, w1, lsl #2
	ret
.Lg_c3:
	hint	36			/* bti j */
	sub	w0, w1, #1
	ret
ENDF jt_clang_no_bti_j_ok
	.section .rodata
.Lg_table:
	.byte	(.Lg_c0 - .Lg_c0) >> 2
	.byte	(.Lg_c1 - .Lg_c0) >> 2
	.byte	(.Lg_c2 - .Lg_c0) >> 2
	.byte	(.Lg_c3 - .Lg_c0) >> 2
	.text
