/*
 * 22 - lr-clobbered: a leaf reads its literal pool into %r14.
 *
 * glibc's assembly loads a literal pool's address with `bras %rN,1f; .long ...; 1:` (memmove's
 * `bras %r5`): a jump over the data that leaves its address in %rN, no call. The bug loads the
 * pool's word into %r14, which holds the only copy of the return address. The twin loads it
 * into %r2 (before `bras` over a pool was modelled as a jump, the twin read as a call that
 * clobbered %r14: return-modified-frame, and its data as unreachable code).   hand-written
 */
#include "s390x.h"
# EXPECT stack lr-clobbered site_bras_pool_link

#ifndef TWIN_ONLY
FUNC bras_pool_link
	bras	%r5,1f			/* the pool's address into %r5, a jump over it */
	.long	0
1:
site_bras_pool_link:
	lg	%r14,0(%r5)		/* BUG: %r14 holds the only copy of the return address */
	lgr	%r2,%r14
	br	%r14
ENDF bras_pool_link
#endif

FUNC bras_pool_link_ok
	bras	%r5,1f			/* the pool's address into %r5, a jump over it */
	.long	0
1:	l	%r2,0(%r5)
	llgfr	%r2,%r2
	br	%r14
ENDF bras_pool_link_ok
