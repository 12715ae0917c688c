/*
 * sframe_dec.c - SFrame bytes (v1, v2, v3; either byte order) into the model of sframe.h.
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

int ts_sframe_decode(const uint8_t *buf, size_t size, uint64_t base, bool pcrel_always, struct ts_sframe *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (size < TS_SF_HDR_SIZE)
		return bad(err, errlen, "%zu bytes, shorter than the 28-byte header", size);
	struct rd r = { buf, size, false };
	if (get(&r, 0, 2) != TS_SF_MAGIC) {
		r.be = true;
		if (get(&r, 0, 2) != TS_SF_MAGIC)
			return bad(err, errlen, "bad magic %#x", (unsigned)get(&r, 0, 2));
	}
	unsigned version = buf[2];
	if (version < 1 || version > 3)
		return bad(err, errlen, "unknown version %u", version);
	out->version = (uint8_t)version;
	out->flags = buf[3];
	out->abi = buf[4];
	out->fixed_fp = (int8_t)buf[5];
	out->fixed_ra = (int8_t)buf[6];
	if (out->abi < TS_SF_ABI_AARCH64_BE || out->abi > TS_SF_ABI_AMD64_LE) {
		int rc = out->abi == TS_SF_ABI_S390X_BE ? -TRUSTACK_E_UNSUPPORTED : bad(err, errlen, "unknown ABI %u", out->abi);
		if (rc == -TRUSTACK_E_UNSUPPORTED)
			snprintf(err, errlen, ".sframe for s390x is not supported");
		return rc;
	}
	size_t hdr = TS_SF_HDR_SIZE + buf[7];
	uint64_t nfdes = get(&r, 8, 4), nfres = get(&r, 12, 4), frelen = get(&r, 16, 4);
	uint64_t fdeoff = get(&r, 20, 4), freoff = get(&r, 24, 4);
	unsigned fdesz = version == 1 ? 17 : version == 2 ? 20 : 16;
	if (hdr > size)
		return bad(err, errlen, "auxiliary header runs past the section");
	if (fdeoff > size - hdr || nfdes > (size - hdr - fdeoff) / fdesz)
		return bad(err, errlen, "%llu FDEs at offset %llu do not fit in %zu bytes", (unsigned long long)nfdes,
			   (unsigned long long)fdeoff, size);
	if (freoff > size - hdr || frelen > size - hdr - freoff)
		return bad(err, errlen, "FRE sub-section (offset %llu, %llu bytes) runs past the section",
			   (unsigned long long)freoff, (unsigned long long)frelen);
	if (nfres > frelen / 2)
		return bad(err, errlen, "%llu FREs cannot fit in %llu bytes", (unsigned long long)nfres,
			   (unsigned long long)frelen);
	out->fdes = calloc(nfdes ? nfdes : 1, sizeof(*out->fdes));
	out->fres = calloc(nfres ? nfres : 1, sizeof(*out->fres));
	if (!out->fdes || !out->fres) {
		ts_sframe_free(out);
		return -TRUSTACK_E_NOMEM;
	}
	out->capfdes = nfdes;
	out->capfres = nfres;
	uint8_t spreg, fpreg;
	ts_sf_abi_regs(out->abi, &spreg, &fpreg);
	const size_t fres0 = hdr + freoff;
	int rc = 0;
	for (uint64_t i = 0; i < nfdes && !rc; i++) {
		size_t at = hdr + fdeoff + i * fdesz;
		struct ts_sf_fde *f = &out->fdes[i];
		int64_t start = version == 3 ? sget(&r, at, 8) : sget(&r, at, 4);
		unsigned sw = version == 3 ? 8 : 4;
		f->size = (uint32_t)get(&r, at + sw, 4);
		uint64_t fre_off = get(&r, at + sw + 4, 4), n;
		uint8_t info, info2 = 0;
		if (version < 3) {
			n = get(&r, at + 12, 4);
			info = buf[at + 16];
			f->rep_size = version == 2 ? buf[at + 17] : 0;
		} else {
			if (fre_off > frelen || frelen - fre_off < 5) {
				rc = bad(err, errlen, "FDE %llu: attributes at %llu outside the FRE sub-section",
					 (unsigned long long)i, (unsigned long long)fre_off);
				break;
			}
			n = get(&r, fres0 + fre_off, 2);
			info = buf[fres0 + fre_off + 2];
			info2 = buf[fres0 + fre_off + 3];
			f->rep_size = buf[fres0 + fre_off + 4];
			fre_off += 5;
			if ((info2 & 0x1f) > 1) {
				rc = bad(err, errlen, "FDE %llu: unknown FDE type %u", (unsigned long long)i, info2 & 0x1f);
				break;
			}
		}
		bool pcrel = pcrel_always || (out->flags & TS_SF_F_FUNC_START_PCREL);
		f->start = base + (uint64_t)start + (pcrel ? at : 0);
		f->pctype = (info >> 4) & 1;
		f->pauth_key = (info >> 5) & 1;
		f->signal = version == 3 && (info >> 7);
		f->flex = version == 3 && (info2 & 0x1f) == 1;
		unsigned fretype = info & 0xf;
		if (fretype > 2) {
			rc = bad(err, errlen, "FDE %llu: unknown FRE type %u", (unsigned long long)i, fretype);
			break;
		}
		unsigned aw = 1u << fretype;
		if (n > nfres - out->nfres) {
			rc = bad(err, errlen, "FDE %llu: its %llu FREs exceed the header's total of %llu",
				 (unsigned long long)i, (unsigned long long)n, (unsigned long long)nfres);
			break;
		}
		if (fre_off > frelen) {
			rc = bad(err, errlen, "FDE %llu: FRE offset %llu past the FRE sub-section", (unsigned long long)i,
				 (unsigned long long)fre_off);
			break;
		}
		f->first = (uint32_t)out->nfres;
		f->n = (uint32_t)n;
		size_t pos = fre_off;
		for (uint64_t k = 0; k < n; k++) {
			if (frelen - pos < aw + 1) {
				rc = bad(err, errlen, "FDE %llu: FRE %llu runs past the FRE sub-section",
					 (unsigned long long)i, (unsigned long long)k);
				break;
			}
			struct ts_sf_fre *e = &out->fres[out->nfres];
			memset(e, 0, sizeof(*e));
			e->start = (uint32_t)get(&r, fres0 + pos, aw);
			uint8_t fi = buf[fres0 + pos + aw];
			pos += aw + 1;
			unsigned nw = (fi >> 1) & 0xf, wsz = (fi >> 5) & 3;
			if (wsz == 3) {
				rc = bad(err, errlen, "FDE %llu: FRE %llu has an invalid data word size",
					 (unsigned long long)i, (unsigned long long)k);
				break;
			}
			unsigned ww = 1u << wsz;
			if (nw > 6 || (!f->flex && nw > 3) || frelen - pos < (size_t)nw * ww) {
				rc = bad(err, errlen, "FDE %llu: FRE %llu has %u data words that do not fit",
					 (unsigned long long)i, (unsigned long long)k, nw);
				break;
			}
			int64_t w[6];
			for (unsigned j = 0; j < nw; j++)
				w[j] = sget(&r, fres0 + pos + j * ww, ww);
			pos += (size_t)nw * ww;
			e->mangled_ra = fi >> 7;
			if (k && f->pctype == TS_SF_PCINC && e->start <= e[-1].start) {
				rc = bad(err, errlen, "FDE %llu: FRE start offsets not increasing", (unsigned long long)i);
				break;
			}
			if (nw == 0) { /* outermost frame */
				e->ra.kind = TS_SF_UNDEFINED;
				out->nfres++;
				continue;
			}
			if (f->flex) {
				unsigned j = 2;
				if (nw < 2 || !(w[0] & 1)) {
					rc = bad(err, errlen, "FDE %llu: FRE %llu has no register-based CFA rule",
						 (unsigned long long)i, (unsigned long long)k);
					break;
				}
				e->cfa = (struct ts_sf_rule){ (w[0] & 2) ? TS_SF_DEREF : TS_SF_REG, (uint8_t)((w[0] >> 3) & 0x1f),
							      (int32_t)w[1] };
				if (!flex_loc(w, nw, &j, &e->ra, true, out->fixed_ra) ||
				    !flex_loc(w, nw, &j, &e->fp, false, out->fixed_ra) || j != nw) {
					rc = bad(err, errlen, "FDE %llu: FRE %llu has incomplete flexible data words",
						 (unsigned long long)i, (unsigned long long)k);
					break;
				}
			} else {
				e->cfa = (struct ts_sf_rule){ TS_SF_REG, (fi & 1) ? spreg : fpreg, (int32_t)w[0] };
				unsigned j = 1;
				if (out->fixed_ra) {
					e->ra = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, out->fixed_ra };
				} else if (j < nw) {
					e->ra = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, (int32_t)w[j++] };
				} else {
					e->ra.kind = TS_SF_SAME; /* aarch64: still in LR */
				}
				if (j < nw)
					e->fp = (struct ts_sf_rule){ TS_SF_AT_CFA, 0, (int32_t)w[j++] };
				if (j != nw) {
					rc = bad(err, errlen, "FDE %llu: FRE %llu has %u data words, more than its ABI uses",
						 (unsigned long long)i, (unsigned long long)k, nw);
					break;
				}
			}
			out->nfres++;
		}
		out->nfdes++;
	}
	if (!rc && out->nfres != nfres)
		rc = bad(err, errlen, "the FDEs hold %zu FREs, the header says %llu", out->nfres, (unsigned long long)nfres);
	if (rc)
		ts_sframe_free(out);
	return rc;
}
