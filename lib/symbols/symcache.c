/*
 * symcache.c - a module's symbols as one flat buffer, and that buffer as a cache file.
 *
 * `trustack stacks` names every frame; reading and sorting libc's symbol tables (and finding
 * its debug file) on every run cost more than the whole warm unwind. So the sorted result is
 * kept next to the sidecar under the same build-id, as <cache>/xx/rest.tss, and a warm run maps
 * it and uses it in place. The layout (docs/sidecar.md, "symbol cache"; little-endian on disk,
 * so a big-endian host neither reads nor writes the file, DISK_ORDER_IS_HOST):
 *
 *   0    8  magic "TSSYMBOL"          64   1  flags (TS_SYMS_*), 1 nplt, 1 nsig, 5 zero
 *   8    4  version (1)               72  32  plt_lo[4]
 *   12   2  e_machine                 104 32  plt_hi[4]
 *   14   1  build-id length           136 32  sig[4]: signal trampolines (link-time)
 *   15   1  TS_SYMS_REV               168  8  zero
 *   16  32  build-id                  176     all[nall] (24 bytes each, struct ts_sym)
 *   48   4  nall                              by_addr[naddr] (u32), zero-padded to 8
 *   52   4  naddr                             secs[nsecs] (16 bytes each)
 *   56   4  nsecs                             pool[pool_len] (NUL-terminated names)
 *   60   4  pool_len
 *
 * Every invariant a lookup relies on is checked when a buffer is attached (sorted addresses,
 * indices and name offsets in range, a terminated pool, the exact size), so a truncated or
 * damaged file is refused and rebuilt, never used. Written to a temporary file and renamed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/cache.h"
#include "symbols/symbols.h"

#define MAGIC "TSSYMBOL"
#define DISK_ORDER_IS_HOST (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define VERSION 1
/* Raised whenever what is extracted changes (names, ranks, facts), so older files are rebuilt. */
#define TS_SYMS_REV 2
#define HDR 176

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* The layout's offsets for the given counts; 0 when they overflow. */
struct layout {
	size_t by_addr, secs, pool, total;
};

static bool layout_of(uint64_t nall, uint64_t naddr, uint64_t nsecs, uint64_t pool_len, struct layout *l)
{
	if (nall > UINT32_MAX || naddr > nall || nsecs > 65536 || pool_len > UINT32_MAX)
		return false;
	l->by_addr = HDR + (size_t)nall * sizeof(struct ts_sym);
	l->secs = align8(l->by_addr + (size_t)naddr * 4);
	l->pool = l->secs + (size_t)nsecs * sizeof(struct ts_sec_range);
	l->total = l->pool + (size_t)pool_len;
	return true;
}

static int cmp_sym(const void *a, const void *b, void *ctx)
{
	const struct ts_sym *x = a, *y = b;
	const char *pool = ctx;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	/* sized before unsized, then by name, so the order does not depend on qsort */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return strcmp(pool + x->name, pool + y->name);
}

int ts_symbols_pack(struct ts_symbuild *b, struct trustack_symbols *s)
{
	if (!b->pool_len && !(b->pool = calloc(1, 1)))
		return -TRUSTACK_E_NOMEM;
	if (!b->pool_len)
		b->pool_len = 1; /* one empty string: the pool is never empty */
	if (b->nall)
		qsort_r(b->all, b->nall, sizeof(*b->all), cmp_sym, b->pool);
	size_t naddr = 0;
	for (size_t i = 0; i < b->nall; i++)
		if (!i || b->all[i].start != b->all[i - 1].start)
			naddr++;
	struct layout l;
	if (!layout_of(b->nall, naddr, b->nsecs, b->pool_len, &l))
		return -TRUSTACK_E_FORMAT;
	uint8_t *mem = calloc(1, l.total);
	if (!mem)
		return -TRUSTACK_E_NOMEM;
	/* an unsized best name borrows the size of a sized alias (a local label at a function's
	 * address must not end the function there) */
	for (size_t i = 0; i < b->nall;) {
		size_t j = i;
		while (j < b->nall && b->all[j].start == b->all[i].start)
			j++;
		for (size_t k = i; !b->all[i].size && k < j; k++)
			if (b->all[k].size)
				b->all[i].size = b->all[k].size;
		i = j;
	}
	const struct ts_syms_facts *f = &b->facts;
	memcpy(mem, MAGIC, 8);
	uint32_t v = VERSION, n32;
	memcpy(mem + 8, &v, 4);
	memcpy(mem + 12, &f->machine, 2);
	mem[14] = f->build_id_len;
	mem[15] = TS_SYMS_REV;
	memcpy(mem + 16, f->build_id, 32);
	n32 = (uint32_t)b->nall, memcpy(mem + 48, &n32, 4);
	n32 = (uint32_t)naddr, memcpy(mem + 52, &n32, 4);
	n32 = (uint32_t)b->nsecs, memcpy(mem + 56, &n32, 4);
	n32 = (uint32_t)b->pool_len, memcpy(mem + 60, &n32, 4);
	mem[64] = f->flags, mem[65] = f->nplt, mem[66] = f->nsig;
	memcpy(mem + 72, f->plt_lo, 32);
	memcpy(mem + 104, f->plt_hi, 32);
	memcpy(mem + 136, f->sig, 32);
	if (b->nall)
		memcpy(mem + HDR, b->all, b->nall * sizeof(*b->all));
	uint32_t *by = (uint32_t *)(mem + l.by_addr);
	for (size_t i = 0, k = 0; i < b->nall; i++)
		if (!i || b->all[i].start != b->all[i - 1].start)
			by[k++] = (uint32_t)i;
	if (b->nsecs)
		memcpy(mem + l.secs, b->secs, b->nsecs * sizeof(*b->secs));
	memcpy(mem + l.pool, b->pool, b->pool_len);
	int rc = ts_symbols_attach(s, mem, l.total, false);
	if (rc)
		free(mem);
	return rc;
}

int ts_symbols_attach(struct trustack_symbols *s, void *mem, size_t len, bool mapped)
{
	const uint8_t *p = mem;
	uint32_t ver, nall, naddr, nsecs, pool_len;
	if (len < HDR || memcmp(p, MAGIC, 8))
		return -TRUSTACK_E_FORMAT;
	memcpy(&ver, p + 8, 4);
	memcpy(&nall, p + 48, 4);
	memcpy(&naddr, p + 52, 4);
	memcpy(&nsecs, p + 56, 4);
	memcpy(&pool_len, p + 60, 4);
	struct layout l;
	if (ver != VERSION || p[15] != TS_SYMS_REV || p[14] > 32 || p[65] > TS_SYMS_MAX_PLT ||
	    p[66] > TS_SYMS_MAX_SIG || !layout_of(nall, naddr, nsecs, pool_len, &l) || l.total != len)
		return -TRUSTACK_E_FORMAT;
	const struct ts_sym *all = (const struct ts_sym *)(p + HDR);
	const uint32_t *by = (const uint32_t *)(p + l.by_addr);
	const char *pool = (const char *)(p + l.pool);
	if (!pool_len || pool[pool_len - 1])
		return -TRUSTACK_E_FORMAT;
	for (uint32_t i = 0; i < nall; i++)
		if (all[i].name >= pool_len || (i && all[i].start < all[i - 1].start))
			return -TRUSTACK_E_FORMAT;
	/* by_addr is exactly what ts_symbols_pack writes: the first symbol of each distinct address,
	 * every one of them. find() looks every symbol's address up in it, so an address missing
	 * there would index one past its end. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < nall; i++)
		if (!i || all[i].start != all[i - 1].start)
			if (k >= naddr || by[k++] != i)
				return -TRUSTACK_E_FORMAT;
	if (k != naddr)
		return -TRUSTACK_E_FORMAT;
	struct ts_syms_facts *f = &s->facts;
	memset(f, 0, sizeof(*f));
	memcpy(&f->machine, p + 12, 2);
	f->build_id_len = p[14];
	memcpy(f->build_id, p + 16, 32);
	f->flags = p[64], f->nplt = p[65], f->nsig = p[66];
	memcpy(f->plt_lo, p + 72, 32);
	memcpy(f->plt_hi, p + 104, 32);
	memcpy(f->sig, p + 136, 32);
	s->all = all, s->nall = nall;
	s->by_addr = by, s->naddr = naddr;
	s->secs = (const struct ts_sec_range *)(p + l.secs), s->nsecs = nsecs;
	s->pool = pool, s->pool_len = pool_len;
	s->mem = mem, s->memlen = len, s->mapped = mapped;
	return 0;
}

int ts_symcache_path(const char *dir, const uint8_t *id, size_t n, char *buf, size_t len)
{
	return ts_cache_file(dir, id, n, TS_CACHE_SYMBOLS, buf, len);
}

int ts_symcache_load(struct trustack_symbols *s, const char *path, const uint8_t *id, size_t n)
{
	if (!DISK_ORDER_IS_HOST)
		return -TRUSTACK_E_NOTFOUND;
	struct stat st;
	int fd = ts_open_input(path, &st, NULL, 0);
	if (fd < 0)
		return -TRUSTACK_E_NOTFOUND;
	void *mem = MAP_FAILED;
	if (st.st_size >= HDR)
		mem = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (mem == MAP_FAILED)
		return -TRUSTACK_E_NOTFOUND;
	size_t len = (size_t)st.st_size;
	if (ts_symbols_attach(s, mem, len, true) || s->facts.build_id_len != n || memcmp(s->facts.build_id, id, n)) {
		munmap(mem, len);
		s->mem = NULL, s->all = NULL, s->by_addr = NULL, s->secs = NULL, s->pool = NULL;
		s->nall = s->naddr = s->nsecs = s->pool_len = 0;
		return -TRUSTACK_E_NOTFOUND;
	}
	s->from_cache = true;
	return 0;
}

int ts_symcache_save(const struct trustack_symbols *s, const char *path)
{
	if (!DISK_ORDER_IS_HOST)
		return -TRUSTACK_E_UNSUPPORTED;
	if (ts_make_parents(path) || ts_replace_file(path, s->mem, s->memlen, 0644, NULL, NULL, 0))
		return -TRUSTACK_E_IO;
	return 0;
}

const struct ts_syms_facts *ts_symbols_facts(const struct trustack_symbols *s)
{
	return &s->facts;
}
