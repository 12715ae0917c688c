/*
 * source.h - a table of unwind rows read from a file (the compiler's .eh_frame/.debug_frame, an
 * .sframe or ORC section), asked one address at a time. diff compares the analysis with these.
 *
 * Lookups come from the driver's worker threads: each worker passes its slot number, and a
 * source keeps per-slot state (libdw's CFI caches are not thread-safe), so no locking is needed.
 */
#ifndef TS_SOURCE_H
#define TS_SOURCE_H

#include "elf/image.h"
#include "trustack.h"

enum ts_src_status {
	TS_SRC_NONE = 0, /* the table does not cover the address */
	TS_SRC_ROW,      /* row holds the table's rule */
	TS_SRC_OPAQUE,   /* covered, by a rule a trustack_row cannot express (what says which) */
};

struct ts_srcrow {
	uint8_t status;          /* enum ts_src_status */
	bool outermost;          /* the table says the return address is undefined: last frame */
	bool signal;             /* the entry is marked as a signal frame */
	bool other_ra_column;    /* the table's return-address column is not the machine's link
				  * register or return-address slot (CFI: the CIE's column) */
	uint64_t start, end;     /* the answer holds for every address in [start, end) */
	uint64_t fde_start;      /* start of the covering FDE / function entry, if any */
	struct trustack_row row; /* for TS_SRC_ROW */
	char what[64];           /* for TS_SRC_OPAQUE */
};

struct ts_source {
	const char *name;        /* "eh_frame", "debug_frame", "sframe", "orc" */
	/* Answer for addr (an image address); 0 or a negative TRUSTACK_E_*. */
	int (*lookup)(struct ts_source *s, unsigned slot, uint64_t addr, struct ts_srcrow *out);
	void (*close)(struct ts_source *s);
};

/*
 * The compiler's CFI: .eh_frame or .debug_frame, read with libdw. slots is the number of worker
 * threads that will call lookup. Returns -TRUSTACK_E_NOTFOUND when the file has no such section.
 */
int ts_source_open_eh_frame(const struct ts_image *img, unsigned slots, struct ts_source **out, char *err,
			    size_t errlen);
int ts_source_open_debug_frame(const struct ts_image *img, unsigned slots, struct ts_source **out, char *err,
			       size_t errlen);

/*
 * Where a CFI section (.eh_frame, or .debug_frame when debug; its bytes at sec, loaded at addr,
 * relocated for objects) says the return address is signed: the machine's negate_op
 * (ts_arch.cfa_negate_ra_op, arm64 DW_CFA_AARCH64_negate_ra_state) toggles the state,
 * remember/restore_state keep it, a CIE's 'B' augmentation names key B (cfi_rasign.c). *out:
 * sorted, non-overlapping ranges (malloc'd) with sign TRUSTACK_RA_SIGNED_A or _B; everything
 * else is plain. 0 or -TRUSTACK_E_NOMEM; entries it cannot read are left plain.
 */
struct ts_sign_range {
	uint64_t start, end;
	uint8_t sign;            /* enum trustack_ra_sign */
};
int ts_cfi_sign_ranges(const uint8_t *sec, size_t size, uint64_t addr, bool debug, uint8_t negate_op,
		       struct ts_sign_range **out, size_t *n);
/* The range of v holding addr, or NULL; [*lo, *hi) is where that answer holds (the range, or the
 * gap between two). */
const struct ts_sign_range *ts_sign_range_at(const struct ts_sign_range *v, size_t n, uint64_t addr, uint64_t *lo,
					     uint64_t *hi);

/*
 * A table already decoded into sorted entries (SFrame, ORC readers): entry i holds from its start
 * up to the next entry's start, or up to its own end when end is non-zero. The source takes
 * ownership of the array.
 */
struct ts_srcentry {
	uint64_t start, end;     /* end 0: up to the next entry */
	uint64_t fde_start;
	uint8_t status;
	bool outermost, signal;
	struct trustack_row row;
	char what[64];
};
int ts_source_from_entries(const char *name, struct ts_srcentry *e, size_t n, struct ts_source **out);

/*
 * The file's own .sframe (any version) and ORC sections, decoded by our readers. Both return
 * -TRUSTACK_E_NOTFOUND when the file has no such table. Thread-safe after opening.
 */
int ts_source_open_sframe(const struct ts_image *img, struct ts_source **out, char *err, size_t errlen);
int ts_source_open_orc(const struct ts_image *img, struct ts_source **out, char *err, size_t errlen);

#endif
