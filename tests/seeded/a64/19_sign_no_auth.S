/*
 * 19 - ra-sign-mismatch: the return address is signed (paciasp) but returned through without
 * authentication: ret jumps to a PAC-mangled address.
 *
 * int sign_no_auth(int x) { return g(x) + 1; }   gcc -O2 -mbranch-protection=pac-ret
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_sign_no_auth

#ifndef TWIN_ONLY
FUNC sign_no_auth
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
site_sign_no_auth:
	ret				/* BUG: autiasp missing */
ENDF sign_no_auth
#endif

FUNC sign_no_auth_ok
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF sign_no_auth_ok
