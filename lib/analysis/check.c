/*
 * check.c - the public entry points of the analysis: check, annotate, a row as text.
 * (Opening files: elf/handle.c; warning kinds: kinds.c; error texts: common/strerror.c.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/driver.h"
#include "common/opts.h"
#include "elf/handle.h"
#include "trustack.h"
#include "common/vec.h"

/* ---- check --------------------------------------------------------------------------------- */

struct fwarn {
	uint32_t func;
	struct ts_uwarn w;
};

struct job {
	pthread_mutex_t lock;
	struct fwarn *warns;
	size_t nwarns, capwarns;
	_Atomic uint64_t insns, visited, funcs;
};

/* The consumer of every analysed unit: keep its warnings and count what was seen. */
static int collect(const struct ts_unit *u, unsigned slot, void *ctx)
{
	struct job *j = ctx;
	int rc = 0;
	pthread_mutex_lock(&j->lock);
	for (size_t i = 0; i < u->nwarns; i++) {
		if (TS_GROW(j->warns, j->nwarns, j->capwarns, 64)) {
			rc = -TRUSTACK_E_NOMEM;
			break;
		}
		j->warns[j->nwarns].func = (uint32_t)u->func;
		j->warns[j->nwarns].w = u->warns[i];
		j->nwarns++;
	}
	pthread_mutex_unlock(&j->lock);
	uint64_t vis = 0;
	for (size_t i = 0; i < u->n; i++)
		vis += u->row[i] >= 0;
	atomic_fetch_add(&j->insns, u->n);
	atomic_fetch_add(&j->visited, vis);
	atomic_fetch_add(&j->funcs, 1);
	return rc;
}

/* One finding: an address and a kind (two walks, or two units that share code, may both
 * report it). */
static int cmp_finding(const struct fwarn *x, const struct fwarn *y)
{
	if (x->w.addr != y->w.addr)
		return x->w.addr < y->w.addr ? -1 : 1;
	if (x->w.kind != y->w.kind)
		return x->w.kind - y->w.kind;
	return 0;
}

/* A total order: which of a finding's reports is kept must not depend on the order the
 * workers delivered them in (driver.c). */
static int cmp_fwarn(const void *a, const void *b)
{
	const struct fwarn *x = a, *y = b;
	int c = cmp_finding(x, y);
	if (c)
		return c;
	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return strcmp(x->w.msg, y->w.msg);
}

static void emit(const struct ts_image *img, const struct ts_uwarn *w, trustack_warning_fn fn, void *ctx)
{
	struct trustack_warning out = { 0 };
	int g = ts_image_func_at(img, w->addr);
	out.kind = w->kind;
	out.address = ts_image_report_addr(img, w->addr, &out.section);
	if (g >= 0) {
		out.function = img->funcs[g].name;
		out.func_address = ts_image_report_addr(img, img->funcs[g].addr, NULL);
		out.offset = w->addr - img->funcs[g].addr;
	}
	out.message = w->msg;
	fn(&out, ctx);
}

int trustack_check(struct trustack_elf *elf, const struct trustack_check_opts *opts, trustack_warning_fn on_warning,
		   void *ctx, struct trustack_check_stats *stats)
{
	struct trustack_check_opts o;
	if (!elf || !opts || TS_OPTS_LOAD(o, opts))
		return -TRUSTACK_E_ARG;
	struct job j = { 0 };
	pthread_mutex_init(&j.lock, NULL);
	int rc = ts_analyse_all(elf->img, o.rules, o.threads, collect, &j);
	pthread_mutex_destroy(&j.lock);
	if (j.nwarns)
		qsort(j.warns, j.nwarns, sizeof(*j.warns), cmp_fwarn);
	uint64_t emitted = 0;
	for (size_t i = 0; i < j.nwarns; i++) {
		if (i && !cmp_finding(&j.warns[i], &j.warns[i - 1]))
			continue; /* the same finding reached on two walks */
		if (on_warning)
			emit(elf->img, &j.warns[i].w, on_warning, ctx);
		emitted++;
	}
	free(j.warns);
	if (stats) {
		stats->functions = j.funcs;
		stats->instructions = j.insns;
		stats->visited = j.visited;
		stats->warnings = emitted;
	}
	return rc;
}

/* ---- annotate ------------------------------------------------------------------------------ */

static void fmt_loc(const struct ts_arch *a, const struct trustack_loc *l, char *b, size_t n)
{
	switch (l->kind) {
	case TRUSTACK_LOC_SAME: snprintf(b, n, "same"); break;
	case TRUSTACK_LOC_AT_CFA: snprintf(b, n, "cfa%+d", l->offset); break;
	case TRUSTACK_LOC_AT_REG: snprintf(b, n, "[%s%+d]", a->reg_name(l->reg), l->offset); break;
	case TRUSTACK_LOC_IN_REG: snprintf(b, n, "%s", a->reg_name(l->reg)); break;
	default: snprintf(b, n, "und"); break;
	}
}

char *trustack_row__format(const struct trustack_elf *elf, const struct trustack_row *row, char *buf, size_t len)
{
	return ts_row_format(elf->img->arch, row, buf, len);
}

char *ts_row_format(const struct ts_arch *a, const struct trustack_row *row, char *buf, size_t len)
{
	char cfa[48], ra[32], fp[32];
	switch (row->cfa_kind) {
	case TRUSTACK_CFA_REG: snprintf(cfa, sizeof(cfa), "%s%+d", a->reg_name(row->cfa_reg), row->cfa_offset); break;
	case TRUSTACK_CFA_DEREF: snprintf(cfa, sizeof(cfa), "[%s%+d]", a->reg_name(row->cfa_reg), row->cfa_offset); break;
	case TRUSTACK_CFA_REG_VG: /* DWARF's VG: the SVE vector length in 8-byte granules */
		snprintf(cfa, sizeof(cfa), "%s%+d%+d*vg", a->reg_name(row->cfa_reg), row->cfa_offset, row->cfa_vg);
		break;
	default: snprintf(cfa, sizeof(cfa), "und"); break;
	}
	fmt_loc(a, &row->ra, ra, sizeof(ra));
	fmt_loc(a, &row->fp, fp, sizeof(fp));
	/* arm64 PAC: the return address is signed here (key A or B) */
	static const char *const sign[] = { "", " ra-signed", " ra-signed-b" };
	snprintf(buf, len, "cfa=%s ra=%s fp=%s%s", cfa, ra, fp, sign[row->ra_sign <= 2 ? row->ra_sign : 0]);
	return buf;
}

/* Append to buf where state s keeps the caller's value of each callee-saved register the row
 * does not name (not sp, fp or the return address): " REG=cfa-N" for a stack slot, " REG=REG2"
 * for another register, " REG=lost" when it is gone; registers still holding it are not named.
 * The same registers and order as the sidecar's saved/lost masks (docs/sidecar.md). */
static void append_saves(const struct ts_arch *a, const struct ts_state *s, char *buf, size_t len)
{
	uint64_t regs = a->callee_saved & ~(1ull << a->sp) & ~(1ull << a->fp) & ~(1ull << a->ra);
	size_t n = strlen(buf);
	for (unsigned r = 0; r < 32 && n < len; r++) {
		if (!(regs >> r & 1))
			continue;
		struct trustack_loc l = ts_state_loc(a, s, r);
		if (l.kind == TRUSTACK_LOC_SAME)
			continue;
		char where[32];
		if (l.kind == TRUSTACK_LOC_AT_CFA)
			snprintf(where, sizeof(where), "cfa%+d", l.offset);
		else if (l.kind == TRUSTACK_LOC_IN_REG)
			snprintf(where, sizeof(where), "%s", a->reg_name(l.reg));
		else
			snprintf(where, sizeof(where), "lost");
		n += (size_t)snprintf(buf + n, len - n, " %s=%s", a->reg_name(r), where);
	}
}

static int cmp_uwarn(const void *a, const void *b)
{
	const struct ts_uwarn *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->kind - y->kind;
}

int trustack_annotate(struct trustack_elf *elf, const struct trustack_check_opts *opts, const char *const *funcs,
		      size_t nfuncs, trustack_insn_fn on_insn, trustack_warning_fn on_warning, void *ctx)
{
	struct trustack_check_opts o;
	if (!elf || TS_OPTS_LOAD(o, opts)) /* opts NULL: the defaults */
		return -TRUSTACK_E_ARG;
	struct ts_image *img = elf->img;
	enum trustack_rules rules = o.rules;
	for (size_t k = 0; k < nfuncs; k++)
		if (ts_image_func_by_name(img, funcs[k]) < 0)
			return -TRUSTACK_E_NOTFOUND;
	struct ts_unit u = { 0 };
	int rc = 0;
	for (size_t f = 0; f < img->nfuncs && !rc; f++) {
		/* a fragment no function reaches is analysed from its CFI hint (driver.c): shown
		 * when asked for by name */
		if (!ts_standalone(img, f) && !(nfuncs && ts_hinted_fragment(img, f)))
			continue;
		if (nfuncs) {
			bool want = false;
			for (size_t k = 0; k < nfuncs; k++)
				want |= !strcmp(img->funcs[f].name, funcs[k]);
			if (!want)
				continue;
		}
		rc = ts_unit_analyse(&u, img, (int)f, rules);
		if (rc)
			break;
		if (u.nwarns)
			qsort(u.warns, u.nwarns, sizeof(*u.warns), cmp_uwarn);
		for (size_t i = 0; i < u.nwarns; i++)
			if (on_warning && !(i && !cmp_uwarn(&u.warns[i], &u.warns[i - 1])))
				emit(img, &u.warns[i], on_warning, ctx);
		for (size_t i = 0; i < u.n && on_insn; i++) {
			const struct ts_insn *in = &u.insns[i];
			struct trustack_insn_info info = { 0 };
			char text[128], state[320];
			size_t avail;
			const uint8_t *bytes = ts_image_bytes(img, in->addr, &avail);
			int g = ts_image_func_at(img, in->addr);
			info.function = g >= 0 ? img->funcs[g].name : img->funcs[f].name;
			info.address = ts_image_report_addr(img, in->addr, NULL);
			info.offset = in->addr - (g >= 0 ? img->funcs[g].addr : img->funcs[f].addr);
			info.bytes = bytes;
			info.length = in->len;
			img->arch->format(img->dec, bytes, avail, in->addr, text, sizeof(text));
			info.text = text;
			info.visited = u.row[i] >= 0;
			if (info.visited) {
				info.row = u.rows[u.row[i]];
				trustack_row__format(elf, &info.row, state, sizeof(state));
				struct ts_state st;
				if (o.annotate_saves && ts_unit_state_at(&u, i, &st) == 0)
					append_saves(img->arch, &st, state, sizeof(state));
			} else {
				snprintf(state, sizeof(state), "(not reached)");
			}
			info.state = state;
			on_insn(&info, ctx);
		}
	}
	ts_unit_free(&u);
	return rc;
}
