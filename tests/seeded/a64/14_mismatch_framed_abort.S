/*
 * 14 - stack-mismatch: two paths reach the call to abort with different sp: one before x19 is
 * pushed, one after.  Both have the frame record and x30 saved; the join leads only into code
 * that never returns.  The twin saves x19 in the prologue, before the first test.
 *
 * int mismatch_framed_abort(int *p, int lim) { if (!p) abort(); if (*p < lim) abort(); return g(*p); }
 */
#include "a64.h"
# EXPECT stack stack-mismatch site_mismatch_framed_abort

#ifndef TWIN_ONLY
FUNC mismatch_framed_abort
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	cbz	x0, site_mismatch_framed_abort	/* BUG: x19 not yet pushed on this path */
	str	x19, [sp, #-16]!
	ldr	w19, [x0]
	cmp	w19, w1
	b.lt	site_mismatch_framed_abort
	mov	w0, w19
	bl	g
	ldr	x19, [sp], #16
	ldp	x29, x30, [sp], #16
	ret
site_mismatch_framed_abort:
	bl	abort
ENDF mismatch_framed_abort
#endif

FUNC mismatch_framed_abort_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	cbz	x0, .Lg_fail
	ldr	w19, [x0]
	cmp	w19, w1
	b.lt	.Lg_fail
	mov	w0, w19
	bl	g
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
.Lg_fail:
	bl	abort
ENDF mismatch_framed_abort_ok
