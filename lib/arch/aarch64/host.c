/*
 * host.c - arm64 as the machine this library runs on: a stopped thread's registers through ptrace
 * (struct user_regs_struct), a signal frame's (ucontext_t), both into the DWARF numbering (x0-x30 =
 * 0-30, sp = 31), and the PAC bits of code addresses in this process. Compiled to nothing
 * elsewhere.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <string.h>

#include "arch/aarch64/decode.h"
#include "arch/aarch64/uw.h"

#if defined(__aarch64__)
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <ucontext.h>

/* the signal frame's offsets (uw.h) are those of this C library's siginfo_t and ucontext_t */
_Static_assert(sizeof(siginfo_t) == TS_A64_SIG_UC && offsetof(ucontext_t, uc_mcontext) == TS_A64_UC_MCTX,
	       "signal frame layout");
_Static_assert(TS_A64_SIG_XREG(0) == TS_A64_SIG_UC + offsetof(ucontext_t, uc_mcontext.regs) &&
		       TS_A64_SIG_XREG(31) == TS_A64_SIG_UC + offsetof(ucontext_t, uc_mcontext.sp) &&
		       TS_A64_SIG_XREG(32) == TS_A64_SIG_UC + offsetof(ucontext_t, uc_mcontext.pc),
	       "sigcontext layout");

static void regs_from(const uint64_t *x, uint64_t sp, uint64_t pc, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = 183; /* EM_AARCH64 */
	r->nregs = 32;
	for (int i = 0; i < 31; i++)
		r->r[i] = x[i];
	r->r[TS_A64_SP] = sp;
	r->pc = pc, r->sp = sp, r->fp = x[TS_A64_FP];
}

static int a64_ptrace_regs(int tid, struct trustack_regs *r)
{
	struct user_regs_struct u;
	struct iovec iov = { &u, sizeof(u) };
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	regs_from((const uint64_t *)u.regs, u.sp, u.pc, r);
	return 0;
}

static void a64_ucontext_regs(const void *ucontext, struct trustack_regs *regs)
{
	const ucontext_t *uc = ucontext;
	regs_from((const uint64_t *)uc->uc_mcontext.regs, uc->uc_mcontext.sp, uc->uc_mcontext.pc, regs);
}

/*
 * What xpaclri clears from a code address in this process: run it on x30 holding a user address
 * with every bit below 55 set. The hardware strips the PAC field, whose low end is the
 * address-space size the kernel configured (48 or 52 bits; QEMU's user mode has its own); bit 55
 * (0: a user address) is copied over it. Without FEAT_PAuth xpaclri is a NOP (HINT space) and
 * nothing is cleared: return addresses are never signed there.
 */
static uint64_t a64_pac_mask_self(void)
{
	const uint64_t all = (1ull << 55) - 1;
	register uint64_t lr __asm__("x30") = all;
	__asm__ volatile("hint #7" /* xpaclri */ : "+r"(lr));
	return all & ~lr;
}

const struct ts_arch_host ts_a64_host = {
	.ptrace_regs = a64_ptrace_regs,
	.ucontext_regs = a64_ucontext_regs,
	/* the handler returns with sp at its rt_sigframe: siginfo, then the ucontext */
	.sigframe_uc_off = TS_A64_SIG_UC,
	.pac_mask_self = a64_pac_mask_self,
};
#endif
