/*
 * symbols.h - internals of symbolisation: a module's function symbols sorted by address, the
 * synthetic names of its PLT stubs, and (opened on first need) its debug information for lines.
 *
 * The symbols live in one contiguous buffer laid out as the symbol cache file (<build-id>.tss,
 * docs/sidecar.md): reading a file builds the buffer once (symcache.c packs it), a warm run
 * mmaps the cached copy and uses it in place, so names cost no ELF parsing and no sorting.
 */
#ifndef TS_SYMBOLS_H
#define TS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

struct Dwfl;

/* One function symbol (or PLT stub), as stored in the buffer (24 bytes, 8-aligned). */
struct ts_sym {
	uint64_t start, size;
	uint32_t name;      /* offset into the string pool */
	uint16_t shndx;     /* section holding it (size-0 symbols end at their section's end) */
	uint8_t rank;       /* which alias names an address: lower is better */
	uint8_t plt;        /* a synthetic PLT stub name ("puts@plt") */
};

struct ts_sec_range {
	uint64_t start, end;
};

/* What the unwinder needs of a module besides its table, kept with the symbols so that a warm
 * run opens no ELF file at all (lib/unwind/from_proc.c). Link-time addresses. */
#define TS_SYMS_MAX_PLT 4
#define TS_SYMS_MAX_SIG 4
enum {
	TS_SYMS_HAS_SYMTAB = 1 << 0,   /* names from a .symtab (the file's or its debug file's) */
	TS_SYMS_HAS_SFRAME = 1 << 1,   /* the file has an .sframe section (the unwinder reads it) */
	TS_SYMS_SIG_COMPLETE = 1 << 2, /* sig[] lists every signal trampoline of the code */
	TS_SYMS_DEBUG_FILE = 1 << 3,   /* the .symtab came from the separate debug file */
	TS_SYMS_FDE_NAMES = 1 << 4,    /* functions without a symbol named fde@ADDR from .eh_frame */
};
struct ts_syms_facts {
	uint16_t machine;
	uint8_t flags;                 /* TS_SYMS_* */
	uint8_t nplt, nsig;
	uint8_t build_id_len;
	uint8_t build_id[32];
	uint64_t plt_lo[TS_SYMS_MAX_PLT], plt_hi[TS_SYMS_MAX_PLT];
	uint64_t sig[TS_SYMS_MAX_SIG];
};

/* The memo of source lines (linememo.c): answers from earlier runs, mapped, and this run's. */
struct ts_line_new {
	uint64_t addr;
	char *file;
	int line;
};
struct ts_linememo {
	char *path;                    /* <cache>/xx/rest.tsl, NULL: no memo */
	void *mem;
	size_t memlen;
	const struct ts_line_ent *ents;
	size_t n;
	const char *pool;
	size_t pool_len;
	struct ts_line_new *fresh;     /* answers found this run, saved on close */
	size_t nnew, roomnew;
	bool loaded;
};
void ts_linememo_load(struct ts_linememo *m, const uint8_t *id, size_t idlen);
/* 1 with file and line set (line 0: known to have none) when addr was answered before, else 0. */
int ts_linememo_find(const struct ts_linememo *m, uint64_t addr, const char **file, int *line);
int ts_linememo_add(struct ts_linememo *m, uint64_t addr, const char *file, int line);
void ts_linememo_close(struct ts_linememo *m, const uint8_t *id, size_t idlen);

struct trustack_symbols {
	char *path;          /* the file (NULL for memory images) */
	char *name;          /* for messages */
	void *image;         /* memory images: our copy of the bytes */
	/* a view over mem (the cache file's layout) */
	const struct ts_sym *all;   /* every symbol, sorted by address (aliases next to each other) */
	uint32_t nall;
	const uint32_t *by_addr;    /* index into all of the best name of each address, by address */
	uint32_t naddr;
	const struct ts_sec_range *secs; /* section ranges by section index (for size-0 symbols) */
	uint32_t nsecs;
	const char *pool;           /* names, each NUL-terminated */
	uint32_t pool_len;
	struct ts_syms_facts facts;
	void *mem;
	size_t memlen;
	bool mapped;         /* mem is an mmap of the cache file */
	bool from_cache;     /* loaded from the symbol cache rather than read from the file */
	/* line information, opened on first use */
	bool dwfl_tried;
	struct Dwfl *dwfl;
	void *dwfl_mod;      /* Dwfl_Module * */
	uint64_t dwfl_bias;  /* added to link-time addresses for dwfl */
	char *last_file;     /* the file name handed out by the last source query */
	struct ts_linememo lines; /* with a symbol cache: earlier answers */
};

/* The builder: growable arrays that load.c fills and symcache.c packs into the buffer. */
struct ts_symbuild {
	struct ts_sym *all;
	size_t nall, room;
	struct ts_sec_range *secs;
	size_t nsecs;
	char *pool;
	size_t pool_len, pool_room;
	struct ts_syms_facts facts;
};

static inline const char *ts_sym_name(const struct trustack_symbols *s, const struct ts_sym *x)
{
	return s->pool + x->name;
}

/* Read the symbols of an open libelf handle (and of its debug file when it has no .symtab;
 * path may be NULL for memory images) into b, with the module facts. */
struct Elf;
int ts_symbols_load(struct ts_symbuild *b, struct Elf *elf, const char *path, const char *name, char *errbuf,
		    size_t errlen);
void ts_symbuild_free(struct ts_symbuild *b);

/* The module facts of elf: machine, build-id, .sframe, PLT ranges, signal trampolines. */
void ts_symbols_facts_read(struct ts_syms_facts *f, struct Elf *elf, size_t shstrndx);

/* The separate debug file of the file at path (elf: its handle): /usr/lib/debug/.build-id/xx/
 * rest.debug, then .gnu_debuglink beside the file, in .debug/, under /usr/lib/debug. Only a file
 * with the same build-id is taken. Returns the open descriptor (close it after elf_end(*out)),
 * or -1 with *out NULL. */
int ts_debug_file_open(const char *path, struct Elf *elf, const uint8_t *id, size_t idlen, struct Elf **out);

/* Sort and index b, pack it into the cache layout and attach s to that buffer (heap). */
int ts_symbols_pack(struct ts_symbuild *b, struct trustack_symbols *s);
/* Attach s to a buffer in the cache layout after checking every invariant the lookups rely on;
 * -TRUSTACK_E_FORMAT when the bytes are not a valid symbol file. s takes mem on success. */
int ts_symbols_attach(struct trustack_symbols *s, void *mem, size_t len, bool mapped);
/* The cache file's path for a build-id (<cache>/xx/rest.tss, next to the sidecar). */
int ts_symcache_path(const char *dir, const uint8_t *id, size_t n, char *buf, size_t len);
/* Map a cache file and attach it; -TRUSTACK_E_NOTFOUND when absent, stale or malformed. */
int ts_symcache_load(struct trustack_symbols *s, const char *path, const uint8_t *id, size_t n);
/* Write s's buffer to path atomically (temporary file, rename). */
int ts_symcache_save(const struct trustack_symbols *s, const char *path);

/* The facts of s (for the unwinder). */
const struct ts_syms_facts *ts_symbols_facts(const struct trustack_symbols *s);

/* Source line of a link-time address through libdwfl (debuglink and build-id paths). */
int ts_symbols_srcline(struct trustack_symbols *s, uint64_t addr, const char **file, int *line);
void ts_symbols_srcline_free(struct trustack_symbols *s);

#endif
