/*
 * 13 - unsupported-stack-op: the frame allocated with the 32-bit ahi, which keeps the
 * high half of %r15 (aghi was meant).
 *
 * void ahi_sp(void) { g(); }
 */
#include "s390x.h"
# EXPECT stack unsupported-stack-op site_ahi_sp

#ifndef TWIN_ONLY
FUNC ahi_sp
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
site_ahi_sp:
	ahi	%r15,-160		/* BUG: aghi */
	stg	%r1,0(%r15)
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF ahi_sp
#endif

FUNC ahi_sp_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF ahi_sp_ok
