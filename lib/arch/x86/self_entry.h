/*
 * self_entry.h - the x86-64 entry of the in-process unwinder: TS_SELF_ENTRY(name, worker) emits
 * the function `name` that captures its caller's registers and calls `worker` with them. Included
 * through arch/self_entry.h by the unwinder (lib/unwind/self.c), which names the entries and their
 * workers: the machine's assembly stays here, and the object that calls the workers is the
 * unwinder's own, so the machine layer never calls up into the unwinder.
 */
#ifndef TS_ARCH_X86_SELF_ENTRY_H
#define TS_ARCH_X86_SELF_ENTRY_H

#include <stddef.h>
/*
 * trustack_unwind_self(u, mode, frames, max, result, lo, hi): capture the caller's registers as
 * they are when this call returns (pc = the return address, sp above it, the callee-saved
 * registers untouched so far) into a struct ts_self_capture on our own stack, and hand over to
 * ts_unwind_self_regs() (trustack_unwind_self_pcs: the same entry, into ts_unwind_self_regs_pcs).
 * No getcontext (a system call for the signal mask), nothing but stores. The offsets are checked
 * against the C layout below.
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
#define C_FRAME 360 /* >= sizeof(struct ts_self_capture), = 8 mod 16 to realign the stack */
#define CAP(f) offsetof(struct ts_self_capture, f)
_Static_assert(CAP(regs.machine) == C_MACHINE && CAP(regs.nregs) == C_NREGS, "capture layout");
_Static_assert(CAP(regs.pc) == C_PC && CAP(regs.sp) == C_SP && CAP(regs.fp) == C_FP, "capture layout");
_Static_assert(CAP(regs.r) == C_R && CAP(start.sz) == C_SZ && CAP(start.flags) == C_FLAGS, "capture layout");
_Static_assert(CAP(start.valid) == C_VALID && CAP(start.stack_lo) == C_LO && CAP(start.stack_hi) == C_HI,
	       "capture layout");
_Static_assert(sizeof(struct ts_self_capture) <= C_FRAME && C_FRAME % 16 == 8, "capture frame");
_Static_assert(TRUSTACK_START_PC_IS_RA == 1 && TRUSTACK_START_VALID_MASK == 2, "flag values used in the asm");
_Static_assert(sizeof(struct trustack_unwind_start) == 40, "start size used in the asm");

#define S_(x) #x
#define S(x) S_(x)
#define RSLOT(n) S(C_R + 8 * n)
#define TS_SELF_ENTRY(name, worker) \
	__asm__(".text\n" \
	".globl " #name "\n" \
	".type " #name ",@function\n" \
	#name ":\n" \
	".cfi_startproc\n" \
	"sub $" S(C_FRAME) ",%rsp\n" \
	".cfi_adjust_cfa_offset " S(C_FRAME) "\n" \
	"movw $62," S(C_MACHINE) "(%rsp)\n"        /* EM_X86_64 */ \
	"movb $0," S(C_NREGS) "(%rsp)\n" \
	"mov " S(C_FRAME) "(%rsp),%rax\n" \
	"mov %rax," S(C_PC) "(%rsp)\n" \
	"lea " S(C_FRAME) "+8(%rsp),%rax\n" \
	"mov %rax," S(C_SP) "(%rsp)\n" \
	"mov %rax," RSLOT(7) "(%rsp)\n" \
	"mov %rbp," S(C_FP) "(%rsp)\n" \
	"mov %rbp," RSLOT(6) "(%rsp)\n" \
	"mov %rbx," RSLOT(3) "(%rsp)\n" \
	"mov %r12," RSLOT(12) "(%rsp)\n" \
	"mov %r13," RSLOT(13) "(%rsp)\n" \
	"mov %r14," RSLOT(14) "(%rsp)\n" \
	"mov %r15," RSLOT(15) "(%rsp)\n" \
	"movq $40," S(C_SZ) "(%rsp)\n" \
	"movl $3," S(C_FLAGS) "(%rsp)\n"          /* PC_IS_RA | VALID_MASK */ \
	"movq $0xf0c8," S(C_VALID) "(%rsp)\n"     /* rbx rbp rsp r12-r15 */ \
	"mov %r9," S(C_LO) "(%rsp)\n" \
	"mov " S(C_FRAME) "+8(%rsp),%rax\n"       /* the 7th argument, hi */ \
	"mov %rax," S(C_HI) "(%rsp)\n" \
	"mov %rsp,%r9\n" \
	"call " #worker "\n" \
	"add $" S(C_FRAME) ",%rsp\n" \
	".cfi_adjust_cfa_offset -" S(C_FRAME) "\n" \
	"ret\n" \
	".cfi_endproc\n" \
	".size " #name ", .-" #name "\n");

#endif
