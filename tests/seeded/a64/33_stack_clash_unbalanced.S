/*
 * 33 - return-modified-frame: a 2 MB frame allocated by a stack-clash probe loop (64 KB steps,
 * each probed, until sp reaches x12) plus a register-sized remainder, then released one page
 * short.  The twin is gcc 12 -O2 -fstack-clash-protection output: sp changes inside a loop
 * whose exit condition compares sp itself, which a checker that requires sp to agree at a
 * loop header flags.  A clean helper shows the unrolled form gcc uses for smaller frames.
 *
 * int stack_clash_unbalanced(int x) { char buf[2000000]; h(buf); return buf[x]; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_stack_clash_unbalanced

#ifndef TWIN_ONLY
FUNC stack_clash_unbalanced
	sub	x12, sp, #480, lsl #12
.Lb_probe:
	sub	sp, sp, #16, lsl #12
	str	xzr, [sp, #1024]
	cmp	sp, x12
	b.ne	.Lb_probe
	mov	x12, #33952
	sub	sp, sp, x12
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
	add	sp, sp, #1184
	add	sp, sp, #487, lsl #12	/* BUG: 488 pages */
site_stack_clash_unbalanced:
	ret
ENDF stack_clash_unbalanced
#endif

/* gcc 12 -O2 -fstack-clash-protection */
FUNC stack_clash_unbalanced_ok
	sub	x12, sp, #480, lsl #12
.Lg_probe:
	sub	sp, sp, #16, lsl #12
	str	xzr, [sp, #1024]
	cmp	sp, x12
	b.ne	.Lg_probe
	mov	x12, #33952
	sub	sp, sp, x12
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
	add	sp, sp, #1184
	add	sp, sp, #488, lsl #12
	ret
ENDF stack_clash_unbalanced_ok

/* gcc 12 -O2 -fstack-clash-protection, char buf[200000]: the probes unrolled */
FUNC stack_clash_unrolled_clean
	sub	sp, sp, #16, lsl #12
	str	xzr, [sp, #1024]
	sub	sp, sp, #16, lsl #12
	str	xzr, [sp, #1024]
	sub	sp, sp, #16, lsl #12
	str	xzr, [sp, #1024]
	sub	sp, sp, #3424
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
	add	sp, sp, #3424
	add	sp, sp, #48, lsl #12
	ret
ENDF stack_clash_unrolled_clean
