/*
 * table_index.c - the block index over a table's sorted entries (uwint.h), so the hot path of
 * the walk finds a row with a shift, two loads and a short scan.
 *
 * Built only where lookups are many and the unwinder lives long: the in-process unwinder
 * (a profiler's signal handler walks from arbitrary pcs for the whole run). Another process's
 * unwinder (`stacks`, `perf`, verify-unwind) lives for one snapshot or profile, whose repeated
 * return addresses the memo serves (walk.c): there a lookup is a binary search over the
 * entries, and building the index (one pass over every block of libc's 1.5 MB of code, and its
 * pages) would cost more than all its lookups save - a third of a warm `trustack stacks`.
 */
#include <stdlib.h>

#include "unwind/uwint.h"

int ts_uw_table_index(struct ts_uw_table *t, bool blocks)
{
	const struct ts_utable *u = &t->t;
	t->present = false;
	if (u->n == 0 || !u->pc || !u->row || !u->rows)
		return 0;
	t->lo = u->base + u->pc[0];
	t->hi = u->base + u->pc[u->n];
	if (t->hi <= t->lo)
		return 0;
	uint64_t nblk = ((t->hi - t->lo - 1) >> TS_UW_BLK_SHIFT) + 1;
	/* The index costs 4 bytes per 32 bytes of the span. A table made from real code has an
	 * entry every few dozen bytes (gaps between functions are entries too); one whose few
	 * entries span gigabytes (a damaged sidecar or .sframe) would cost gigabytes and seconds
	 * here: refuse it as malformed, which makes the module unknown code. */
	if (nblk >= UINT32_MAX || u->n >= TS_UW_BLK_ROW || nblk > 16 * (uint64_t)u->n + (1u << 20))
		return -TRUSTACK_E_FORMAT;
	free(t->blk);
	t->blk = NULL;
	t->nblk = 0;
	if (!blocks) { /* lookups search the entries (ts_uw_table_lookup) */
		t->present = true;
		return 0;
	}
	t->blk = malloc((nblk + 1) * sizeof(*t->blk));
	if (!t->blk)
		return -TRUSTACK_E_NOMEM;
	t->nblk = (uint32_t)nblk;
	uint32_t i = 0;
	for (uint64_t b = 0; b <= nblk; b++) {
		uint64_t addr = t->lo + (b << TS_UW_BLK_SHIFT);
		if (addr >= t->hi)
			addr = t->hi - 1;
		while (i + 1 < u->n && u->base + u->pc[i + 1] <= addr)
			i++;
		t->blk[b] = i;
	}
	/* blocks inside one entry point at its row directly: one load less per lookup */
	for (uint64_t b = 0; b < nblk; b++) {
		uint64_t s = t->lo + (b << TS_UW_BLK_SHIFT), e = s + (1u << TS_UW_BLK_SHIFT);
		uint32_t k = t->blk[b];
		if (u->base + u->pc[k + 1] >= e && u->row[k] < TS_UW_BLK_ROW)
			t->blk[b] = TS_UW_BLK_ROW | u->row[k];
	}
	t->present = true;
	return 0;
}

void ts_uw_table_free(struct ts_uw_table *t)
{
	if (t->t.mem || t->t.pc)
		ts_utable_free(&t->t);
	free(t->blk);
	t->blk = NULL;
	t->present = false;
}
