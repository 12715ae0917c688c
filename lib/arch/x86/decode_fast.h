/*
 * decode_fast.h - the commonest x86-64 instructions decoded straight from their bytes, before
 * Zydis is asked (decode_fast.c).
 */
#ifndef TS_X86_DECODE_FAST_H
#define TS_X86_DECODE_FAST_H

#include "arch/arch.h"

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
