/*
 * x86.h - the parts of the x86-64 descriptor (machine.c) defined in the other files of this
 * folder.
 */
#ifndef TS_X86_H
#define TS_X86_H

#include "arch/arch.h"

extern const struct ts_arch ts_arch_x86_64;
extern const struct ts_uw_arch ts_x86_uw;
extern const struct ts_arch_orc ts_x86_orc;
extern const struct ts_arch_perf ts_x86_perf; /* perf.c */
/* core.c: the registers of a core file's NT_PRSTATUS */
extern const struct ts_arch_core ts_x86_core;
/* host.c: only when this library is built for x86-64 */
extern const struct ts_arch_host ts_x86_host;

/* decode.c: the decoder on Zydis (and decode_fast.c before it); reloc.c: the relocations */
struct ts_decoder *ts_x86_decoder_new(void);
void ts_x86_decoder_free(struct ts_decoder *d);
unsigned ts_x86_decode(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
		       struct ts_insn *out);
unsigned ts_x86_length(const struct ts_decoder *d, const uint8_t *buf, size_t len, unsigned *scan);
void ts_x86_address_candidates(const uint8_t *code, size_t n, uint64_t addr,
			       bool (*fn)(void *ctx, uint64_t address), void *ctx);
void ts_x86_format(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr, char *out,
		   size_t outlen);
const char *ts_x86_reg_name(unsigned reg);
int ts_x86_apply_reloc(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S, int64_t A,
		       uint64_t GOT_slot);
bool ts_x86_reloc_uses_got(uint32_t type);
bool ts_x86_skippable_prefixes(const uint8_t *p, unsigned n);

#endif
