/*
 * symbols.c - the public face of symbolisation: open a module's symbols, look an address up,
 * find functions by name (the live-patch check's ranges).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols.h"

static int finish_open(struct trustack_symbols *s, Elf *elf, struct trustack_symbols **out, char *errbuf,
		       size_t errlen)
{
	int rc = elf ? ts_symbols_load(s, elf, errbuf, errlen) : -TRUSTACK_E_FORMAT;
	if (!elf && errbuf)
		snprintf(errbuf, errlen, "%s: %s", s->name, elf_errmsg(-1));
	if (elf)
		elf_end(elf);
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
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -TRUSTACK_E_IO;
	}
	struct trustack_symbols *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)) || !(s->name = strdup(path))) {
		close(fd);
		trustack_symbols__close(s);
		return -TRUSTACK_E_NOMEM;
	}
	/* ELF_C_READ_MMAP: only the pages of the symbol tables and PLT are touched */
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int rc = finish_open(s, elf, out, errbuf, errlen);
	close(fd);
	return rc;
}

int trustack_symbols__open_mem(const void *buf, size_t size, const char *name, struct trustack_symbols **out,
			       char *errbuf, size_t errlen)
{
	if (!buf || !out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	elf_version(EV_CURRENT);
	struct trustack_symbols *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name ? name : "(memory)")) || !(s->image = malloc(size ? size : 1))) {
		trustack_symbols__close(s);
		return -TRUSTACK_E_NOMEM;
	}
	memcpy(s->image, buf, size);
	s->dwfl_tried = true; /* no debug information for images */
	return finish_open(s, elf_memory(s->image, size), out, errbuf, errlen);
}

void trustack_symbols__close(struct trustack_symbols *s)
{
	if (!s)
		return;
	ts_symbols_srcline_free(s);
	free(s->all);
	free(s->by_addr);
	free(s->secs);
	free(s->pool);
	free(s->image);
	free(s->path);
	free(s->name);
	free(s);
}

static void fill(const struct trustack_symbols *s, const struct ts_sym *x, size_t idx, struct trustack_symbol *out)
{
	uint64_t size = x->size;
	if (!size) {
		/* up to the next symbol, within the section */
		uint64_t end = x->shndx < s->nsecs ? s->secs[x->shndx].end : x->start + 1;
		if (idx + 1 < s->naddr && s->by_addr[idx + 1]->start < end)
			end = s->by_addr[idx + 1]->start;
		size = end > x->start ? end - x->start : 1;
	}
	*out = (struct trustack_symbol){ .name = x->name, .start = x->start, .size = size, .plt = x->plt };
}

int trustack_symbols__lookup(struct trustack_symbols *s, uint64_t addr, struct trustack_symbol *sym)
{
	if (!s || !sym)
		return -TRUSTACK_E_ARG;
	size_t lo = 0, hi = s->naddr;
	while (lo < hi) { /* first start > addr */
		size_t mid = lo + (hi - lo) / 2;
		if (s->by_addr[mid]->start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the nearest start below addr; a few more back in case a large symbol encloses smaller
	 * ones (a function with local labels of its own) */
	for (size_t k = 0; k < 8 && lo > k; k++) {
		size_t i = lo - 1 - k;
		struct trustack_symbol t;
		fill(s, s->by_addr[i], i, &t);
		if (addr - t.start < t.size) {
			*sym = t;
			return 0;
		}
		if (k == 0 && !s->by_addr[i]->size)
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
		if (strcmp(s->all[i].name, name))
			continue;
		/* the range of the address, whichever alias names it */
		size_t lo = 0, hi = s->naddr;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->by_addr[mid]->start < s->all[i].start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (n < max && out) {
			fill(s, s->by_addr[lo], lo, &out[n]);
			out[n].name = s->all[i].name;
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
