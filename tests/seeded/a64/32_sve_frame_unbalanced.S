/*
 * 32 - return-modified-frame: an SVE frame (two vector registers of spill space, addvl sp, sp,
 * #-2, whose size depends on the vector length) released by only one vector length.  The twin
 * is gcc 12 -O2 -march=armv8.2-a+sve output; a checker that cannot decode addvl, or treats it
 * as an unknown stack change, flags it.
 *
 * int sve_frame_unbalanced(int x) { svint32_t v, w; hv(&v); hv(&w); return x; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_sve_frame_unbalanced

	.arch	armv8.2-a+sve
#ifndef TWIN_ONLY
FUNC sve_frame_unbalanced
	addvl	sp, sp, #-2
	sub	sp, sp, #32
	stp	x29, x30, [sp]
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w0
	add	x0, sp, #32
	bl	hv
	addvl	x0, sp, #1
	add	x0, x0, #32
	bl	hv
	ldp	x29, x30, [sp]
	mov	w0, w19
	ldr	x19, [sp, #16]
	addvl	sp, sp, #1		/* BUG: two vector lengths were allocated */
	add	sp, sp, #32
site_sve_frame_unbalanced:
	ret
ENDF sve_frame_unbalanced
#endif

/* gcc 12 -O2 -march=armv8.2-a+sve */
FUNC sve_frame_unbalanced_ok
	addvl	sp, sp, #-2
	sub	sp, sp, #32
	stp	x29, x30, [sp]
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w0
	add	x0, sp, #32
	bl	hv
	addvl	x0, sp, #1
	add	x0, x0, #32
	bl	hv
	ldp	x29, x30, [sp]
	mov	w0, w19
	ldr	x19, [sp, #16]
	addvl	sp, sp, #2
	add	sp, sp, #32
	ret
ENDF sve_frame_unbalanced_ok
