/*
 * orc.c - ORC entries from the analysis rows (see orc.h): the mapping, the dedup, the encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables/orc.h"
#include "common/vec.h"

/* A register's name in messages (the CFI's names: "rip" for the return-address column). */
static const char *dwname(const struct ts_arch *a, unsigned r)
{
	return r < a->orc->ncfi_names ? a->orc->cfi_names[r] : "r?";
}

/* The ORC base register (TRUSTACK_ORC_REG_*) of DWARF register r, or -1. */
static int orc_reg(const struct ts_arch *a, unsigned r)
{
	for (int k = 0; k < (int)(sizeof(a->orc->dwarf) / sizeof(a->orc->dwarf[0])); k++)
		if (a->orc->dwarf[k] >= 0 && (unsigned)a->orc->dwarf[k] == r)
			return k;
	return -1;
}

struct trustack_orc_entry ts_orc_undefined(void)
{
	struct trustack_orc_entry e;
	memset(&e, 0, sizeof(e));
	e.type = TRUSTACK_ORC_TYPE_UNDEFINED;
	return e;
}

bool ts_orc_entry_equal(const struct trustack_orc_entry *a, const struct trustack_orc_entry *b)
{
	return a->sp_offset == b->sp_offset && a->bp_offset == b->bp_offset && a->sp_reg == b->sp_reg &&
	       a->bp_reg == b->bp_reg && a->type == b->type && a->signal == b->signal && a->end == b->end;
}

void ts_orc_encode(const struct trustack_orc_entry *e, enum trustack_orc_layout layout, uint8_t out[6])
{
	uint16_t sp = (uint16_t)e->sp_offset, bp = (uint16_t)e->bp_offset;
	out[0] = sp & 0xff;
	out[1] = sp >> 8;
	out[2] = bp & 0xff;
	out[3] = bp >> 8;
	out[4] = (uint8_t)((e->sp_reg & 15) | (e->bp_reg & 15) << 4);
	if (layout == TRUSTACK_ORC_LAYOUT_6_1) {
		/* 6.1 has no UNDEFINED/END_OF_STACK types: both are sp_reg UNDEFINED, told apart by end */
		unsigned t = 0, end = e->end;
		switch (e->type) {
		case TRUSTACK_ORC_TYPE_REGS: t = 1; break;
		case TRUSTACK_ORC_TYPE_REGS_PARTIAL: t = 2; break;
		case TRUSTACK_ORC_TYPE_END_OF_STACK: end = 1; break;
		case TRUSTACK_ORC_TYPE_UNDEFINED: end = 0; break;
		default: t = 0; break;
		}
		out[5] = (uint8_t)(t | (end & 1) << 2);
	} else {
		out[5] = (uint8_t)((e->type & 7) | (e->signal & 1) << 3);
	}
}

void ts_orc_decode(const uint8_t in[6], enum trustack_orc_layout layout, struct trustack_orc_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->sp_offset = (int16_t)(uint16_t)(in[0] | in[1] << 8);
	e->bp_offset = (int16_t)(uint16_t)(in[2] | in[3] << 8);
	e->sp_reg = in[4] & 15;
	e->bp_reg = in[4] >> 4;
	if (layout == TRUSTACK_ORC_LAYOUT_6_1) {
		unsigned t = in[5] & 3;
		e->end = (in[5] >> 2) & 1;
		if (e->sp_reg == TRUSTACK_ORC_REG_UNDEFINED)
			e->type = e->end ? TRUSTACK_ORC_TYPE_END_OF_STACK : TRUSTACK_ORC_TYPE_UNDEFINED;
		else
			e->type = t == 1 ? TRUSTACK_ORC_TYPE_REGS
				  : t == 2 ? TRUSTACK_ORC_TYPE_REGS_PARTIAL
				  : t == 0 ? TRUSTACK_ORC_TYPE_CALL
					   : 7; /* 3: not a 6.1 type */
	} else {
		e->type = in[5] & 7;
		e->signal = (in[5] >> 3) & 1;
	}
}

/* ---- rows -> entries ------------------------------------------------------------------------- */

static bool fits16(int64_t v)
{
	return v >= INT16_MIN && v <= INT16_MAX;
}

/* The entry for a reached row with a defined CFA; false with a reason in why when ORC cannot
 * say the same thing. */
static bool map_row(const struct ts_arch *a, const struct trustack_row *r, struct trustack_orc_entry *e, char *why,
		    size_t wl)
{
	*e = ts_orc_undefined();
	e->type = TRUSTACK_ORC_TYPE_CALL;
	if (r->cfa_kind == TRUSTACK_CFA_REG) {
		int k = orc_reg(a, r->cfa_reg);
		if (k < 0) {
			snprintf(why, wl, "CFA %s%+d: ORC has no base register %s", dwname(a, r->cfa_reg),
				 (int)r->cfa_offset, dwname(a, r->cfa_reg));
			return false;
		}
		e->sp_reg = (uint8_t)k;
	} else if (r->cfa_kind == TRUSTACK_CFA_DEREF) {
		/* the kernel: BP_INDIRECT is *(bp + off), SP_INDIRECT is *(sp) + off (unwind_orc.c) */
		if (r->cfa_reg == a->fp) {
			e->sp_reg = TRUSTACK_ORC_REG_BP_INDIRECT;
		} else if (r->cfa_reg == a->sp && r->cfa_offset == 0) {
			e->sp_reg = TRUSTACK_ORC_REG_SP_INDIRECT;
		} else {
			snprintf(why, wl, "CFA *(%s%+d): ORC can only dereference rbp+off or rsp", dwname(a, r->cfa_reg),
				 (int)r->cfa_offset);
			return false;
		}
	} else {
		snprintf(why, wl, "unknown CFA rule");
		return false;
	}
	if (!fits16(r->cfa_offset)) {
		snprintf(why, wl, "CFA %s%s%+d: the offset does not fit ORC's 16 bits",
			 r->cfa_kind == TRUSTACK_CFA_DEREF ? "*" : "", dwname(a, r->cfa_reg), (int)r->cfa_offset);
		return false;
	}
	e->sp_offset = (int16_t)r->cfa_offset;
	if (r->ra.kind != TRUSTACK_LOC_AT_CFA || r->ra.offset != a->ra_cfa_offset) {
		snprintf(why, wl, "return address not at CFA-8: ORC's call frames cannot say where it is");
		return false;
	}
	switch (r->fp.kind) {
	case TRUSTACK_LOC_SAME:
		e->bp_reg = TRUSTACK_ORC_REG_UNDEFINED; /* ORC: "bp unchanged" */
		break;
	case TRUSTACK_LOC_AT_CFA:
		e->bp_reg = TRUSTACK_ORC_REG_PREV_SP;
		e->bp_offset = (int16_t)r->fp.offset;
		break;
	case TRUSTACK_LOC_AT_REG:
		if (r->fp.reg != a->fp) {
			snprintf(why, wl, "caller's rbp saved at %s%+d: ORC can only say cfa+off or rbp+off",
				 dwname(a, r->fp.reg), (int)r->fp.offset);
			return false;
		}
		e->bp_reg = TRUSTACK_ORC_REG_BP;
		e->bp_offset = (int16_t)r->fp.offset;
		break;
	case TRUSTACK_LOC_IN_REG:
		snprintf(why, wl, "caller's rbp kept in %s: ORC cannot say so", dwname(a, r->fp.reg));
		return false;
	default:
		snprintf(why, wl, "caller's rbp is lost here: ORC cannot say so");
		return false;
	}
	if ((r->fp.kind == TRUSTACK_LOC_AT_CFA || r->fp.kind == TRUSTACK_LOC_AT_REG) && !fits16(r->fp.offset)) {
		snprintf(why, wl, "caller's rbp at offset %d: does not fit ORC's 16 bits", (int)r->fp.offset);
		return false;
	}
	return true;
}

static int push(struct ts_orc_table *t, uint64_t addr, const struct trustack_orc_entry *e)
{
	if (TS_GROW(t->rows, t->n, t->cap, 256))
		return -TRUSTACK_E_NOMEM;
	t->rows[t->n].addr = addr;
	t->rows[t->n].e = *e;
	t->n++;
	return 0;
}

/* Consecutive problem ranges of one function with the same reason are reported once. */
struct pending {
	int32_t func;
	uint64_t start, len;
	char msg[200];
	bool on;
};

static void flush(const struct ts_image *img, struct pending *p, trustack_problem_fn fn, void *ctx,
		  struct ts_orc_table *t)
{
	if (!p->on)
		return;
	p->on = false;
	t->problems++;
	if (!fn)
		return;
	struct trustack_table_problem pr;
	memset(&pr, 0, sizeof(pr));
	pr.address = ts_image_report_addr(img, p->start, &pr.section);
	if (p->func >= 0 && (size_t)p->func < img->nfuncs) {
		const struct ts_func *f = &img->funcs[p->func];
		pr.function = f->name;
		pr.func_address = ts_image_report_addr(img, f->addr, NULL);
		pr.offset = p->start - f->addr;
	}
	pr.length = p->len;
	char msg[260];
	snprintf(msg, sizeof(msg), "%s; written as undefined", p->msg);
	pr.message = msg;
	fn(&pr, ctx);
}

static bool is_entry_point(const struct ts_image *img, int32_t func)
{
	if (func < 0 || (size_t)func >= img->nfuncs)
		return false;
	const struct ts_func *f = &img->funcs[func];
	if (f->flags & TS_FUNC_FRAGMENT)
		return false;
	if (!strcmp(f->name, "_start"))
		return true;
	return !img->rel && img->ehdr.e_entry && f->addr == img->ehdr.e_entry;
}

/* The entry for one range; problems go to *p. */
static struct trustack_orc_entry range_entry(const struct ts_image *img, const struct ts_rowrange *r,
					     struct pending *p, trustack_problem_fn fn, void *ctx,
					     struct ts_orc_table *t)
{
	struct trustack_orc_entry e = ts_orc_undefined();
	if (is_entry_point(img, r->func)) {
		e.type = TRUSTACK_ORC_TYPE_END_OF_STACK;
		e.end = 1;
		flush(img, p, fn, ctx, t);
		return e;
	}
	if (!r->reached || r->row.cfa_kind == TRUSTACK_CFA_UNDEFINED) {
		flush(img, p, fn, ctx, t);
		return e;
	}
	char why[200];
	if (map_row(img->arch, &r->row, &e, why, sizeof(why))) {
		flush(img, p, fn, ctx, t);
		return e;
	}
	if (p->on && p->func == r->func && p->start + p->len == r->start && !strcmp(p->msg, why)) {
		p->len += r->len;
	} else {
		flush(img, p, fn, ctx, t);
		p->on = true;
		p->func = r->func;
		p->start = r->start;
		p->len = r->len;
		snprintf(p->msg, sizeof(p->msg), "%s", why);
	}
	return ts_orc_undefined();
}

/* First range with start >= addr. */
static size_t first_at(const struct ts_rowmap *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->r[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ts_orc_build(const struct ts_image *img, const struct ts_rowmap *map, trustack_problem_fn on_problem,
		 void *ctx, struct ts_orc_table *out)
{
	memset(out, 0, sizeof(*out));
	uint8_t *seen = calloc(img->nfuncs ? img->nfuncs : 1, 1);
	if (!seen)
		return -TRUSTACK_E_NOMEM;
	struct pending p = { .on = false };
	int rc = 0;
	const struct trustack_orc_entry undef = ts_orc_undefined();
	for (size_t si = 1; si < img->nsecs && !rc; si++) {
		const struct ts_section *s = &img->secs[si];
		if (!s->exec || !s->size || !s->data)
			continue;
		uint64_t end = s->addr + s->size, cur = s->addr;
		struct trustack_orc_entry prev;
		bool first = true;
#define EMIT(addr, ent)                                                                     \
	do {                                                                                \
		if (first || !ts_orc_entry_equal(&prev, (ent))) {                           \
			if ((rc = push(out, (addr), (ent))))                                \
				goto done;                                                  \
			prev = *(ent);                                                      \
			first = false;                                                      \
		}                                                                           \
	} while (0)
		for (size_t k = first_at(map, s->addr); k < map->n && map->r[k].start < end; k++) {
			const struct ts_rowrange *r = &map->r[k];
			if (r->start > cur) {
				flush(img, &p, on_problem, ctx, out);
				EMIT(cur, &undef);
			}
			struct trustack_orc_entry e = range_entry(img, r, &p, on_problem, ctx, out);
			EMIT(r->start, &e);
			if (r->func >= 0 && (size_t)r->func < img->nfuncs) {
				int32_t f = r->func;
				if (img->funcs[f].parent >= 0)
					f = img->funcs[f].parent;
				if (!seen[f]) {
					seen[f] = 1;
					out->functions++;
				}
			}
			cur = r->start + r->len;
		}
		flush(img, &p, on_problem, ctx, out);
		if (cur < end)
			EMIT(cur, &undef);
#undef EMIT
		/* the terminator closes the section's last range, whatever it is */
		if ((rc = push(out, end, &undef)))
			goto done;
	}
done:
	free(seen);
	if (rc)
		ts_orc_table_free(out);
	return rc;
}

void ts_orc_table_free(struct ts_orc_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* ---- text ------------------------------------------------------------------------------------ */

static const char *reg_text(unsigned reg)
{
	static const char *const n[16] = { "(und)", "prevsp", "dx", "di", "bp", "sp", "r10", "r13",
					   "bp(ind)", "sp(ind)", "?", "?", "?", "?", "?", "?" };
	return n[reg & 15];
}

static int reg_fmt(char *buf, size_t len, unsigned reg, int off)
{
	if (reg == TRUSTACK_ORC_REG_UNDEFINED)
		return snprintf(buf, len, "(und)");
	if (reg == TRUSTACK_ORC_REG_BP_INDIRECT)
		return snprintf(buf, len, "(bp%+d)", off);
	if (reg == TRUSTACK_ORC_REG_SP_INDIRECT)
		return snprintf(buf, len, "(sp)%+d", off);
	return snprintf(buf, len, "%s%+d", reg_text(reg), off);
}

static const char *type_text(const struct trustack_orc_entry *e, enum trustack_orc_layout layout)
{
	switch (e->type) {
	case TRUSTACK_ORC_TYPE_CALL: return "call";
	case TRUSTACK_ORC_TYPE_REGS: return "regs";
	case TRUSTACK_ORC_TYPE_REGS_PARTIAL: return "regs (partial)";
	case TRUSTACK_ORC_TYPE_UNDEFINED: return layout == TRUSTACK_ORC_LAYOUT_6_1 ? "call" : "undef";
	case TRUSTACK_ORC_TYPE_END_OF_STACK: return layout == TRUSTACK_ORC_LAYOUT_6_1 ? "call" : "end-of-stack";
	default: return "?";
	}
}

char *ts_orc_format(const struct trustack_orc_entry *e, enum trustack_orc_layout layout, bool rel, char *buf,
		    size_t len)
{
	char sp[32], bp[32];
	reg_fmt(sp, sizeof(sp), e->sp_reg, e->sp_offset);
	reg_fmt(bp, sizeof(bp), e->bp_reg, e->bp_offset);
	char where[160];
	if (rel)
		snprintf(where, sizeof(where), "%s+%llx", e->section ? e->section : "?",
			 (unsigned long long)e->address);
	else
		snprintf(where, sizeof(where), "%llx", (unsigned long long)e->address);
	if (layout == TRUSTACK_ORC_LAYOUT_6_1)
		snprintf(buf, len, "%s: sp:%s bp:%s type:%s end:%u", where, sp, bp, type_text(e, layout),
			 (unsigned)(e->type == TRUSTACK_ORC_TYPE_END_OF_STACK ? 1 : e->end));
	else
		snprintf(buf, len, "%s: sp:%s bp:%s type:%s signal:%u", where, sp, bp, type_text(e, layout),
			 (unsigned)e->signal);
	return buf;
}
