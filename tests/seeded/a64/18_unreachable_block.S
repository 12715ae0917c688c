/*
 * 18 - unreachable: a block that no branch reaches (left behind when a condition was
 * rewritten as csel).
 *
 * int unreachable_block(int x) { return x > 0 ? x : 1; }
 */
#include "a64.h"
# EXPECT stack unreachable site_unreachable_block

#ifndef TWIN_ONLY
FUNC unreachable_block
	mov	w1, #1
	cmp	w0, #0
	csel	w0, w0, w1, gt
	ret
site_unreachable_block:
	mov	w0, #1			/* BUG: dead block */
	ret
ENDF unreachable_block
#endif

FUNC unreachable_block_ok
	mov	w1, #1
	cmp	w0, #0
	csel	w0, w0, w1, gt
	ret
ENDF unreachable_block_ok
