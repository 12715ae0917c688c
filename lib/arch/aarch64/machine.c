/*
 * machine.c - the facts of arm64's descriptor (decode.c, ts_arch_aarch64) that are not about
 * decoding: the direct call before a point (for noreturn evidence) and the landing-pad nop.
 */
#include <string.h>

#include "arch/aarch64/decode.h"

/* `bl imm26` ending right before end: as on x86-64, compilers put nothing after a call that never
 * returns, so functions that end with a call to the same target are evidence it does not. */
bool ts_a64_call_before(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target)
{
	uint32_t w;
	if (before < 4)
		return false;
	memcpy(&w, end - 4, 4); /* little-endian host and target */
	if ((w & 0xfc000000u) != 0x94000000u)
		return false;
	int64_t off = (int64_t)((uint64_t)(w & 0x3ffffffu) << 38) >> 36; /* imm26 * 4, signed */
	*target = end_addr - 4 + (uint64_t)off;
	return true;
}

/* `nop` (hint #0): gcc pads a .cold part that starts with a landing pad with it */
const uint8_t ts_a64_nop[4] = { 0x1f, 0x20, 0x03, 0xd5 };
