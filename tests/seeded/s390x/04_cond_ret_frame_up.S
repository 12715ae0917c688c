/*
 * 04 - return-modified-frame: a conditional return (ber %r14) taken with the frame
 * still allocated. The twin tests before the prologue, as gcc -O2 shrink-wraps it.
 *
 * long cond_ret_frame_up(long x) { if (!x) return 0; return g(); }
 */
#include "s390x.h"
# EXPECT stack return-modified-frame site_cond_ret_frame_up

#ifndef TWIN_ONLY
FUNC cond_ret_frame_up
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	ltgr	%r2,%r2
site_cond_ret_frame_up:
	ber	%r14			/* BUG: the frame is still allocated */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF cond_ret_frame_up
#endif

FUNC cond_ret_frame_up_ok
	ltgr	%r2,%r2
	ber	%r14
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF cond_ret_frame_up_ok
