/*
 * 05 - sibling-call-modified-frame: a tail call (jg) with the frame allocated.
 *
 * long tail_jg_frame_up(void) { g(); return h(); }
 */
#include "s390x.h"
# EXPECT stack sibling-call-modified-frame site_tail_jg_frame_up

#ifndef TWIN_ONLY
FUNC tail_jg_frame_up
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lg	%r14,272(%r15)
site_tail_jg_frame_up:
	jg	h@PLT			/* BUG: the frame is still allocated */
ENDF tail_jg_frame_up
#endif

FUNC tail_jg_frame_up_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	jg	h@PLT
ENDF tail_jg_frame_up_ok
