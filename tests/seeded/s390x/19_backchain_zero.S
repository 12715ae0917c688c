/*
 * 19 - backchain-missing: the back chain cleared (xc 0(8,%r15),0(%r15), as _start
 * ends the chain) in a function that has a caller: a walk stops here.
 *
 * void backchain_zero(void) { g(); }
 */
#include "s390x.h"
# EXPECT backchain backchain-missing site_backchain_zero

#ifndef TWIN_ONLY
FUNC backchain_zero
	stmg	%r14,%r15,112(%r15)
	aghi	%r15,-160
	xc	0(8,%r15),0(%r15)	/* BUG: only the outermost frame ends the chain */
site_backchain_zero:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_zero
#endif

FUNC backchain_zero_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_zero_ok
