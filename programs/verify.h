/*
 * verify.h - pieces of `trustack verify-unwind` (cmd_verify_unwind.c) kept in files of their own:
 * where unreliable traces were lost, summed by module and function (verify_where.c).
 */
#ifndef TS_VERIFY_H
#define TS_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trustack.h"

/* One pc at which traces were lost (the frame whose caller could not be trusted). */
struct vw_lost {
	uint64_t pc, n; /* run-time pc; 0 n = empty slot */
	uint8_t verdict;
	bool ra;        /* pc is a return address: the function is the one holding pc - 1 */
};

/* Count a trace lost at pc in an open-addressed table of nslots (a power of two); a full table
 * drops the count (the report then undercounts, which -v says nothing about: 1024 slots have
 * been plenty). */
void vw_count(struct vw_lost *t, size_t nslots, uint64_t pc, bool ra, uint8_t verdict);

/*
 * Print the top functions (module, function, the pc that lost most, its verdict) of the table:
 * text lines "  COUNT  MODULE FUNCTION (+0xADDR VERDICT)" under a heading for mode, or with json a
 * JSON array of {"module","function","address","count","verdict"}. Modules and their symbols
 * are those of uw. Returns how many points the table holds.
 */
uint64_t vw_report(const struct trustack_unwinder *uw, const struct vw_lost *t, size_t nslots, unsigned top,
		   bool json, FILE *f);

#endif
