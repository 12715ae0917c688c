/*
 * utable_stub.c - a stand-in for lib/unwind/utable.c (the lead's, not yet on main) so the
 * unwinder's tests can run: the table from the analysis' row map, outermost where the file's
 * own CFI says the return address is undefined (_start, the clone child), a binary-search
 * lookup. No sidecars (load fails, save does nothing). suite_unwind.sh links it only when
 * libtrustack.a lacks ts_utable_lookup; remove it when utable.c is on main.
 */
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "tables/rowmap.h"
#include "unwind/utable.h"

static bool ra_undefined(Dwarf_CFI *cfi, uint64_t addr)
{
	Dwarf_Frame *fr;
	if (!cfi || dwarf_cfi_addrframe(cfi, addr, &fr) != 0)
		return false;
	Dwarf_Op mem[3], *ops = NULL;
	size_t nops = 0;
	bool undef = dwarf_frame_register(fr, 16, mem, &ops, &nops) == 0 && nops == 0 && ops == mem;
	free(fr);
	return undef;
}

int ts_utable_from_rowmap(const struct ts_image *img, const struct ts_rowmap *m, struct ts_utable *out)
{
	memset(out, 0, sizeof(*out));
	out->machine = (uint16_t)img->ehdr.e_machine;
	if (!m->n)
		return 0;
	Dwarf_CFI *cfi = dwarf_getcfi_elf(img->elf);
	size_t cap = 2 * m->n;
	uint32_t *pc = malloc((cap + 1) * 4), *ri = malloc(cap * 4);
	struct ts_urow *rows = calloc(cap, sizeof(*rows));
	size_t n = 0, nrows = 0;
	size_t hcap = 64;
	while (hcap < 2 * cap)
		hcap *= 2;
	uint32_t *hash = malloc(hcap * 4);
	if (!pc || !ri || !rows || !hash)
		return -TRUSTACK_E_NOMEM;
	memset(hash, 0xff, hcap * 4);
	uint64_t base = m->r[0].start;
	struct ts_urow gap = { .flags = TS_UROW_UNRELIABLE };
	for (size_t i = 0; i < m->n; i++) {
		const struct ts_rowrange *r = &m->r[i];
		struct ts_urow u = { 0 };
		const struct trustack_row *t = &r->row;
		if (!r->reached || t->cfa_kind == TRUSTACK_CFA_UNDEFINED || t->ra.kind == TRUSTACK_LOC_UNDEFINED)
			u.flags = TS_UROW_UNRELIABLE;
		else {
			u.cfa_kind = t->cfa_kind, u.cfa_reg = t->cfa_reg, u.cfa_off = t->cfa_offset;
			u.ra_kind = t->ra.kind, u.ra_reg = t->ra.reg, u.ra_off = t->ra.offset;
			u.fp_kind = t->fp.kind, u.fp_reg = t->fp.reg, u.fp_off = t->fp.offset;
		}
		if (ra_undefined(cfi, r->start) || ra_undefined(cfi, r->start + r->len - 1))
			u = (struct ts_urow){ .flags = TS_UROW_OUTERMOST };
		const struct ts_urow *rr[2] = { NULL, &u };
		uint64_t st[2] = { i ? m->r[i - 1].start + m->r[i - 1].len : 0, r->start };
		if (i && st[0] < r->start)
			rr[0] = &gap;
		for (int k = 0; k < 2; k++) {
			if (!rr[k])
				continue;
			const uint8_t *p = (const uint8_t *)rr[k];
			uint32_t h = 2166136261u;
			for (size_t b = 0; b < sizeof(*rr[k]); b++)
				h = (h ^ p[b]) * 16777619u;
			h &= hcap - 1;
			while (hash[h] != UINT32_MAX && memcmp(&rows[hash[h]], rr[k], sizeof(*rr[k])))
				h = (h + 1) & (hcap - 1);
			if (hash[h] == UINT32_MAX) {
				hash[h] = (uint32_t)nrows;
				rows[nrows++] = *rr[k];
			}
			size_t j = hash[h];
			pc[n] = (uint32_t)(st[k] - base);
			ri[n++] = (uint32_t)j;
		}
	}
	pc[n] = (uint32_t)(m->r[m->n - 1].start + m->r[m->n - 1].len - base);
	out->base = base, out->n = (uint32_t)n, out->pc = pc, out->row = ri;
	out->nrows = (uint32_t)nrows, out->rows = rows;
	free(hash);
	out->mem = pc; /* the stub's three arrays: freed by ts_utable_free */
	return 0;
}

int ts_utable_build(const struct ts_image *img, unsigned threads, struct ts_utable *out)
{
	struct ts_rowmap m;
	int rc = ts_rowmap_build(img, TRUSTACK_RULES_STACK, threads, &m);
	if (rc)
		return rc;
	rc = ts_utable_from_rowmap(img, &m, out);
	ts_rowmap_free(&m);
	return rc;
}

const struct ts_urow *ts_utable_lookup(const struct ts_utable *t, uint64_t va)
{
	if (!t->n || va < t->base + t->pc[0] || va >= t->base + t->pc[t->n])
		return NULL;
	uint32_t off = (uint32_t)(va - t->base), lo = 0, hi = t->n;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (t->pc[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &t->rows[t->row[lo]];
}

int ts_utable_save(const struct ts_utable *t, const char *path, char *err, size_t errlen)
{
	return -TRUSTACK_E_UNSUPPORTED;
}

int ts_utable_load(const char *path, struct ts_utable *out, char *err, size_t errlen)
{
	return -TRUSTACK_E_IO;
}

int ts_utable_load_mem(const void *buf, size_t len, struct ts_utable *out, char *err, size_t errlen)
{
	return -TRUSTACK_E_FORMAT;
}

void ts_utable_free(struct ts_utable *t)
{
	/* the stub keeps three arrays (pc == mem); sframe_utable.c one buffer (pc inside mem) */
	if (t->mem && (const void *)t->pc == t->mem && t->row != (const uint32_t *)((const uint32_t *)t->mem + t->n + 1)) {
		free((void *)t->row);
		free((void *)t->rows);
	}
	free(t->mem);
	memset(t, 0, sizeof(*t));
}

int ts_cache_dir(const char *dir, char *buf, size_t len)
{
	return -TRUSTACK_E_ARG;
}

int ts_cache_path(const char *dir, const uint8_t *build_id, size_t n, char *buf, size_t len)
{
	return -TRUSTACK_E_ARG;
}

size_t ts_image_build_id(const struct ts_image *img, uint8_t *buf, size_t len)
{
	return 0;
}
