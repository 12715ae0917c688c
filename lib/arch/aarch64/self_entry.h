/*
 * self_entry.h - the arm64 entry of the in-process unwinder: TS_SELF_ENTRY(name, worker) emits
 * the function `name` that captures its caller's registers and calls `worker` with them (see
 * arch/self_entry.h: the unwinder instantiates the entries, so the machine layer never calls up
 * into it).
 */
#ifndef TS_ARCH_AARCH64_SELF_ENTRY_H
#define TS_ARCH_AARCH64_SELF_ENTRY_H

#include <stddef.h>
#include <stdint.h>
/*
 * trustack_unwind_self(u, mode, frames, max, result, lo, hi): capture the caller's registers as
 * they are when this call returns (pc = the return address bl left in x30, sp as at the call,
 * x19-x29 untouched so far) into a struct ts_self_capture on our own stack, and hand over to
 * ts_unwind_self_regs() (trustack_unwind_self_pcs: the same entry, into ts_unwind_self_regs_pcs)
 * with the capture as its sixth argument. Nothing but stores, no getcontext (a system call for
 * the signal mask). The frame: the capture at sp, our frame record {x29, x30} at its top.
 * `hint #34` is `bti c`: the entry is a call target where BTI is enforced (a NOP elsewhere).
 */
#define C_MACHINE 0
#define C_NREGS 2
#define C_PC 8
#define C_SP 16
#define C_FP 24
#define C_R 32
#define C_SZ 304
#define C_FLAGS 312
#define C_VALID 320
#define C_LO 328
#define C_HI 336
#define C_REC 352   /* our frame record, >= sizeof(struct ts_self_capture) */
#define C_FRAME 368 /* C_REC + 16, a multiple of 16 */
#define CAP(f) offsetof(struct ts_self_capture, f)
_Static_assert(CAP(regs.machine) == C_MACHINE && CAP(regs.nregs) == C_NREGS, "capture layout");
_Static_assert(CAP(regs.pc) == C_PC && CAP(regs.sp) == C_SP && CAP(regs.fp) == C_FP, "capture layout");
_Static_assert(CAP(regs.r) == C_R && CAP(start.sz) == C_SZ && CAP(start.flags) == C_FLAGS, "capture layout");
_Static_assert(CAP(start.valid) == C_VALID && CAP(start.stack_lo) == C_LO && CAP(start.stack_hi) == C_HI,
	       "capture layout");
_Static_assert(sizeof(struct ts_self_capture) <= C_REC && C_FRAME == C_REC + 16 && C_FRAME % 16 == 0,
	       "capture frame");
_Static_assert(TRUSTACK_START_PC_IS_RA == 1 && TRUSTACK_START_VALID_MASK == 2, "flag values used in the asm");
_Static_assert(sizeof(struct trustack_unwind_start) == 40, "start size used in the asm");
_Static_assert(TRUSTACK_MAX_REGS > 31, "x0-x30 and sp in r[]");

#define S_(x) #x
#define S(x) S_(x)
#define RSLOT(n) S(C_R + 8 * n)
/* valid: x19-x28, x29 and sp (31), not x30: 0xbff80000 */
#define VALID_HI16 0xbff8
_Static_assert(((uint64_t)VALID_HI16 << 16) == (0x7ffull << 19 | 1ull << 31), "valid mask");
#define TS_SELF_ENTRY(name, worker) \
	__asm__(".text\n" \
	".globl " #name "\n" \
	".type " #name ",%function\n" \
	".p2align 2\n" \
	#name ":\n" \
	".cfi_startproc\n" \
	"hint #34\n" \
	"sub sp, sp, #" S(C_FRAME) "\n" \
	".cfi_def_cfa_offset " S(C_FRAME) "\n" \
	"stp x29, x30, [sp, #" S(C_REC) "]\n" \
	".cfi_offset 29, -16\n" \
	".cfi_offset 30, -8\n" \
	"str x29, [sp, #" S(C_FP) "]\n" \
	"str x29, [sp, #" RSLOT(29) "]\n" \
	"add x29, sp, #" S(C_REC) "\n" \
	"mov w9, #183\n"                            /* EM_AARCH64 */ \
	"strh w9, [sp, #" S(C_MACHINE) "]\n" \
	"strb wzr, [sp, #" S(C_NREGS) "]\n" \
	"str x30, [sp, #" S(C_PC) "]\n" \
	"add x9, sp, #" S(C_FRAME) "\n" \
	"str x9, [sp, #" S(C_SP) "]\n" \
	"str x9, [sp, #" RSLOT(31) "]\n" \
	"stp x19, x20, [sp, #" RSLOT(19) "]\n" \
	"stp x21, x22, [sp, #" RSLOT(21) "]\n" \
	"stp x23, x24, [sp, #" RSLOT(23) "]\n" \
	"stp x25, x26, [sp, #" RSLOT(25) "]\n" \
	"stp x27, x28, [sp, #" RSLOT(27) "]\n" \
	"mov x9, #40\n" \
	"str x9, [sp, #" S(C_SZ) "]\n" \
	"mov w9, #3\n"                              /* PC_IS_RA | VALID_MASK */ \
	"str w9, [sp, #" S(C_FLAGS) "]\n" \
	"movz x9, #" S(VALID_HI16) ", lsl #16\n" \
	"str x9, [sp, #" S(C_VALID) "]\n" \
	"stp x5, x6, [sp, #" S(C_LO) "]\n"          /* lo, hi: the 6th and 7th arguments */ \
	"mov x5, sp\n" \
	"bl " #worker "\n" \
	"ldp x29, x30, [sp, #" S(C_REC) "]\n" \
	"add sp, sp, #" S(C_FRAME) "\n" \
	".cfi_def_cfa_offset 0\n" \
	".cfi_restore 29\n" \
	".cfi_restore 30\n" \
	"ret\n" \
	".cfi_endproc\n" \
	".size " #name ", .-" #name "\n");

#endif
