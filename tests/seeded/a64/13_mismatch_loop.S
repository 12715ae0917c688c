/*
 * 13 - stack-mismatch: a frameless function allocates 16 bytes per loop iteration, so the loop
 * header is reached with a different sp on every pass, and sp is the only register that knows
 * where the CFA is: no rule describes the frame at the header.  The twin allocates once,
 * before the loop.
 *
 * long mismatch_loop(long n)   keeps n words in a scratch area, sums them
 *
 * With a frame pointer the same loop is correct code: gcc 12 -O2 compiles alloca() in a loop
 * to exactly that (`sub sp, sp, #16` in the loop body, `mov sp, x29` in the epilogue; the CFA
 * stays x29+32 throughout).  alloca_loop_clean is that compiler output and must stay clean.
 *
 * void g(long *);
 * long alloca_loop_clean(long n) { long s = 0; for (long i = n; i; i--) {
 *         long *p = __builtin_alloca(16); *p = i; g(p); s += i; } return s; }
 */
#include "a64.h"
# EXPECT stack stack-mismatch site_mismatch_loop

#ifndef TWIN_ONLY
FUNC mismatch_loop
	mov	x1, x0
	mov	x0, #0
site_mismatch_loop:
	sub	sp, sp, #16		/* BUG: allocation inside the loop */
	str	x1, [sp]
	add	x0, x0, x1
	subs	x1, x1, #1
	b.ne	site_mismatch_loop
	add	sp, sp, #16
	ret
ENDF mismatch_loop
#endif

FUNC mismatch_loop_ok
	mov	x1, x0
	mov	x0, #0
	sub	sp, sp, #16
.Lg_loop:
	str	x1, [sp]
	add	x0, x0, x1
	subs	x1, x1, #1
	b.ne	.Lg_loop
	add	sp, sp, #16
	ret
ENDF mismatch_loop_ok

/* gcc 12 -O2 (see above) */
FUNC alloca_loop_clean
	stp	x29, x30, [sp, -32]!
	mov	x29, sp
	stp	x19, x20, [sp, 16]
	cbz	x0, .Lc_zero
	mov	x19, x0
	mov	x20, 0
.Lc_loop:
	sub	sp, sp, #16
	add	x20, x20, x19
	mov	x0, sp
	str	x19, [x0]
	bl	g
	subs	x19, x19, #1
	bne	.Lc_loop
	mov	sp, x29
	mov	x0, x20
	ldp	x19, x20, [sp, 16]
	ldp	x29, x30, [sp], 32
	ret
.Lc_zero:
	mov	sp, x29
	mov	x20, 0
	mov	x0, x20
	ldp	x19, x20, [sp, 16]
	ldp	x29, x30, [sp], 32
	ret
ENDF alloca_loop_clean
