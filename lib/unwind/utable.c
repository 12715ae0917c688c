/*
 * utable.c - build, look up, save and load the unwinder's table (see utable.h, docs/sidecar.md).
 *
 * The table is one buffer laid out exactly as the sidecar file:
 *
 *   0   magic "TSUNWIND"           16  build_id[32]      64  pc[n + 1]   (u32, sorted)
 *   8   u32 version = 2            48  u64 base              row[n]      (u32 < nrows)
 *   12  u16 e_machine              56  u32 n                 rows[nrows] (struct ts_urow, 48 B)
 *   14  u8 build_id_len, u8 rev    60  u32 nrows
 *
 * little-endian on disk, every part 4-byte aligned, so a mapped file is used in place. A
 * big-endian host (s390x) cannot use it in place: there a file is read into memory and turned
 * into host order (load_copy), and never written (DISK_ORDER_IS_HOST: a table the analysis
 * builds there stays in memory). Building: the analysis' row map gives the rows of every function, PLT stubs
 * are decoded, every byte between them is an explicit unreliable entry, and the file's own CFI
 * says which functions are outermost (RA undefined: _start, a thread's start) or signal
 * trampolines (the 'S' augmentation of __restore_rt).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/err.h"
#include "elf/image.h"
#include "tables/plt.h"
#include "tables/rowmap.h"
#include "tables/source.h"
#include "unwind/utable.h"
#include "common/vec.h"

#define HDR_SIZE 64
#define MAGIC "TSUNWIND"
/* The files are little-endian; only a little-endian host maps them in place. */
#define DISK_ORDER_IS_HOST (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define VERSION 3 /* 1: rows of 20 bytes, without the callee-saved register locations; 2: without
		   * the return address's signing state (TS_UROW_RA_SIGNED, ra_key) */

_Static_assert(sizeof(struct ts_urow) == 48 && offsetof(struct ts_urow, saved) == 20 &&
		       offsetof(struct ts_urow, save_off) == 28,
	       "sidecar row layout");
_Static_assert(TS_UROW_MAX_SAVES == TS_SAVES_MAX, "the row map's saves fit a row");

/* ---- building ------------------------------------------------------------------------------ */

struct ent {
	uint64_t start, end;
	struct ts_urow row;
};

struct bld {
	struct ent *e;
	size_t n, cap;
};

static int add(struct bld *b, uint64_t start, uint64_t end, const struct ts_urow *row)
{
	if (end <= start)
		return 0;
	if (TS_GROW(b->e, b->n, b->cap, 1024))
		return -TRUSTACK_E_NOMEM;
	b->e[b->n++] = (struct ent){ start, end, *row };
	return 0;
}

static const struct ts_urow unreliable_row = { .flags = TS_UROW_UNRELIABLE };

/* The analysis row as a table row; unreliable when it gives no way to the caller. */
static struct ts_urow from_row(const struct ts_rowrange *r)
{
	const struct trustack_row *w = &r->row;
	if (!r->reached || r->untrusted || w->cfa_kind == TRUSTACK_CFA_UNDEFINED || w->ra.kind == TRUSTACK_LOC_UNDEFINED)
		return unreliable_row;
	if (w->cfa_kind != TRUSTACK_CFA_REG && w->cfa_kind != TRUSTACK_CFA_DEREF)
		return unreliable_row; /* an SVE frame's CFA (REG_VG) needs the vector length */
	struct ts_urow u = { .cfa_kind = w->cfa_kind, .cfa_reg = w->cfa_reg, .cfa_off = w->cfa_offset,
			     .ra_kind = w->ra.kind, .ra_reg = w->ra.reg, .ra_off = w->ra.offset,
			     .fp_kind = w->fp.kind, .fp_reg = w->fp.reg, .fp_off = w->fp.offset,
			     .saved = r->saves.saved, .lost = r->saves.lost };
	memcpy(u.save_off, r->saves.off, sizeof(u.save_off));
	ts_urow_set_sign(&u, w->ra_sign);
	return u;
}

/* A PLT stub's row: CFA = SP + cfa, return address where a call put it, frame pointer untouched. */
static struct ts_urow stub_row(const struct ts_image *img, int32_t cfa)
{
	const struct ts_arch *a = img->arch;
	/* arm64: a stub leaves the return address in x30 (PLT0's stp saves a copy, x30 keeps it) */
	return (struct ts_urow){ .cfa_kind = TRUSTACK_CFA_REG, .cfa_reg = a->sp, .cfa_off = cfa,
				 .ra_kind = a->ra_in_reg ? TRUSTACK_LOC_SAME : TRUSTACK_LOC_AT_CFA,
				 .ra_off = a->ra_in_reg ? 0 : a->ra_cfa_offset, .fp_kind = TRUSTACK_LOC_SAME };
}

static int plt_stub(void *ctx, const struct ts_image *img, uint64_t addr, uint64_t size, const uint32_t *starts,
		    const int32_t *cfa, unsigned n)
{
	struct bld *b = ctx;
	if (!n) {
		return add(b, addr, addr + size, &unreliable_row);
	}
	for (unsigned k = 0; k < n; k++) {
		uint64_t s = addr + starts[k], e = k + 1 < n ? addr + starts[k + 1] : addr + size;
		struct ts_urow r = stub_row(img, cfa[k]);
		int rc = add(b, s, e, &r);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_ent(const void *x, const void *y)
{
	const struct ent *a = x, *c = y;
	return a->start < c->start ? -1 : a->start > c->start;
}

static bool urow_eq(const struct ts_urow *a, const struct ts_urow *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The entries of the row map, split where the file's own CFI calls code outermost (return
 * address undefined: _start, the child side of clone) or a signal trampoline ('S' augmentation).
 * The CFI is asked at each range start and again where its answer ends inside the range. */
static int add_rowmap(const struct ts_image *img, const struct ts_rowmap *m, struct bld *b)
{
	struct ts_source *src = NULL;
	char err[128];
	if (!img->arch->cfi_marks_outermost || ts_source_open_eh_frame(img, 1, &src, err, sizeof(err)))
		src = NULL; /* no CFI: nothing is marked (arm64's trampoline is in the vDSO) */
	/* the function at the ELF entry point is where a process starts: outermost even when no
	 * CFI says so (ld.so's RTLD_START has none; a PIE's _start is also marked by crt1's CFI) */
	int entry_func = -1;
	if (!img->rel && img->ehdr.e_entry) {
		entry_func = ts_image_func_at(img, img->ehdr.e_entry);
		if (entry_func >= 0 && img->funcs[entry_func].addr != img->ehdr.e_entry)
			entry_func = -1;
	}
	int rc = 0;
	for (size_t i = 0; i < m->n && !rc; i++) {
		const struct ts_rowrange *r = &m->r[i];
		struct ts_urow row = from_row(r);
		uint64_t end = r->start + r->len;
		if (r->func == entry_func && entry_func >= 0) {
			/* an executable's entry point is outermost even when no CFI says so */
			rc = add(b, r->start, end, &(struct ts_urow){ .flags = TS_UROW_OUTERMOST });
			continue;
		}
		for (uint64_t at = r->start; at < end && !rc;) {
			struct ts_srcrow s;
			uint64_t seg = end;
			struct ts_urow u = row;
			if (src && !src->lookup(src, 0, at, &s) && s.end > at) {
				seg = s.end < end ? s.end : end;
				if (s.status == TS_SRC_NONE)
					;
				else if (s.outermost)
					u = (struct ts_urow){ .flags = TS_UROW_OUTERMOST };
				else if (s.signal)
					u.flags = (uint8_t)((u.flags & ~TS_UROW_UNRELIABLE) | TS_UROW_SIGNAL);
			}
			rc = add(b, at, seg, &u);
			at = seg;
		}
	}
	if (src)
		src->close(src);
	return rc;
}

/* Lay the sorted entries out as the table buffer. */
static int layout(const struct ts_image *img, struct bld *b, struct ts_utable *out)
{
	/* fill gaps with unreliable entries and merge neighbours with equal rows */
	struct ent *v = malloc((2 * b->n + 1) * sizeof(*v));
	if (!v)
		return -TRUSTACK_E_NOMEM;
	size_t nv = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct ent x = b->e[i];
		if (nv && x.start < v[nv - 1].end) {
			if (x.end <= v[nv - 1].end)
				continue; /* covered already (a PLT section the analysis also described) */
			x.start = v[nv - 1].end;
		}
		if (nv && x.start > v[nv - 1].end) {
			struct ent gap = { v[nv - 1].end, x.start, unreliable_row };
			if (urow_eq(&v[nv - 1].row, &unreliable_row))
				v[nv - 1].end = x.start;
			else
				v[nv++] = gap;
		}
		if (nv && v[nv - 1].end == x.start && urow_eq(&v[nv - 1].row, &x.row)) {
			v[nv - 1].end = x.end;
			continue;
		}
		v[nv++] = x;
	}
	uint64_t base = nv ? v[0].start : 0;
	if (nv && v[nv - 1].end - base > UINT32_MAX) {
		free(v);
		return -TRUSTACK_E_UNSUPPORTED;
	}
	/* unique rows: a few thousand in practice, so an open-addressed hash of the row's bytes */
	size_t hcap = 1024;
	while (hcap < nv * 2)
		hcap *= 2;
	uint32_t *h = malloc(hcap * sizeof(*h));
	uint32_t *rowidx = malloc((nv ? nv : 1) * sizeof(*rowidx));
	struct ts_urow *rows = malloc((nv ? nv : 1) * sizeof(*rows));
	if (!h || !rowidx || !rows) {
		free(h), free(rowidx), free(rows), free(v);
		return -TRUSTACK_E_NOMEM;
	}
	memset(h, 0xff, hcap * sizeof(*h));
	uint32_t nrows = 0;
	for (size_t i = 0; i < nv; i++) {
		const uint8_t *p = (const uint8_t *)&v[i].row;
		uint64_t hv = 1469598103934665603ull;
		for (size_t k = 0; k < sizeof(struct ts_urow); k++)
			hv = (hv ^ p[k]) * 1099511628211ull;
		size_t s = hv & (hcap - 1);
		while (h[s] != UINT32_MAX && !urow_eq(&rows[h[s]], &v[i].row))
			s = (s + 1) & (hcap - 1);
		if (h[s] == UINT32_MAX) {
			rows[nrows] = v[i].row;
			h[s] = nrows++;
		}
		rowidx[i] = h[s];
	}
	free(h);
	size_t len = HDR_SIZE + 4 * (nv + 1) + 4 * nv + sizeof(struct ts_urow) * nrows;
	uint8_t *mem = calloc(1, len);
	if (!mem) {
		free(rowidx), free(rows), free(v);
		return -TRUSTACK_E_NOMEM;
	}
	uint8_t bid[32];
	size_t nb = ts_image_build_id(img, bid, sizeof(bid));
	memcpy(mem, MAGIC, 8);
	uint32_t ver = VERSION, n32 = (uint32_t)nv;
	uint16_t mach = img->ehdr.e_machine;
	memcpy(mem + 8, &ver, 4);
	memcpy(mem + 12, &mach, 2);
	mem[14] = (uint8_t)nb;
	mem[15] = TS_UTABLE_ANALYSIS_REV;
	memcpy(mem + 16, bid, nb);
	memcpy(mem + 48, &base, 8);
	memcpy(mem + 56, &n32, 4);
	memcpy(mem + 60, &nrows, 4);
	uint32_t *pc = (uint32_t *)(mem + HDR_SIZE);
	for (size_t i = 0; i < nv; i++)
		pc[i] = (uint32_t)(v[i].start - base);
	pc[nv] = nv ? (uint32_t)(v[nv - 1].end - base) : 0;
	memcpy(pc + nv + 1, rowidx, 4 * nv);
	memcpy(pc + 2 * nv + 1, rows, sizeof(struct ts_urow) * nrows);
	free(rowidx), free(rows), free(v);
	char err[16];
	int rc = ts_utable_load_mem(mem, len, out, err, sizeof(err));
	free(mem);
	return rc;
}

int ts_utable_from_rowmap(const struct ts_image *img, const struct ts_rowmap *m, struct ts_utable *out)
{
	memset(out, 0, sizeof(*out));
	struct bld b = { 0 };
	int rc = add_rowmap(img, m, &b);
	if (!rc && !img->rel)
		rc = ts_plt_for_each_stub(img, m, plt_stub, &b);
	if (!rc) {
		qsort(b.e, b.n, sizeof(*b.e), cmp_ent);
		rc = layout(img, &b, out);
	}
	free(b.e);
	return rc;
}

int ts_utable_build(const struct ts_image *img, unsigned threads, struct ts_utable *out)
{
	struct ts_rowmap m;
	int rc = ts_rowmap_build_saves(img, TRUSTACK_RULES_STACK, threads, &m);
	if (rc)
		return rc;
	rc = ts_utable_from_rowmap(img, &m, out);
	ts_rowmap_free(&m);
	return rc;
}

/* ---- lookup -------------------------------------------------------------------------------- */

const struct ts_urow *ts_utable_lookup(const struct ts_utable *t, uint64_t va)
{
	if (!t->n || va < t->base || va - t->base >= t->pc[t->n])
		return NULL;
	uint32_t off = (uint32_t)(va - t->base);
	/* the last entry whose start is <= off */
	uint32_t lo = 0, hi = t->n;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->pc[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &t->rows[t->row[lo]];
}

/* ---- loading and saving -------------------------------------------------------------------- */

/* Point the table's arrays into mem and check every invariant the lookup relies on. */
/* What the header alone promises: magic, version, a build-id that fits, and a length that
 * matches its counts exactly. The one place that knows the header's layout (see the top). */
static enum header_verdict { HDR_OK, HDR_NOT_OURS, HDR_VERSION, HDR_LENGTH }
header_check(const uint8_t *p, uint64_t len, uint32_t *n, uint32_t *nrows)
{
	if (len < HDR_SIZE || memcmp(p, MAGIC, 8))
		return HDR_NOT_OURS;
	uint32_t ver;
	memcpy(&ver, p + 8, 4);
	if (ver != VERSION)
		return HDR_VERSION;
	memcpy(n, p + 56, 4);
	memcpy(nrows, p + 60, 4);
	if (p[14] > 32 || (uint64_t)*n > (len - HDR_SIZE) / 8 ||
	    (len - HDR_SIZE) != 4 * ((uint64_t)*n + 1) + 4 * (uint64_t)*n + sizeof(struct ts_urow) * (uint64_t)*nrows)
		return HDR_LENGTH;
	return HDR_OK;
}

bool ts_utable_header_current(const uint8_t *h, uint64_t file_len, const uint8_t *build_id, size_t n)
{
	uint32_t ents, nrows;
	return header_check(h, file_len, &ents, &nrows) == HDR_OK && h[15] == TS_UTABLE_ANALYSIS_REV && h[14] == n &&
	       n <= 32 && !memcmp(h + 16, build_id, n);
}

static int attach(struct ts_utable *t, void *mem, size_t len, char *err, size_t errlen)
{
	const uint8_t *p = mem;
	uint32_t n, nrows, ver;
	switch (header_check(p, len, &n, &nrows)) {
	case HDR_OK:
		break;
	case HDR_NOT_OURS:
		ts_errf(err, errlen, "not a trustack unwind table%s%s", "", "");
		return -TRUSTACK_E_FORMAT;
	case HDR_VERSION:
		memcpy(&ver, p + 8, 4);
		ts_errf(err, errlen, "unwind table version %s unsupported%s", ver > 9 ? "newer" : "other", "");
		return -TRUSTACK_E_FORMAT;
	case HDR_LENGTH:
		ts_errf(err, errlen, "truncated or malformed unwind table%s%s", "", "");
		return -TRUSTACK_E_FORMAT;
	}
	memcpy(&t->machine, p + 12, 2);
	t->build_id_len = p[14];
	t->analysis_rev = p[15];
	memcpy(&t->base, p + 48, 8);
	memcpy(t->build_id, p + 16, 32);
	const uint32_t *pc = (const uint32_t *)(p + HDR_SIZE);
	const uint32_t *row = pc + n + 1;
	const struct ts_urow *rows = (const struct ts_urow *)(row + n);
	if (t->base > UINT64_MAX - pc[n]) { /* addresses past 2^64: lookups would wrap */
		ts_errf(err, errlen, "malformed unwind table: %s%s", "addresses beyond the address space", "");
		return -TRUSTACK_E_FORMAT;
	}
	for (uint32_t i = 0; i < n; i++)
		if (pc[i] >= pc[i + 1] || row[i] >= nrows) {
			ts_errf(err, errlen, "malformed unwind table: %s%s", pc[i] >= pc[i + 1] ? "unsorted addresses"
							: "row index out of range", "");
			return -TRUSTACK_E_FORMAT;
		}
	for (uint32_t i = 0; i < nrows; i++) {
		const struct ts_urow *r = &rows[i];
		if (r->cfa_kind > TRUSTACK_CFA_DEREF || r->ra_kind > TRUSTACK_LOC_IN_REG ||
		    r->fp_kind > TRUSTACK_LOC_IN_REG || r->flags > TS_UROW_FLAGS) {
			ts_errf(err, errlen, "malformed unwind table: %s%s", "a row of unknown kind", "");
			return -TRUSTACK_E_FORMAT;
		}
		/* the walk indexes save_off by rank: at most TS_UROW_MAX_SAVES saved registers, the
		 * unused offsets zero (rows stay unique byte for byte), no register both */
		unsigned ns = (unsigned)__builtin_popcount(r->saved);
		bool tail0 = true;
		for (unsigned k = ns; k < TS_UROW_MAX_SAVES; k++)
			tail0 &= r->save_off[k] == 0;
		if (ns > TS_UROW_MAX_SAVES || (r->saved & r->lost) || !tail0) {
			ts_errf(err, errlen, "malformed unwind table: %s%s", "bad saved-register locations", "");
			return -TRUSTACK_E_FORMAT;
		}
	}
	for (uint32_t i = 0; i < nrows; i++)
		if (rows[i].ra_key > 1 || (rows[i].ra_key && !(rows[i].flags & TS_UROW_RA_SIGNED))) {
			ts_errf(err, errlen, "malformed unwind table: %s%s", "a PAC key without a signed return address", "");
			return -TRUSTACK_E_FORMAT;
		}
	t->n = n;
	t->nrows = nrows;
	t->pc = pc;
	t->row = row;
	t->rows = rows;
	t->mem = mem;
	t->memlen = len;
	return 0;
}

int ts_utable_load_mem(const void *buf, size_t len, struct ts_utable *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	void *mem = malloc(len ? len : 1);
	if (!mem)
		return -TRUSTACK_E_NOMEM;
	memcpy(mem, buf, len);
	int rc = attach(out, mem, len, err, errlen);
	if (rc)
		free(mem);
	return rc;
}

/* ---- a big-endian host reads the little-endian files into memory, in its own order ---- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void host16(uint8_t *p)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	memcpy(p, &v, 2);
}

static void host32(uint8_t *p)
{
	uint32_t v = le32(p);
	memcpy(p, &v, 4);
}

static void host64(uint8_t *p)
{
	uint64_t v = le32(p) | (uint64_t)le32(p + 4) << 32;
	memcpy(p, &v, 8);
}

/* Every multi-byte field of a sidecar in p (the layout at the top, rows as struct ts_urow) from
 * little-endian into host order. A length that does not match the counts is left alone (attach()
 * refuses it). */
static void to_host_order(uint8_t *p, size_t len)
{
	if (len < HDR_SIZE || memcmp(p, MAGIC, 8))
		return;
	uint64_t n = le32(p + 56), nrows = le32(p + 60);
	if (n > len || nrows > len || len - HDR_SIZE != 4 * (2 * n + 1) + sizeof(struct ts_urow) * nrows)
		return;
	host32(p + 8), host16(p + 12), host64(p + 48), host32(p + 56), host32(p + 60);
	for (uint64_t i = 0; i < 2 * n + 1; i++)
		host32(p + HDR_SIZE + 4 * i);
	uint8_t *r = p + HDR_SIZE + 4 * (2 * n + 1);
	for (uint64_t i = 0; i < nrows; i++, r += sizeof(struct ts_urow)) {
		for (size_t k = offsetof(struct ts_urow, cfa_off); k < offsetof(struct ts_urow, save_off); k += 4)
			host32(r + k); /* cfa_off, ra_off, fp_off, saved, lost */
		for (size_t k = offsetof(struct ts_urow, save_off); k < sizeof(struct ts_urow); k += 2)
			host16(r + k);
	}
}

/* The file at path read into the heap in host order (a big-endian host: no mapping in place). */
static int load_copy(const char *path, int fd, size_t len, struct ts_utable *out, char *err, size_t errlen)
{
	uint8_t *mem = malloc(len ? len : 1);
	if (!mem) {
		close(fd);
		return -TRUSTACK_E_NOMEM;
	}
	size_t got = 0;
	while (got < len) {
		ssize_t k = read(fd, mem + got, len - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (got != len || !len) {
		free(mem);
		ts_errf(err, errlen, "%s: %s", path, len ? "short read" : "empty file");
		return len ? -TRUSTACK_E_IO : -TRUSTACK_E_FORMAT;
	}
	to_host_order(mem, len);
	int rc = attach(out, mem, len, err, errlen);
	if (rc) {
		free(mem);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

int ts_utable_load(const char *path, struct ts_utable *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct stat st;
	char why[128];
	int fd = ts_open_input(path, &st, why, sizeof(why));
	if (fd < 0) {
		ts_errf(err, errlen, "%s: %s", path, why);
		return fd;
	}
	size_t len = (size_t)st.st_size;
	if (!DISK_ORDER_IS_HOST)
		return load_copy(path, fd, len, out, err, errlen);
	void *mem = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (mem == MAP_FAILED) {
		ts_errf(err, errlen, "%s: %s", path, len ? strerror(errno) : "empty file");
		return len ? -TRUSTACK_E_IO : -TRUSTACK_E_FORMAT;
	}
	int rc = attach(out, mem, len, err, errlen);
	if (rc) {
		munmap(mem, len);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->mapped = true;
	return 0;
}

/* Is the file at path one of our sidecars in another format version? */
static bool other_version(const char *path)
{
	uint8_t h[12];
	int fd = ts_open_input(path, NULL, NULL, 0);
	if (fd < 0)
		return false;
	ssize_t got = read(fd, h, sizeof(h));
	close(fd);
	uint32_t ver;
	memcpy(&ver, h + 8, 4);
	return got == (ssize_t)sizeof(h) && !memcmp(h, MAGIC, 8) && ver != VERSION;
}

int ts_utable_load_cached(const char *path, const uint8_t *build_id, size_t n, uint16_t machine,
			  struct ts_utable *out, char *err, size_t errlen)
{
	int rc = ts_utable_load(path, out, err, errlen);
	if (rc == -TRUSTACK_E_FORMAT && other_version(path)) {
		/* written by a trustack with another sidecar format: stale, like another revision */
		ts_errf(err, errlen, "%s %s", path, "was written in another sidecar format version");
		return -TRUSTACK_E_NOTFOUND;
	}
	if (rc)
		return rc;
	const char *why = NULL;
	if ((machine && out->machine != machine) || out->build_id_len != n || memcmp(out->build_id, build_id, n))
		why = "belongs to another build";
	else if (out->analysis_rev != TS_UTABLE_ANALYSIS_REV)
		why = "was built by another analysis revision";
	if (!why)
		return 0;
	ts_utable_free(out);
	ts_errf(err, errlen, "%s %s", path, why);
	return -TRUSTACK_E_NOTFOUND;
}

void ts_utable_free(struct ts_utable *t)
{
	if (t->mem) {
		if (t->mapped)
			munmap(t->mem, t->memlen);
		else
			free(t->mem);
	}
	memset(t, 0, sizeof(*t));
}

int ts_utable_save(const struct ts_utable *t, const char *path, char *err, size_t errlen)
{
	if (!DISK_ORDER_IS_HOST) {
		ts_errf(err, errlen, "%s: sidecars are little-endian and this host is not%s", path, "");
		return -TRUSTACK_E_UNSUPPORTED;
	}
	if (ts_make_parents(path)) {
		ts_errf(err, errlen, "%s: %s", path, strerror(errno));
		return -TRUSTACK_E_IO;
	}
	return ts_replace_file(path, t->mem, t->memlen, 0644, NULL, err, errlen);
}

