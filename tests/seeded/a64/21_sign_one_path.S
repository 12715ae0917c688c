/*
 * 21 - ra-sign-mismatch: signing on one path only.  Both paths build the same frame and meet
 * at the call to abort, but x30 (and its saved copy) is signed on one and plain on the other,
 * so no single unwind rule (signed or not) describes the call site.  The join leads only into
 * code that never returns, so the result does not depend on the order the paths are visited.
 * The twin signs on both paths.  The clean helper is gcc 12 -O2 -mbranch-protection=standard
 * output: shrink-wrapped signing after an early cbz, the early path returning unsigned without
 * a frame, correct, and flagged by a checker that wants paciasp at the entry.
 *
 * int sign_one_path(int *p) { if (!p) abort(); if (*p < 0) abort(); return g(*p) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_sign_one_path

#ifndef TWIN_ONLY
FUNC sign_one_path
	cbz	x0, .Lb_null
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	tbnz	w0, #31, site_sign_one_path
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
.Lb_null:
	stp	x29, x30, [sp, #-16]!	/* BUG: the same frame, x30 not signed */
	mov	x29, sp
site_sign_one_path:
	bl	abort
ENDF sign_one_path
#endif

FUNC sign_one_path_ok
	cbz	x0, .Lg_null
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	tbnz	w0, #31, .Lg_fail
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
.Lg_null:
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
.Lg_fail:
	bl	abort
ENDF sign_one_path_ok

/* gcc 12 -O2 -mbranch-protection=standard:
 * int f(int *p) { if (!p) return 0; if (*p < 0) abort(); return g(*p) + 1; } */
FUNC sign_shrink_wrapped_clean
	hint	34			/* bti c */
	cbz	x0, .Lc_null
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	tbnz	w0, #31, .Lc_fail
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
.Lc_null:
	mov	w0, #0
	ret
.Lc_fail:
	bl	abort
ENDF sign_shrink_wrapped_clean
