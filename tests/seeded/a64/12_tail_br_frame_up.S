/*
 * 12 - sibling-call-modified-frame: an indirect tail call (br to a function pointer, not a
 * jump table) with the frame still up.
 *
 * int tail_br_frame_up(int (*fn)(int), int x) { return fn(g(x)); }
 */
#include "a64.h"
# EXPECT stack sibling-call-modified-frame site_tail_br_frame_up

#ifndef TWIN_ONLY
FUNC tail_br_frame_up
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	mov	w0, w1
	bl	g
	mov	x1, x19
	ldr	x19, [sp, #16]
site_tail_br_frame_up:
	br	x1			/* BUG: frame record still on the stack */
ENDF tail_br_frame_up
#endif

FUNC tail_br_frame_up_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	mov	w0, w1
	bl	g
	mov	x1, x19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	br	x1
ENDF tail_br_frame_up_ok
