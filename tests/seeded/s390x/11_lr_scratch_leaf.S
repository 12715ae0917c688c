/*
 * 11 - lr-clobbered: a leaf uses %r14 as a temporary while it holds the return
 * address.
 *
 * long lr_scratch_leaf(long x) { return x * 3; }
 */
#include "s390x.h"
# EXPECT stack lr-clobbered site_lr_scratch_leaf

#ifndef TWIN_ONLY
FUNC lr_scratch_leaf
site_lr_scratch_leaf:
	lgr	%r14,%r2		/* BUG: use %r1 */
	agr	%r2,%r14
	agr	%r2,%r14
	br	%r14
ENDF lr_scratch_leaf
#endif

FUNC lr_scratch_leaf_ok
	lgr	%r1,%r2
	agr	%r2,%r1
	agr	%r2,%r1
	br	%r14
ENDF lr_scratch_leaf_ok
