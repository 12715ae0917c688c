/*
 * utable.h - the unwinder's own lookup table: one row per address range, for a whole module.
 *
 * Why a format of our own next to ORC and SFrame: the unwinder needs, at every address, what
 * neither standard says on both architectures - "no information here" (the analysis never reached
 * or lost the state: an unwind through it is unreliable), "outermost frame" (a trace may end
 * here and still be complete), "signal trampoline" - and it needs a lookup that is a binary
 * search over a flat array, with no allocation, so it can run in a signal handler. ORC has the
 * first two but is x86-only; SFrame covers both architectures but cannot say "unreliable here"
 * except by leaving a hole, which also means "no function". Every table source (the analysis,
 * an .sframe section, ORC sections) is converted to this form once, up front.
 *
 * The same bytes are the sidecar file written to the cache (docs/sidecar.md): the in-memory
 * table is a view over one contiguous buffer, so saving is one write and loading one mmap.
 *
 * Registers are DWARF register numbers of the module's architecture (as in struct trustack_row).
 * Addresses are the module's link-time virtual addresses (ELF p_vaddr space); the unwinder
 * subtracts the load bias before the lookup.
 */
#ifndef TS_UTABLE_H
#define TS_UTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

struct ts_image;
struct ts_rowmap;

/* Row flags. */
enum {
	TS_UROW_UNRELIABLE = 1 << 0, /* no trustworthy rule here (unreached code, state lost):
				      * the unwinder must stop with an "unknown code" verdict */
	TS_UROW_OUTERMOST = 1 << 1,  /* the outermost frame (_start, a thread's start routine
				      * below clone): a trace ending here is complete */
	TS_UROW_SIGNAL = 1 << 2,     /* a signal trampoline (sigreturn): the caller's registers
				      * are in the signal frame on the stack, not in this row */
	TS_UROW_RA_SIGNED = 1 << 3,  /* arm64 PAC: the return address, wherever the row puts it,
				      * is signed (with key ra_key): strip it before use */
};
#define TS_UROW_FLAGS 15 /* every flag above */

#define TS_UROW_MAX_SAVES 10 /* arm64's x19-x28; x86-64 needs 5 */

struct ts_urow {
	uint8_t flags;     /* TS_UROW_* */
	uint8_t cfa_kind;  /* enum trustack_cfa_kind */
	uint8_t cfa_reg;
	uint8_t ra_kind;   /* enum trustack_loc_kind */
	uint8_t ra_reg;
	uint8_t fp_kind;   /* enum trustack_loc_kind */
	uint8_t fp_reg;
	uint8_t ra_key;    /* with TS_UROW_RA_SIGNED: 0 key A, 1 key B; else 0 */
	int32_t cfa_off;
	int32_t ra_off;
	int32_t fp_off;
	/*
	 * The caller's values of the callee-saved registers the rules above do not cover (struct
	 * ts_saves in tables/rowmap.h; DWARF numbers < 32): a register in neither mask still holds
	 * the caller's value, one in saved is the word at CFA + 8 * save_off[k] (k: its rank among
	 * saved's bits, the unused tail zero), one in lost cannot be recovered. The walk reads these
	 * only when a rule names a register it does not know (walk.c, recover()).
	 */
	uint32_t saved;
	uint32_t lost;
	int16_t save_off[TS_UROW_MAX_SAVES];
};

/* Mark u's return address as signed (enum trustack_ra_sign), or not. */
static inline void ts_urow_set_sign(struct ts_urow *u, uint8_t ra_sign)
{
	u->flags = (uint8_t)((u->flags & ~TS_UROW_RA_SIGNED) | (ra_sign ? TS_UROW_RA_SIGNED : 0));
	u->ra_key = ra_sign == TRUSTACK_RA_SIGNED_B;
}

/* The analysis revision a table was built with (byte 15 of the sidecar). Raised whenever a
 * change of the analysis changes rows, so sidecars built by an older trustack are rebuilt
 * rather than trusted (trustack_sidecar__find treats them as absent). */
#define TS_UTABLE_ANALYSIS_REV 8

struct ts_utable {
	uint16_t machine;         /* ELF e_machine */
	uint8_t analysis_rev;     /* TS_UTABLE_ANALYSIS_REV of the trustack that built it */
	uint8_t build_id_len;     /* 0 when the module has none */
	uint8_t build_id[32];
	uint64_t base;            /* addresses below are offsets from base */
	uint32_t n;               /* entries */
	const uint32_t *pc;       /* n+1 sorted offsets: entry i covers [base+pc[i], base+pc[i+1]) */
	const uint32_t *row;      /* n indices into rows (entry i's row); a gap between functions
				   * is an entry whose row has TS_UROW_UNRELIABLE */
	uint32_t nrows;
	const struct ts_urow *rows; /* unique rows */
	/* storage: one buffer, heap or mmap */
	void *mem;
	size_t memlen;
	bool mapped;
};

/*
 * Build the table of img from its analysis (every function, every instruction; gaps and
 * unreached code become unreliable entries; _start and the clone thread-start are outermost).
 * threads as in trustack_check_opts. Returns 0 or a negative TRUSTACK_E_*.
 */
int ts_utable_build(const struct ts_image *img, unsigned threads, struct ts_utable *out);

/* The same from a row map already built. */
int ts_utable_from_rowmap(const struct ts_image *img, const struct ts_rowmap *m, struct ts_utable *out);

/*
 * The row for address va (link-time VA), or NULL when the table does not cover it.
 * Async-signal-safe: a binary search, no allocation, no locks.
 */
const struct ts_urow *ts_utable_lookup(const struct ts_utable *t, uint64_t va);

/* Write t to path atomically (temporary file + rename). Returns 0 or -TRUSTACK_E_* with err. */
int ts_utable_save(const struct ts_utable *t, const char *path, char *err, size_t errlen);

/* Map the file at path and validate it (bounds, sorting, row indices). Returns 0 or
 * -TRUSTACK_E_FORMAT / -TRUSTACK_E_IO with err. */
int ts_utable_load(const char *path, struct ts_utable *out, char *err, size_t errlen);

/* Load the cached sidecar at path for the module with this build-id: also refused
 * (-TRUSTACK_E_NOTFOUND, message in err) when it belongs to another build or machine (machine 0:
 * not checked) or was built by another analysis revision, so the caller rebuilds it. */
int ts_utable_load_cached(const char *path, const uint8_t *build_id, size_t n, uint16_t machine,
			  struct ts_utable *out, char *err, size_t errlen);

/* Does a sidecar's first 64 bytes h, with the file's length, describe a current table for this
 * build-id (magic, version, exact length, analysis revision, build-id)? The entries themselves
 * are checked only when the table is loaded. */
bool ts_utable_header_current(const uint8_t *h, uint64_t file_len, const uint8_t *build_id, size_t n);

/* Load from a buffer (copied). Same validation as ts_utable_load. */
int ts_utable_load_mem(const void *buf, size_t len, struct ts_utable *out, char *err, size_t errlen);

void ts_utable_free(struct ts_utable *t);


#endif
