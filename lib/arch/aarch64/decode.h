/*
 * decode.h - the AArch64 (A64) decoder of our own (decode.c): one 32-bit word -> struct ts_insn.
 *
 * Registers are DWARF-numbered as in the AAPCS64 DWARF supplement: x0-x30 = 0-30 (x29 the frame
 * pointer, x30 the link register), sp = 31. Register 32 is a scratch register private to one
 * instruction (an extended index or shifted operand computed before its use).
 */
#ifndef TS_AARCH64_DECODE_H
#define TS_AARCH64_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

enum { TS_A64_FP = 29, TS_A64_LR = 30, TS_A64_SP = 31, TS_A64_TMP = 32 };

/*
 * Decode the instruction word w at addr into o. Returns false when w is not a valid A64
 * instruction (o->flow is then TS_FLOW_INVALID). When mnemonic is not NULL it receives a short
 * name of the instruction's form (e.g. "ldp", "paciasp"), for the formatter and the tests.
 */
bool ts_a64_decode_word(uint32_t w, uint64_t addr, struct ts_insn *o, const char **mnemonic);

/* Relocations (reloc.c): as ts_arch.apply_reloc and ts_arch.reloc_uses_got (arch.h). */
int ts_a64_apply_reloc(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S, int64_t A,
		       uint64_t got);
bool ts_a64_reloc_uses_got(uint32_t type);
/* machine.c */
bool ts_a64_call_before(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target);
extern const uint8_t ts_a64_nop[4];

/* The arm64 descriptor, for the registry (lib/arch/arch.c). Not yet .analysed. */
extern const struct ts_arch ts_arch_aarch64;

#endif
