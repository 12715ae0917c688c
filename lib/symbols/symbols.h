/*
 * symbols.h - internals of symbolisation: a module's function symbols sorted by address, the
 * synthetic names of its PLT stubs, and (opened on first need) its debug information for lines.
 */
#ifndef TS_SYMBOLS_H
#define TS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

struct Dwfl;

/* One function symbol (or PLT stub). name points into the object's string pool. */
struct ts_sym {
	uint64_t start, size;
	const char *name;
	uint16_t shndx;     /* section holding it (size-0 symbols end at their section's end) */
	uint8_t rank;       /* which alias names an address: lower is better */
	uint8_t plt;        /* a synthetic PLT stub name ("puts@plt") */
};

struct ts_sec_range {
	uint64_t start, end;
};

struct trustack_symbols {
	char *path;          /* the file (NULL for memory images) */
	char *name;          /* for messages */
	void *image;         /* memory images: our copy of the bytes */
	struct ts_sym *all;  /* every symbol, sorted by address (aliases next to each other) */
	size_t nall;
	struct ts_sym **by_addr; /* the best name of each address, sorted by address */
	size_t naddr;
	struct ts_sec_range *secs; /* section ranges by section index (for size-0 symbols) */
	size_t nsecs;
	char *pool;          /* names */
	size_t pool_len, pool_room;
	bool has_symtab;     /* .symtab was read (else only .dynsym) */
	/* line information, opened on first use */
	bool dwfl_tried;
	struct Dwfl *dwfl;
	void *dwfl_mod;      /* Dwfl_Module * */
	uint64_t dwfl_bias;  /* added to link-time addresses for dwfl */
	char *last_file;     /* the file name handed out by the last source query */
};

/* Fill s->all from an open libelf handle (symbols, PLT stubs) and index it. */
struct Elf;
int ts_symbols_load(struct trustack_symbols *s, struct Elf *elf, char *errbuf, size_t errlen);

/* Source line of a link-time address through libdwfl (debuglink and build-id paths). */
int ts_symbols_srcline(struct trustack_symbols *s, uint64_t addr, const char **file, int *line);
void ts_symbols_srcline_free(struct trustack_symbols *s);

#endif
