/*
 * source_tables.c - the file's own .sframe and ORC sections as row sources for diff: each is
 * decoded by our reader (sframe_read.c, orc_read.c) and laid out as sorted entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables/orc.h"
#include "tables/sframe.h"
#include "tables/source.h"
#include "common/vec.h"

struct entries {
	struct ts_srcentry *e;
	size_t n, cap;
};

static int push(struct entries *v, const struct ts_srcentry *x)
{
	if (TS_GROW(v->e, v->n, v->cap, 256))
		return -TRUSTACK_E_NOMEM;
	v->e[v->n++] = *x;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ts_srcentry *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int finish(const char *name, struct entries *v, struct ts_source **out)
{
	if (v->n)
		qsort(v->e, v->n, sizeof(*v->e), cmp_entry);
	int rc = ts_source_from_entries(name, v->e, v->n, out);
	if (rc)
		free(v->e);
	return rc;
}

/* ---- SFrame ------------------------------------------------------------------------------- */

/* The FREs of one FDE over [from, to), starting at block (PCMASK: each repeated block). */
static int sframe_block(const struct ts_sframe *t, const struct ts_sf_fde *f, uint64_t block, uint64_t to,
			struct entries *v)
{
	for (uint32_t k = 0; k < f->n; k++) {
		const struct ts_sf_fre *r = &t->fres[f->first + k];
		uint64_t s = block + r->start;
		uint64_t e = k + 1 < f->n ? block + t->fres[f->first + k + 1].start : to;
		if (e > to)
			e = to;
		if (s >= e)
			continue;
		struct ts_srcentry x = { .start = s, .end = e, .fde_start = f->start, .status = TS_SRC_ROW,
					 .signal = f->signal };
		ts_sframe_fre_row(t, f, r, &x.row);
		x.outermost = r->ra.kind == TS_SF_UNDEFINED;
		int rc = push(v, &x);
		if (rc)
			return rc;
	}
	return 0;
}

int ts_source_open_sframe(const struct ts_image *img, struct ts_source **out, char *err, size_t errlen)
{
	struct ts_sframe t;
	int rc = ts_sframe_read(img, &t, err, errlen);
	if (rc)
		return rc;
	struct entries v = { 0 };
	for (size_t i = 0; i < t.nfdes && !rc; i++) {
		const struct ts_sf_fde *f = &t.fdes[i];
		uint64_t end = f->start + f->size;
		if (f->pctype == TS_SF_PCMASK && f->rep_size) {
			for (uint64_t b = f->start; b < end && !rc; b += f->rep_size)
				rc = sframe_block(&t, f, b, b + f->rep_size < end ? b + f->rep_size : end, &v);
		} else {
			rc = sframe_block(&t, f, f->start, end, &v);
		}
	}
	ts_sframe_free(&t);
	if (rc) {
		free(v.e);
		return rc;
	}
	return finish("sframe", &v, out);
}

/* ---- ORC ---------------------------------------------------------------------------------- */

/* The DWARF number of ORC base register r on machine a, or -1. */
static int orc_dwarf_reg(const struct ts_arch *a, uint8_t r)
{
	return r < sizeof(a->orc->dwarf) / sizeof(a->orc->dwarf[0]) ? a->orc->dwarf[r] : -1;
}

/* An ORC entry as a source entry: status NONE for "no information" (also a section's
 * terminator), OPAQUE for what a trustack_row cannot say (pt_regs frames, CFA = *(sp) + k). */
static void orc_entry(const struct ts_arch *a, const struct trustack_orc_entry *o, struct ts_srcentry *x)
{
	if (o->type == TRUSTACK_ORC_TYPE_UNDEFINED) {
		x->status = TS_SRC_NONE;
		return;
	}
	if (o->type == TRUSTACK_ORC_TYPE_END_OF_STACK) {
		x->status = TS_SRC_ROW;
		x->outermost = true;
		return;
	}
	if (o->type != TRUSTACK_ORC_TYPE_CALL) {
		x->status = TS_SRC_OPAQUE;
		snprintf(x->what, sizeof(x->what), "ORC pt_regs frame");
		return;
	}
	x->status = TS_SRC_ROW;
	struct trustack_row *w = &x->row;
	if (o->sp_reg == TRUSTACK_ORC_REG_BP_INDIRECT) {
		w->cfa_kind = TRUSTACK_CFA_DEREF;
		w->cfa_reg = a->fp;
	} else if (orc_dwarf_reg(a, o->sp_reg) >= 0) {
		w->cfa_kind = TRUSTACK_CFA_REG;
		w->cfa_reg = (uint8_t)orc_dwarf_reg(a, o->sp_reg);
	} else {
		x->status = TS_SRC_OPAQUE;
		snprintf(x->what, sizeof(x->what), "ORC CFA base %u", o->sp_reg);
		return;
	}
	w->cfa_offset = o->sp_offset;
	w->ra = (struct trustack_loc){ TRUSTACK_LOC_AT_CFA, 0, a->ra_cfa_offset };
	switch (o->bp_reg) {
	case TRUSTACK_ORC_REG_UNDEFINED: w->fp = (struct trustack_loc){ TRUSTACK_LOC_SAME, 0, 0 }; break;
	case TRUSTACK_ORC_REG_PREV_SP: w->fp = (struct trustack_loc){ TRUSTACK_LOC_AT_CFA, 0, o->bp_offset }; break;
	case TRUSTACK_ORC_REG_BP: w->fp = (struct trustack_loc){ TRUSTACK_LOC_AT_REG, a->fp, o->bp_offset }; break;
	default:
		x->status = TS_SRC_OPAQUE;
		snprintf(x->what, sizeof(x->what), "ORC frame pointer base %u", o->bp_reg);
	}
}

int ts_source_open_orc(const struct ts_image *img, struct ts_source **out, char *err, size_t errlen)
{
	if (!img->arch->orc) {
		snprintf(err, errlen, "ORC is defined for x86-64 only");
		return -TRUSTACK_E_UNSUPPORTED;
	}
	struct ts_orc_row *rows = NULL;
	size_t n = 0;
	int rc = ts_orc_read(img, TRUSTACK_ORC_LAYOUT_AUTO, &rows, &n, NULL, err, errlen);
	if (rc)
		return rc;
	if (!n) {
		free(rows);
		snprintf(err, errlen, "no ORC sections");
		return -TRUSTACK_E_NOTFOUND;
	}
	struct entries v = { 0 };
	for (size_t i = 0; i < n && !rc; i++) {
		/* an entry holds up to the next one; a terminator and an entry at one address: the
		 * later (real) one wins, as the kernel's lookup does */
		if (i + 1 < n && rows[i + 1].addr == rows[i].addr)
			continue;
		struct ts_srcentry x = { .start = rows[i].addr, .end = i + 1 < n ? rows[i + 1].addr : rows[i].addr + 1,
					 .fde_start = rows[i].addr };
		orc_entry(img->arch, &rows[i].e, &x);
		if (x.status != TS_SRC_NONE)
			rc = push(&v, &x);
	}
	free(rows);
	if (rc) {
		free(v.e);
		return rc;
	}
	return finish("orc", &v, out);
}
