/*
 * 16 - backchain-clobbered: a pointer to a local stored at 0(%r15), over the back chain,
 * while the frame is live (the pointer goes to the callee in %r2 only). The call after it is
 * not reported again. (An unknown value stored there is not reported: it may be the chain
 * copied through memory the analysis cannot follow, as gcc's alloca and VLAs do.)
 *
 * void backchain_clobbered(long x) { long v = x; g(&v); }
 */
#include "s390x.h"
# EXPECT backchain backchain-clobbered site_backchain_clobbered

#ifndef TWIN_ONLY
FUNC backchain_clobbered
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-168
	stg	%r1,0(%r15)
	stg	%r2,160(%r15)
	la	%r2,160(%r15)
site_backchain_clobbered:
	stg	%r2,0(%r15)		/* BUG: the pointer is passed in %r2 only */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,280(%r15)
	br	%r14
ENDF backchain_clobbered
#endif

FUNC backchain_clobbered_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-168
	stg	%r1,0(%r15)
	stg	%r2,160(%r15)
	la	%r2,160(%r15)
	brasl	%r14,g@PLT
	lmg	%r14,%r15,280(%r15)
	br	%r14
ENDF backchain_clobbered_ok
