/*
 * 15 - backchain-missing: a frame allocated and a call made without the back chain
 * stored at 0(%r15). Correct code without -mbackchain; with it, a walk of the chain from the
 * callee skips this function's caller.
 *
 * void backchain_missing(void) { g(); }   twin: gcc 12 -O2 -mbackchain
 */
#include "s390x.h"
# EXPECT backchain backchain-missing site_backchain_missing

#ifndef TWIN_ONLY
FUNC backchain_missing
	stmg	%r14,%r15,112(%r15)
	aghi	%r15,-160		/* BUG: no lgr %r1,%r15 ... stg %r1,0(%r15) */
site_backchain_missing:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_missing
#endif

FUNC backchain_missing_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_missing_ok
