/*
 * source_entries.c - a row source over entries already decoded and sorted (SFrame, ORC readers).
 * Read-only after creation, so every slot shares it.
 */
#include <stdlib.h>
#include <string.h>

#include "tables/source.h"

struct entries_src {
	struct ts_source base;
	struct ts_srcentry *e;
	size_t n;
};

static int entries_lookup(struct ts_source *s, unsigned slot, uint64_t addr, struct ts_srcrow *out)
{
	(void)slot;
	struct entries_src *es = (struct entries_src *)s;
	memset(out, 0, sizeof(*out));
	size_t lo = 0, hi = es->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (es->e[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct ts_srcentry *e = lo ? &es->e[lo - 1] : NULL;
	uint64_t next = lo < es->n ? es->e[lo].start : UINT64_MAX;
	if (!e || (e->end && addr >= e->end)) {
		out->status = TS_SRC_NONE;
		out->start = e ? (e->end ? e->end : addr) : 0;
		out->end = next;
		return 0;
	}
	out->status = e->status;
	out->outermost = e->outermost;
	out->signal = e->signal;
	out->start = e->start;
	out->end = e->end && e->end < next ? e->end : next;
	out->fde_start = e->fde_start;
	out->row = e->row;
	memcpy(out->what, e->what, sizeof(out->what));
	return 0;
}

static void entries_close(struct ts_source *s)
{
	struct entries_src *es = (struct entries_src *)s;
	if (es)
		free(es->e);
	free(es);
}

int ts_source_from_entries(const char *name, struct ts_srcentry *e, size_t n, struct ts_source **out)
{
	struct entries_src *es = calloc(1, sizeof(*es));
	if (!es)
		return -TRUSTACK_E_NOMEM;
	es->base.name = name;
	es->base.lookup = entries_lookup;
	es->base.close = entries_close;
	es->e = e;
	es->n = n;
	*out = &es->base;
	return 0;
}
