/*
 * linememo.c - the source lines a module's addresses were found at, kept next to its symbol
 * file as <build-id>.tsl, so that a run asking about the same addresses again (a process looked
 * at repeatedly, a program's many threads parked in the same places) does not open the debug
 * information: Debian's libc debug file has compressed sections, and inflating them was 96 of
 * the 100 ms of a warm `trustack stacks` with file:line. Answers "no line here" are kept too.
 *
 * Layout (little-endian on disk: a big-endian host neither reads nor writes it): magic "TSLINES1" (8), version u32 (1), build-id length u8, zero u8
 * x3, build-id (32), n u32, pool_len u32 (header 56 bytes); n entries {addr u64, file u32 (pool
 * offset), line i32 (0: no line)} sorted by address; the pool of NUL-terminated file names.
 * Loading checks the magic, version, build-id, exact size, order and every offset; a file that
 * fails is ignored and rewritten. New answers are merged in when the symbols are closed and the
 * file replaced atomically; it stops growing at TS_LINEMEMO_MAX entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "symbols/symbols.h"
#include "common/vec.h"

#define MAGIC "TSLINES1"
#define DISK_ORDER_IS_HOST (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define HDR 56
#define TS_LINEMEMO_MAX 65536

struct ts_line_ent {
	uint64_t addr;
	uint32_t file;
	int32_t line;
};

static void unmap(struct ts_linememo *m)
{
	if (m->mem)
		munmap(m->mem, m->memlen);
	m->mem = NULL, m->memlen = 0, m->ents = NULL, m->n = 0, m->pool = NULL, m->pool_len = 0;
}

void ts_linememo_load(struct ts_linememo *m, const uint8_t *id, size_t idlen)
{
	if (!DISK_ORDER_IS_HOST)
		return;
	struct stat st;
	int fd = ts_open_input(m->path, &st, NULL, 0);
	if (fd < 0)
		return;
	void *mem = MAP_FAILED;
	if (st.st_size >= HDR)
		mem = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (mem == MAP_FAILED)
		return;
	const uint8_t *p = mem;
	size_t len = (size_t)st.st_size;
	uint32_t ver, n, pool_len;
	memcpy(&ver, p + 8, 4);
	memcpy(&n, p + 48, 4);
	memcpy(&pool_len, p + 52, 4);
	const struct ts_line_ent *e = (const struct ts_line_ent *)(p + HDR);
	bool ok = !memcmp(p, MAGIC, 8) && ver == 1 && p[12] == idlen && idlen <= 32 && !memcmp(p + 16, id, idlen) &&
		  n <= TS_LINEMEMO_MAX && pool_len && (uint64_t)HDR + (uint64_t)n * sizeof(*e) + pool_len == len;
	/* the pool's address only once the counts are known to fit the file */
	const char *pool = ok ? (const char *)(p + HDR + (size_t)n * sizeof(*e)) : NULL;
	ok = ok && !pool[pool_len - 1];
	for (uint32_t i = 0; ok && i < n; i++)
		ok = e[i].file < pool_len && e[i].line >= 0 && (!i || e[i].addr > e[i - 1].addr);
	if (!ok) {
		munmap(mem, len);
		return;
	}
	m->mem = mem, m->memlen = len, m->ents = e, m->n = n, m->pool = pool, m->pool_len = pool_len;
}

int ts_linememo_find(const struct ts_linememo *m, uint64_t addr, const char **file, int *line)
{
	const struct ts_line_ent *e = m->ents;
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->n || e[lo].addr != addr)
		return 0;
	*file = m->pool + e[lo].file, *line = e[lo].line;
	return 1;
}

int ts_linememo_add(struct ts_linememo *m, uint64_t addr, const char *file, int line)
{
	if (TS_GROW(m->fresh, m->nnew, m->roomnew, 32))
		return -TRUSTACK_E_NOMEM;
	char *f = strdup(file ? file : "");
	if (!f)
		return -TRUSTACK_E_NOMEM;
	m->fresh[m->nnew++] = (struct ts_line_new){ addr, f, line };
	return 0;
}

static int cmp_new(const void *a, const void *b)
{
	const struct ts_line_new *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The merged file: old entries and new answers by address (a new answer wins a tie). */
static int save(struct ts_linememo *m, const uint8_t *id, size_t idlen)
{
	if (!DISK_ORDER_IS_HOST)
		return 0;
	qsort(m->fresh, m->nnew, sizeof(*m->fresh), cmp_new);
	size_t cap = m->n + m->nnew, n = 0, pool_len = 0, pool_room = 4096;
	if (cap > TS_LINEMEMO_MAX)
		return 0; /* full: keep what is there */
	struct ts_line_ent *e = malloc((cap ? cap : 1) * sizeof(*e));
	char *pool = malloc(pool_room);
	int rc = e && pool ? 0 : -TRUSTACK_E_NOMEM;
	size_t i = 0, j = 0;
	while (!rc && (i < m->n || j < m->nnew)) {
		bool take_new = j < m->nnew && (i == m->n || m->fresh[j].addr <= m->ents[i].addr);
		uint64_t addr = take_new ? m->fresh[j].addr : m->ents[i].addr;
		const char *f = take_new ? m->fresh[j].file : m->pool + m->ents[i].file;
		int line = take_new ? m->fresh[j].line : m->ents[i].line;
		if (take_new && i < m->n && m->ents[i].addr == addr)
			i++;
		take_new ? j++ : i++;
		if (n && e[n - 1].addr == addr)
			continue;
		/* names repeat: reuse the last one's bytes when equal (one file per function) */
		size_t fl = strlen(f) + 1;
		uint32_t off;
		if (n && !strcmp(pool + e[n - 1].file, f)) {
			off = e[n - 1].file;
		} else {
			if (TS_RESERVE(pool, pool_len + fl, pool_room, 4096)) {
				rc = -TRUSTACK_E_NOMEM;
				break;
			}
			memcpy(pool + pool_len, f, fl);
			off = (uint32_t)pool_len;
			pool_len += fl;
		}
		e[n++] = (struct ts_line_ent){ addr, off, line };
	}
	if (!rc && !pool_len) { /* never empty: the loader wants a terminated pool */
		pool[0] = 0;
		pool_len = 1;
	}
	struct ts_outfile o;
	if (!rc && !ts_outfile_open(&o, m->path, NULL, NULL, 0)) {
		uint8_t h[HDR] = { 0 };
		uint32_t ver = 1, n32 = (uint32_t)n, p32 = (uint32_t)pool_len;
		memcpy(h, MAGIC, 8);
		memcpy(h + 8, &ver, 4);
		h[12] = (uint8_t)idlen;
		memcpy(h + 16, id, idlen);
		memcpy(h + 48, &n32, 4);
		memcpy(h + 52, &p32, 4);
		if (ts_outfile_write(&o, h, HDR, NULL, 0) || ts_outfile_write(&o, e, n * sizeof(*e), NULL, 0) ||
		    ts_outfile_write(&o, pool, pool_len, NULL, 0))
			ts_outfile_abort(&o);
		else
			(void)ts_outfile_commit(&o, 0644, NULL, 0);
	}
	free(e);
	free(pool);
	return rc;
}

void ts_linememo_close(struct ts_linememo *m, const uint8_t *id, size_t idlen)
{
	if (m->nnew && m->path)
		(void)save(m, id, idlen); /* a memo that cannot be written is no error */
	for (size_t i = 0; i < m->nnew; i++)
		free(m->fresh[i].file);
	free(m->fresh);
	unmap(m);
	free(m->path);
	memset(m, 0, sizeof(*m));
}
