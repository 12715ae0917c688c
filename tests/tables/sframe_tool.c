/*
 * sframe_tool.c - test helper for tests/tables/suite_sframe.sh (links libtrustack.a).
 *
 *   sframe_tool roundtrip FILE       decode FILE's raw .sframe bytes, encode them again in the same
 *                                    version: prints "same" when byte-identical, else the first
 *                                    differing offset (gas as the encoder's oracle)
 *   sframe_tool cmp A B              rows of A's and B's .sframe at every byte both cover, keyed by
 *                                    section + offset for objects; prints agreement counts and
 *                                    classes, and the first mismatches
 *   sframe_tool rowmap FILE OUT      the analysis' rows of FILE against OUT's .sframe at every
 *                                    instruction range: prints "equal N differ N uncovered N"
 */
#include <stdlib.h>
#include <string.h>

#include "tables/rowmap.h"
#include "tables/sframe.h"
#include "trustack.h"

static int open_img(const char *path, struct ts_image **img)
{
	char err[256] = "";
	int rc = ts_image_open(path, NULL, 0, -1, img, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", path, err);
	return rc;
}

static int read_sf(const struct ts_image *img, const char *path, struct ts_sframe *t)
{
	char err[256] = "";
	int rc = ts_sframe_read(img, t, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", path, err);
	return rc;
}

static int roundtrip(const char *path)
{
	struct ts_image *img;
	if (open_img(path, &img))
		return 2;
	for (size_t i = 1; i < img->nsecs; i++) {
		if (strcmp(img->secs[i].name, ".sframe"))
			continue;
		Elf_Scn *scn = elf_getscn(img->elf, i);
		Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL; /* the file's bytes, unrelocated */
		if (!d || !d->d_buf)
			return 2;
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		char err[256] = "";
		struct ts_sframe t;
		if (ts_sframe_decode(d->d_buf, d->d_size, sh.sh_addr, false, &t, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", path, err);
			return 2;
		}
		struct ts_sf_encoded e;
		t.addr_from_size = true;
		if (ts_sframe_encode(&t, t.version, sh.sh_addr, &e, err, sizeof(err))) {
			fprintf(stderr, "%s: encode: %s\n", path, err);
			return 2;
		}
		const uint8_t *a = d->d_buf;
		size_t k = 0;
		while (k < e.size && k < d->d_size && a[k] == e.buf[k])
			k++;
		if (k == e.size && k == d->d_size)
			printf("same %zu bytes, %zu FDEs, %zu FREs\n", e.size, t.nfdes, t.nfres);
		else
			printf("differ at offset %zu (sizes %zu and %zu)\n", k, d->d_size, e.size);
		ts_sf_encoded_free(&e);
		ts_sframe_free(&t);
		ts_image_close(img);
		return 0;
	}
	fprintf(stderr, "%s: no .sframe\n", path);
	return 2;
}

static bool loc_eq(const struct trustack_loc *a, const struct trustack_loc *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TRUSTACK_LOC_AT_CFA: return a->offset == b->offset;
	case TRUSTACK_LOC_AT_REG: return a->offset == b->offset && a->reg == b->reg;
	case TRUSTACK_LOC_IN_REG: return a->reg == b->reg;
	default: return true;
	}
}

static bool row_eq(const struct trustack_row *a, const struct trustack_row *b)
{
	if (a->ra.kind == TRUSTACK_LOC_UNDEFINED || b->ra.kind == TRUSTACK_LOC_UNDEFINED)
		return a->ra.kind == b->ra.kind && a->cfa_kind == b->cfa_kind;
	return a->cfa_kind == b->cfa_kind && a->cfa_reg == b->cfa_reg && a->cfa_offset == b->cfa_offset &&
	       loc_eq(&a->ra, &b->ra) && loc_eq(&a->fp, &b->fp) && a->ra_sign == b->ra_sign;
}

static void fmt(const struct trustack_row *r, char *b, size_t n)
{
	char fp[24];
	if (r->fp.kind == TRUSTACK_LOC_AT_CFA)
		snprintf(fp, sizeof(fp), "c%+d", r->fp.offset);
	else
		snprintf(fp, sizeof(fp), "%s", r->fp.kind == TRUSTACK_LOC_SAME ? "u" : "?");
	char ra[24];
	if (r->ra.kind == TRUSTACK_LOC_AT_CFA)
		snprintf(ra, sizeof(ra), "c%+d%s", r->ra.offset, r->ra_sign ? "[s]" : "");
	else
		snprintf(ra, sizeof(ra), "%s%s", r->ra.kind == TRUSTACK_LOC_SAME ? "u" : "?", r->ra_sign ? "[s]" : "");
	/* DWARF numbers: x86-64 rsp 7, rbp 6; arm64 sp 31, x29 29 */
	if (r->ra.kind == TRUSTACK_LOC_UNDEFINED)
		snprintf(b, n, "RA-undefined");
	else
		snprintf(b, n, "%s%s%+d fp=%s ra=%s", r->cfa_kind == TRUSTACK_CFA_DEREF ? "*" : "",
			 r->cfa_reg == 7 || r->cfa_reg == 31 ? "sp" : r->cfa_reg == 6 || r->cfa_reg == 29 ? "fp" : "r?",
			 r->cfa_offset, fp, ra);
}

/* The covering FRE's row and the end of its extent, or false. */
static bool row_at(const struct ts_sframe *t, uint64_t addr, struct trustack_row *row, uint64_t *end)
{
	const struct ts_sf_fde *f;
	const struct ts_sf_fre *r;
	if (!ts_sframe_lookup(t, addr, &f, &r))
		return false;
	ts_sframe_fre_row(t, f, r, row);
	*end = f->start + f->size;
	if (f->pctype == TS_SF_PCINC)
		for (uint32_t k = 0; k < f->n; k++)
			if (t->fres[f->first + k].start > r->start && f->start + t->fres[f->first + k].start < *end)
				*end = f->start + t->fres[f->first + k].start;
	if (f->pctype == TS_SF_PCMASK)
		*end = addr + 1;
	return true;
}

/* Address in b's image of report address (sec, off) of a's image. */
static bool map_addr(const struct ts_image *a, const struct ts_image *b, uint64_t addr, uint64_t *out)
{
	if (!a->rel) {
		*out = addr;
		return true;
	}
	const char *sec;
	uint64_t off = ts_image_report_addr(a, addr, &sec);
	const struct ts_section *s = ts_image_section_at(a, addr);
	for (size_t i = 1; s && i < b->nsecs; i++)
		if (sec && b->secs[i].data && !strcmp(b->secs[i].name, sec) && b->secs[i].size == s->size) {
			*out = b->secs[i].addr + off;
			return true;
		}
	return false;
}

static int cmp(const char *pa, const char *pb)
{
	struct ts_image *a, *b;
	struct ts_sframe ta, tb;
	if (open_img(pa, &a) || open_img(pb, &b) || read_sf(a, pa, &ta) || read_sf(b, pb, &tb))
		return 2;
	uint64_t both = 0, agree = 0, only_a = 0, fp_slot = 0, ra_slot = 0, other = 0, shown = 0;
	for (size_t i = 0; i < ta.nfdes; i++) {
		const struct ts_sf_fde *f = &ta.fdes[i];
		for (uint64_t x = f->start; x < f->start + f->size;) {
			struct trustack_row ra, rb;
			uint64_t ea, eb, y;
			if (!row_at(&ta, x, &ra, &ea)) {
				x++;
				continue;
			}
			if (!map_addr(a, b, x, &y) || !row_at(&tb, y, &rb, &eb)) {
				only_a++;
				x++;
				continue;
			}
			uint64_t n = ea - x < eb - y ? ea - x : eb - y;
			both += n;
			if (row_eq(&ra, &rb)) {
				agree += n;
			} else if (ra.cfa_kind == rb.cfa_kind && ra.cfa_reg == rb.cfa_reg && ra.cfa_offset == rb.cfa_offset &&
				   loc_eq(&ra.ra, &rb.ra) &&
				   ((ra.fp.kind == TRUSTACK_LOC_AT_CFA && rb.fp.kind == TRUSTACK_LOC_SAME) ||
				    (rb.fp.kind == TRUSTACK_LOC_AT_CFA && ra.fp.kind == TRUSTACK_LOC_SAME))) {
				/* one says the caller's FP is in its slot, the other that it is still (or
				 * again) in the register: gas follows .cfi_offset from the push until the
				 * function's end, the analysis prefers the register while it holds the
				 * value (after push, before mov %rsp,%rbp; after leave/pop) */
				fp_slot += n;
			} else if (ra.cfa_kind == rb.cfa_kind && ra.cfa_reg == rb.cfa_reg && ra.cfa_offset == rb.cfa_offset &&
				   loc_eq(&ra.fp, &rb.fp) && ra.ra_sign == rb.ra_sign &&
				   ((ra.ra.kind == TRUSTACK_LOC_AT_CFA && rb.ra.kind == TRUSTACK_LOC_SAME) ||
				    (rb.ra.kind == TRUSTACK_LOC_AT_CFA && ra.ra.kind == TRUSTACK_LOC_SAME))) {
				/* arm64: the same for the return address: gas follows .cfi_offset x30 from
				 * the stp, the analysis keeps "still in x30" until the first call writes it */
				ra_slot += n;
			} else {
				other += n;
				if (shown++ < 8) {
					char s1[64], s2[64];
					fmt(&ra, s1, sizeof(s1));
					fmt(&rb, s2, sizeof(s2));
					const char *sec;
					uint64_t ro = ts_image_report_addr(a, x, &sec);
					int g = ts_image_func_at(a, x);
					printf("mismatch %s+%#llx (%s): %s | %s\n", sec ? sec : "?", (unsigned long long)ro,
					       g >= 0 ? a->funcs[g].name : "?", s1, s2);
				}
			}
			x += n;
		}
	}
	if (ra_slot) /* arm64 only; its own line keeps the summary line's fields as they were */
		printf("class ra-slot-vs-register=%llu\n", (unsigned long long)ra_slot);
	printf("bytes both=%llu agree=%llu fp-slot-vs-register=%llu other=%llu only-first=%llu\n",
	       (unsigned long long)both, (unsigned long long)agree, (unsigned long long)fp_slot,
	       (unsigned long long)other, (unsigned long long)only_a);
	return other ? 1 : 0;
}

/* Only NOPs and traps (the analysis leaves alignment padding unreached). */
static bool padding(const struct ts_image *img, const struct ts_rowrange *x)
{
	size_t avail;
	const uint8_t *p = ts_image_bytes(img, x->start, &avail);
	for (uint32_t off = 0; p && avail >= x->len && off < x->len;) {
		struct ts_insn in;
		unsigned len = img->arch->decode(img->dec, p + off, x->len - off, x->start + off, &in);
		if (!len || !(in.flags & (TS_IF_NOP | TS_IF_TRAP)))
			return false;
		off += len;
	}
	return p && avail >= x->len;
}

static int vs_rowmap(const char *path, const char *out)
{
	struct ts_image *a, *b;
	struct ts_sframe t;
	if (open_img(path, &a) || open_img(out, &b) || read_sf(b, out, &t))
		return 2;
	struct ts_rowmap m;
	if (ts_rowmap_build(a, TRUSTACK_RULES_STACK, 1, &m))
		return 2;
	uint64_t equal = 0, differ = 0, uncovered = 0, pad = 0;
	for (size_t i = 0; i < m.n; i++) {
		const struct ts_rowrange *x = &m.r[i];
		uint64_t y;
		struct trustack_row rb;
		uint64_t eb;
		/* every byte of the range must agree or be uncovered */
		for (uint64_t p = x->start; p < x->start + x->len;) {
			if (!map_addr(a, b, p, &y) || !row_at(&t, y, &rb, &eb)) {
				uncovered++;
				p++;
				continue;
			}
			uint64_t n = eb - y < x->start + x->len - p ? eb - y : x->start + x->len - p;
			if (x->reached && (row_eq(&x->row, &rb) || rb.ra.kind == TRUSTACK_LOC_UNDEFINED)) {
				equal += n;
			} else if (!x->reached && padding(a, x)) {
				pad += n; /* never executed: an FDE may run on over it */
			} else {
				differ += n;
				if (differ == n) {
					char s1[64], s2[64];
					fmt(&x->row, s1, sizeof(s1));
					fmt(&rb, s2, sizeof(s2));
					printf("differ at %#llx: analysis %s%s, table %s\n", (unsigned long long)p, s1,
					       x->reached ? "" : " (unreached)", s2);
				}
			}
			p += n;
		}
	}
	printf("bytes equal=%llu differ=%llu uncovered=%llu padding-covered=%llu\n", (unsigned long long)equal,
	       (unsigned long long)differ, (unsigned long long)uncovered, (unsigned long long)pad);
	return differ ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "roundtrip"))
		return roundtrip(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "cmp"))
		return cmp(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "rowmap"))
		return vs_rowmap(argv[2], argv[3]);
	fprintf(stderr, "usage: sframe_tool roundtrip FILE | cmp A B | rowmap FILE OUT\n");
	return 2;
}
