/*
 * 04 - lr-clobbered: a hand-written leaf uses x30 as a scratch register, so its own return
 * address is gone (any write to x30, not only a call).
 *
 * long lr_scratch_leaf(long a, long b, long c) { return a + b + c; }
 */
#include "a64.h"
# EXPECT stack lr-clobbered site_lr_scratch_leaf

#ifndef TWIN_ONLY
FUNC lr_scratch_leaf
site_lr_scratch_leaf:
	add	x30, x0, x1		/* BUG: x30 used as a temporary */
	add	x0, x30, x2
	ret
ENDF lr_scratch_leaf
#endif

FUNC lr_scratch_leaf_ok
	add	x9, x0, x1
	add	x0, x9, x2
	ret
ENDF lr_scratch_leaf_ok
