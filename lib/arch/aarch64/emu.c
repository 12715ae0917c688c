/*
 * emu.c - arm64 under QEMU's user mode (qemu-aarch64), for single-stepping a program through
 * QEMU's gdbstub on any host (lib/proc/emustep.c): the `g` packet's layout, the signal frame
 * QEMU builds, and the PAC field of code addresses there.
 */
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
};
