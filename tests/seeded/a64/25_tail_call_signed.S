/*
 * 25 - ra-sign-mismatch: a tail call with x30 still signed: g2 returns with a PAC-mangled
 * address.  The twin authenticates before the branch, as gcc does.
 *
 * int tail_call_signed(int x) { return g2(g(x) + 1); }   gcc -O2 -mbranch-protection=pac-ret
 */
#include "a64.h"
# EXPECT stack ra-sign-mismatch site_tail_call_signed

#ifndef TWIN_ONLY
FUNC tail_call_signed
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
site_tail_call_signed:
	b	g2			/* BUG: autiasp missing */
ENDF tail_call_signed
#endif

FUNC tail_call_signed_ok
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	add	w0, w0, #1
	b	g2
ENDF tail_call_signed_ok
