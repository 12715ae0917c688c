/*
 * 21 - undefined-stack: the prologue saves %r6-%r14 but the epilogue's lmg reloads
 * %r6-%r15: %r15 comes from a slot nothing stored, so the return finds the stack pointer
 * unknown.
 *
 * long stmg_without_r15(long x) { return g(x) + x; }
 */
#include "s390x.h"
# EXPECT stack undefined-stack site_stmg_without_r15

#ifndef TWIN_ONLY
FUNC stmg_without_r15
	stmg	%r6,%r14,48(%r15)	/* BUG: stmg %r6,%r15,48(%r15) */
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)
	lgr	%r6,%r2
	brasl	%r14,g@PLT
	agr	%r2,%r6
	lmg	%r6,%r15,208(%r15)
site_stmg_without_r15:
	br	%r14
ENDF stmg_without_r15
#endif

FUNC stmg_without_r15_ok
	stmg	%r6,%r15,48(%r15)
	lgr	%r1,%r15
	aghi	%r15,-160
	stg	%r1,0(%r15)
	lgr	%r6,%r2
	brasl	%r14,g@PLT
	agr	%r2,%r6
	lmg	%r6,%r15,208(%r15)
	br	%r14
ENDF stmg_without_r15_ok
