/*
 * 21 - ra-sign-mismatch: the return address is signed on one path only, and the two paths
 * meet in the prologue: signed on one, plain on the other.  (A mismatch ends the path, like
 * stack-mismatch.)  The twin is gcc -O2 -mbranch-protection=standard output: shrink-wrapped
 * signing after an early cbz, the early path returning unsigned without a frame, which is
 * correct and which a checker that wants paciasp at the entry would flag.
 *
 * int sign_one_path(int *p) { if (!p) return 0; return g(*p) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_sign_one_path

#ifndef TWIN_ONLY
FUNC sign_one_path
	cbz	x0, site_sign_one_path
	hint	25			/* paciasp */
	ldr	w0, [x0]
site_sign_one_path:
	stp	x29, x30, [sp, #-16]!	/* BUG: reached signed and unsigned */
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF sign_one_path
#endif

/* gcc 12 -O2 -mbranch-protection=standard */
FUNC sign_one_path_ok
	hint	34			/* bti c */
	cbz	x0, .Lg_null
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	w0, [x0]
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
.Lg_null:
	mov	w0, #0
	ret
ENDF sign_one_path_ok
