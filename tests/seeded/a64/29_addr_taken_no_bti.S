/*
 * 29 - missing-landing-pad: a local (static) function is not exported, but its address is
 * taken (adrp+add) and passed to apply(), which calls it with blr: in a BTI-marked object it
 * needs bti c.  The caller is correct.
 *
 * static int twice(int x) { return 2 * x; }  int caller(int x) { return apply(twice, x); }
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_addr_taken_no_bti

	BTI_NOTE
#ifndef TWIN_ONLY
LOCALFUNC addr_taken_no_bti
site_addr_taken_no_bti:
	lsl	w0, w0, #1		/* BUG: bti c missing */
	ret
ENDF addr_taken_no_bti

FUNC addr_taken_no_bti_caller
	hint	34			/* bti c */
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	w1, w0
	adrp	x0, addr_taken_no_bti
	add	x0, x0, :lo12:addr_taken_no_bti
	bl	apply
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF addr_taken_no_bti_caller
#endif

LOCALFUNC addr_taken_no_bti_ok
	hint	34			/* bti c */
	lsl	w0, w0, #1
	ret
ENDF addr_taken_no_bti_ok

FUNC addr_taken_no_bti_caller_ok
	hint	34			/* bti c */
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	w1, w0
	adrp	x0, addr_taken_no_bti_ok
	add	x0, x0, :lo12:addr_taken_no_bti_ok
	bl	apply
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF addr_taken_no_bti_caller_ok
