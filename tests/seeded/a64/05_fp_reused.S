/*
 * 05 - fp-clobbered (fp rules): x29 holds the frame but is then reused as a pointer register
 * across a call.  It is restored from the frame record in the epilogue, so the stack rules
 * find nothing.
 *
 * int fp_reused(int *p, int y) { return g(*p) + y; }
 */
#include "a64.h"
# EXPECT fp fp-clobbered site_fp_reused

#ifndef TWIN_ONLY
FUNC fp_reused
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
site_fp_reused:
	mov	x29, x0			/* BUG: x29 reused while it holds the frame */
	ldr	w0, [x29]
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF fp_reused
#endif

FUNC fp_reused_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
	ldr	w0, [x0]
	bl	g
	add	w0, w0, w19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF fp_reused_ok
