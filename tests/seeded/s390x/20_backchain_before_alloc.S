/*
 * 20 - backchain-missing: the chain stored before the allocation, into the caller's
 * slot 0(%r15), not the new frame's.
 *
 * void backchain_before_alloc(void) { g(); }
 */
#include "s390x.h"
# EXPECT backchain backchain-missing site_backchain_before_alloc

#ifndef TWIN_ONLY
FUNC backchain_before_alloc
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	stg	%r1,0(%r15)		/* BUG: after the aghi */
	aghi	%r15,-160
site_backchain_before_alloc:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_before_alloc
#endif

FUNC backchain_before_alloc_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_before_alloc_ok
