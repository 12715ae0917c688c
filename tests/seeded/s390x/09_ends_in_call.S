/*
 * 09 - falls-through: the function ends in a call to a function that returns.
 *
 * void ends_in_call(void) { g(); }   epilogue lost
 */
#include "s390x.h"
# EXPECT stack falls-through site_ends_in_call

#ifndef TWIN_ONLY
FUNC ends_in_call
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
site_ends_in_call:
	brasl	%r14,g@PLT		/* BUG: nothing after the call */
ENDF ends_in_call
#endif

FUNC ends_in_call_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF ends_in_call_ok
