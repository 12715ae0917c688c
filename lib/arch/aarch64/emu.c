/*
 * emu.c - arm64 under QEMU's user mode (qemu-aarch64), for single-stepping a program through
 * QEMU's gdbstub on any host (lib/proc/emustep.c): the `g` packet's layout, the signal frame
 * QEMU builds, and the PAC field of code addresses there.
 */
#include <stdbool.h>
#include <string.h>

#include "arch/aarch64/decode.h"
#include "arch/aarch64/uw.h"

/* a little-endian word of the target, on any host */
static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* QEMU's aarch64-core.xml: x0-x30, sp, pc (8 bytes each), then cpsr (4 bytes) */
static void a64_g_regs(const uint8_t *g, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = 183; /* EM_AARCH64 */
	r->nregs = 32;
	for (int i = 0; i < 32; i++)
		r->r[i] = le64(g + 8 * i); /* x0-x30, then sp: DWARF 31 */
	r->sp = r->r[TS_A64_SP];
	r->fp = r->r[TS_A64_FP];
	r->pc = le64(g + 8 * 32);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Load/store exclusive (LDXR/LDAXR/STXR/STLXR and their byte, halfword and pair forms): o2 (bit
 * 23) clear; CASP shares the class with o1 set, size bit 31 clear and Rt2 all ones. */
static bool exclusive(uint32_t w, bool load)
{
	if ((w & 0x3fc00000) != (load ? 0x08400000u : 0x08000000u))
		return false;
	bool casp = (w & 0x80207c00) == 0x00207c00;
	return !casp;
}

/* A conditional branch's target (B.cond, CBZ/CBNZ, TBZ/TBNZ); false for other instructions. */
static bool cond_branch(uint32_t w, uint64_t pc, uint64_t *to)
{
	int64_t off;
	if ((w & 0xff000010) == 0x54000000 || (w & 0x7e000000) == 0x34000000)
		off = (int64_t)((int32_t)(w << 8) >> 13) * 4; /* imm19 at bits 5-23 */
	else if ((w & 0x7e000000) == 0x36000000)
		off = (int64_t)((int32_t)(w << 13) >> 18) * 4; /* imm14 at bits 5-18 */
	else
		return false;
	*to = pc + (uint64_t)off;
	return true;
}

/* Anything else that leaves the straight line: B, BL, BR/BLR/RET (and their PAC forms), SVC,
 * BRK, HLT, ERET - no exclusive sequence contains one (we then leave it to stepping). */
static bool other_flow(uint32_t w)
{
	return (w & 0x7c000000) == 0x14000000 || /* B, BL */
	       (w & 0xfe000000) == 0xd6000000 || /* branch to register */
	       (w & 0xff000000) == 0xd4000000;   /* exception generation */
}

/*
 * As gdb steps arm64 atomics: from a load-exclusive at pc, up to 16 instructions to its
 * store-exclusive; the exits are the instruction after the store and every conditional
 * branch's target outside the sequence (the comparison that gives up before the store).
 */
static size_t a64_atomic_exits(const uint8_t *code, size_t len, uint64_t pc, uint64_t *exits, size_t max)
{
	enum { LIMIT = 16 };
	if (len < 4 || !max || !exclusive(le32(code), true))
		return 0;
	size_t n = 0;
	for (size_t i = 1; i < LIMIT && 4 * i + 4 <= len; i++) {
		uint32_t w = le32(code + 4 * i);
		uint64_t at = pc + 4 * i, to;
		if (exclusive(w, true) || other_flow(w))
			return 0;
		if (exclusive(w, false)) {
			for (size_t k = 0; k < n; k++)
				if (exits[k] >= pc && exits[k] <= at) /* a branch inside: not an exit */
					exits[k] = exits[--n], k--;
			exits[n++] = at + 4;
			return n;
		}
		if (cond_branch(w, at, &to)) {
			if (n + 1 >= max)
				return 0;
			exits[n++] = to;
		}
	}
	return 0;
}

const struct ts_arch_emu ts_a64_emu = {
	.qemu = "qemu-aarch64",
	/* -cpu max: PAC and BTI enforced as on hardware that has them; QARMA, QEMU's default
	 * PAC algorithm, is 10x slower than its own (docs/unwind.md, "arm64") */
	.cpu = "max,pauth-impdef=on",
	.sysroot = "/usr/aarch64-linux-gnu",
	.sysroot_probe = "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1",
	.qemu_package = "qemu-user",
	.sysroot_package = "libc6-arm64-cross (or libc6-dev-arm64-cross, with gcc-aarch64-linux-gnu)",
	.g_size = 8 * 33 + 4,
	.g_regs = a64_g_regs,
	/* QEMU's user mode gives the guest a 48-bit address space (TARGET_VIRT_ADDR_SPACE_BITS)
	 * with the top byte ignored: the PAC field is bits 48-54, what xpaclri clears there (the
	 * in-process suite measures it under the same QEMU: tests/unwind/suite_a64self.sh) */
	.pac_mask = ((1ull << 55) - 1) & ~((1ull << 48) - 1),
	.call_len = 4,
	.ra_reg = TS_A64_LR,
	.sig_sp_off = TS_A64_SIG_XREG(31),
	.sig_pc_off = TS_A64_SIG_XREG(32),
	.sig_stack_off = TS_A64_SIG_UC + 16, /* after uc_flags and uc_link */
	.sig_align = 16,
	.atomic_exits = a64_atomic_exits,
};
