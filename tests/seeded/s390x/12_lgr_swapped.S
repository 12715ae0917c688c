/*
 * 12 - undefined-stack: the back-chain idiom with lgr's operands swapped (lgr
 * %r15,%r1): the stack pointer gets %r1's value, and the allocation after it works on an
 * unknown stack.
 *
 * void lgr_swapped(void) { g(); }   gcc -O2 -mbackchain, typo
 */
#include "s390x.h"
# EXPECT stack undefined-stack site_lgr_swapped

#ifndef TWIN_ONLY
FUNC lgr_swapped
	stmg	%r14,%r15,112(%r15)
	lgr	%r15,%r1		/* BUG: lgr %r1,%r15 */
site_lgr_swapped:
	aghi	%r15,-160
	stg	%r1,0(%r15)
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF lgr_swapped
#endif

FUNC lgr_swapped_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF lgr_swapped_ok
