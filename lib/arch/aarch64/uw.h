/*
 * uw.h - arm64's run-time facts shared by the files of this folder: the unwinder's instance
 * (unwind.c), the host's register layouts (host.c) and the kernel's signal frame.
 */
#ifndef TS_AARCH64_UW_H
#define TS_AARCH64_UW_H

#include "arch/arch.h"

/*
 * The handler runs, and returns to the trampoline, with sp at its struct rt_sigframe
 * { siginfo_t info (128 bytes); struct ucontext uc; }. In the ucontext, after uc_flags, uc_link,
 * uc_stack and the 1024-bit signal mask, uc_mcontext (struct sigcontext, 16-byte aligned) is at
 * 176: fault_address, then regs[31], sp, pc, pstate. The kernel and QEMU's user mode lay it out
 * alike; host.c checks it against the C library's ucontext_t where it is built for arm64.
 */
#define TS_A64_SIG_UC 128
#define TS_A64_UC_MCTX 176
#define TS_A64_SIG_XREG(i) (TS_A64_SIG_UC + TS_A64_UC_MCTX + 8 + 8 * (i)) /* i = 31: sp, 32: pc */

extern const struct ts_uw_arch ts_a64_uw;
extern const struct ts_arch_core ts_a64_core; /* core.c */
extern const struct ts_arch_emu ts_a64_emu;   /* emu.c */
/* host.c: only when this library is built for arm64 */
extern const struct ts_arch_host ts_a64_host;

#endif
