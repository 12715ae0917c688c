/*
 * 31 - return-modified-frame: a 70 KB frame allocated in two steps (sub ..., lsl #12 for the
 * multiple of 4096) and released 4096 bytes short.  The twin is gcc 12 -O2 output; a checker
 * that drops the lsl #12 shift of the immediate sees a wrong frame size in it.
 *
 * int large_frame_unbalanced(int x) { char buf[70000]; h(buf); return buf[x]; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_large_frame_unbalanced

#ifndef TWIN_ONLY
FUNC large_frame_unbalanced
	sub	sp, sp, #400
	sub	sp, sp, #17, lsl #12
	stp	x29, x30, [sp]
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	add	x19, sp, #32
	mov	w20, w0
	mov	x0, x19
	bl	h
	ldp	x29, x30, [sp]
	ldrb	w0, [x19, w20, sxtw]
	ldp	x19, x20, [sp, #16]
	add	sp, sp, #400
	add	sp, sp, #16, lsl #12	/* BUG: 17 pages were allocated */
site_large_frame_unbalanced:
	ret
ENDF large_frame_unbalanced
#endif

/* gcc 12 -O2 */
FUNC large_frame_unbalanced_ok
	sub	sp, sp, #400
	sub	sp, sp, #17, lsl #12
	stp	x29, x30, [sp]
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	add	x19, sp, #32
	mov	w20, w0
	mov	x0, x19
	bl	h
	ldp	x29, x30, [sp]
	ldrb	w0, [x19, w20, sxtw]
	ldp	x19, x20, [sp, #16]
	add	sp, sp, #400
	add	sp, sp, #17, lsl #12
	ret
ENDF large_frame_unbalanced_ok
