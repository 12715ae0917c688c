/*
 * sframe_dec.c - SFrame bytes (v1, v2, v3; either byte order; AMD64, AArch64, s390x) into the
 * model of sframe.h: offsets as they are (s390x's scaled CFA words turned back into bytes).
 *
 * Every count and offset read from the section is checked against its size before use, and
 * every loop is bounded by the section's bytes (an FRE takes at least two), so a malformed or
 * hostile section gives an error, never a read out of bounds or a long loop.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tables/sframe.h"
#include "trustack.h"

struct rd {
	const uint8_t *p;
	size_t size;
	bool be;
};

static uint64_t get(const struct rd *r, size_t at, unsigned w)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)r->p[at + i] << (8 * (r->be ? w - 1 - i : i));
	return v;
}

static int64_t sget(const struct rd *r, size_t at, unsigned w)
{
	uint64_t v = get(r, at, w);
	unsigned sh = 64 - 8 * w;
	return (int64_t)(v << sh) >> sh;
}

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		int n = snprintf(err, errlen, "malformed .sframe: ");
		if (n > 0 && (size_t)n < errlen)
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -TRUSTACK_E_FORMAT;
}

/* A flexible FDE's RA or FP rule from the words at *k; false if the words run out. */
static bool flex_loc(const int64_t *w, unsigned nw, unsigned *k, struct ts_sf_rule *l, bool is_ra, int8_t fixed_ra)
{
	if (*k >= nw) {
		*l = is_ra && fixed_ra ? (struct ts_sf_rule){ TS_SF_AT_CFA, 0, fixed_ra }
				       : (struct ts_sf_rule){ TS_SF_SAME, 0, 0 };
		return true;
	}
	int64_t c = w[(*k)++];
	if (c == 0) {
		*l = is_ra && fixed_ra ? (struct ts_sf_rule){ TS_SF_AT_CFA, 0, fixed_ra }
				       : (struct ts_sf_rule){ TS_SF_SAME, 0, 0 };
		return true;
	}
	if (*k >= nw)
		return false;
	int64_t off = w[(*k)++];
	if (!(c & 1))
		*l = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, (int32_t)off };
	else
		*l = (struct ts_sf_rule){ (c & 2) ? TS_SF_DEREF : TS_SF_REG, (uint8_t)((c >> 3) & 0x1f), (int32_t)off };
	return true;
}

/* One decoding: the section, the header's counts and where things are, the model built. */
struct dec {
	struct rd r;
	struct ts_sframe *out;
	char *err;
	size_t errlen;
	uint64_t base;        /* address of the section's first byte */
	bool pcrel_always;    /* function starts are PC-relative whatever the flags say (v1) */
	size_t hdr;           /* bytes of the header with its auxiliary part */
	size_t fres0;         /* section offset of the FRE sub-section */
	uint64_t nfdes, nfres, frelen, fdeoff;
	unsigned fdesz;       /* bytes of one FDE in this version */
	struct ts_sf_abi abi; /* what the ABI byte says about the words (sframe.h) */
};

/* The fixed header: magic (either byte order), version, ABI, and counts and offsets that fit
 * in the section; then room for the FDEs and FREs it announces. */
static int decode_header(struct dec *d)
{
	const uint8_t *buf = d->r.p;
	size_t size = d->r.size;
	struct ts_sframe *out = d->out;
	if (size < TS_SF_HDR_SIZE)
		return bad(d->err, d->errlen, "%zu bytes, shorter than the 28-byte header", size);
	if (get(&d->r, 0, 2) != TS_SF_MAGIC) {
		d->r.be = true;
		if (get(&d->r, 0, 2) != TS_SF_MAGIC)
			return bad(d->err, d->errlen, "bad magic %#x", (unsigned)get(&d->r, 0, 2));
	}
	unsigned version = buf[2];
	if (version < 1 || version > 3)
		return bad(d->err, d->errlen, "unknown version %u", version);
	out->version = (uint8_t)version;
	out->flags = buf[3];
	out->abi = buf[4];
	out->fixed_fp = (int8_t)buf[5];
	out->fixed_ra = (int8_t)buf[6];
	if (out->abi < TS_SF_ABI_AARCH64_BE || out->abi > TS_SF_ABI_S390X_BE)
		return bad(d->err, d->errlen, "unknown ABI %u", out->abi);
	d->abi = ts_sf_abi_facts(out->abi);
	d->hdr = TS_SF_HDR_SIZE + buf[7];
	d->nfdes = get(&d->r, 8, 4), d->nfres = get(&d->r, 12, 4), d->frelen = get(&d->r, 16, 4);
	d->fdeoff = get(&d->r, 20, 4);
	uint64_t freoff = get(&d->r, 24, 4);
	d->fdesz = version == 1 ? 17 : version == 2 ? 20 : 16;
	if (d->hdr > size)
		return bad(d->err, d->errlen, "auxiliary header runs past the section");
	if (d->fdeoff > size - d->hdr || d->nfdes > (size - d->hdr - d->fdeoff) / d->fdesz)
		return bad(d->err, d->errlen, "%llu FDEs at offset %llu do not fit in %zu bytes",
			   (unsigned long long)d->nfdes, (unsigned long long)d->fdeoff, size);
	if (freoff > size - d->hdr || d->frelen > size - d->hdr - freoff)
		return bad(d->err, d->errlen, "FRE sub-section (offset %llu, %llu bytes) runs past the section",
			   (unsigned long long)freoff, (unsigned long long)d->frelen);
	if (d->nfres > d->frelen / 2)
		return bad(d->err, d->errlen, "%llu FREs cannot fit in %llu bytes", (unsigned long long)d->nfres,
			   (unsigned long long)d->frelen);
	d->fres0 = d->hdr + freoff;
	out->fdes = calloc(d->nfdes ? d->nfdes : 1, sizeof(*out->fdes));
	out->fres = calloc(d->nfres ? d->nfres : 1, sizeof(*out->fres));
	if (!out->fdes || !out->fres)
		return -TRUSTACK_E_NOMEM;
	out->capfdes = d->nfdes;
	out->capfres = d->nfres;
	return 0;
}

/* The CFA offset a CFA word stands for (s390x: word * 8 + 160); false if it does not fit. */
static bool cfa_offset(const struct dec *d, int64_t w, int32_t *off)
{
	int64_t x = w * d->abi.cfa_scale + d->abi.cfa_bias;
	*off = (int32_t)x;
	return x == *off;
}

/* A flexible FDE's FRE (v3): every rule spelled out in the data words. */
static int flex_rules(const struct dec *d, struct ts_sf_fre *e, const int64_t *w, unsigned nw, uint64_t i,
		      uint64_t k)
{
	unsigned j = 2;
	if (nw < 2 || !(w[0] & 1))
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has no register-based CFA rule", (unsigned long long)i,
			   (unsigned long long)k);
	int32_t off;
	if (!cfa_offset(d, w[1], &off))
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has a CFA offset out of range", (unsigned long long)i,
			   (unsigned long long)k);
	e->cfa = (struct ts_sf_rule){ (w[0] & 2) ? TS_SF_DEREF : TS_SF_REG, (uint8_t)((w[0] >> 3) & 0x1f), off };
	if (!flex_loc(w, nw, &j, &e->ra, true, d->out->fixed_ra) || !flex_loc(w, nw, &j, &e->fp, false, d->out->fixed_ra) ||
	    j != nw)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has incomplete flexible data words", (unsigned long long)i,
			   (unsigned long long)k);
	return 0;
}

/* A default FRE's RA/FP word: a CFA offset, or on an ABI whose odd words name registers (s390x
 * v2) the register holding it; an RA word 0 there is padding (RA not saved). False: a word the
 * version does not define. */
static bool default_loc(const struct dec *d, int64_t x, bool is_ra, struct ts_sf_rule *l)
{
	if (is_ra && d->abi.ra_padding && x == 0)
		*l = (struct ts_sf_rule){ TS_SF_SAME, 0, 0 };
	else if (d->abi.v2_regnum && (x & 1))
		*l = (struct ts_sf_rule){ TS_SF_REG, (uint8_t)(x >> 1), 0 };
	else
		*l = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, (int32_t)x };
	return !(d->abi.v2_regnum && (x & 1)) || (d->out->version < 3 && x >= 0 && (x >> 1) <= 0xff);
}

/* The default encoding: CFA = SP or FP + w0, then the RA (unless the ABI fixes it) and FP at
 * CFA offsets. */
static int default_rules(const struct dec *d, struct ts_sf_fre *e, uint8_t fi, const int64_t *w, unsigned nw,
			 uint64_t i, uint64_t k)
{
	int32_t off;
	if (!cfa_offset(d, w[0], &off))
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has a CFA offset out of range", (unsigned long long)i,
			   (unsigned long long)k);
	e->cfa = (struct ts_sf_rule){ TS_SF_REG, (fi & 1) ? d->abi.sp : d->abi.fp, off };
	unsigned j = 1;
	bool ok = true;
	if (d->out->fixed_ra)
		e->ra = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, d->out->fixed_ra };
	else if (j < nw)
		ok = default_loc(d, w[j++], true, &e->ra);
	else
		e->ra.kind = TS_SF_SAME; /* aarch64, s390x: still in the link register */
	if (j < nw)
		ok &= default_loc(d, w[j++], false, &e->fp);
	if (!ok)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu names a register in an RA/FP word (v2 only)",
			   (unsigned long long)i, (unsigned long long)k);
	if (j != nw)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has %u data words, more than its ABI uses",
			   (unsigned long long)i, (unsigned long long)k, nw);
	return 0;
}

/* FRE k of FDE i (f) at *pos in the FRE sub-section: its start, info byte and data words. */
static int decode_fre(struct dec *d, const struct ts_sf_fde *f, unsigned aw, uint64_t i, uint64_t k, size_t *pos)
{
	struct ts_sframe *out = d->out;
	if (d->frelen - *pos < aw + 1)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu runs past the FRE sub-section", (unsigned long long)i,
			   (unsigned long long)k);
	struct ts_sf_fre *e = &out->fres[out->nfres];
	memset(e, 0, sizeof(*e));
	e->start = (uint32_t)get(&d->r, d->fres0 + *pos, aw);
	uint8_t fi = d->r.p[d->fres0 + *pos + aw];
	*pos += aw + 1;
	unsigned nw = (fi >> 1) & 0xf, wsz = (fi >> 5) & 3;
	if (wsz == 3)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has an invalid data word size", (unsigned long long)i,
			   (unsigned long long)k);
	unsigned ww = 1u << wsz;
	if (nw > 6 || (!f->flex && nw > 3) || d->frelen - *pos < (size_t)nw * ww)
		return bad(d->err, d->errlen, "FDE %llu: FRE %llu has %u data words that do not fit",
			   (unsigned long long)i, (unsigned long long)k, nw);
	int64_t w[6];
	for (unsigned j = 0; j < nw; j++)
		w[j] = sget(&d->r, d->fres0 + *pos + j * ww, ww);
	*pos += (size_t)nw * ww;
	e->mangled_ra = fi >> 7;
	if (k && f->pctype == TS_SF_PCINC && e->start <= e[-1].start)
		return bad(d->err, d->errlen, "FDE %llu: FRE start offsets not increasing", (unsigned long long)i);
	int rc = 0;
	if (nw == 0) /* outermost frame */
		e->ra.kind = TS_SF_UNDEFINED;
	else if (f->flex)
		rc = flex_rules(d, e, w, nw, i, k);
	else
		rc = default_rules(d, e, fi, w, nw, i, k);
	if (!rc)
		out->nfres++;
	return rc;
}

/* v3 keeps an FDE's FRE count, info bytes and repetition size in front of its FREs: read them
 * at *fre_off and step past them. */
static int fde_attributes_v3(struct dec *d, struct ts_sf_fde *f, uint64_t i, uint64_t *fre_off, uint64_t *n,
			     uint8_t *info, uint8_t *info2)
{
	if (*fre_off > d->frelen || d->frelen - *fre_off < 5)
		return bad(d->err, d->errlen, "FDE %llu: attributes at %llu outside the FRE sub-section",
			   (unsigned long long)i, (unsigned long long)*fre_off);
	const uint8_t *a = d->r.p + d->fres0 + *fre_off;
	*n = get(&d->r, d->fres0 + *fre_off, 2);
	*info = a[2];
	*info2 = a[3];
	f->rep_size = a[4];
	*fre_off += 5;
	if ((*info2 & 0x1f) > 1)
		return bad(d->err, d->errlen, "FDE %llu: unknown FDE type %u", (unsigned long long)i, *info2 & 0x1f);
	return 0;
}

/* FDE i and its FREs. */
static int decode_fde(struct dec *d, uint64_t i)
{
	struct ts_sframe *out = d->out;
	unsigned version = out->version;
	size_t at = d->hdr + d->fdeoff + i * d->fdesz;
	struct ts_sf_fde *f = &out->fdes[i];
	int64_t start = version == 3 ? sget(&d->r, at, 8) : sget(&d->r, at, 4);
	unsigned sw = version == 3 ? 8 : 4;
	f->size = (uint32_t)get(&d->r, at + sw, 4);
	uint64_t fre_off = get(&d->r, at + sw + 4, 4), n = 0;
	uint8_t info = 0, info2 = 0;
	if (version < 3) {
		n = get(&d->r, at + 12, 4);
		info = d->r.p[at + 16];
		f->rep_size = version == 2 ? d->r.p[at + 17] : 0;
	} else {
		int rc = fde_attributes_v3(d, f, i, &fre_off, &n, &info, &info2);
		if (rc)
			return rc;
	}
	bool pcrel = d->pcrel_always || (out->flags & TS_SF_F_FUNC_START_PCREL);
	f->start = d->base + (uint64_t)start + (pcrel ? at : 0);
	f->pctype = (info >> 4) & 1;
	f->pauth_key = (info >> 5) & 1;
	f->signal = version == 3 && (info >> 7);
	f->flex = version == 3 && (info2 & 0x1f) == 1;
	unsigned fretype = info & 0xf;
	if (fretype > 2)
		return bad(d->err, d->errlen, "FDE %llu: unknown FRE type %u", (unsigned long long)i, fretype);
	if (n > d->nfres - out->nfres)
		return bad(d->err, d->errlen, "FDE %llu: its %llu FREs exceed the header's total of %llu",
			   (unsigned long long)i, (unsigned long long)n, (unsigned long long)d->nfres);
	if (fre_off > d->frelen)
		return bad(d->err, d->errlen, "FDE %llu: FRE offset %llu past the FRE sub-section", (unsigned long long)i,
			   (unsigned long long)fre_off);
	f->first = (uint32_t)out->nfres;
	f->n = (uint32_t)n;
	size_t pos = fre_off;
	int rc = 0;
	for (uint64_t k = 0; k < n && !rc; k++)
		rc = decode_fre(d, f, 1u << fretype, i, k, &pos);
	if (!rc)
		out->nfdes++;
	return rc;
}

int ts_sframe_decode(const uint8_t *buf, size_t size, uint64_t base, bool pcrel_always, struct ts_sframe *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct dec d = { .r = { buf, size, false }, .out = out, .err = err, .errlen = errlen, .base = base,
			 .pcrel_always = pcrel_always };
	int rc = decode_header(&d);
	for (uint64_t i = 0; i < d.nfdes && !rc; i++)
		rc = decode_fde(&d, i);
	if (!rc && out->nfres != d.nfres)
		rc = bad(err, errlen, "the FDEs hold %zu FREs, the header says %llu", out->nfres, (unsigned long long)d.nfres);
	if (rc)
		ts_sframe_free(out);
	return rc;
}
