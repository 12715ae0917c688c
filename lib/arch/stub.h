/* stub.h - following a PLT stub to its GOT slot on the decoder's uops (stub.c) */
#ifndef TS_ARCH_STUB_H
#define TS_ARCH_STUB_H

#include "arch/arch.h"

enum { TS_STUB_UNKNOWN = 0, TS_STUB_CONST, TS_STUB_SLOT };

/* What each register holds since the stub's start: a constant address, or the value loaded
 * from the slot at val. */
struct ts_stub {
	uint8_t kind[TS_MAX_REGS];
	uint64_t val[TS_MAX_REGS];
};

void ts_stub_reset(struct ts_stub *t);
/* Step over in; for an indirect jump, the GOT slot it goes through (0: none known). */
uint64_t ts_stub_step(struct ts_stub *t, const struct ts_insn *in);

#endif
