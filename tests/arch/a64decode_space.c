/*
 * a64decode_space - the decoder over a stretch of the whole 32-bit word space, checking what must
 * hold for every word (the oracle test checks meaning; this checks the model is well formed):
 *   - valid: length 4, a flow kind, every register in a uop, branch register, memory base/index
 *     and PAC register a machine register (0-31), the scratch register (32) or none; at most
 *     TS_INSN_MAX_UOPS - 1 uops (the decoder's bound is never reached); a direct target only with direct flow; pac_reg set exactly when a
 *     PAC flag is; the scratch register written before it is read;
 *   - invalid: length 0, TS_FLOW_INVALID, no uops;
 *   - the formatter writes a terminated string within its buffer (one word in 64, spread).
 * Run under ASan+UBSan it also shows the decoder is free of undefined behaviour on any input.
 *
 *   a64decode_space STRIDE [FIRST LAST]     words FIRST, FIRST+STRIDE, ... <= LAST (hex or decimal)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/decode.h"

static unsigned long bad;

static void fail(uint32_t w, const char *why)
{
	if (++bad <= 20)
		fprintf(stderr, "  %08x: %s\n", w, why);
}

static bool reg_ok(uint8_t r) { return r <= TS_A64_TMP || r == TS_REG_NONE; }

static void check(const struct ts_decoder *dec, uint32_t w)
{
	struct ts_insn in;
	uint8_t buf[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24) };
	uint64_t addr = 0x400000 + ((uint64_t)w & 0xfffc);
	unsigned len = ts_arch_aarch64.decode(dec, buf, 4, addr, &in);
	if (!len) {
		if (in.flow != TS_FLOW_INVALID || in.nuops || in.len)
			fail(w, "invalid word with a model");
	} else {
		if (len != 4 || in.len != 4 || in.flow == TS_FLOW_INVALID || in.flow > TS_FLOW_INVALID)
			fail(w, "valid word without length 4 or flow");
		if (in.nuops >= TS_INSN_MAX_UOPS) /* the most any form needs is 5: at 6 the decoder's
						     * bound may have hidden one */
			fail(w, "uops at the limit");
		bool tmp_written = false;
		for (unsigned k = 0; k < in.nuops && k < TS_INSN_MAX_UOPS; k++) {
			const struct ts_uop *u = &in.uops[k];
			if (!u->kind || u->kind > TS_UOP_ADDVL || !reg_ok(u->dst) || !reg_ok(u->src) ||
			    !reg_ok(u->mem.base) || !reg_ok(u->mem.index))
				fail(w, "uop with an unknown kind or register");
			bool reads_tmp = u->src == TS_A64_TMP || u->mem.base == TS_A64_TMP ||
					 u->mem.index == TS_A64_TMP ||
					 (u->dst == TS_A64_TMP && (u->kind == TS_UOP_ADD || u->kind == TS_UOP_SWAP));
			if (reads_tmp && !tmp_written)
				fail(w, "scratch register read before written");
			if (u->dst == TS_A64_TMP && u->kind != TS_UOP_STORE)
				tmp_written = true;
		}
		if (!reg_ok(in.treg) || !reg_ok(in.cmp_a) || !reg_ok(in.cmp_b) || in.treg == TS_A64_TMP)
			fail(w, "branch or compare register out of range");
		bool direct = in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC || in.flow == TS_FLOW_CALL;
		if (!direct && in.target)
			fail(w, "target without a direct branch");
		bool pacf = in.flags & (TS_IF_PAC_SIGN | TS_IF_PAC_AUTH | TS_IF_PAC_STRIP);
		if (pacf != (in.pac_reg != TS_REG_NONE) || (pacf && in.pac_reg > 30) ||
		    ((in.flags & (TS_IF_PAC_KEY_B | TS_IF_PAC_DATA)) && !pacf))
			fail(w, "PAC flags and register disagree");
		if ((in.flags & TS_IF_LINK) && in.flow != TS_FLOW_CALL && in.flow != TS_FLOW_CALL_IND)
			fail(w, "link without a call");
	}
	if ((w & 63) != (w >> 6 & 63)) /* the formatter on one word in 64 (it decodes again) */
		return;
	char text[96];
	memset(text, 'x', sizeof(text));
	ts_arch_aarch64.format(dec, buf, 4, addr, text, 40);
	if (!memchr(text, 0, 40) || text[40] != 'x')
		fail(w, "format overran or did not terminate");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: a64decode_space STRIDE [FIRST LAST]\n");
		return 2;
	}
	uint64_t stride = strtoull(argv[1], NULL, 0);
	uint64_t first = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	uint64_t last = argc > 3 ? strtoull(argv[3], NULL, 0) : 0xffffffffu;
	if (!stride || last > 0xffffffffu)
		return 2;
	struct ts_decoder *dec = ts_arch_aarch64.decoder_new();
	unsigned long n = 0;
	for (uint64_t w = first; w <= last; w += stride, n++)
		check(dec, (uint32_t)w);
	ts_arch_aarch64.decoder_free(dec);
	printf("%s a64decode/space: %lu words from %#" PRIx64 " by %" PRIu64 ", %lu malformed\n",
	       bad ? "FAIL" : "PASS", n, first, stride, bad);
	return bad ? 1 : 0;
}
