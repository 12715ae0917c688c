/*
 * 10 - return-modified-frame: the early return for a null pointer leaves the frame on the
 * stack.  The twin is what gcc -O2 emits: the test comes before the prologue (shrink-wrapping),
 * so the early path returns with no frame at all.
 *
 * int early_ret_frame_up(int *p) { if (!p) return 0; return g(*p) + 1; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_early_ret_frame_up

#ifndef TWIN_ONLY
FUNC early_ret_frame_up
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	cbz	x0, .Lb_null
	ldr	w0, [x0]
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ret
.Lb_null:
	mov	w0, #0
site_early_ret_frame_up:
	ret				/* BUG: frame still up */
ENDF early_ret_frame_up
#endif

/* gcc -O2 */
FUNC early_ret_frame_up_ok
	cbz	x0, .Lg_null
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ret
.Lg_null:
	mov	w0, #0
	ret
ENDF early_ret_frame_up_ok
