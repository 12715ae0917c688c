/*
 * self_entry.h - the s390x entry of the in-process unwinder: TS_SELF_ENTRY(name, worker) emits
 * the function `name` that captures its caller's registers and calls `worker` with them (see
 * arch/self_entry.h: the unwinder instantiates the entries, so the machine layer never calls up
 * into it).
 */
#ifndef TS_ARCH_S390X_SELF_ENTRY_H
#define TS_ARCH_S390X_SELF_ENTRY_H

#include <stddef.h>
#include <stdint.h>
/*
 * trustack_unwind_self(u, mode, frames, max, result, lo, hi): the first five arguments come in
 * r2-r6, lo and hi in the caller's parameter area at 160 and 168 of its r15. Capture the caller's
 * registers as they are when this call returns (pc = the return address brasl left in r14, r15
 * as at the call, r6-r13 untouched so far: r6 is callee-saved although it carries an argument)
 * into a struct ts_self_capture in our frame, and hand over to ts_unwind_self_regs() (_pcs: the
 * same entry, into ts_unwind_self_regs_pcs) with the capture as its sixth argument, at 160 of
 * our r15. Nothing but stores, no getcontext (a system call for the signal mask). Our frame is
 * an ordinary -mbackchain frame: r14 and r15 saved in the caller's save area, the back chain at
 * 0(%r15), and CFI for both.
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
#define C_CAP 168   /* the capture: after our save area (160) and the worker's sixth argument */
#define C_FRAME 520 /* C_CAP + sizeof(struct ts_self_capture), a multiple of 8 */
#define CAP(f) offsetof(struct ts_self_capture, f)
_Static_assert(CAP(regs.machine) == C_MACHINE && CAP(regs.nregs) == C_NREGS, "capture layout");
_Static_assert(CAP(regs.pc) == C_PC && CAP(regs.sp) == C_SP && CAP(regs.fp) == C_FP, "capture layout");
_Static_assert(CAP(regs.r) == C_R && CAP(start.sz) == C_SZ && CAP(start.flags) == C_FLAGS, "capture layout");
_Static_assert(CAP(start.valid) == C_VALID && CAP(start.stack_lo) == C_LO && CAP(start.stack_hi) == C_HI,
	       "capture layout");
_Static_assert(C_CAP + sizeof(struct ts_self_capture) <= C_FRAME && C_FRAME % 8 == 0, "capture frame");
_Static_assert(TRUSTACK_START_PC_IS_RA == 1 && TRUSTACK_START_VALID_MASK == 2, "flag values used in the asm");
_Static_assert(sizeof(struct trustack_unwind_start) == 40, "start size used in the asm");
_Static_assert(sizeof(((struct trustack_unwind_start *)0)->flags) == 4, "flags stored with st");

#define S_(x) #x
#define S(x) S_(x)
#define K(f) S(C_CAP + f)
#define RSLOT(n) S(C_CAP + C_R + 8 * n)
/* valid: r6-r13 and r15 (sp), not r14 (the return address is the pc): 0xbfc0 */
#define VALID 0xbfc0
_Static_assert(VALID == (0xffu << 6 | 1u << 15), "valid mask");
#define TS_SELF_ENTRY(name, worker) \
	__asm__(".text\n" \
	".globl " #name "\n" \
	".type " #name ",@function\n" \
	".p2align 3\n" \
	#name ":\n" \
	".cfi_startproc\n" \
	"stmg %r14,%r15,112(%r15)\n" \
	".cfi_offset 14,-48\n" \
	".cfi_offset 15,-40\n" \
	"lgr %r1,%r15\n" \
	"aghi %r15,-" S(C_FRAME) "\n" \
	".cfi_adjust_cfa_offset " S(C_FRAME) "\n" \
	"stg %r1,0(%r15)\n"                        /* the back chain */ \
	"lghi %r0,22\n"                            /* EM_S390 */ \
	"sth %r0," K(C_MACHINE) "(%r15)\n" \
	"mvi " K(C_NREGS) "(%r15),0\n" \
	"stg %r14," K(C_PC) "(%r15)\n" \
	"stg %r1," K(C_SP) "(%r15)\n" \
	"stg %r11," K(C_FP) "(%r15)\n" \
	"stmg %r6,%r13," RSLOT(6) "(%r15)\n" \
	"stg %r1," RSLOT(15) "(%r15)\n" \
	"lghi %r0,40\n" \
	"stg %r0," K(C_SZ) "(%r15)\n" \
	"lghi %r0,3\n"                             /* PC_IS_RA | VALID_MASK */ \
	"st %r0," K(C_FLAGS) "(%r15)\n" \
	"llill %r0," S(VALID) "\n" \
	"stg %r0," K(C_VALID) "(%r15)\n" \
	"mvc " K(C_LO) "(16,%r15),160(%r1)\n"      /* lo, hi: the 6th and 7th arguments */ \
	"la %r0," S(C_CAP) "(%r15)\n" \
	"stg %r0,160(%r15)\n"                      /* the worker's 6th argument */ \
	"brasl %r14," #worker "\n" \
	"lmg %r14,%r15," S(C_FRAME + 112) "(%r15)\n" \
	".cfi_restore 14\n" \
	".cfi_restore 15\n" \
	".cfi_def_cfa_offset 160\n" \
	"br %r14\n" \
	".cfi_endproc\n" \
	".size " #name ", .-" #name "\n");

#endif
