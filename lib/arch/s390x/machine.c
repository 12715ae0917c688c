/*
 * machine.c - s390x (EM_S390, 64-bit, big-endian): the descriptor. What the ELF layer needs to
 * read its files (byte order, relocation classes and how the common relocations apply), the
 * ABI's register roles and call model, and the decoder's hooks (decode.c). The ABI facts are
 * those of the s390x ELF ABI supplement: r15 is the stack pointer, r11 the frame pointer gcc
 * uses, r14 receives the return address (brasl, basr), r6-r13 and r15 are preserved by a call,
 * and a caller leaves a 160-byte register save area above the callee's stack pointer: at entry
 * the CFA is r15 + 160, and `stmg %r6,%r15,48(%r15)` saves into the caller's area.
 */
#include <elf.h>

#include "arch/s390x/decode.h"
#include "arch/s390x/s390x.h"
#include "arch/s390x/uw.h"

enum { S390X_R11 = 11, S390X_R14 = 14, S390X_R15 = 15, S390X_NREGS = TS_S390X_NREGS };
#define R(n) (1ull << (n))

static void store_be(uint8_t *loc, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		loc[i] = (uint8_t)(v >> 8 * (size - 1 - i));
}

/* The relocations of code and data that give addresses; everything else (TLS, GOT forms the
 * ELF layer does not build a GOT for yet) is left as it is. */
static int s390x_apply_reloc(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S, int64_t A,
			     uint64_t got)
{
	(void)got;
	uint64_t v;
	unsigned size;
	switch (type) {
	case R_390_NONE:
		return 1;
	case R_390_64:
		v = S + A, size = 8;
		break;
	case R_390_32:
		v = S + A, size = 4;
		break;
	case R_390_PC32:
		v = S + A - P, size = 4;
		break;
	case R_390_PC64:
		v = S + A - P, size = 8;
		break;
	case R_390_PC32DBL: /* brasl, larl: halfwords */
	case R_390_PLT32DBL:
		v = (S + A - P) >> 1, size = 4;
		break;
	default:
		return 1;
	}
	if (room < size)
		return -1;
	store_be(loc, v, size);
	return 0;
}

static bool s390x_reloc_uses_got(uint32_t type)
{
	(void)type;
	return false;
}

const struct ts_arch ts_arch_s390x = {
	.name = "s390x",
	.e_machine = EM_S390,
	.big_endian = true,
	.analysed = true,
	.nregs = S390X_NREGS,
	.sp = S390X_R15,
	.fp = S390X_R11,
	.ra = S390X_R14,
	.call_ra = TS_CALL_LINK_REG,
	.ra_size = 8,
	.ra_in_reg = true,
	.entry_sp_offset = -160,
	.red_zone = 0,
	.callee_saved = R(6) | R(7) | R(8) | R(9) | R(10) | R(11) | R(12) | R(13),
	/* and f0-f7 (DWARF 16-23): gcc keeps general registers there in leaf functions only */
	.call_clobbered = R(0) | R(1) | R(2) | R(3) | R(4) | R(5) | R(14) | 0xff0000ull,
	.backchain = true,
	.reloc = {
		[TS_RELOC_ABS64] = R_390_64,
		[TS_RELOC_PC32] = R_390_PC32,
		[TS_RELOC_PC64] = R_390_PC64,
		[TS_RELOC_RELATIVE] = R_390_RELATIVE,
		[TS_RELOC_GLOB_DAT] = R_390_GLOB_DAT,
		[TS_RELOC_JUMP_SLOT] = R_390_JMP_SLOT,
	},
	.sframe_abi = 4, /* SFRAME_ABI_S390X_ENDIAN_BIG */
	/* ld's lazy PLT: PLT0 (`stg %r1,56(%r15); larl %r1,GOT; mvc 48(8,%r15),8(%r1); lg
	 * %r1,16(%r1); br %r1`) is entered by PLTn's `jg` with r15 untouched, as the callee would
	 * be: CFA = r15 + 160; PLTn (`larl; lg; br %r1; basr %r1,0; lgf %r1,12(%r1); jg PLT0`)
	 * ends with the 4-byte offset of its relocation. r14 holds the return address throughout. */
	/* glibc's s390x CFI marks the outermost frames with `DW_CFA_undefined r14` (and zeroes the
	 * back chain there): _start, clone's child (fde@0x10749e in Debian's libc), makecontext's
	 * start trampoline (fde@0x57e40) */
	.cfi_marks_outermost = true,
	.plt0_size = 32,
	.plt0_cfa = 160,
	.pltn_size = 32,
	.pltn_data = 4,
	.uw = &ts_s390x_uw, /* unwind.c: the back chain, the signal frames */
	.emu = &ts_s390x_emu, /* emu.c: single-stepped under qemu-s390x */
#if defined(__s390x__)
	.host = &ts_s390x_host, /* host.c */
#endif
	.apply_reloc = s390x_apply_reloc,
	.reloc_uses_got = s390x_reloc_uses_got,
	.decoder_new = ts_s390x_decoder_new,
	.decoder_free = ts_s390x_decoder_free,
	.decode = ts_s390x_decode_hook,
	.format = ts_s390x_format,
	.reg_name = ts_s390x_reg_name,
	.call_before = ts_s390x_call_before,
};
#undef R
