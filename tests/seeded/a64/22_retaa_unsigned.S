/*
 * 22 - ra-sign-mismatch: retaa authenticates x30 with key A and sp, but nothing signed it.
 * The twin is clang 14 -O2 -march=armv8.3-a -mbranch-protection=pac-ret output: pacia x30, sp
 * (the same operation as paciasp) and retaa, which a checker that knows only the hint forms
 * would not understand.
 *
 * int retaa_unsigned(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_retaa_unsigned

	.arch	armv8.3-a
#ifndef TWIN_ONLY
FUNC retaa_unsigned
	stp	x29, x30, [sp, #-16]!	/* BUG: pacia x30, sp missing */
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
site_retaa_unsigned:
	retaa
ENDF retaa_unsigned
#endif

FUNC retaa_unsigned_ok
	pacia	x30, sp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	retaa
ENDF retaa_unsigned_ok
