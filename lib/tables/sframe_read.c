/*
 * sframe_read.c - find `.sframe` in an ELF image, look rows up by address, print the table in
 * the shape of `objdump --sframe`.
 */
#include <stdlib.h>
#include <string.h>

#include "tables/sframe.h"
#include "trustack.h"

int ts_sframe_read(const struct ts_image *img, struct ts_sframe *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 1; i < img->nsecs; i++) {
		const struct ts_section *s = &img->secs[i];
		if (strcmp(s->name, ".sframe"))
			continue;
		const uint8_t *data = s->data;
		size_t size = s->size;
		if (!data) { /* not allocated (our tables for linked files): read it from the file */
			Elf_Scn *scn = elf_getscn(img->elf, i);
			Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
			if (s->type == SHT_NOBITS || (s->flags & SHF_COMPRESSED) || !d || !d->d_buf || d->d_size < size) {
				snprintf(err, errlen, "malformed ELF: cannot read section .sframe");
				return -TRUSTACK_E_FORMAT;
			}
			data = d->d_buf;
		}
		/* A relocatable object's start fields carry PC32/PC64 relocations (gas in
		 * every version, and our writer); the image applied them, so each value is relative
		 * to its own field whatever the flags say. */
		return ts_sframe_decode(data, size, s->addr, img->rel && (s->flags & SHF_ALLOC), out, err, errlen);
	}
	snprintf(err, errlen, "no .sframe section");
	return -TRUSTACK_E_NOTFOUND;
}

/* The FRE of f that applies at addr (addr inside f). */
static const struct ts_sf_fre *fre_at(const struct ts_sframe *t, const struct ts_sf_fde *f, uint64_t addr)
{
	const struct ts_sf_fre *best = NULL;
	uint64_t off = addr - f->start;
	if (f->pctype == TS_SF_PCMASK) {
		if (!f->rep_size)
			return NULL; /* v1 has no block size: an unwinder cannot use the mask */
		off %= f->rep_size;
	}
	for (uint32_t k = 0; k < f->n; k++) {
		const struct ts_sf_fre *r = &t->fres[f->first + k];
		if (r->start <= off && (!best || r->start >= best->start))
			best = r;
	}
	return best;
}

bool ts_sframe_lookup(const struct ts_sframe *t, uint64_t addr, const struct ts_sf_fde **fde,
		      const struct ts_sf_fre **fre)
{
	/* Linear: readers of foreign tables cannot rely on FDE_SORTED being true. */
	for (size_t i = 0; i < t->nfdes; i++) {
		const struct ts_sf_fde *f = &t->fdes[i];
		if (addr >= f->start && addr - f->start < f->size) {
			const struct ts_sf_fre *r = fre_at(t, f, addr);
			if (!r)
				continue;
			*fde = f;
			*fre = r;
			return true;
		}
	}
	return false;
}

static void loc_row(const struct ts_sf_rule *l, struct trustack_loc *o)
{
	memset(o, 0, sizeof(*o));
	switch (l->kind) {
	case TS_SF_SAME: o->kind = TRUSTACK_LOC_SAME; break;
	case TS_SF_AT_CFA: o->kind = TRUSTACK_LOC_AT_CFA, o->offset = l->off; break;
	case TS_SF_REG:
		/* reg + off with off 0 is the value in a register; anything else has no row form */
		o->kind = l->off ? TRUSTACK_LOC_UNDEFINED : TRUSTACK_LOC_IN_REG, o->reg = l->reg;
		break;
	case TS_SF_DEREF: o->kind = TRUSTACK_LOC_AT_REG, o->reg = l->reg, o->offset = l->off; break;
	default: o->kind = TRUSTACK_LOC_UNDEFINED; break;
	}
}

void ts_sframe_fre_row(const struct ts_sframe *t, const struct ts_sf_fde *f, const struct ts_sf_fre *r,
		       struct trustack_row *row)
{
	memset(row, 0, sizeof(*row));
	(void)t;
	/* AArch64: the mangled-RA bit, with the FDE's key */
	if (r->mangled_ra)
		row->ra_sign = f && f->pauth_key ? TRUSTACK_RA_SIGNED_B : TRUSTACK_RA_SIGNED_A;
	loc_row(&r->ra, &row->ra);
	loc_row(&r->fp, &row->fp);
	/* *(cfa.reg + cfa.off + k) is "at CFA + k" (how a v3 flexible FDE must say it) */
	struct trustack_loc *l[2] = { &row->ra, &row->fp };
	for (int k = 0; k < 2; k++)
		if (l[k]->kind == TRUSTACK_LOC_AT_REG && r->cfa.kind == TS_SF_REG && l[k]->reg == r->cfa.reg) {
			l[k]->kind = TRUSTACK_LOC_AT_CFA;
			l[k]->offset -= r->cfa.off;
			l[k]->reg = 0;
		}
	if (r->ra.kind == TS_SF_UNDEFINED) {
		/* the outermost frame: the CFA rule is still what the FRE's FDE says before it */
		row->cfa_kind = TRUSTACK_CFA_UNDEFINED;
		return;
	}
	row->cfa_kind = r->cfa.kind == TS_SF_DEREF ? TRUSTACK_CFA_DEREF : TRUSTACK_CFA_REG;
	row->cfa_reg = r->cfa.reg;
	row->cfa_offset = r->cfa.off;
}

/* ---- printing ---------------------------------------------------------------------------- */

static const char *regname(const struct ts_sframe *t, uint8_t reg, char *b, size_t n)
{
	uint8_t sp, fp;
	ts_sf_abi_regs(t->abi, &sp, &fp);
	if (reg == sp || reg == fp)
		return reg == sp ? "sp" : "fp";
	snprintf(b, n, "r%u", reg);
	return b;
}

static void fmt_rule(const struct ts_sframe *t, const struct ts_sf_rule *l, bool is_ra, char *b, size_t n)
{
	char rb[8];
	switch (l->kind) {
	case TS_SF_SAME: snprintf(b, n, "u"); break;
	case TS_SF_AT_CFA:
		if (is_ra && t->fixed_ra && l->off == t->fixed_ra)
			snprintf(b, n, "%s", t->version == 1 ? "u" : "f"); /* fixed by the header */
		else
			snprintf(b, n, "c%+d", l->off);
		break;
	case TS_SF_REG: snprintf(b, n, "%s%+d", regname(t, l->reg, rb, sizeof(rb)), l->off); break;
	case TS_SF_DEREF: snprintf(b, n, "(%s%+d)", regname(t, l->reg, rb, sizeof(rb)), l->off); break;
	default: snprintf(b, n, "U"); break;
	}
}

void ts_sframe_print(FILE *f, const struct ts_sframe *t, const struct ts_image *img, const char *secname)
{
	static const char *const fl[] = { "SFRAME_F_FDE_SORTED", "SFRAME_F_FRAME_POINTER",
					   "SFRAME_F_FDE_FUNC_START_PCREL" };
	fprintf(f, "Contents of the SFrame section %s:\n  Header :\n\n", secname ? secname : ".sframe");
	fprintf(f, "    Version: SFRAME_VERSION_%u\n    Flags: ", t->version);
	bool any = false;
	for (unsigned b = 0; b < 3; b++)
		if (t->flags & (1u << b)) {
			fprintf(f, "%s%s", any ? ",\n           " : "", fl[b]);
			any = true;
		}
	fprintf(f, "%s\n", any ? "" : "NONE");
	if (t->version > 1 && t->fixed_fp)
		fprintf(f, "    CFA fixed FP offset: %d\n", t->fixed_fp);
	if (t->version > 1 && t->fixed_ra)
		fprintf(f, "    CFA fixed RA offset: %d\n", t->fixed_ra);
	fprintf(f, "    Num FDEs: %zu\n    Num FREs: %zu\n\n  Function Index :\n", t->nfdes, t->nfres);
	for (size_t i = 0; i < t->nfdes; i++) {
		const struct ts_sf_fde *d = &t->fdes[i];
		uint64_t pc = img ? ts_image_report_addr(img, d->start, NULL) : d->start;
		fprintf(f, "\n    func idx [%zu]: pc = 0x%llx, size = %u bytes", i, (unsigned long long)pc, d->size);
		if (d->signal || d->flex)
			fprintf(f, ", attr = \"%s%s\"", d->signal ? "S" : "", d->flex ? "F" : "");
		if (d->pauth_key)
			fprintf(f, ", pauth = B key");
		fprintf(f, "\n    %-16sCFA       FP        RA           \n",
			d->pctype == TS_SF_PCMASK ? "STARTPC[m]" : "STARTPC");
		for (uint32_t k = 0; k < d->n; k++) {
			const struct ts_sf_fre *r = &t->fres[d->first + k];
			uint64_t at = d->pctype == TS_SF_PCMASK ? r->start : pc + r->start;
			if (r->ra.kind == TS_SF_UNDEFINED) {
				fprintf(f, "    %016llx  RA undefined\n", (unsigned long long)at);
				continue;
			}
			char cfa[32], fp[32], ra[40], rb[8];
			if (r->cfa.kind == TS_SF_DEREF)
				snprintf(cfa, sizeof(cfa), "(%s%+d)", regname(t, r->cfa.reg, rb, sizeof(rb)), r->cfa.off);
			else
				snprintf(cfa, sizeof(cfa), "%s+%d", regname(t, r->cfa.reg, rb, sizeof(rb)), r->cfa.off);
			fmt_rule(t, &r->fp, false, fp, sizeof(fp));
			fmt_rule(t, &r->ra, true, ra, sizeof(ra));
			if (r->mangled_ra)
				strncat(ra, "[s]", sizeof(ra) - strlen(ra) - 1);
			/* objdump's columns exactly (a 10-character entry, a 1 MiB frame's CFA, runs into
			 * the next as in objdump: tests compare the two) */
			fprintf(f, "    %016llx  %-10s%-10s%-13s\n", (unsigned long long)at, cfa, fp, ra);
		}
	}
	fprintf(f, "\n");
}

int ts_sframe_dump(FILE *f, const struct ts_image *img, char *err, size_t errlen)
{
	struct ts_sframe t;
	int rc = ts_sframe_read(img, &t, err, errlen);
	if (rc)
		return rc;
	ts_sframe_print(f, &t, img, ".sframe");
	ts_sframe_free(&t);
	return 0;
}
