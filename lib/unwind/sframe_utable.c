/*
 * sframe_utable.c - a module's own .sframe section as an unwinder table (unwind/utable.h), so
 * the sframe mode walks with the same lookup as the analysis' rows. Bytes between FDEs become
 * unreliable entries (no information), an FRE without a return-address rule marks the
 * outermost frame, PCMASK FDEs (PLT stubs) are unrolled over their blocks, and an FDE with the
 * signal bit (v3) marks a trampoline.
 */
#include <stdlib.h>
#include <string.h>

#include "tables/sframe.h"
#include "unwind/uwint.h"
#include "common/vec.h"

struct seg {
	uint64_t start, end;
	struct ts_urow row;
};

struct build {
	struct seg *v;
	size_t n, cap;
};

#define TS_SF_MAX_SEGS (1u << 18) /* rows the PCMASK FDEs of a table may expand to */

static int push(struct build *b, uint64_t start, uint64_t end, const struct ts_urow *row)
{
	if (end <= start)
		return 0;
	if (TS_GROW(b->v, b->n, b->cap, 1024))
		return -TRUSTACK_E_NOMEM;
	b->v[b->n++] = (struct seg){ start, end, *row };
	return 0;
}

static void urow_from(const struct trustack_row *r, bool signal, struct ts_urow *u)
{
	memset(u, 0, sizeof(*u));
	if (r->cfa_kind == TRUSTACK_CFA_UNDEFINED && r->ra.kind == TRUSTACK_LOC_UNDEFINED)
		u->flags = TS_UROW_OUTERMOST;
	else if (r->cfa_kind == TRUSTACK_CFA_UNDEFINED || r->ra.kind == TRUSTACK_LOC_UNDEFINED)
		u->flags = TS_UROW_UNRELIABLE;
	if (signal)
		u->flags |= TS_UROW_SIGNAL;
	u->cfa_kind = r->cfa_kind, u->cfa_reg = r->cfa_reg, u->cfa_off = r->cfa_offset;
	u->ra_kind = r->ra.kind, u->ra_reg = r->ra.reg, u->ra_off = r->ra.offset;
	u->fp_kind = r->fp.kind, u->fp_reg = r->fp.reg, u->fp_off = r->fp.offset;
	ts_urow_set_sign(u, r->ra_sign);
	/* SFrame says nothing about the other callee-saved registers: none can be recovered
	 * through a frame described by it */
	u->lost = UINT32_MAX;
}

static int cmp_fde(const void *a, const void *b)
{
	const struct ts_sf_fde *x = *(const struct ts_sf_fde *const *)a, *y = *(const struct ts_sf_fde *const *)b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The FREs of f that start inside [0, limit), in start order, as rows over [base, base+limit). */
static int add_fres(struct build *b, const struct ts_sframe *sf, const struct ts_sf_fde *f, uint64_t base,
		    uint64_t limit, uint64_t clip)
{
	for (uint32_t k = 0; k < f->n; k++) {
		const struct ts_sf_fre *r = &sf->fres[f->first + k];
		if (r->start >= limit)
			break;
		uint64_t end = k + 1 < f->n && sf->fres[f->first + k + 1].start < limit
				       ? sf->fres[f->first + k + 1].start
				       : limit;
		struct trustack_row row;
		struct ts_urow u;
		ts_sframe_fre_row(sf, f, r, &row);
		urow_from(&row, f->signal, &u);
		uint64_t s = base + r->start, e = base + end;
		if (e > clip)
			e = clip;
		int rc = push(b, s, e, &u);
		if (rc)
			return rc;
	}
	return 0;
}

/* Unique rows through a small open-addressing hash. */
static uint32_t row_hash(const struct ts_urow *r)
{
	const uint8_t *p = (const uint8_t *)r;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof(*r); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int ts_uw_utable_from_sframe(const struct ts_sframe *sf, uint16_t machine, struct ts_utable *out)
{
	memset(out, 0, sizeof(*out));
	out->machine = machine;
	if (!sf->nfdes)
		return 0;
	const struct ts_sf_fde **fd = malloc(sf->nfdes * sizeof(*fd));
	struct build b = { 0 };
	int rc = -TRUSTACK_E_NOMEM;
	if (!fd)
		return rc;
	for (size_t i = 0; i < sf->nfdes; i++)
		fd[i] = &sf->fdes[i];
	qsort(fd, sf->nfdes, sizeof(*fd), cmp_fde);

	struct ts_urow gap = { .flags = TS_UROW_UNRELIABLE };
	uint64_t at = fd[0]->start;
	uint64_t mask_budget = TS_SF_MAX_SEGS;
	rc = 0;
	for (size_t i = 0; i < sf->nfdes && !rc; i++) {
		const struct ts_sf_fde *f = fd[i];
		if (!f->size || f->start > UINT64_MAX - 256 - f->size || f->start + f->size <= at)
			continue; /* empty, at the very top of the address space (a damaged start: the
				   * block loop below must not wrap), or overlapped by an earlier FDE */
		uint64_t start = f->start > at ? f->start : at;
		rc = push(&b, at, start, &gap);
		uint64_t end = f->start + f->size;
		/* a PCMASK FDE repeats its FREs every rep_size bytes (PLT stubs: a few thousand
		 * blocks); damaged ones with tiny blocks over gigabytes would take hours and all
		 * memory to expand, so past TS_SF_MAX_SEGS rows from all of them together the
		 * rest are gaps (no rule there) */
		uint64_t rows = f->rep_size ? ((uint64_t)f->size / f->rep_size + 1) * (f->n ? f->n : 1) : UINT64_MAX;
		bool expand = rows <= mask_budget;
		if (!rc && f->pctype == TS_SF_PCMASK && expand) {
			mask_budget -= rows;
			for (uint64_t blk = f->start; blk < end && !rc; blk += f->rep_size)
				rc = add_fres(&b, sf, f, blk, f->rep_size, end);
		} else if (!rc && f->pctype != TS_SF_PCMASK) {
			rc = add_fres(&b, sf, f, f->start, f->size, end);
		} else if (!rc) {
			rc = push(&b, start, end, &gap); /* v1 PCMASK: no block size, no use */
		}
		at = end;
	}
	free(fd);
	/* drop the parts overlapped by an FDE that started earlier (tables are sorted, not nested) */
	size_t w = 0;
	for (size_t i = 0; i < b.n; i++) {
		if (w && b.v[i].start < b.v[w - 1].end)
			b.v[i].start = b.v[w - 1].end;
		if (b.v[i].end > b.v[i].start)
			b.v[w++] = b.v[i];
	}
	b.n = w;
	if (rc || !b.n || b.v[b.n - 1].end - b.v[0].start > UINT32_MAX) {
		free(b.v);
		return rc ? rc : b.n ? -TRUSTACK_E_UNSUPPORTED : 0;
	}

	/* entries: every segment, with an unreliable entry for each hole between segments */
	size_t maxn = 2 * b.n;
	uint32_t *pc = malloc((maxn + 1) * sizeof(*pc)), *ri = malloc(maxn * sizeof(*ri));
	size_t hcap = 64;
	while (hcap < 2 * maxn)
		hcap *= 2;
	uint32_t *hash = malloc(hcap * sizeof(*hash));
	struct ts_urow *rows = malloc(maxn * sizeof(*rows));
	size_t n = 0, nrows = 0;
	if (!pc || !ri || !hash || !rows) {
		rc = -TRUSTACK_E_NOMEM;
		goto out;
	}
	memset(hash, 0xff, hcap * sizeof(*hash));
	uint64_t base = b.v[0].start;
	for (size_t i = 0; i < b.n; i++) {
		const struct ts_urow *r[2] = { NULL, &b.v[i].row };
		uint64_t st[2] = { i ? b.v[i - 1].end : 0, b.v[i].start };
		if (i && b.v[i - 1].end < b.v[i].start)
			r[0] = &gap;
		for (int k = 0; k < 2; k++) {
			if (!r[k])
				continue;
			uint32_t h = row_hash(r[k]) & (hcap - 1);
			while (hash[h] != UINT32_MAX && memcmp(&rows[hash[h]], r[k], sizeof(*r[k])))
				h = (h + 1) & (hcap - 1);
			if (hash[h] == UINT32_MAX) {
				rows[nrows] = *r[k];
				hash[h] = (uint32_t)nrows++;
			}
			uint32_t idx = hash[h];
			if (n && ri[n - 1] == idx)
				continue; /* same row as the entry before: extend it */
			pc[n] = (uint32_t)(st[k] - base);
			ri[n++] = idx;
		}
	}
	pc[n] = (uint32_t)(b.v[b.n - 1].end - base);

	/* one buffer, as a loaded sidecar: pc[n+1], row[n], rows[nrows] */
	size_t len = (n + 1) * 4 + n * 4;
	len = (len + 7) & ~(size_t)7;
	size_t rows_off = len;
	len += nrows * sizeof(struct ts_urow);
	uint8_t *mem = malloc(len);
	if (!mem) {
		rc = -TRUSTACK_E_NOMEM;
		goto out;
	}
	memcpy(mem, pc, (n + 1) * 4);
	memcpy(mem + (n + 1) * 4, ri, n * 4);
	memcpy(mem + rows_off, rows, nrows * sizeof(struct ts_urow));
	out->base = base;
	out->n = (uint32_t)n;
	out->pc = (const uint32_t *)mem;
	out->row = (const uint32_t *)(mem + (n + 1) * 4);
	out->nrows = (uint32_t)nrows;
	out->rows = (const struct ts_urow *)(mem + rows_off);
	out->mem = mem;
	out->memlen = len;
	out->mapped = false;
	rc = 0;
out:
	free(pc), free(ri), free(hash), free(rows), free(b.v);
	return rc;
}
