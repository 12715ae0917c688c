/*
 * sframe_build.c - SFrame tables from the analysis' rows (rowmap.h), for a machine whose
 * descriptor names its SFrame ABI (x86-64, arm64 and s390x: RA at a fixed offset or tracked per
 * row, the mangled-RA bit from the row's signing state).
 *
 * One FDE per contiguous run of a function's (or .cold fragment's) instructions that the
 * chosen version can express. Whatever it cannot (the CFA unknown or loaded from memory, the
 * return address or the caller's frame pointer somewhere SFrame has no words for, code the
 * analysis never reached) is reported and left out: the FDE is split around it, so an unwinder
 * finds no FDE there ("no information") instead of a wrong row.
 *
 * PLT stubs of linked files come from the .plt bytes, decoded (not assumed): PLT0 becomes a
 * PCINC FDE, the PLTn entries one PCMASK FDE with a 16-byte block, if every entry has the same
 * stack effect. .plt.sec and .plt.got entries only jump: CFA = SP + 8 throughout.
 */
#include <stdlib.h>
#include <string.h>

#include "tables/plt.h"
#include "tables/sframe.h"
#include "trustack.h"

struct bld {
	const struct ts_image *img;
	struct ts_sframe *t;
	unsigned version;
	ts_sf_problem_fn fn;
	void *ctx;
	uint64_t problems;
	/* the problem being accumulated (adjacent ranges with the same message merge) */
	struct ts_sf_problem pend;
	int32_t pend_func;
	/* the FDE being built */
	bool open;
	int32_t func;
	uint64_t end;
	int key;      /* its PAC key once a signed row named it (0 A, 1 B), else -1 */
};

static void flush_problem(struct bld *b)
{
	if (!b->pend.len)
		return;
	if (b->fn)
		b->fn(&b->pend, b->ctx);
	b->problems++;
	b->pend.len = 0;
}

static void problem(struct bld *b, uint64_t addr, uint64_t len, int32_t func, const char *msg)
{
	if (b->pend.len && b->pend.addr + b->pend.len == addr && b->pend_func == func && !strcmp(b->pend.msg, msg)) {
		b->pend.len += len;
		return;
	}
	flush_problem(b);
	b->pend = (struct ts_sf_problem){ addr, len, msg };
	b->pend_func = func;
}

static void close_fde(struct bld *b)
{
	if (b->open)
		b->t->fdes[b->t->nfdes - 1].size = (uint32_t)(b->end - b->t->fdes[b->t->nfdes - 1].start);
	b->open = false;
}

static bool same_rule(const struct ts_sf_rule *x, const struct ts_sf_rule *y)
{
	return x->kind == y->kind && x->reg == y->reg && x->off == y->off;
}

static bool same_fre(const struct ts_sf_fre *x, const struct ts_sf_fre *y)
{
	if (x->ra.kind == TS_SF_UNDEFINED || y->ra.kind == TS_SF_UNDEFINED)
		return x->ra.kind == y->ra.kind;
	return same_rule(&x->cfa, &y->cfa) && same_rule(&x->ra, &y->ra) && same_rule(&x->fp, &y->fp) &&
	       x->mangled_ra == y->mangled_ra;
}

/* Add an FRE for [addr, addr + len) of func, opening a new FDE when this does not continue
 * the current one. key: the PAC key of a mangled return address (0 A, 1 B), -1 when not signed;
 * an FDE names one key, so a row signed with the other starts a new FDE (never seen in
 * compiler output: a function signs with one key). */
static int emit(struct bld *b, uint64_t addr, uint64_t len, int32_t func, const struct ts_sf_fre *r, int key)
{
	int rc;
	if (!b->open || b->func != func || b->end != addr ||
	    addr + len - b->t->fdes[b->t->nfdes - 1].start > UINT32_MAX ||
	    (key >= 0 && b->key >= 0 && key != b->key)) {
		close_fde(b);
		struct ts_sf_fde f = { .start = addr, .pctype = TS_SF_PCINC };
		if ((rc = ts_sframe_add_fde(b->t, &f)))
			return rc;
		b->open = true;
		b->func = func;
		b->key = -1;
	}
	struct ts_sf_fde *f = &b->t->fdes[b->t->nfdes - 1];
	if (key >= 0 && b->key < 0) {
		b->key = key;
		f->pauth_key = (uint8_t)key;
	}
	struct ts_sf_fre x = *r;
	x.start = (uint32_t)(addr - f->start);
	if (!f->n || !same_fre(&b->t->fres[b->t->nfres - 1], &x))
		if ((rc = ts_sframe_add_fre(b->t, &x)))
			return rc;
	b->end = addr + len;
	return 0;
}

/* A row as FRE rules, or the reason it has none. */
static const char *row_rules(const struct trustack_row *row, struct ts_sf_fre *r)
{
	memset(r, 0, sizeof(*r));
	switch (row->cfa_kind) {
	case TRUSTACK_CFA_REG: r->cfa = (struct ts_sf_rule){ TS_SF_REG, row->cfa_reg, row->cfa_offset }; break;
	case TRUSTACK_CFA_DEREF: r->cfa = (struct ts_sf_rule){ TS_SF_DEREF, row->cfa_reg, row->cfa_offset }; break;
	case TRUSTACK_CFA_REG_VG: return "CFA depends on the SVE vector length: SFrame cannot express it";
	default: return "CFA unknown to the analysis: no unwind information";
	}
	const struct trustack_loc *l[2] = { &row->ra, &row->fp };
	struct ts_sf_rule *o[2] = { &r->ra, &r->fp };
	for (int k = 0; k < 2; k++) {
		switch (l[k]->kind) {
		case TRUSTACK_LOC_SAME: /* RA: still in the link register (arm64); the encoder decides */
			*o[k] = (struct ts_sf_rule){ TS_SF_SAME, 0, 0 };
			break;
		case TRUSTACK_LOC_AT_CFA: *o[k] = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, l[k]->offset }; break;
		case TRUSTACK_LOC_IN_REG: *o[k] = (struct ts_sf_rule){ TS_SF_REG, l[k]->reg, 0 }; break;
		case TRUSTACK_LOC_AT_REG: *o[k] = (struct ts_sf_rule){ TS_SF_DEREF, l[k]->reg, l[k]->offset }; break;
		default:
			return k ? "caller's frame pointer lost: no unwind information"
				 : "return address lost: no unwind information";
		}
	}
	/* arm64 PAC: the mangled-RA bit; the key is the FDE's (emit) */
	r->mangled_ra = row->ra_sign != TRUSTACK_RA_PLAIN;
	return NULL;
}

/* The function holding the ELF entry point at its first byte (_start), or -1. Relocatable
 * objects have none: crt1.o's _start is only the entry once linked. */
static int32_t entry_func(const struct ts_image *img)
{
	if (img->rel || !img->ehdr.e_entry)
		return -1;
	int f = ts_image_func_at(img, img->ehdr.e_entry);
	return f >= 0 && img->funcs[f].addr == img->ehdr.e_entry ? f : -1;
}

/* ---- PLT --------------------------------------------------------------------------------- */

static int plt_fde(struct bld *b, uint64_t start, uint64_t size, uint8_t pctype, uint8_t rep_size,
		   const uint32_t *starts, const int32_t *cfa, unsigned n)
{
	struct ts_sf_fde f = { .start = start, .size = (uint32_t)size, .pctype = pctype,
			       .rep_size = pctype == TS_SF_PCMASK ? rep_size : 0 };
	int rc = ts_sframe_add_fde(b->t, &f);
	for (unsigned k = 0; k < n && !rc; k++) {
		/* the return address where the call left it: at the fixed offset (x86-64), or still in
		 * the link register (arm64: PLT0's stp saves a copy, the register keeps it) */
		const struct ts_arch *a = b->img->arch;
		struct ts_sf_rule ra = a->ra_in_reg ? (struct ts_sf_rule){ TS_SF_SAME, 0, 0 }
						    : (struct ts_sf_rule){ TS_SF_AT_CFA, 0, a->sframe_fixed_ra };
		struct ts_sf_fre r = { .start = starts[k],
				       .cfa = { TS_SF_REG, a->sp, cfa[k] },
				       .ra = ra,
				       .fp = { TS_SF_SAME, 0, 0 } };
		rc = ts_sframe_add_fre(b->t, &r);
	}
	return rc;
}

static bool covered(const struct ts_rowmap *m, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].start < hi && m->r[i].start + m->r[i].len > lo)
			return true;
	return false;
}

static int build_plt(struct bld *b, const struct ts_rowmap *m)
{
	const struct ts_image *img = b->img;
	int rc = 0;
	for (size_t i = 1; i < img->nsecs && !rc; i++) {
		const struct ts_section *s = &img->secs[i];
		bool lazy = !strcmp(s->name, ".plt"), jump_only = !strcmp(s->name, ".plt.sec") || !strcmp(s->name, ".plt.got");
		if ((!lazy && !jump_only) || !s->exec || !s->data || !s->size)
			continue;
		if (covered(m, s->addr, s->addr + s->size))
			continue; /* described by the analysis (FDE-derived functions of a stripped file) */
		uint32_t st[8];
		int32_t cf[8];
		unsigned n;
		if (jump_only) {
			bool ok = s->size % 8 == 0;
			uint64_t esz = s->size % 16 == 0 ? 16 : 8;
			for (uint64_t off = 0; ok && off < s->size; off += esz)
				ok = ts_plt_stub_rows(img, s->addr + off, esz, -img->arch->entry_sp_offset, st, cf, &n, 8) &&
				     n == 1;
			if (ok)
				rc = plt_fde(b, s->addr, s->size, TS_SF_PCINC, 0, st, cf, 1);
			else
				problem(b, s->addr, s->size, -1, "PLT entries of an unknown form: no unwind information");
			continue;
		}
		/* lazy PLT: PLT0 is entered as the machine says (x86-64: with the relocation index
		 * pushed, CFA = SP + 16), the PLTn (16 bytes; s390x: 32, ending in a data word) as a
		 * call's target */
		const struct ts_arch *a = img->arch;
		uint64_t p0 = a->plt0_size, esz = a->pltn_size ? a->pltn_size : 16;
		uint64_t code = a->pltn_data < esz ? esz - a->pltn_data : esz;
		if (!p0 || s->size < p0 || (s->size - p0) % esz) {
			problem(b, s->addr, s->size, -1, "PLT of an unknown layout: no unwind information");
			continue;
		}
		if (ts_plt_stub_rows(img, s->addr, p0, a->plt0_cfa, st, cf, &n, 8))
			rc = plt_fde(b, s->addr, p0, TS_SF_PCINC, 0, st, cf, n);
		else
			problem(b, s->addr, p0, -1, "PLT0 of an unknown form: no unwind information");
		if (rc || s->size == p0)
			continue;
		uint32_t st0[8];
		int32_t cf0[8];
		unsigned n0 = 0;
		bool ok = true;
		for (uint64_t off = p0; ok && off < s->size; off += esz) {
			ok = ts_plt_stub_rows(img, s->addr + off, code, -a->entry_sp_offset, st, cf, &n, 8);
			if (ok && off == p0) {
				memcpy(st0, st, sizeof(st));
				memcpy(cf0, cf, sizeof(cf));
				n0 = n;
			} else if (ok) {
				ok = n == n0 && !memcmp(st, st0, n * sizeof(*st)) && !memcmp(cf, cf0, n * sizeof(*cf));
			}
		}
		if (ok)
			rc = plt_fde(b, s->addr + p0, s->size - p0, TS_SF_PCMASK, (uint8_t)esz, st0, cf0, n0);
		else
			problem(b, s->addr + p0, s->size - p0, -1,
				"PLT entries that differ or have an unknown form: no unwind information");
	}
	return rc;
}

/* Is the unreached range only NOPs and traps (padding between functions or after a
 * noreturn call)? */
static bool padding(const struct ts_image *img, const struct ts_rowrange *x)
{
	size_t avail;
	const uint8_t *p = ts_image_bytes(img, x->start, &avail);
	if (!p || avail < x->len)
		return false;
	for (uint32_t off = 0; off < x->len;) {
		struct ts_insn in;
		unsigned len = img->arch->decode(img->dec, p + off, x->len - off, x->start + off, &in);
		if (!len || !(in.flags & (TS_IF_NOP | TS_IF_TRAP)))
			return false;
		off += len;
	}
	return true;
}

/* ---- the whole table ---------------------------------------------------------------------- */

static int cmp_fde(const void *x, const void *y)
{
	const struct ts_sf_fde *a = x, *c = y;
	return a->start < c->start ? -1 : a->start > c->start;
}

int ts_sframe_build(const struct ts_image *img, const struct ts_rowmap *m, unsigned version, struct ts_sframe *out,
		    ts_sf_problem_fn on_problem, void *ctx, uint64_t *problems)
{
	memset(out, 0, sizeof(*out));
	out->version = (uint8_t)version;
	out->abi = img->arch->sframe_abi;
	out->fixed_ra = img->arch->sframe_fixed_ra;
	struct bld b = { .img = img, .t = out, .version = version, .fn = on_problem, .ctx = ctx };
	int32_t entry = entry_func(img);
	int rc = 0;
	if (!img->rel)
		rc = build_plt(&b, m);
	flush_problem(&b);
	for (size_t i = 0; i < m->n && !rc; i++) {
		const struct ts_rowrange *x = &m->r[i];
		struct ts_sf_fre r;
		const char *why = NULL;
		if (x->func == entry && x->reached && version == 1) {
			/* v1 has no "RA undefined": binutils 2.40 reads an FRE without offsets as CFA
			 * offset -1 (objdump prints sp+-1), a wrong row; leave it out instead */
			why = "outermost frame (return address undefined) has no SFrame v1 encoding: no unwind information";
		} else if (x->func == entry && x->reached) {
			/* the psABI's outermost frame: nothing to return to (v1: see docs/sframe.md) */
			memset(&r, 0, sizeof(r));
			r.ra.kind = TS_SF_UNDEFINED;
		} else if (!x->reached) {
			if (padding(img, x)) {
				/* alignment padding is never executed: nothing to report, and inside a
				 * function the FDE runs on over it (its row is never used) rather than
				 * splitting in two */
				if (b.open && b.func == x->func && b.end == x->start)
					b.end += x->len;
				continue;
			}
			why = "not reached by the analysis: no unwind information";
		} else {
			why = row_rules(&x->row, &r);
			bool flex;
			if (!why)
				ts_sframe_expressible(&r, version, img->arch->sframe_abi, img->arch->sframe_fixed_ra, &flex, &why);
		}
		if (why) {
			close_fde(&b);
			problem(&b, x->start, x->len, x->func, why);
			continue;
		}
		flush_problem(&b);
		int key = !r.mangled_ra ? -1 : x->row.ra_sign == TRUSTACK_RA_SIGNED_B;
		rc = emit(&b, x->start, x->len, x->func, &r, key);
	}
	close_fde(&b);
	flush_problem(&b);
	if (rc) {
		ts_sframe_free(out);
		return rc;
	}
	/* sorted by address: PLT FDEs came first, and the row map is in address order */
	if (out->nfdes) /* fdes is NULL when there are none: qsort(NULL, 0) is undefined */
		qsort(out->fdes, out->nfdes, sizeof(*out->fdes), cmp_fde);
	bool one_section = true;
	for (size_t i = 1; i < out->nfdes; i++)
		if (ts_image_section_at(img, out->fdes[i].start) != ts_image_section_at(img, out->fdes[0].start))
			one_section = false;
	/* Objects: the order of sections in the link is ld's choice, so FDE_SORTED only holds
	 * when one section holds every function (gas sets no flag in objects at all). v2/v3
	 * objects say PCREL because the start fields carry PC-relative relocations. */
	if (!img->rel || one_section)
		out->flags |= TS_SF_F_FDE_SORTED;
	if (img->rel && version >= 2)
		out->flags |= TS_SF_F_FUNC_START_PCREL;
	if (problems)
		*problems = b.problems;
	return 0;
}
