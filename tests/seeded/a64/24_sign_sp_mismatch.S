/*
 * 24 - ra-sign-mismatch: paciasp uses sp as the modifier; here x30 is authenticated before
 * the frame is released, with sp 16 bytes below its value at signing, so authentication fails.
 *
 * int sign_sp_mismatch(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_sign_sp_mismatch

#ifndef TWIN_ONLY
FUNC sign_sp_mismatch
	hint	25			/* paciasp, sp = CFA */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp]
site_sign_sp_mismatch:
	hint	29			/* BUG: autiasp with sp = CFA - 16 */
	add	sp, sp, #16
	ret
ENDF sign_sp_mismatch
#endif

FUNC sign_sp_mismatch_ok
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF sign_sp_mismatch_ok
