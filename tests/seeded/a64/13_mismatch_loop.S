/*
 * 13 - stack-mismatch: a loop allocates 16 bytes per iteration, so the loop header is reached
 * with a different sp on every pass.  (The epilogue restores sp from x29, which the analysis
 * does not reach: a mismatch ends the path.)  The twin allocates once, before the loop.
 *
 * long mismatch_loop(long n)   keeps n words in a scratch area, sums them
 */
#include "a64.h"
# EXPECT stack stack-mismatch site_mismatch_loop

#ifndef TWIN_ONLY
FUNC mismatch_loop
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	x1, x0
	mov	x0, #0
site_mismatch_loop:
	sub	sp, sp, #16		/* BUG: allocation inside the loop */
	str	x1, [sp]
	add	x0, x0, x1
	subs	x1, x1, #1
	b.ne	site_mismatch_loop
	mov	sp, x29
	ldp	x29, x30, [sp], #16
	ret
ENDF mismatch_loop
#endif

FUNC mismatch_loop_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	mov	x1, x0
	mov	x0, #0
.Lg_loop:
	str	x1, [sp, #16]
	add	x0, x0, x1
	subs	x1, x1, #1
	b.ne	.Lg_loop
	ldp	x29, x30, [sp], #32
	ret
ENDF mismatch_loop_ok
