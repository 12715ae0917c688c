/*
 * 06 - sibling-call-modified-frame: a tail call through a function pointer (br %r2)
 * with the frame allocated.
 *
 * void tail_br_frame_up(void (*p)(void)) { p(); }   with a frame
 */
#include "s390x.h"
# EXPECT stack sibling-call-modified-frame site_tail_br_frame_up

#ifndef TWIN_ONLY
FUNC tail_br_frame_up
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	lg	%r14,272(%r15)
site_tail_br_frame_up:
	br	%r2			/* BUG: the frame is still allocated */
ENDF tail_br_frame_up
#endif

FUNC tail_br_frame_up_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	lmg	%r14,%r15,272(%r15)
	br	%r2
ENDF tail_br_frame_up_ok
