/*
 * uwint.h - what a struct trustack_unwinder holds, shared by the files of lib/unwind/: the
 * modules with their tables and the block index that makes a row lookup a few loads.
 */
#ifndef TS_UWINT_H
#define TS_UWINT_H

#include <stdbool.h>
#include <stdint.h>

#include "trustack.h"
#include "unwind/utable.h"
#include "unwind/uwarch.h"

/*
 * A table with its lookup index. blk[b] is the entry covering the first byte of block b
 * (blocks of 1 << TS_UW_BLK_SHIFT bytes from lo), so a lookup scans only the entries that
 * start inside one block: no binary search over 100 000 entries per frame.
 */
#define TS_UW_BLK_SHIFT 5

struct ts_uw_table {
	struct ts_utable t;     /* owned */
	bool present;
	uint64_t lo, hi;        /* link-time addresses covered */
	uint32_t *blk;          /* (hi - lo) >> shift, + 1 entries */
	uint32_t nblk;
};

#define TS_UW_MAX_PLT 4

struct ts_uw_module {
	char *name;
	int32_t index;                   /* in the order of adding (trustack_frame.module) */
	enum trustack_module_kind kind;
	uint64_t start, end, bias;
	const struct ts_uw_arch *arch;   /* NULL for non-ELF kinds */
	struct ts_uw_table ana;          /* the analysis' rows (built or a sidecar) */
	struct ts_uw_table sf;           /* the module's .sframe as rows */
	bool sframe_trusted;
	unsigned nsig;                   /* signal trampolines found in the code at setup */
	bool sig_scanned;                /* nsig is complete: no byte check needed at unwind time */
	uint64_t sig[4];                 /* their link-time addresses */
	unsigned nplt;
	uint64_t plt_lo[TS_UW_MAX_PLT], plt_hi[TS_UW_MAX_PLT]; /* link-time */
};

/*
 * The memos of validated return addresses: pc -> the packed step of the row there, filled by
 * the walk itself, one for the analysis' rows (fp-validated, orc, auto) and one for the
 * .sframe's (sframe). Direct-mapped, fixed size, allocated with the unwinder (2 x 4096 slots x
 * 26 bytes = 208 KiB): the walk never allocates. Lock-free and async-signal-safe: a slot's key
 * is stored as pc ^ mix(data) (walk.c), so a reader that sees halves of two writers' entries
 * only ever misses. Parallel arrays rather than an array of slots, so that a slot's address is
 * the pc's low bits times 8 (one `and` and a scaled load on the lean step's chain); ra_off
 * repeats data's low 16 bits (the return address's offset) for the step whose next load waits
 * on it: read straight from memory with its sign extension, and checked equal to data's.
 */
#define TS_UW_MEMO_BITS 12
#define TS_UW_MEMO_SLOTS ((size_t)1 << TS_UW_MEMO_BITS)
struct ts_uw_memo {
	int16_t ra_off[TS_UW_MEMO_SLOTS]; /* (int16_t)data; first: its address is base + 2 * index */
	uint64_t data[TS_UW_MEMO_SLOTS];  /* see walk.c (memo_pack) */
	uint64_t key[TS_UW_MEMO_SLOTS];   /* pc ^ memo_mix(data) */
	uint64_t rec[TS_UW_MEMO_SLOTS];   /* the frame-record set (walk.c, memo_rec_word) */
};

struct trustack_unwinder {
	struct trustack_unwinder_opts opts;
	char *cache_dir;
	struct ts_uw_module *mods;       /* in order of adding */
	size_t nmods, capmods;
	uint32_t *sorted;                /* module indices sorted by start */
	bool self;                       /* made by from_self(): direct loads are possible */
	bool direct;                     /* read memory with direct loads */
	uint64_t stack_lo, stack_hi;     /* default stack bounds */
	uint64_t pac_mask;               /* cleared from every return address (arm64 PAC) */
	struct ts_uw_memo *memo;         /* 2 (analysis, sframe), or NULL */
};

/* Add module d (mod: its build-id; file: its path, for the symbol cache) from the caches alone,
 * without opening its ELF file: its sidecar, and its PLT ranges and signal trampolines from its
 * symbol file (from_proc.c). Returns the module's index, or < 0 when the caches cannot serve it. */
int ts_uw_add_from_cache(struct trustack_unwinder *u, const struct trustack_module *mod,
			 const struct trustack_module_desc *d, const char *file);

/* Build t's index (blocks: the block index, else lookups search the entries); returns 0,
 * -TRUSTACK_E_FORMAT (a table whose few entries span far too much) or -TRUSTACK_E_NOMEM. */
int ts_uw_table_index(struct ts_uw_table *t, bool blocks);
void ts_uw_table_free(struct ts_uw_table *t);

/* blk[] entries with this bit hold a row index: one entry covers the whole block */
#define TS_UW_BLK_ROW 0x80000000u

/* The row for link-time address va, or NULL (async-signal-safe). */
static inline const struct ts_urow *ts_uw_table_lookup(const struct ts_uw_table *t, uint64_t va)
{
	if (!t->present || va < t->lo || va >= t->hi)
		return 0;
	uint32_t off = (uint32_t)(va - t->t.base);
	const uint32_t *pc = t->t.pc;
	if (!t->blk) { /* no block index: the last entry starting at or below off */
		uint32_t i = 0, n = t->t.n;
		while (n > 1) {
			uint32_t half = n / 2;
			if (pc[i + half] <= off)
				i += half;
			n -= half;
		}
		return &t->t.rows[t->t.row[i]];
	}
	uint64_t b = (va - t->lo) >> TS_UW_BLK_SHIFT;
	uint32_t i = t->blk[b];
	if (i & TS_UW_BLK_ROW)
		return &t->t.rows[i & ~TS_UW_BLK_ROW];
	uint32_t j = t->blk[b + 1] & ~TS_UW_BLK_ROW;
	if (t->blk[b + 1] & TS_UW_BLK_ROW)
		j = t->t.n - 1; /* (never read past: the scan stops at the entry covering va) */
	while (i < j && pc[i + 1] <= off)
		i++;
	return &t->t.rows[t->t.row[i]];
}

/* Convert a decoded .sframe into a table (sframe_utable.c). */
struct ts_sframe;
int ts_uw_utable_from_sframe(const struct ts_sframe *sf, uint16_t machine, struct ts_utable *out);

/* The module holding pc (runtime address), or NULL (async-signal-safe). */
const struct ts_uw_module *ts_uw_find_module(const struct trustack_unwinder *u, uint64_t pc);

/* Find the signal trampolines in the executable sections of img (unwinder.c). */
struct ts_image;
void ts_uw_scan_sigret(struct ts_uw_module *m, const struct ts_image *img);

#endif
