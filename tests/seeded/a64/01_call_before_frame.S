/*
 * 01 - call-without-frame (fp rules): the frame record is stored, but x29 is set to point at it
 * only after the first call, so a frame-pointer walk from inside g skips this function.  The
 * return address is saved before the call, so the stack rules find nothing.
 *
 * int call_before_frame(int x) { return g(x) + g(x + 1); }   gcc -O2 shape
 */
#include "a64.h"
# EXPECT fp call-without-frame site_call_before_frame

#ifndef TWIN_ONLY
FUNC call_before_frame
	stp	x29, x30, [sp, #-32]!
	str	x19, [sp, #16]
	mov	w19, w0
site_call_before_frame:
	bl	g			/* BUG: x29 still holds the caller frame */
	mov	x29, sp
	mov	w1, w0
	add	w0, w19, #1
	mov	w19, w1
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF call_before_frame
#endif

FUNC call_before_frame_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w0
	bl	g
	mov	w1, w0
	add	w0, w19, #1
	mov	w19, w1
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF call_before_frame_ok
