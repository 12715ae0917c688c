/*
 * 17 - backchain-missing: the new stack pointer stored as the back chain (it must
 * be the caller's, saved in %r1 before the allocation).
 *
 * void backchain_self(void) { g(); }
 */
#include "s390x.h"
# EXPECT backchain backchain-missing site_backchain_self

#ifndef TWIN_ONLY
FUNC backchain_self
	stmg	%r14,%r15,112(%r15)
	aghi	%r15,-160
	stg	%r15,0(%r15)		/* BUG: the chain points at itself */
site_backchain_self:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_self
#endif

FUNC backchain_self_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF backchain_self_ok
