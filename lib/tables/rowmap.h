/*
 * rowmap.h - the analysis result for a whole image as address ranges of equal unwind rows.
 *
 * This is what the table writers (ORC, SFrame) consume: every instruction of every function,
 * in address order, grouped into maximal runs of consecutive instructions of the same function
 * that share one row (or are all unreached). Bytes outside every function (padding between
 * functions, code no symbol or FDE covers) are absent: writers treat gaps as "no information".
 */
#ifndef TS_ROWMAP_H
#define TS_ROWMAP_H

#include "elf/image.h"
#include "trustack.h"

/*
 * Where the caller's values of the callee-saved registers are (besides the stack and frame
 * pointers and the return address, which the row itself describes), so an unwinder can recover
 * a register a caller's CFA rule is based on (ld.so's lazy-binding trampoline: cfa=rbx+N).
 * Registers are DWARF numbers < 32 (x86-64 rbx, r12-r15; arm64 x19-x28). A register in neither
 * mask still holds the caller's value ("same"); one in saved is at CFA + 8 * off[k], k its rank
 * among saved's bits; one in lost is gone as far as the analysis can say (clobbered, or kept
 * somewhere no such rule reaches: another register, a slot off the 8-byte grid or too far).
 */
#define TS_SAVES_MAX 10
struct ts_saves {
	uint32_t saved;             /* bit r: the caller's r is at CFA + 8 * off[rank] */
	uint32_t lost;              /* bit r: the caller's r cannot be recovered from here */
	int16_t off[TS_SAVES_MAX];  /* in 8-byte words from the CFA, by rank in saved */
};

struct ts_rowrange {
	uint64_t start;          /* image address (synthetic for relocatable objects, see image.h) */
	uint32_t len;            /* bytes: the range is [start, start + len) */
	int32_t func;            /* img->funcs index of the function or fragment holding it */
	uint32_t ninsns;         /* instructions in the range */
	bool reached;            /* false: the analysis never reached these instructions */
	bool untrusted;          /* the analysis reported a stack finding in this function and every
				  * path from here to the function's end passes one (see rowmap.c):
				  * its rows are its best guess, not a proof */
	struct trustack_row row; /* meaningful when reached; CFA may still be UNDEFINED */
	struct ts_saves saves;   /* with ts_rowmap_build_saves, when reached; else all zero */
};

struct ts_rowmap {
	struct ts_rowrange *r;   /* sorted by start, non-overlapping */
	size_t n;
	uint64_t instructions;   /* total over all ranges */
	uint64_t conflicts;      /* instructions two units analysed differently (a shared .cold
				  * fragment); the first unit's row is kept */
};

/* Analyse every function of img and build its row map. Returns 0 or a negative TRUSTACK_E_*. */
int ts_rowmap_build(const struct ts_image *img, enum trustack_rules rules, unsigned threads,
		    struct ts_rowmap *out);
/* The same, with each range's callee-saved register locations (struct ts_saves): the
 * unwinder's tables need them, the ORC and SFrame writers cannot express them. Costs a replay
 * of the analysis state at every instruction. */
int ts_rowmap_build_saves(const struct ts_image *img, enum trustack_rules rules, unsigned threads,
			  struct ts_rowmap *out);
void ts_rowmap_free(struct ts_rowmap *m);

/* Rows equal field by field (padding ignored). */
bool ts_row_equal(const struct trustack_row *a, const struct trustack_row *b);

/* The range holding addr, or NULL. */
const struct ts_rowrange *ts_rowmap_find(const struct ts_rowmap *m, uint64_t addr);

#endif
