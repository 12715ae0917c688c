/*
 * 15 - falls-through: the last instruction is not a return; execution runs into the next
 * function.
 *
 * int falls_through(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack falls-through site_falls_through

#ifndef TWIN_ONLY
FUNC falls_through
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
site_falls_through:
	add	w0, w0, #1		/* BUG: no ret after this */
ENDF falls_through
#endif

FUNC falls_through_ok
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
	add	w0, w0, #1
	ret
ENDF falls_through_ok
