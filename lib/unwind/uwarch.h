/*
 * uwarch.h - what the unwinder needs to know about an architecture, and nothing else: register
 * numbers, the shape of an intact frame-pointer frame, whether the bytes before a return address
 * end with a call instruction, the signal trampoline's bytes and where the kernel's signal frame
 * keeps the interrupted registers. The walk (walk.c) is written against this only, so arm64 is
 * one more instance (arch_arm64.c) beside arch_x86.c.
 */
#ifndef TS_UWARCH_H
#define TS_UWARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "trustack.h"

/* One interrupted register in the signal frame: its value is at trampoline sp + off. */
struct ts_uw_sigreg {
	uint8_t reg;   /* DWARF number; the arch's ra column means "the interrupted pc" */
	uint16_t off;
};

struct ts_uw_arch {
	uint16_t machine;            /* ELF e_machine */
	uint8_t sp, fp, ra;          /* DWARF numbers of the stack pointer, frame pointer, and the
				      * return-address column */
	struct trustack_row frame;   /* the row of an intact frame-pointer frame */
	uint32_t csr;                /* the callee-saved registers a row's saves describe (struct
				      * ts_urow: all but sp, fp and ra; DWARF numbers < 32) */
	unsigned call_window;        /* bytes before a return address after_call() looks at */
	/* b holds the call_window bytes that end right before a return address */
	bool (*after_call)(const uint8_t *b);
	/* the most common call form, checked inline before after_call(): the byte call_fast_byte
	 * call_fast_back bytes before the return address (0: none) */
	uint8_t call_fast_byte, call_fast_back;
	unsigned sigret_len;         /* bytes of the signal trampoline (<= 16) */
	const uint8_t *sigret;       /* the trampoline's bytes, at its pc */
	const struct ts_uw_sigreg *sigregs;
	unsigned nsigregs;
};

/* The architecture for ELF machine m, or NULL. */
const struct ts_uw_arch *ts_uw_arch_for(uint16_t machine);

/* The architecture this library was built for (the in-process face), or NULL. */
const struct ts_uw_arch *ts_uw_arch_native(void);

#endif
