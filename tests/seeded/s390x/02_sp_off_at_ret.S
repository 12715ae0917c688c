/*
 * 02 - return-modified-frame: the epilogue releases 152 bytes of a 160-byte frame.
 *
 * long sp_off_at_ret(void) { return g(); }   (hand-written epilogue)
 */
#include "s390x.h"
# EXPECT stack return-modified-frame site_sp_off_at_ret

#ifndef TWIN_ONLY
FUNC sp_off_at_ret
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lg	%r14,272(%r15)
	aghi	%r15,152		/* BUG: 160 */
site_sp_off_at_ret:
	br	%r14
ENDF sp_off_at_ret
#endif

FUNC sp_off_at_ret_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lg	%r14,272(%r15)
	aghi	%r15,160
	br	%r14
ENDF sp_off_at_ret_ok
