/*
 * 16 - falls-through: the function ends in a call to a function that returns (g), so
 * execution continues past the end.  The twin returns after the call.
 *
 * void ends_in_bl(int x) { g(x); }
 */
#include "a64.h"
# EXPECT stack falls-through site_ends_in_bl

#ifndef TWIN_ONLY
FUNC ends_in_bl
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
site_ends_in_bl:
	bl	g			/* BUG: g returns; nothing follows */
ENDF ends_in_bl
#endif

FUNC ends_in_bl_ok
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
	ret
ENDF ends_in_bl_ok
