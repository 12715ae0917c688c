/*
 * 20 - ra-sign-mismatch: the return address is authenticated (autiasp) but was never signed,
 * so authentication fails (the address is poisoned, or the process faults with FEAT_FPAC).
 *
 * int auth_no_sign(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_auth_no_sign

#ifndef TWIN_ONLY
FUNC auth_no_sign
	stp	x29, x30, [sp, #-16]!	/* BUG: paciasp missing */
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
site_auth_no_sign:
	hint	29			/* autiasp */
	ret
ENDF auth_no_sign
#endif

FUNC auth_no_sign_ok
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF auth_no_sign_ok
