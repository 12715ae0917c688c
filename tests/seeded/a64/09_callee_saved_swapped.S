/*
 * 09 - return-modified-frame: the epilogue reloads x19 and x20 from each other's slots, so the
 * caller's callee-saved registers come back exchanged (sp and x30 are right).
 *
 * int callee_saved_swapped(int a, int b) { return g(a) + b + a; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_callee_saved_swapped

#ifndef TWIN_ONLY
FUNC callee_saved_swapped
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	w19, w0
	mov	w20, w1
	bl	g
	add	w0, w0, w20
	add	w0, w0, w19
	ldp	x20, x19, [sp, #16]	/* BUG: swapped */
	ldp	x29, x30, [sp], #32
site_callee_saved_swapped:
	ret
ENDF callee_saved_swapped
#endif

FUNC callee_saved_swapped_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	w19, w0
	mov	w20, w1
	bl	g
	add	w0, w0, w20
	add	w0, w0, w19
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF callee_saved_swapped_ok
