/*
 * 14 - stack-mismatch: two paths reach the call to abort, one before the prologue and one
 * after it.  The join leads only into code that never returns.  The twin (gcc -O2 shape)
 * gives the early path its own frame before calling abort.
 *
 * int mismatch_framed_abort(int *p, int lim) { if (!p) abort(); if (*p < lim) abort(); return g(*p); }
 */
#include "a64.h"
# EXPECT stack stack-mismatch site_mismatch_framed_abort

#ifndef TWIN_ONLY
FUNC mismatch_framed_abort
	cbz	x0, site_mismatch_framed_abort	/* BUG: no frame on this path */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	cmp	w0, w1
	b.lt	site_mismatch_framed_abort
	bl	g
	ldp	x29, x30, [sp], #16
	ret
site_mismatch_framed_abort:
	bl	abort
ENDF mismatch_framed_abort
#endif

FUNC mismatch_framed_abort_ok
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	cbz	x0, .Lg_fail
	ldr	w0, [x0]
	cmp	w0, w1
	b.lt	.Lg_fail
	bl	g
	ldp	x29, x30, [sp], #16
	ret
.Lg_fail:
	bl	abort
ENDF mismatch_framed_abort_ok
