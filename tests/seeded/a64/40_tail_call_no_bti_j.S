/*
 * 40 - missing-landing-pad: an indirect tail call through x1 (BTYPE 11, a jump through a register
 * other than x16/x17) to a function of the object that starts with `bti c`, a landing pad for
 * calls and for x16/x17 jumps only: in a BTI-marked object the jump traps. Reported at the jump
 * (the callee is another function's). Twin: the same tail call through x16, which `bti c`
 * accepts (compilers put indirect tail calls in x16/x17 when BTI is on for this reason), and one
 * through x1 to a function that starts with `bti jc`.
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_tail_call_no_bti_j

	BTI_NOTE
FUNC callee_bti_c
	hint	34			/* bti c */
	mov	w0, #1
	ret
ENDF callee_bti_c

FUNC callee_bti_jc
	hint	38			/* bti jc */
	mov	w0, #2
	ret
ENDF callee_bti_jc

#ifndef TWIN_ONLY
FUNC tail_call_x1
	hint	34			/* bti c */
	adrp	x1, callee_bti_c
	add	x1, x1, :lo12:callee_bti_c
site_tail_call_no_bti_j:
	br	x1			/* BUG: BTYPE 11, and callee_bti_c has bti c only */
ENDF tail_call_x1
#endif

FUNC tail_call_x1_ok
	hint	34			/* bti c */
	adrp	x16, callee_bti_c
	add	x16, x16, :lo12:callee_bti_c
	br	x16			/* BTYPE 01: bti c accepts it */
ENDF tail_call_x1_ok

FUNC tail_call_jc_clean
	hint	34			/* bti c */
	adrp	x1, callee_bti_jc
	add	x1, x1, :lo12:callee_bti_jc
	br	x1			/* BTYPE 11: bti jc accepts it */
ENDF tail_call_jc_clean
