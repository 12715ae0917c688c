/*
 * uw.h - s390x's run-time facts shared by the files of this folder: the unwinder's instance
 * (unwind.c), the host's register layouts (host.c) and the kernel's two signal frames.
 */
#ifndef TS_S390X_UW_H
#define TS_S390X_UW_H

#include "arch/arch.h"

/*
 * The handler runs, and returns to the trampoline, with r15 at its signal frame, whose first 160
 * bytes are the register save area of the handler's caller (its first word, the back chain,
 * holds the interrupted r15). Then:
 * - rt_sigframe (SA_SIGINFO, returns through `svc 173`): the trampoline's 2 bytes (at 160),
 *   siginfo (128 bytes, 8-aligned: at 168), the ucontext at 296, whose uc_mcontext (_sigregs:
 *   psw mask, psw address, gprs[16], ...) is at 40 after uc_flags, uc_link and the 24-byte
 *   uc_stack;
 * - sigframe (no SA_SIGINFO, returns through `svc 119`): struct sigcontext (oldmask, a pointer
 *   to the registers: 16 bytes) at 160, then the _sigregs themselves at 176.
 * The kernel and QEMU's user mode lay them out alike; host.c checks the rt frame's offsets
 * against the C library's siginfo_t and ucontext_t where it is built for s390x.
 */
#define TS_S390X_SAVE_AREA 160
#define TS_S390X_RT_UC 296
#define TS_S390X_UC_MCTX 40
#define TS_S390X_RT_PSW_ADDR (TS_S390X_RT_UC + TS_S390X_UC_MCTX + 8)
#define TS_S390X_RT_GPR(i) (TS_S390X_RT_UC + TS_S390X_UC_MCTX + 16 + 8 * (i))
#define TS_S390X_SIGREGS 176
#define TS_S390X_PSW_ADDR (TS_S390X_SIGREGS + 8)
#define TS_S390X_GPR(i) (TS_S390X_SIGREGS + 16 + 8 * (i))
/*
 * After the gprs, _sigregs holds acrs[16] (4 bytes each) and the floating-point registers
 * {fpc, pad, fprs[16]}: fprs at 216. gcc keeps r11 or r15 in an FPR in leaf functions (`ldgr
 * %f2,%r11`), so a row of an interrupted leaf may say "in f2": the FPRs are restored too.
 */
#define TS_S390X_SIGREGS_FPR(i) (216 + 8 * (i))
#define TS_S390X_RT_FPR(i) (TS_S390X_RT_UC + TS_S390X_UC_MCTX + TS_S390X_SIGREGS_FPR(i))
#define TS_S390X_FPR(i) (TS_S390X_SIGREGS + TS_S390X_SIGREGS_FPR(i))

/* the DWARF number of FPR fn, as a constant expression (decode.h's ts_s390x_fpr() as a table) */
#define TS_S390X_FPR_DWARF(n) ((n) < 8 ? 16 + ((n) & 1) * 4 + (n) / 2 : 24 + ((n) & 1) * 4 + ((n) - 8) / 2)

/* the back chain: r14 (the return address) is saved at 112 of the save area (gprs[8], r6 at 48) */
#define TS_S390X_BC_RA 112

enum { TS_S390X_R11 = 11, TS_S390X_R14 = 14, TS_S390X_R15 = 15 };

extern const struct ts_uw_arch ts_s390x_uw;
extern const struct ts_arch_emu ts_s390x_emu; /* emu.c: under qemu-s390x */
/* host.c: only when this library is built for s390x */
extern const struct ts_arch_host ts_s390x_host;

#endif
