/*
 * orc.h - ORC unwind entries (the kernel's struct orc_entry, x86-64) from the analysis rows, and
 * back from a file.
 *
 * An entry is kept layout-neutral (struct trustack_orc_entry: current type numbering plus the
 * 6.1 end bit); ts_orc_encode()/ts_orc_decode() turn it into the 6 stored bytes of a layout:
 *   bytes 0-1 sp_offset (s16 LE), 2-3 bp_offset (s16 LE), 4: sp_reg | bp_reg << 4,
 *   5: current  type | signal << 3            (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3,
 *                                               REGS_PARTIAL 4)
 *      6.1      type | end << 2               (CALL 0, REGS 1, REGS_PARTIAL 2; sp_reg UNDEFINED
 *                                               with end 1 = end of stack, end 0 = no information)
 * (gcc allocates little-endian bitfields from bit 0: verified against objtool 6.1's own output,
 * tests/tables/suite_orc.sh.)
 */
#ifndef TS_ORC_H
#define TS_ORC_H

#include "elf/image.h"
#include "tables/rowmap.h"
#include "trustack.h"

#define TS_ORC_ENTRY_SIZE 6

/* An entry and the image address it starts to apply at. */
struct ts_orc_row {
	uint64_t addr;
	struct trustack_orc_entry e; /* address/section left unset by ts_orc_build */
};

struct ts_orc_table {
	struct ts_orc_row *rows; /* in section order, address order within a section */
	size_t n, cap;
	uint64_t functions;      /* functions with at least one instruction in the table */
	uint64_t problems;
};

/* The entry meaning "no information" (objtool's null entry: also each section's terminator). */
struct trustack_orc_entry ts_orc_undefined(void);

/* Equal as stored (address and section ignored). */
bool ts_orc_entry_equal(const struct trustack_orc_entry *a, const struct trustack_orc_entry *b);

void ts_orc_encode(const struct trustack_orc_entry *e, enum trustack_orc_layout layout,
		   uint8_t out[TS_ORC_ENTRY_SIZE]);
void ts_orc_decode(const uint8_t in[TS_ORC_ENTRY_SIZE], enum trustack_orc_layout layout,
		   struct trustack_orc_entry *e);

/*
 * The entries of every executable section of img from its rows: one where the entry changes
 * within a section (the first instruction always), a terminator at each section's end, gaps
 * UNDEFINED, _start END_OF_STACK. What ORC cannot express is reported through on_problem (if
 * not NULL) and becomes UNDEFINED. Returns 0 or -TRUSTACK_E_NOMEM.
 */
int ts_orc_build(const struct ts_image *img, const struct ts_rowmap *map, trustack_problem_fn on_problem,
		 void *ctx, struct ts_orc_table *out);
void ts_orc_table_free(struct ts_orc_table *t);

/*
 * Read img's .orc_unwind/.orc_unwind_ip: objects through the image (which applied the
 * relocations to its private copy of the allocated .orc_unwind_ip), linked files with each
 * slot relative to its own address (sh_addr + 4*i: 0 + 4*i for our non-allocated sections, the
 * real address for the kernel's allocated ones). Sorted by address, stable. Image addresses
 * in rows[i].addr; e.address/e.section are the reported ones. *n = 0 without ORC.
 */
int ts_orc_read(const struct ts_image *img, enum trustack_orc_layout layout, struct ts_orc_row **rows,
		size_t *n, enum trustack_orc_layout *detected, char *err, size_t errlen);

/* objtool --dump=orc's line for one entry (without newline); rel: print SECTION+OFF. */
char *ts_orc_format(const struct trustack_orc_entry *e, enum trustack_orc_layout layout, bool rel, char *buf,
		    size_t len);

#endif
