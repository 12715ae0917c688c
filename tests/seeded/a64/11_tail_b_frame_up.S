/*
 * 11 - sibling-call-modified-frame: a tail call (b) made with the frame record still on the
 * stack: g2 returns to our caller with sp 32 bytes off and x29 pointing into a dead frame.
 *
 * int tail_b_frame_up(int x, int y) { return g2(g(x) + y); }
 */
#include "a64.h"
# EXPECT stack sibling-call-modified-frame site_tail_b_frame_up

#ifndef TWIN_ONLY
FUNC tail_b_frame_up
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
site_tail_b_frame_up:
	b	g2			/* BUG: ldp x29, x30, [sp], #32 missing */
ENDF tail_b_frame_up
#endif

FUNC tail_b_frame_up_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	b	g2
ENDF tail_b_frame_up_ok
