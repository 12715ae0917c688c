/*
 * rowmap.c - run the analysis over a whole image and keep its rows as ranges (see rowmap.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/driver.h"
#include "tables/rowmap.h"
#include "common/vec.h"

static bool loc_equal(const struct trustack_loc *a, const struct trustack_loc *b)
{
	return a->kind == b->kind && a->reg == b->reg && a->offset == b->offset;
}

bool ts_row_equal(const struct trustack_row *a, const struct trustack_row *b)
{
	return a->cfa_kind == b->cfa_kind && a->cfa_reg == b->cfa_reg && a->cfa_offset == b->cfa_offset &&
	       loc_equal(&a->ra, &b->ra) && loc_equal(&a->fp, &b->fp) && a->ra_sign == b->ra_sign;
}

struct build {
	pthread_mutex_t lock;
	bool saves; /* fill each range's ts_saves */
	struct ts_rowrange *r;
	size_t n, cap;
	int err;
};

static int push(struct ts_rowrange **r, size_t *n, size_t *cap, const struct ts_rowrange *x)
{
	if (TS_GROW(*r, *n, *cap, 64))
		return -TRUSTACK_E_NOMEM;
	(*r)[(*n)++] = *x;
	return 0;
}

/*
 * Does the unit report a finding about the stack itself? Then no row of the function is proven:
 * code that loses the stack state, switches stacks or returns with a modified frame may also
 * have callees that rewrite its frame (libgcc's _Unwind_RaiseException: uw_install_context
 * overwrites the saved registers and return address before the eh_return epilogue), so an
 * unwinder must not vouch for a frame of it. Findings that leave the rows where they hold
 * intact do not count: unreachable code, fall-through, an unresolved jump (its cases stay
 * unreached; ld.so's dl_main has a table whose base the analysis loses, reported as a sibling
 * call with a modified frame), a realignment without a CFA copy (the rows after it are
 * undefined anyway).
 */
static bool loses_frame(enum trustack_warning_kind kind)
{
	switch (kind) {
	case TRUSTACK_W_UNDEFINED_STACK:
	case TRUSTACK_W_UNSUPPORTED_STACK_OP:
	case TRUSTACK_W_STACK_MISMATCH:
	case TRUSTACK_W_RETURN_MODIFIED_FRAME:
	case TRUSTACK_W_DECODE_ERROR:
		return true;
	default:
		return false;
	}
}

static bool stack_finding(const struct ts_unit *u)
{
	for (size_t i = 0; i < u->nwarns; i++)
		if (loses_frame(u->warns[i].kind))
			return true;
	return false;
}

/* The unit's instruction at addr, or -1. */
static long insn_at(const struct ts_unit *u, uint64_t addr)
{
	for (size_t r = 0; r < u->nranges; r++)
		if (addr >= u->ranges[r].start && addr < u->ranges[r].end)
			return u->at[u->ranges[r].at + (addr - u->ranges[r].start)];
	return -1;
}

/*
 * In a function with a finding that loses the frame, which instructions may still be trusted?
 * Those from which the function can end without passing a finding: a path to a return, a tail
 * call, a call that never returns or a trap. libgcc's _Unwind_RaiseException calls the code that
 * rewrites its frame (uw_install_context_1) only on the path committed to the eh_return
 * epilogue, where the analysis loses the stack; its search loop, the personality routines and
 * phase 2 run from call sites that can still return an error, with the frame intact. Call sites
 * every path from which reaches the finding stay untrusted, and so does code the analysis
 * cannot follow to an end (an indirect jump: a table it did not resolve). Returns a malloc'd
 * array (1 = trusted), or NULL when memory ran out (then nothing is trusted).
 */
static uint8_t *clean_paths(const struct ts_unit *u)
{
	uint8_t *ok = calloc(u->n ? u->n : 1, 1), *bad = calloc(u->n ? u->n : 1, 1);
	if (!ok || !bad) {
		free(ok), free(bad);
		return NULL;
	}
	for (size_t i = 0; i < u->nwarns; i++) {
		long k = loses_frame(u->warns[i].kind) ? insn_at(u, u->warns[i].addr) : -1;
		if (k >= 0)
			bad[k] = 1;
	}
	/* the successors are few and the functions small (only units with a finding get here):
	 * iterate to the fixed point */
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = u->n; i-- > 0;) {
			if (ok[i] || bad[i] || u->row[i] < 0)
				continue;
			const struct ts_insn *in = &u->insns[i];
			bool next_ok = !u->last[i] && i + 1 < u->n && u->row[i + 1] >= 0 ? ok[i + 1] : false;
			bool next_reached = !u->last[i] && i + 1 < u->n && u->row[i + 1] >= 0;
			long t = in->flow == TS_FLOW_JUMP || in->flow == TS_FLOW_JCC ? insn_at(u, in->target) : -1;
			bool v = false;
			switch (in->flow) {
			case TS_FLOW_RET:
			case TS_FLOW_STOP:
				v = true;
				break;
			case TS_FLOW_JUMP:
				v = t < 0 || ok[t]; /* outside the unit: a tail call */
				break;
			case TS_FLOW_JCC:
				v = (t < 0 || ok[t]) || next_ok;
				break;
			case TS_FLOW_CALL:
			case TS_FLOW_CALL_IND:
				v = !next_reached || next_ok; /* no next: the callee never returns */
				break;
			case TS_FLOW_NEXT:
				v = next_ok;
				break;
			default: /* indirect jumps, undecodable code */
				v = false;
				break;
			}
			if (v) {
				ok[i] = 1;
				changed = true;
			}
		}
	}
	free(bad);
	return ok;
}

/* The callee-saved registers the row does not describe: besides sp, fp and the return address;
 * DWARF numbers below 32 (struct ts_saves). */
static uint32_t tracked_regs(const struct ts_arch *a)
{
	uint64_t m = a->callee_saved & ~(1ull << a->sp) & ~(1ull << a->fp) & ~(1ull << a->ra);
	return (uint32_t)m;
}

/* Where state s keeps the caller's value of each tracked register (see struct ts_saves). */
static void saves_of(const struct ts_arch *a, const struct ts_state *s, struct ts_saves *out)
{
	memset(out, 0, sizeof(*out));
	uint32_t regs = tracked_regs(a);
	unsigned k = 0;
	for (unsigned r = 0; r < 32; r++) {
		if (!(regs >> r & 1))
			continue;
		struct trustack_loc l = ts_state_loc(a, s, r);
		if (l.kind == TRUSTACK_LOC_SAME)
			continue;
		if (l.kind == TRUSTACK_LOC_AT_CFA && l.offset % 8 == 0 && l.offset / 8 == (int16_t)(l.offset / 8) &&
		    k < TS_SAVES_MAX) {
			out->saved |= 1u << r;
			out->off[k++] = (int16_t)(l.offset / 8);
		} else {
			out->lost |= 1u << r;
		}
	}
}

/* Ranges of one unit, merged locally first so the shared list grows by few entries. */
static int collect(const struct ts_unit *u, unsigned slot, void *ctx)
{
	struct build *b = ctx;
	struct ts_rowrange *loc = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	bool untrusted = stack_finding(u);
	uint8_t *clean = untrusted ? clean_paths(u) : NULL;
	for (size_t k = 0; k < u->nranges && !rc; k++) {
		const struct ts_range *rg = &u->ranges[k];
		if (rg->borrowed)
			continue; /* another function's code: that function's own unit describes it */
		size_t end = k + 1 < u->nranges ? u->ranges[k + 1].first : u->n;
		int32_t func = ts_image_func_at(u->img, rg->start);
		if (func < 0)
			func = u->func;
		for (size_t i = rg->first; i < end && !rc; i++) {
			const struct ts_insn *in = &u->insns[i];
			struct ts_rowrange x = { .start = in->addr, .len = in->len, .func = func, .ninsns = 1,
						 .untrusted = untrusted && !(clean && clean[i]) };
			x.reached = u->row[i] >= 0;
			if (x.reached)
				x.row = u->rows[u->row[i]];
			if (x.reached && b->saves) {
				/* the unit keeps states only at join points: replay to this instruction
				 * (the unit is this worker's own; the replay only steps a copy) */
				struct ts_state st;
				if (ts_unit_state_at((struct ts_unit *)u, i, &st) == 0)
					saves_of(u->a, &st, &x.saves);
				else
					x.saves.lost = tracked_regs(u->a);
			}
			struct ts_rowrange *p = n ? &loc[n - 1] : NULL;
			if (p && p->start + p->len == x.start && p->func == x.func && p->reached == x.reached &&
			    p->untrusted == x.untrusted &&
			    (!x.reached || ts_row_equal(&p->row, &x.row)) &&
			    !memcmp(&p->saves, &x.saves, sizeof(x.saves))) {
				p->len += x.len;
				p->ninsns++;
				continue;
			}
			rc = push(&loc, &n, &cap, &x);
		}
	}
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < n && !rc; i++)
		rc = push(&b->r, &b->n, &b->cap, &loc[i]);
	pthread_mutex_unlock(&b->lock);
	free(clean);
	free(loc);
	return rc;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ts_rowrange *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static int build(const struct ts_image *img, enum trustack_rules rules, unsigned threads, bool saves,
		 struct ts_rowmap *out)
{
	memset(out, 0, sizeof(*out));
	struct build b = { .saves = saves };
	pthread_mutex_init(&b.lock, NULL);
	int rc = ts_analyse_all(img, rules, threads, collect, &b);
	pthread_mutex_destroy(&b.lock);
	if (rc) {
		free(b.r);
		return rc;
	}
	if (b.n)
		qsort(b.r, b.n, sizeof(*b.r), cmp_range);
	/* Drop what a second unit analysed again (a fragment two functions share); count where
	 * the two disagreed. Ranges of one unit never overlap, so an overlap means a repeat. */
	size_t w = 0;
	for (size_t i = 0; i < b.n; i++) {
		struct ts_rowrange *x = &b.r[i];
		if (w) {
			struct ts_rowrange *p = &b.r[w - 1];
			if (x->start < p->start + p->len) {
				if (x->reached != p->reached || (x->reached && !ts_row_equal(&x->row, &p->row)))
					out->conflicts += x->ninsns;
				continue;
			}
		}
		b.r[w++] = *x;
	}
	out->r = b.r;
	out->n = w;
	for (size_t i = 0; i < w; i++)
		out->instructions += b.r[i].ninsns;
	return 0;
}

int ts_rowmap_build(const struct ts_image *img, enum trustack_rules rules, unsigned threads,
		    struct ts_rowmap *out)
{
	return build(img, rules, threads, false, out);
}

int ts_rowmap_build_saves(const struct ts_image *img, enum trustack_rules rules, unsigned threads,
			  struct ts_rowmap *out)
{
	return build(img, rules, threads, true, out);
}

void ts_rowmap_free(struct ts_rowmap *m)
{
	free(m->r);
	memset(m, 0, sizeof(*m));
}

const struct ts_rowrange *ts_rowmap_find(const struct ts_rowmap *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct ts_rowrange *r = &m->r[lo - 1];
	return addr < r->start + r->len ? r : NULL;
}
