/*
 * 38 - missing-landing-pad: a jump-table case starts with a landing pad of the wrong kind,
 * `bti c` (for calls) where the `br x2` of the table needs `bti j`: in a BTI-marked object the
 * jump traps. (A `br x16`/`br x17` would be compatible with `bti c` too: the twin's second
 * table jumps through x16 to a case with `bti c`, which is correct.)
 *
 * gcc 12 -O2 -mbranch-protection=standard jump table, as in case 27.
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_jt_case_bti_c

	BTI_NOTE
#ifndef TWIN_ONLY
FUNC jt_case_bti_c
	hint	34			/* bti c */
	cmp	w0, #2
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
	.byte	(site_jt_case_bti_c - .Lb_base) / 4
	.byte	(.Lb_c2 - .Lb_base) / 4
	.text
.Lb_c0:
	hint	36			/* bti j */
	add	w0, w1, #1
	ret
site_jt_case_bti_c:
	hint	34			/* BUG: bti c, a landing pad for calls only */
	add	w0, w1, #2
	ret
.Lb_c2:
	hint	36			/* bti j */
	sub	w0, w1, #1
	ret
ENDF jt_case_bti_c
#endif

FUNC jt_case_bti_c_ok
	hint	34			/* bti c */
	cmp	w0, #2
	b.ls	.Lg_dispatch
	mov	w0, #0
	ret
.Lg_dispatch:
	adrp	x2, .Lg_table
	add	x2, x2, :lo12:.Lg_table
	ldrb	w2, [x2, w0, uxtw]
	adr	x0, .Lg_base
	add	x16, x0, w2, sxtb #2
	br	x16			/* x16: BTYPE 01, compatible with bti c and bti j */
.Lg_base:
	.section .rodata
.Lg_table:
	.byte	(.Lg_c0 - .Lg_base) / 4
	.byte	(.Lg_c1 - .Lg_base) / 4
	.byte	(.Lg_c2 - .Lg_base) / 4
	.text
.Lg_c0:
	hint	36			/* bti j */
	add	w0, w1, #1
	ret
.Lg_c1:
	hint	34			/* bti c: compatible with br x16 */
	add	w0, w1, #2
	ret
.Lg_c2:
	hint	38			/* bti jc */
	sub	w0, w1, #1
	ret
ENDF jt_case_bti_c_ok
