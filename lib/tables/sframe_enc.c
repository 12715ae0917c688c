/*
 * sframe_enc.c - the SFrame model (sframe.h) as v1, v2 or v3 bytes in the ABI's byte order
 * (AMD64, AArch64 and s390x rules: sframe.h, struct ts_sf_abi).
 */
#include <stdlib.h>
#include <string.h>

#include "tables/sframe.h"
#include "trustack.h"
#include "common/vec.h"

void ts_sframe_free(struct ts_sframe *t)
{
	free(t->fdes);
	free(t->fres);
	memset(t, 0, sizeof(*t));
}

int ts_sframe_add_fde(struct ts_sframe *t, const struct ts_sf_fde *f)
{
	if (TS_GROW(t->fdes, t->nfdes, t->capfdes, 64))
		return -TRUSTACK_E_NOMEM;
	t->fdes[t->nfdes] = *f;
	t->fdes[t->nfdes].first = (uint32_t)t->nfres;
	t->fdes[t->nfdes].n = 0;
	t->nfdes++;
	return 0;
}

int ts_sframe_add_fre(struct ts_sframe *t, const struct ts_sf_fre *r)
{
	if (!t->nfdes)
		return -TRUSTACK_E_ARG;
	if (TS_GROW(t->fres, t->nfres, t->capfres, 256))
		return -TRUSTACK_E_NOMEM;
	t->fres[t->nfres++] = *r;
	t->fdes[t->nfdes - 1].n++;
	return 0;
}

/* ---- what each version can say ----------------------------------------------------------- */

/* Can the ABI's CFA word hold offset off? (s390x stores (off - 160) / 8: the offset must be a
 * multiple of 8; elsewhere every offset fits.) */
static bool cfa_word_ok(const struct ts_sf_abi *a, int32_t off)
{
	int64_t x = (int64_t)off - a->cfa_bias;
	return x % a->cfa_scale == 0 && x / a->cfa_scale == (int32_t)(x / a->cfa_scale);
}

static int32_t cfa_word(const struct ts_sf_abi *a, int32_t off)
{
	return (int32_t)(((int64_t)off - a->cfa_bias) / a->cfa_scale);
}

/* Where an RA/FP rule of the default encoding can point: a stack slot at CFA + k (on an ABI
 * whose odd words name registers, k must be even; an RA word 0 is padding there), or in v2 on
 * such an ABI a register (the word (regnum << 1) | 1). */
static bool default_loc_ok(const struct ts_sf_rule *l, const struct ts_sf_abi *a, unsigned version, bool is_ra)
{
	if (l->kind == TS_SF_AT_CFA)
		return !a->v2_regnum || (!(l->off & 1) && !(is_ra && a->ra_padding && l->off == 0));
	return l->kind == TS_SF_REG && l->off == 0 && a->v2_regnum && version < 3;
}

/* The default encoding: CFA = SP/FP + k, RA at the fixed offset (or tracked at CFA + k when
 * the header has none, as on AArch64 and s390x), FP saved at CFA + k or not at all; s390x v2
 * also RA/FP in a register. */
static bool default_ok(const struct ts_sf_fre *r, unsigned version, uint8_t abi, int8_t fixed_ra, const char **why)
{
	if (r->ra.kind == TS_SF_UNDEFINED)
		return true;
	struct ts_sf_abi a = ts_sf_abi_facts(abi);
	if (r->cfa.kind != TS_SF_REG || (r->cfa.reg != a.sp && r->cfa.reg != a.fp)) {
		*why = r->cfa.kind == TS_SF_DEREF ? "CFA is loaded from memory (DRAP)"
						  : "CFA is based on a register other than SP or FP";
		return false;
	}
	if (!cfa_word_ok(&a, r->cfa.off)) {
		*why = "CFA offset not a multiple of 8 (s390x SFrame stores it scaled)";
		return false;
	}
	if (fixed_ra ? !(r->ra.kind == TS_SF_AT_CFA && r->ra.off == fixed_ra)
		     : !(r->ra.kind == TS_SF_SAME || default_loc_ok(&r->ra, &a, version, true))) {
		*why = r->ra.kind == TS_SF_AT_CFA ? (fixed_ra ? "return address not at CFA-8"
							       : "return address at a CFA offset the ABI cannot encode")
						  : "return address held in a register";
		return false;
	}
	if (r->fp.kind != TS_SF_SAME && !default_loc_ok(&r->fp, &a, version, false)) {
		*why = "caller's frame pointer held in a register or at a non-CFA-relative address";
		return false;
	}
	if (!fixed_ra && !a.ra_padding && r->ra.kind == TS_SF_SAME && r->fp.kind != TS_SF_SAME) {
		*why = "frame pointer saved while the return address is still in its register";
		return false;
	}
	return true;
}

/* The RA/FP part of a v3 flexible FRE: "saved at CFA + k" becomes *(cfa.reg + cfa.off + k),
 * because the control word of "at CFA + k" equals the padding word (spec: invalid). */
static bool flex_loc_ok(const struct ts_sf_rule *l, const struct ts_sf_rule *cfa, bool is_ra, int8_t fixed_ra)
{
	switch (l->kind) {
	case TS_SF_SAME: return !is_ra || !fixed_ra; /* the padding word; an RA not tracked (AArch64) is
							* still in the link register */
	case TS_SF_AT_CFA:
		if (is_ra && fixed_ra && l->off == fixed_ra)
			return true;
		return cfa->kind == TS_SF_REG && (int64_t)cfa->off + l->off == (int32_t)((int64_t)cfa->off + l->off);
	case TS_SF_REG:
	case TS_SF_DEREF: return l->reg < 32;
	default: return false;
	}
}

bool ts_sframe_expressible(const struct ts_sf_fre *r, unsigned version, uint8_t abi, int8_t fixed_ra, bool *flex,
			   const char **why)
{
	*flex = false;
	const char *w = "not expressible";
	if (default_ok(r, version, abi, fixed_ra, &w))
		return true;
	struct ts_sf_abi a = ts_sf_abi_facts(abi);
	if (version >= 3 && (r->cfa.kind == TS_SF_REG || r->cfa.kind == TS_SF_DEREF) && r->cfa.reg < 32 &&
	    cfa_word_ok(&a, r->cfa.off) && flex_loc_ok(&r->ra, &r->cfa, true, fixed_ra) &&
	    flex_loc_ok(&r->fp, &r->cfa, false, fixed_ra)) {
		*flex = true;
		return true;
	}
	if (version >= 3 && (r->ra.kind == TS_SF_AT_CFA || r->fp.kind == TS_SF_AT_CFA) && r->cfa.kind == TS_SF_DEREF)
		w = "a register saved relative to a CFA that is loaded from memory";
	*why = w;
	return false;
}

/* ---- bytes ------------------------------------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t n, cap;
	int err;
	bool be; /* the ABI's byte order (s390x: big-endian) */
};

static void put(struct buf *b, uint64_t v, unsigned w)
{
	if (b->err)
		return;
	if (TS_RESERVE(b->p, b->n + w, b->cap, 4096)) {
		b->err = -TRUSTACK_E_NOMEM;
		return;
	}
	for (unsigned i = 0; i < w; i++)
		b->p[b->n++] = (uint8_t)(v >> (8 * (b->be ? w - 1 - i : i)));
}

static void patch(struct buf *b, size_t at, uint64_t v, unsigned w)
{
	if (b->err)
		return;
	for (unsigned i = 0; i < w; i++)
		b->p[at + i] = (uint8_t)(v >> (8 * (b->be ? w - 1 - i : i)));
}

static unsigned word_code(int64_t v)
{
	if (v >= -128 && v <= 127)
		return 0;
	if (v >= -32768 && v <= 32767)
		return 1;
	return 2;
}

static int32_t ctl(const struct ts_sf_rule *l)
{
	return (int32_t)((unsigned)l->reg << 3 | (l->kind == TS_SF_DEREF) << 1 | 1);
}

/* A default FRE's RA/FP word: the CFA offset of its slot, 0 (RA padding: not saved), or a
 * register as (regnum << 1) | 1 (s390x v2). */
static int32_t loc_word(const struct ts_sf_rule *l)
{
	if (l->kind == TS_SF_REG)
		return (int32_t)((unsigned)l->reg << 1 | 1);
	return l->kind == TS_SF_AT_CFA ? l->off : 0;
}

/* The data words of one FRE; returns their number (0..6). The CFA offset is stored as the ABI
 * says (s390x: scaled, in both encodings). */
static unsigned fre_words(const struct ts_sf_fre *r, bool flex, uint8_t abi, int8_t fixed_ra, int32_t *w)
{
	unsigned n = 0;
	struct ts_sf_abi a = ts_sf_abi_facts(abi);
	if (r->ra.kind == TS_SF_UNDEFINED)
		return 0;
	if (!flex) {
		w[n++] = cfa_word(&a, r->cfa.off);
		if (!fixed_ra && (r->ra.kind != TS_SF_SAME || r->fp.kind != TS_SF_SAME))
			w[n++] = loc_word(&r->ra);
		if (r->fp.kind != TS_SF_SAME)
			w[n++] = loc_word(&r->fp);
		return n;
	}
	w[n++] = ctl(&r->cfa);
	w[n++] = cfa_word(&a, r->cfa.off);
	const struct ts_sf_rule *loc[2] = { &r->ra, &r->fp };
	unsigned last = 0; /* words up to the last non-padding entry */
	for (int k = 0; k < 2; k++) {
		const struct ts_sf_rule *l = loc[k];
		if (l->kind == TS_SF_SAME || (k == 0 && fixed_ra && l->kind == TS_SF_AT_CFA && l->off == fixed_ra)) {
			w[n++] = 0; /* padding: the fixed RA offset / FP not saved */
			continue;
		}
		if (l->kind == TS_SF_AT_CFA) {
			struct ts_sf_rule d = { TS_SF_DEREF, r->cfa.reg, r->cfa.off + l->off };
			w[n++] = ctl(&d);
			w[n++] = d.off;
		} else {
			w[n++] = ctl(l);
			w[n++] = l->off;
		}
		last = n;
	}
	return last ? last : 2;
}

static unsigned addr_code(uint32_t maxstart)
{
	return maxstart < 0x100 ? 0 : maxstart < 0x10000 ? 1 : 2;
}

/* One FDE's FREs (the slice [first, first + n)); sets *fre_type. */
static void put_fres(struct buf *b, const struct ts_sframe *t, const struct ts_sf_fde *f, size_t first, size_t n,
		     uint32_t rebase, bool flex, unsigned *fre_type)
{
	uint32_t maxstart = 0;
	for (size_t i = 0; i < n; i++)
		if (t->fres[first + i].start - rebase > maxstart)
			maxstart = t->fres[first + i].start - rebase;
	unsigned at = addr_code(t->addr_from_size ? f->size : maxstart);
	*fre_type = at;
	uint8_t sp, fp;
	ts_sf_abi_regs(t->abi, &sp, &fp); /* the default encoding's base: SP (1) or FP (0) */
	for (size_t i = 0; i < n; i++) {
		const struct ts_sf_fre *r = &t->fres[first + i];
		int32_t w[6];
		unsigned nw = fre_words(r, flex, t->abi, t->fixed_ra, w);
		unsigned sz = 0;
		for (unsigned k = 0; k < nw; k++)
			if (word_code(w[k]) > sz)
				sz = word_code(w[k]);
		uint8_t base = flex ? 0 : (r->ra.kind == TS_SF_UNDEFINED || r->cfa.reg == sp);
		uint8_t info = (uint8_t)(base | nw << 1 | sz << 5 | (r->mangled_ra ? 0x80 : 0));
		put(b, r->start - rebase, at == 0 ? 1 : at == 1 ? 2 : 4);
		put(b, info, 1);
		for (unsigned k = 0; k < nw; k++)
			put(b, (uint32_t)w[k], 1u << sz);
	}
}

/* An FDE as written: v3 allows at most 65535 FREs per FDE, so long ones are cut in pieces. */
struct piece {
	const struct ts_sf_fde *f;
	size_t first, n;
	uint64_t start;
	uint32_t size, rebase;
	bool flex;
};

void ts_sf_encoded_free(struct ts_sf_encoded *e)
{
	free(e->buf);
	free(e->fields);
	memset(e, 0, sizeof(*e));
}

int ts_sframe_encode(const struct ts_sframe *t, unsigned version, uint64_t base, struct ts_sf_encoded *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (version < 1 || version > 3) {
		snprintf(err, errlen, "SFrame version %u is not supported (1, 2 or 3)", version);
		return -TRUSTACK_E_ARG;
	}
	size_t cap = t->nfdes + t->nfres / 65535 + 1, np = 0;
	struct piece *pc = calloc(cap, sizeof(*pc));
	if (!pc)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 0; i < t->nfdes; i++) {
		const struct ts_sf_fde *f = &t->fdes[i];
		bool flex = false;
		for (size_t k = 0; k < f->n; k++) {
			bool fx;
			const char *why = NULL;
			if (!ts_sframe_expressible(&t->fres[f->first + k], version, t->abi, t->fixed_ra, &fx, &why)) {
				snprintf(err, errlen, "FDE at %#llx: %s", (unsigned long long)f->start, why);
				free(pc);
				return -TRUSTACK_E_ARG;
			}
			flex |= fx;
		}
		size_t lim = version == 3 && f->pctype == TS_SF_PCINC ? 65535 : SIZE_MAX;
		for (size_t k = 0; k < f->n || (k == 0 && !f->n);) {
			size_t n = f->n - k < lim ? f->n - k : lim;
			uint32_t from = n ? t->fres[f->first + k].start : 0;
			uint32_t to = k + n < f->n ? t->fres[f->first + k + n].start : f->size;
			if (f->pctype == TS_SF_PCMASK || !k)
				from = 0; /* the first piece starts at the FDE's start */
			pc[np++] = (struct piece){ f, f->first + k, n, f->start + from,
						   f->pctype == TS_SF_PCMASK ? f->size : to - from,
						   f->pctype == TS_SF_PCMASK ? 0 : from, flex };
			k += n;
			if (!n)
				break;
		}
	}
	unsigned fdesz = version == 1 ? 17 : version == 2 ? 20 : 16;
	struct buf b = { .be = ts_sf_abi_facts(t->abi).big_endian };
	/* header: counts patched in at the end */
	put(&b, TS_SF_MAGIC, 2);
	put(&b, version, 1);
	put(&b, t->flags, 1);
	put(&b, t->abi, 1);
	put(&b, (uint8_t)t->fixed_fp, 1);
	put(&b, (uint8_t)t->fixed_ra, 1);
	put(&b, 0, 1); /* no auxiliary header */
	put(&b, np, 4);
	put(&b, 0, 4); /* num_fres */
	put(&b, 0, 4); /* fre_len */
	put(&b, 0, 4); /* fdeoff */
	put(&b, (uint64_t)np * fdesz, 4);
	size_t fdes_at = b.n;
	for (size_t i = 0; i < np * fdesz; i++)
		put(&b, 0, 1);
	size_t fres_at = b.n;
	out->fields = calloc(np ? np : 1, sizeof(*out->fields));
	if (!out->fields)
		b.err = -TRUSTACK_E_NOMEM;
	uint64_t nfres = 0;
	for (size_t i = 0; i < np && !b.err; i++) {
		const struct piece *p = &pc[i];
		size_t at = fdes_at + i * fdesz;
		size_t freoff = b.n - fres_at;
		unsigned fre_type = 0;
		if (version == 3) {
			put(&b, p->n, 2);
			size_t info_at = b.n;
			put(&b, 0, 1);
			put(&b, p->flex ? 1 : 0, 1);
			put(&b, p->f->rep_size, 1);
			put_fres(&b, t, p->f, p->first, p->n, p->rebase, p->flex, &fre_type);
			patch(&b, info_at,
			      (uint64_t)(fre_type | p->f->pctype << 4 | (p->f->pauth_key & 1) << 5 | p->f->signal << 7),
			      1);
		} else {
			put_fres(&b, t, p->f, p->first, p->n, p->rebase, false, &fre_type);
		}
		nfres += p->n;
		if (b.err)
			break;
		bool pcrel = t->flags & TS_SF_F_FUNC_START_PCREL;
		unsigned sw = version == 3 ? 8 : 4;
		int64_t v = (int64_t)(p->start - base - (pcrel ? at : 0));
		if (sw == 4 && v != (int32_t)v) {
			snprintf(err, errlen, "function at %#llx is beyond the 2 GiB a v%u start field can reach",
				 (unsigned long long)p->start, version);
			b.err = -TRUSTACK_E_ARG;
			break;
		}
		out->fields[i] = (struct ts_sf_startfield){ at, p->start, sw };
		patch(&b, at, (uint64_t)v, sw);
		patch(&b, at + sw, p->size, 4);
		patch(&b, at + sw + 4, freoff, 4);
		if (version < 3) {
			patch(&b, at + 12, p->n, 4);
			patch(&b, at + 16, (uint64_t)(fre_type | p->f->pctype << 4 | (p->f->pauth_key & 1) << 5), 1);
			if (version == 2)
				patch(&b, at + 17, p->f->rep_size, 1);
		}
	}
	free(pc);
	if (b.err) {
		free(b.p);
		free(out->fields);
		memset(out, 0, sizeof(*out));
		return b.err;
	}
	patch(&b, 12, nfres, 4);
	patch(&b, 16, b.n - fres_at, 4);
	out->buf = b.p;
	out->size = b.n;
	out->nfields = np;
	out->nfres = nfres;
	out->nfdes = np;
	return 0;
}
