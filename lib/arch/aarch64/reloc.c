/*
 * AArch64 relocations of relocatable objects (ELF for the Arm 64-bit Architecture), for the
 * objects the analysis links in memory (lib/elf/image.c): ts_arch_aarch64.apply_reloc and
 * reloc_uses_got. Checked against GNU ld by tests/arch/suite_a64decode.sh (docs/arm64.md).
 */
#include <string.h>

#include "arch/aarch64/decode.h"

static uint64_t page_of(uint64_t a) { return a & ~0xfffull; }

/* Put v (already shifted) into the bits hi..lo of the instruction at loc. */
static void insert(uint8_t *loc, uint64_t v, unsigned hi, unsigned lo)
{
	uint32_t w, m = (uint32_t)(((1ull << (hi - lo + 1)) - 1) << lo);
	memcpy(&w, loc, 4); /* little-endian host and target */
	w = (w & ~m) | ((uint32_t)(v << lo) & m);
	memcpy(loc, &w, 4);
}

/* adr/adrp immediate: 21 bits, immlo 30:29, immhi 23:5. */
static void insert_adr(uint8_t *loc, uint64_t v)
{
	insert(loc, v & 3, 30, 29);
	insert(loc, (v >> 2) & 0x7ffff, 23, 5);
}

/* Does the signed value v fit in nbits? (a branch out of range keeps its bytes: docs/arm64.md) */
static bool fits(int64_t v, unsigned nbits)
{
	return v >= -(1ll << (nbits - 1)) && v < (1ll << (nbits - 1));
}

int ts_a64_apply_reloc(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S, int64_t A,
			   uint64_t got)
{
	uint64_t X = S + (uint64_t)A;
	unsigned size = 0;
	uint64_t data = 0;
	if (type == 0)
		return 1;
	if (type >= 257 && type <= 262) { /* data: ABS64/32/16, PREL64/32/16 */
		static const uint8_t sizes[] = { 8, 4, 2, 8, 4, 2 };
		size = sizes[type - 257];
		data = type >= 260 ? X - P : X;
		if (room < size)
			return -1;
		memcpy(loc, &data, size);
		return 0;
	}
	if (room < 4)
		return -1;
	switch (type) {
	case 263: case 264: case 265: case 266: case 267: case 268: case 269: /* MOVW_UABS_G0..G3 */
		insert(loc, (X >> (16 * ((type - 263) / 2))) & 0xffff, 20, 5);
		return 0;
	case 273: /* LD_PREL_LO19 */
	case 280: /* CONDBR19 */
		if (!fits((int64_t)(X - P), 21))
			return -1;
		insert(loc, ((X - P) >> 2) & 0x7ffff, 23, 5);
		return 0;
	case 274: /* ADR_PREL_LO21 */
		insert_adr(loc, X - P);
		return 0;
	case 275: case 276: /* ADR_PREL_PG_HI21, _NC */
		insert_adr(loc, (page_of(X) - page_of(P)) >> 12);
		return 0;
	case 277: case 278: /* ADD_ABS_LO12_NC, LDST8_ABS_LO12_NC */
		insert(loc, X & 0xfff, 21, 10);
		return 0;
	case 284: case 285: case 286: case 299: { /* LDST16/32/64/128_ABS_LO12_NC */
		unsigned shift = type == 299 ? 4 : type - 283;
		insert(loc, (X & 0xfff) >> shift, 21, 10);
		return 0;
	}
	case 279: /* TSTBR14 */
		if (!fits((int64_t)(X - P), 16))
			return -1;
		insert(loc, ((X - P) >> 2) & 0x3fff, 18, 5);
		return 0;
	case 282: case 283: /* JUMP26, CALL26 */
		if (!fits((int64_t)(X - P), 28))
			return -1;
		insert(loc, ((X - P) >> 2) & 0x3ffffff, 25, 0);
		return 0;
	case 309: /* GOT_LD_PREL19: the slot's address */
		insert(loc, ((got - P) >> 2) & 0x7ffff, 23, 5);
		return 0;
	case 311: /* ADR_GOT_PAGE */
		insert_adr(loc, (page_of(got) - page_of(P)) >> 12);
		return 0;
	case 312: /* LD64_GOT_LO12_NC */
		insert(loc, (got & 0xff8) >> 3, 21, 10);
		return 0;
	default:
		/* TLS (512-573), signed MOVW, GOT-relative to the GOT's base, PLT32: not control flow
		 * or not in compiler output for userspace; the bytes stay as assembled */
		return (type >= 512 && type <= 573) || (type >= 270 && type <= 272) || type == 313 ||
		       type == 314 || type == 315 ? 1 : -1;
	}
}

bool ts_a64_reloc_uses_got(uint32_t type)
{
	return type == 309 || type == 311 || type == 312;
}
