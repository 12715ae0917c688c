/*
 * 01 - lr-clobbered: a call while %r14 holds the only copy of the return address
 * (the prologue forgot to save it with stmg).
 *
 * long lr_unsaved_call(void) { return g() + 1; }
 */
#include "s390x.h"
# EXPECT stack lr-clobbered site_lr_unsaved_call

#ifndef TWIN_ONLY
FUNC lr_unsaved_call
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)
site_lr_unsaved_call:
	brasl	%r14,g@PLT		/* BUG: %r14 not saved (stmg %r14,%r15,112(%r15)) */
	aghi	%r2,1
	aghi	%r15,160
	br	%r14
ENDF lr_unsaved_call
#endif

FUNC lr_unsaved_call_ok
	stmg	%r14,%r15,112(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)		/* the back chain (-mbackchain) */
	brasl	%r14,g@PLT
	aghi	%r2,1
	lmg	%r14,%r15,272(%r15)
	br	%r14
ENDF lr_unsaved_call_ok
