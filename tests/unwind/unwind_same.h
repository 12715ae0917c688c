/* unwind_same.h - the fast path against the full path (unwind_same.c), for unwind_test.c. */
#ifndef UNWIND_SAME_H
#define UNWIND_SAME_H

#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

/* fast: the unwinder under test; full: the same modules with no_memo. */
void same_init(struct trustack_unwinder *fast, struct trustack_unwinder *full);
/* Unwind the caller in mode (as trustack_unwind_self does) with both unwinders into frame
 * records and with fast into pcs only, and compare. */
void same_self(int mode, size_t max, uint64_t lo, uint64_t hi);
/* The same from a register set (start may be NULL). */
void same_regs(const char *how, int mode, const struct trustack_regs *regs, const struct trustack_unwind_start *st,
	       size_t max);
/* Switch both unwinders' memory reads (NULL: direct loads again). */
void same_set_read_mem(trustack_read_fn fn, void *ctx);
/* Print the INFO and PASS/FAIL lines; returns 1 on a difference or when nothing was compared. */
int same_report(const char *variant);

#endif
