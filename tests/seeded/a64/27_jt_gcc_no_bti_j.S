/*
 * 27 - missing-landing-pad: gcc 12 -O2 -mbranch-protection=standard jump table (ldrb of a byte
 * table, adr of the base, add with sxtb #2, br); one case lost its bti j, so the br to it
 * traps in a BTI-marked process.  The twin is gcc output as is: a table a checker must
 * resolve (signed byte entries, scaled by 4, relative to the label after the br).
 *
 * int jt_gcc_no_bti_j(int x, int y) { switch (x) { case 0: return g(y); case 1: return y + 2; ... } }
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_jt_gcc_no_bti_j

	BTI_NOTE
#ifndef TWIN_ONLY
FUNC jt_gcc_no_bti_j
	hint	34			/* bti c */
	cmp	w0, #4
	b.ls	.Lb_dispatch
	mov	w0, #0
	ret
.Lb_dispatch:
	adrp	x2, .Lb_table
	add	x2, x2, :lo12:.Lb_table
	ldrb	w2, [x2, w0, uxtw]
	adr	x0, .Lb_base
	add	x2, x0, w2, sxtb #2
	br	x2
.Lb_base:
	.section .rodata
.Lb_table:
	.byte	(.Lb_c0 - .Lb_base) / 4
	.byte	(.Lb_c1 - .Lb_base) / 4
	.byte	(site_jt_gcc_no_bti_j - .Lb_base) / 4
	.byte	(.Lb_c3 - .Lb_base) / 4
	.byte	(.Lb_c4 - .Lb_base) / 4
	.text
.Lb_c4:
	hint	36			/* bti j */
	lsl	w0, w1, #4
	ret
.Lb_c0:
	hint	36			/* bti j */
	mov	w0, w1
	b	g
.Lb_c1:
	hint	36			/* bti j */
	add	w0, w1, #2
	ret
site_jt_gcc_no_bti_j:
	add	w0, w1, w1, lsl #2	/* BUG: bti j missing */
	ret
.Lb_c3:
	hint	36			/* bti j */
	sub	w0, w1, #1
	ret
ENDF jt_gcc_no_bti_j
#endif

FUNC jt_gcc_no_bti_j_ok
	hint	34			/* bti c */
	cmp	w0, #4
	b.ls	.Lg_dispatch
	mov	w0, #0
	ret
.Lg_dispatch:
	adrp	x2, .Lg_table
	add	x2, x2, :lo12:.Lg_table
	ldrb	w2, [x2, w0, uxtw]
	adr	x0, .Lg_base
	add	x2, x0, w2, sxtb #2
	br	x2
.Lg_base:
	.section .rodata
.Lg_table:
	.byte	(.Lg_c0 - .Lg_base) / 4
	.byte	(.Lg_c1 - .Lg_base) / 4
	.byte	(.Lg_c2 - .Lg_base) / 4
	.byte	(.Lg_c3 - .Lg_base) / 4
	.byte	(.Lg_c4 - .Lg_base) / 4
	.text
.Lg_c4:
	hint	36			/* bti j */
	lsl	w0, w1, #4
	ret
.Lg_c0:
	hint	36			/* bti j */
	mov	w0, w1
	b	g
.Lg_c1:
	hint	36			/* bti j */
	add	w0, w1, #2
	ret
.Lg_c2:
	hint	36			/* bti j */
	add	w0, w1, w1, lsl #2
	ret
.Lg_c3:
	hint	36			/* bti j */
	sub	w0, w1, #1
	ret
ENDF jt_gcc_no_bti_j_ok
