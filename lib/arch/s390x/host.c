/*
 * host.c - s390x as the machine this library runs on: a stopped thread's registers through
 * ptrace (PTRACE_GETREGSET NT_PRSTATUS: s390_regs), a signal frame's (ucontext_t), both into the
 * DWARF numbering (r0-r15 = 0-15; the pc is the PSW's address). Compiled to nothing elsewhere.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <string.h>

#include "arch/s390x/uw.h"

#if defined(__s390x__)
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <ucontext.h>

/* the rt signal frame's offsets (uw.h) are those of this C library's siginfo_t and ucontext_t */
_Static_assert(sizeof(siginfo_t) == 128 && TS_S390X_RT_UC == 168 + sizeof(siginfo_t) &&
		       offsetof(ucontext_t, uc_mcontext) == TS_S390X_UC_MCTX,
	       "rt signal frame layout");
_Static_assert(TS_S390X_RT_GPR(0) == TS_S390X_RT_UC + offsetof(ucontext_t, uc_mcontext.gregs) &&
		       TS_S390X_RT_PSW_ADDR == TS_S390X_RT_UC + offsetof(ucontext_t, uc_mcontext.psw.addr),
	       "_sigregs layout");

_Static_assert(TS_S390X_RT_FPR(0) == TS_S390X_RT_UC + offsetof(ucontext_t, uc_mcontext.fpregs.fprs),
	       "_sigregs' floating-point registers");

/* g: the general registers; f: the 16 FPRs (their bits) or NULL */
static void regs_from(const unsigned long *g, const uint64_t *f, uint64_t pc, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = 22; /* EM_S390 */
	r->nregs = 16;
	for (int i = 0; i < 16; i++)
		r->r[i] = g[i];
	if (f) {
		/* every register below nregs counts as valid: the FPRs (DWARF 16-31) too */
		for (unsigned n = 0; n < 16; n++)
			r->r[TS_S390X_FPR_DWARF(n)] = f[n];
		r->nregs = 32;
	}
	r->pc = pc, r->sp = g[TS_S390X_R15], r->fp = g[TS_S390X_R11];
}

static int s390x_ptrace_regs(int tid, struct trustack_regs *r)
{
	struct _user_regs_struct u;
	struct iovec iov = { &u, sizeof(u) };
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	regs_from(u.gprs, NULL, u.psw.addr, r);
	return 0;
}

static void s390x_ucontext_regs(const void *ucontext, struct trustack_regs *regs)
{
	const ucontext_t *uc = ucontext;
	uint64_t f[16];
	memcpy(f, uc->uc_mcontext.fpregs.fprs, sizeof(f));
	regs_from(uc->uc_mcontext.gregs, f, uc->uc_mcontext.psw.addr, regs);
}

const struct ts_arch_host ts_s390x_host = {
	.ptrace_regs = s390x_ptrace_regs,
	.ucontext_regs = s390x_ucontext_regs,
	/* the handler returns with r15 at its rt_sigframe: the save area, the trampoline, siginfo,
	 * then the ucontext */
	.sigframe_uc_off = TS_S390X_RT_UC,
	.pac_mask_self = NULL,
};
#endif
