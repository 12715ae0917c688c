/*
 * decode_fast.h - the commonest x86-64 instructions decoded straight from their bytes, before
 * Zydis is asked (decode_fast.c).
 */
#ifndef TS_X86_DECODE_FAST_H
#define TS_X86_DECODE_FAST_H

#include <string.h>

#include "arch/arch.h"

/* Append a micro-op to o: both decoders build struct ts_insn the same way, so the fast path's
 * result can be compared with Zydis' field by field. */
static inline struct ts_uop *uop(struct ts_insn *o, uint8_t kind, uint8_t dst, uint8_t src, int64_t imm)
{
	struct ts_uop *u = &o->uops[o->nuops++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->dst = dst;
	u->src = src;
	u->imm = imm;
	u->mem.base = u->mem.index = TS_REG_NONE;
	return u;
}

/*
 * Decode the instruction at buf (len bytes readable) at addr into o, exactly as x86_decode
 * would through Zydis, when it is one of the forms handled here. o's fields before uops must be
 * initialised as x86_decode does (zero, treg and tmem registers TS_REG_NONE, addr). Returns
 * the length, or 0 for any other instruction: then o may have been written to and must be
 * initialised again.
 */
unsigned ts_x86_decode_fast(const uint8_t *buf, size_t len, uint64_t addr, struct ts_insn *o);

/* A decoder that never takes the fast path: the reference the fast path is tested against
 * (tests/speed/fastdecode_check.c). */
struct ts_decoder *ts_x86_decoder_new_zydis_only(void);

#endif
