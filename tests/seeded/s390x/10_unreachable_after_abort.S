/*
 * 10 - unreachable: code after a call to abort.
 *
 * long unreachable_after_abort(void) { abort(); return 0; }   hand-written
 */
#include "s390x.h"
# EXPECT stack unreachable site_unreachable_after_abort

#ifndef TWIN_ONLY
FUNC unreachable_after_abort
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,abort@PLT
site_unreachable_after_abort:
	lghi	%r2,0			/* BUG: abort does not return */
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF unreachable_after_abort
#endif

FUNC unreachable_after_abort_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,abort@PLT
ENDF unreachable_after_abort_ok
