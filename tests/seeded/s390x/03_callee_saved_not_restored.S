/*
 * 03 - return-modified-frame: %r12 is saved and changed, but the epilogue's lmg
 * starts at %r13.
 *
 * long callee_saved_not_restored(long x) { return g() + x; }   gcc -O2 -mbackchain
 */
#include "s390x.h"
# EXPECT stack return-modified-frame site_callee_saved_not_restored

#ifndef TWIN_ONLY
FUNC callee_saved_not_restored
	stmg	%r12,%r15,96(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)
	lgr	%r12,%r2
	brasl	%r14,g@PLT
	agr	%r2,%r12
	lmg	%r13,%r15,264(%r15)	/* BUG: lmg %r12,%r15,256(%r15) */
site_callee_saved_not_restored:
	br	%r14
ENDF callee_saved_not_restored
#endif

FUNC callee_saved_not_restored_ok
	stmg	%r12,%r15,96(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)
	lgr	%r12,%r2
	brasl	%r14,g@PLT
	agr	%r2,%r12
	lmg	%r12,%r15,256(%r15)
	br	%r14
ENDF callee_saved_not_restored_ok
