/*
 * 08 - falls-through into the next function: the br %r14 at the end was lost.
 *
 * long falls_through(long x) { return (x + x) << 1; }
 */
#include "s390x.h"
# EXPECT stack falls-through site_falls_through

#ifndef TWIN_ONLY
FUNC falls_through
	agr	%r2,%r2
site_falls_through:
	sllg	%r2,%r2,1		/* BUG: no br %r14 after this */
ENDF falls_through
#endif

/* long next_clean(long x): the function the buggy one falls into */
FUNC next_clean
	lcgr	%r2,%r2
	br	%r14
ENDF next_clean

FUNC falls_through_ok
	agr	%r2,%r2
	sllg	%r2,%r2,1
	br	%r14
ENDF falls_through_ok
