/*
 * 35 - lr-clobbered: an LSE atomic (ldaddal) returns the old value into x30, the only copy of
 * the return address: the analysis must know which register an LSE instruction writes.  The
 * twin and the clean helpers are gcc 12 -O2 -march=armv8.1-a output (ldaddal, casal, swpal),
 * instructions that Capstone 4 rejects, so a checker built on it reports decode errors.
 *
 * long lse_x30_dest(long *p) { return __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); }
 */
#include "a64.h"
# EXPECT stack lr-clobbered site_lse_x30_dest

	.arch	armv8.1-a
#ifndef TWIN_ONLY
FUNC lse_x30_dest
	mov	x1, #1
site_lse_x30_dest:
	ldaddal	x1, x30, [x0]		/* BUG: the old value lands in x30 */
	mov	x0, x30
	ret
ENDF lse_x30_dest
#endif

FUNC lse_x30_dest_ok
	mov	x2, #1
	ldaddal	x2, x0, [x0]
	ret
ENDF lse_x30_dest_ok

/* bool cas(long *p, long old, long new) */
FUNC lse_cas_clean
	mov	x3, x1
	casal	x3, x2, [x0]
	cmp	x3, x1
	cset	w0, eq
	ret
ENDF lse_cas_clean

/* int xchg_then_g(int *p, int v) { return g(__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)); } */
FUNC lse_swp_tail_clean
	swpal	w1, w0, [x0]
	b	g
ENDF lse_swp_tail_clean
