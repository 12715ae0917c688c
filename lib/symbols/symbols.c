/*
 * symbols.c - the public face of symbolisation: open a module's symbols (from the file, or from
 * the symbol cache by build-id), look an address up, find functions by name (the live-patch
 * check's ranges).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/fileio.h"
#include "symbols/symbols.h"

static struct trustack_symbols *new_symbols(const char *path, const char *name)
{
	struct trustack_symbols *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if ((path && !(s->path = strdup(path))) || !(s->name = strdup(name))) {
		trustack_symbols__close(s);
		return NULL;
	}
	return s;
}

/* Read elf into s (the whole extraction, then the flat buffer). */
static int read_elf(struct trustack_symbols *s, Elf *elf, char *errbuf, size_t errlen)
{
	if (!elf) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: %s", s->name, elf_errmsg(-1));
		return -TRUSTACK_E_FORMAT;
	}
	struct ts_symbuild b = { 0 };
	int rc = ts_symbols_load(&b, elf, s->path, s->name, errbuf, errlen);
	if (!rc)
		rc = ts_symbols_pack(&b, s);
	ts_symbuild_free(&b);
	elf_end(elf);
	return rc;
}

static int open_file(const char *path, struct trustack_symbols **out, char *errbuf, size_t errlen)
{
	elf_version(EV_CURRENT);
	char why[128];
	int fd = ts_open_input(path, NULL, why, sizeof(why));
	if (fd < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: %s", path, why);
		return -TRUSTACK_E_IO;
	}
	struct trustack_symbols *s = new_symbols(path, path);
	if (!s) {
		close(fd);
		return -TRUSTACK_E_NOMEM;
	}
	/* ELF_C_READ_MMAP: only the pages of the symbol tables and PLT are touched */
	int rc = read_elf(s, elf_begin(fd, ELF_C_READ_MMAP, NULL), errbuf, errlen);
	close(fd);
	if (rc) {
		trustack_symbols__close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int trustack_symbols__open(const char *path, struct trustack_symbols **out, char *errbuf, size_t errlen)
{
	if (!path || !out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	return open_file(path, out, errbuf, errlen);
}

/* The line memo sits next to the symbol file: .../rest.tss -> .../rest.tsl */
static void set_line_memo(struct trustack_symbols *s, const char *tss)
{
	char *p = strdup(tss);
	if (p)
		p[strlen(p) - 1] = 'l';
	s->lines.path = p;
}

int trustack_symbols__open_cached(const char *path, const uint8_t *build_id, size_t n, const char *cache_dir,
				  struct trustack_symbols **out, char *errbuf, size_t errlen)
{
	if (!path || !out || !build_id || !n || n > 32)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	char cpath[4096];
	bool cacheable = !ts_symcache_path(cache_dir, build_id, n, cpath, sizeof(cpath));
	if (cacheable) {
		struct trustack_symbols *s = new_symbols(path, path);
		if (!s)
			return -TRUSTACK_E_NOMEM;
		if (!ts_symcache_load(s, cpath, build_id, n)) {
			set_line_memo(s, cpath);
			*out = s;
			return 0;
		}
		trustack_symbols__close(s); /* absent, stale or damaged: read the file again */
	}
	struct trustack_symbols *s;
	int rc = open_file(path, &s, errbuf, errlen);
	if (rc)
		return rc;
	if (s->facts.build_id_len != n || memcmp(s->facts.build_id, build_id, n)) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: not the build asked for (the file changed?)", path);
		trustack_symbols__close(s);
		return -TRUSTACK_E_NOTFOUND;
	}
	if (cacheable) {
		(void)ts_symcache_save(s, cpath); /* a cache that cannot be written is no error */
		set_line_memo(s, cpath);
	}
	*out = s;
	return 0;
}

bool trustack_symbols__cached(const struct trustack_symbols *s)
{
	return s && s->from_cache;
}

int trustack_symbols__open_mem(const void *buf, size_t size, const char *name, struct trustack_symbols **out,
			       char *errbuf, size_t errlen)
{
	if (!buf || !out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	elf_version(EV_CURRENT);
	struct trustack_symbols *s = new_symbols(NULL, name ? name : "(memory)");
	if (!s || !(s->image = malloc(size ? size : 1))) {
		trustack_symbols__close(s);
		return -TRUSTACK_E_NOMEM;
	}
	memcpy(s->image, buf, size);
	s->dwfl_tried = true; /* no debug information for images */
	int rc = read_elf(s, elf_memory(s->image, size), errbuf, errlen);
	if (rc) {
		trustack_symbols__close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void trustack_symbols__close(struct trustack_symbols *s)
{
	if (!s)
		return;
	ts_symbols_srcline_free(s);
	if (s->mem && s->mapped)
		munmap(s->mem, s->memlen);
	else
		free(s->mem);
	free(s->image);
	free(s->path);
	free(s->name);
	free(s);
}

static void fill(const struct trustack_symbols *s, size_t idx, struct trustack_symbol *out)
{
	const struct ts_sym *x = &s->all[s->by_addr[idx]];
	uint64_t size = x->size;
	if (!size) {
		/* up to the next symbol, within the section */
		uint64_t end = x->shndx < s->nsecs ? s->secs[x->shndx].end : x->start + 1;
		if (idx + 1 < s->naddr && s->all[s->by_addr[idx + 1]].start < end)
			end = s->all[s->by_addr[idx + 1]].start;
		size = end > x->start ? end - x->start : 1;
	}
	*out = (struct trustack_symbol){ .name = ts_sym_name(s, x), .start = x->start, .size = size, .plt = x->plt };
}

int trustack_symbols__lookup(struct trustack_symbols *s, uint64_t addr, struct trustack_symbol *sym)
{
	if (!s || !sym)
		return -TRUSTACK_E_ARG;
	size_t lo = 0, hi = s->naddr;
	while (lo < hi) { /* first start > addr */
		size_t mid = lo + (hi - lo) / 2;
		if (s->all[s->by_addr[mid]].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the nearest start below addr; a few more back in case a large symbol encloses smaller
	 * ones (a function with local labels of its own) */
	for (size_t k = 0; k < 8 && lo > k; k++) {
		size_t i = lo - 1 - k;
		struct trustack_symbol t;
		fill(s, i, &t);
		if (addr - t.start < t.size) {
			*sym = t;
			return 0;
		}
		if (k == 0 && !s->all[s->by_addr[i]].size)
			break; /* an unsized symbol ends at the next one: nothing further back reaches */
	}
	return -TRUSTACK_E_NOTFOUND;
}

size_t trustack_symbols__find(struct trustack_symbols *s, const char *name, struct trustack_symbol *out, size_t max)
{
	if (!s || !name)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < s->nall; i++) {
		if (strcmp(ts_sym_name(s, &s->all[i]), name))
			continue;
		/* the range of the address, whichever alias names it */
		size_t lo = 0, hi = s->naddr;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->all[s->by_addr[mid]].start < s->all[i].start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (n < max && out) {
			fill(s, lo, &out[n]);
			out[n].name = ts_sym_name(s, &s->all[i]);
			if (s->all[i].size)
				out[n].size = s->all[i].size;
		}
		n++;
	}
	return n;
}

int trustack_symbols__source(struct trustack_symbols *s, uint64_t addr, const char **file, int *line)
{
	if (!s || !file || !line)
		return -TRUSTACK_E_ARG;
	return ts_symbols_srcline(s, addr, file, line);
}
