/*
 * emu.c - s390x under QEMU's user mode (qemu-s390x), for single-stepping a program through
 * QEMU's gdbstub on any host (lib/proc/emustep.c): the `g` packet's layout and the two signal
 * frames QEMU builds (uw.h).
 */
#include <string.h>

#include "arch/s390x/uw.h"

/* a big-endian word of the target, on any host */
static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * QEMU's s390x-core64.xml, the only feature in the `g` reply (the access, floating-point and
 * vector registers are `p`-only): pswm, pswa (the pc), r0-r15, 8 bytes each, big-endian. r0-r15
 * are DWARF 0-15 (the unwinder's numbering, host.c's).
 */
static void s390x_g_regs(const uint8_t *g, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = 22; /* EM_S390 */
	r->nregs = 16;
	r->pc = be64(g + 8);
	for (int i = 0; i < 16; i++)
		r->r[i] = be64(g + 16 + 8 * i);
	r->sp = r->r[TS_S390X_R15];
	r->fp = r->r[TS_S390X_R11];
}

const struct ts_arch_emu ts_s390x_emu = {
	.qemu = "qemu-s390x",
	.cpu = NULL, /* QEMU's default ("qemu", z13-like with vector registers: Debian's z196 baseline runs) */
	.sysroot = "/usr/s390x-linux-gnu",
	.sysroot_probe = "/usr/s390x-linux-gnu/lib/ld64.so.1",
	.qemu_package = "qemu-user",
	.sysroot_package = "libc6-s390x-cross (or libc6-dev-s390x-cross, with gcc-s390x-linux-gnu)",
	.g_size = 8 * 18,
	.g_regs = s390x_g_regs,
	.pac_mask = 0,
	/* calls are 2 (basr), 4 (bras, bas) or 6 (brasl) bytes: the step takes the decoder's
	 * length; call_len is the fixed-size machines' */
	.call_len = 0,
	.ra_reg = TS_S390X_R14,
	/* the handler starts with r15 at the frame: rt_sigframe (SA_SIGINFO) with the ucontext's
	 * _sigregs, and uc_stack after uc_flags and uc_link */
	.sig_sp_off = TS_S390X_RT_GPR(15),
	.sig_pc_off = TS_S390X_RT_PSW_ADDR,
	.sig_stack_off = TS_S390X_RT_UC + 16,
	.sig_align = 8,
	/* the older sigframe (no SA_SIGINFO: returns through `svc 119`): _sigregs at 176, no
	 * uc_stack */
	.sig2_sp_off = TS_S390X_GPR(15),
	.sig2_pc_off = TS_S390X_PSW_ADDR,
};
