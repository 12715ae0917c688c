/*
 * 23 - ra-sign-mismatch: signed with key B (pacibsp, -mbranch-protection=pac-ret+b-key) and
 * authenticated with key A (autiasp).
 *
 * int sign_key_mismatch(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_sign_key_mismatch

#ifndef TWIN_ONLY
FUNC sign_key_mismatch
	hint	27			/* pacibsp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
site_sign_key_mismatch:
	hint	29			/* BUG: autiasp, key A */
	ret
ENDF sign_key_mismatch
#endif

FUNC sign_key_mismatch_ok
	hint	27			/* pacibsp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	31			/* autibsp */
	ret
ENDF sign_key_mismatch_ok
