/*
 * 18 - backchain-missing: the back chain is stored, but only after the first call.
 *
 * void backchain_after_call(void) { g(); h(); }
 */
#include "s390x.h"
# EXPECT backchain backchain-missing site_backchain_after_call

#ifndef TWIN_ONLY
FUNC backchain_after_call
	stmg	%r13,%r15,104(%r15)
	lgr	%r13,%r15
	aghi	%r15,-160
site_backchain_after_call:
	brasl	%r14,g@PLT
	stg	%r13,0(%r15)		/* BUG: belongs before the first call */
	brasl	%r14,h@PLT
	lmg	%r13,%r15,264(%r15)
	br	%r14
ENDF backchain_after_call
#endif

FUNC backchain_after_call_ok
	stmg	%r13,%r15,104(%r15)
	lgr	%r13,%r15
	aghi	%r15,-160
	stg	%r13,0(%r15)
	brasl	%r14,g@PLT
	brasl	%r14,h@PLT
	lmg	%r13,%r15,264(%r15)
	br	%r14
ENDF backchain_after_call_ok
