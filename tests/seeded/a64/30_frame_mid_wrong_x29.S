/*
 * 30 - call-without-frame (fp rules): the frame record sits mid-frame (clang puts it above the
 * locals), but x29 is set to the locals, 16 bytes below the record, so x29 does not point at
 * a frame record at the call.  The twin is clang 14 -O2 output: stp x29, x30, [sp, #48];
 * add x29, sp, #48, correct, and flagged by a checker that wants the record at the bottom.
 *
 * int frame_mid_wrong_x29(int x) { char buf[48]; h(buf); return buf[x]; }
 */
#include "a64.h"
# EXPECT fp call-without-frame site_frame_mid_wrong_x29

#ifndef TWIN_ONLY
FUNC frame_mid_wrong_x29
	sub	sp, sp, #80
	stp	x29, x30, [sp, #48]
	add	x29, sp, #32		/* BUG: the record is at sp + 48 */
	stp	x20, x19, [sp, #64]
	mov	w19, w0
	mov	x0, sp
	mov	x20, sp
site_frame_mid_wrong_x29:
	bl	h
	ldrb	w0, [x20, w19, sxtw]
	ldp	x20, x19, [sp, #64]
	ldp	x29, x30, [sp, #48]
	add	sp, sp, #80
	ret
ENDF frame_mid_wrong_x29
#endif

FUNC frame_mid_wrong_x29_ok
	sub	sp, sp, #80
	stp	x29, x30, [sp, #48]
	add	x29, sp, #48
	stp	x20, x19, [sp, #64]
	mov	w19, w0
	mov	x0, sp
	mov	x20, sp
	bl	h
	ldrb	w0, [x20, w19, sxtw]
	ldp	x20, x19, [sp, #64]
	ldp	x29, x30, [sp, #48]
	add	sp, sp, #80
	ret
ENDF frame_mid_wrong_x29_ok
