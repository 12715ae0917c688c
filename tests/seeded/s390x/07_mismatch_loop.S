/*
 * 07 - stack-mismatch at a loop header: 8 bytes allocated inside the loop, so the
 * back edge arrives with sp 8 lower each round.
 *
 * long mismatch_loop(long x, long n)   sum of x, n times (n > 0)
 */
#include "s390x.h"
# EXPECT stack stack-mismatch site_mismatch_loop

#ifndef TWIN_ONLY
FUNC mismatch_loop
	lghi	%r1,0
site_mismatch_loop:
	aghi	%r15,-8			/* BUG: belongs before the loop */
	agr	%r1,%r2
	brctg	%r3,site_mismatch_loop
	aghi	%r15,8
	lgr	%r2,%r1
	br	%r14
ENDF mismatch_loop
#endif

FUNC mismatch_loop_ok
	lghi	%r1,0
	aghi	%r15,-8
.Lok_loop:
	agr	%r1,%r2
	brctg	%r3,.Lok_loop
	aghi	%r15,8
	lgr	%r2,%r1
	br	%r14
ENDF mismatch_loop_ok
