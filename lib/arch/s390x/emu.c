/*
 * emu.c - s390x under QEMU's user mode (qemu-s390x), for single-stepping a program through
 * QEMU's gdbstub on any host (lib/proc/emustep.c): the `g` packet's layout, the FPRs beside it,
 * and the two signal frames QEMU builds (uw.h).
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

/*
 * The FPRs: gcc keeps general registers there in leaf functions (`ldgr %f2,%r11`, glibc's too),
 * so a row may say "r11 is in f2" (uw.h). QEMU's gdbstub numbers them after the core (0-17) and
 * the access registers (18-33): fpc 34, f0-f15 35-50 (`qXfer:features:read:target.xml`,
 * measured with 7.2).
 */
#define FPR_P(n) (35 + (n))
static const uint8_t fpr_p[16] = { FPR_P(0), FPR_P(1), FPR_P(2),  FPR_P(3),  FPR_P(4),  FPR_P(5),  FPR_P(6),  FPR_P(7),
				   FPR_P(8), FPR_P(9), FPR_P(10), FPR_P(11), FPR_P(12), FPR_P(13), FPR_P(14), FPR_P(15) };
#define FPR_D(n) TS_S390X_FPR_DWARF(n)
static const uint8_t fpr_dwarf[16] = { FPR_D(0), FPR_D(1), FPR_D(2),  FPR_D(3),  FPR_D(4),  FPR_D(5),  FPR_D(6),  FPR_D(7),
				       FPR_D(8), FPR_D(9), FPR_D(10), FPR_D(11), FPR_D(12), FPR_D(13), FPR_D(14), FPR_D(15) };

/*
 * May the instruction write an FPR? By its first opcode byte, erring towards yes (a yes costs a
 * read of the 16 at the next point; a wrong no would hand the unwinder a stale r11): the
 * floating-point formats (RR 0x20-0x3f, RX 0x60-0x7f, 0xb3, 0xed), the vector ones (0xe6,
 * 0xe7: f0-f15 are the vector registers' left halves), execute (0x44 ex, 0xc6.0 exrl: it runs
 * another instruction) and svc (0x0a: sigreturn restores them).
 */
static bool s390x_fpr_written(const uint8_t *insn, size_t n)
{
	if (n < 2)
		return true;
	uint8_t op = insn[0];
	return op == 0x0a || (op >= 0x20 && op <= 0x3f) || op == 0x44 || (op >= 0x60 && op <= 0x7f) || op == 0xb3 ||
	       op == 0xed || op == 0xe6 || op == 0xe7 || (op == 0xc6 && (insn[1] & 0x0f) == 0);
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
	.nextra = 16,
	.extra_p = fpr_p,
	.extra_dwarf = fpr_dwarf,
	.extra_written = s390x_fpr_written,
};
