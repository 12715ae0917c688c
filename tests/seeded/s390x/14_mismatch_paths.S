/*
 * 14 - stack-mismatch: 8 more bytes allocated on one path, never released, and the
 * paths meet before the call. Reported at the join.
 *
 * void mismatch_paths(long x) { if (x) { char b[8]; use(b); } g(); }   hand-written
 */
#include "s390x.h"
# EXPECT stack stack-mismatch site_mismatch_paths
# RULES stack

#ifndef TWIN_ONLY
FUNC mismatch_paths
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	ltgr	%r1,%r2			/* %r1 reused: only %r15 locates the frame */
	je	site_mismatch_paths
	aghi	%r15,-8			/* BUG: never released on this path */
site_mismatch_paths:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF mismatch_paths
#endif

FUNC mismatch_paths_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	ltgr	%r1,%r2
	je	.Lok_join
	aghi	%r15,-8
	aghi	%r15,8
.Lok_join:
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF mismatch_paths_ok
