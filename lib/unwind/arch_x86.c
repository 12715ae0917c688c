/*
 * arch_x86.c - the unwinder's x86-64 facts (uwarch.h), the register capture of
 * trustack_unwind_self(), and registers from a ucontext_t.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "unwind/uwarch.h"
#include "unwind/uwint.h"

enum { X86_RAX = 0, X86_RDX, X86_RCX, X86_RBX, X86_RSI, X86_RDI, X86_RBP, X86_RSP, X86_R8, X86_R9, X86_R10,
       X86_R11, X86_R12, X86_R13, X86_R14, X86_R15, X86_RA };

/*
 * Does a call instruction end right before the return address? b[7] is the byte at RA-1. Only
 * the last bytes of each form are checked (prefixes such as REX or notrack come before them),
 * so this is a necessary condition: a stray return address can pass, but a real one never fails.
 */
static bool x86_after_call(const uint8_t *b)
{
	if (b[3] == 0xe8)                                        /* call rel32 */
		return true;
	if (b[6] == 0xff) {                                      /* 2 bytes: ff /2, mod 11 or 00 */
		uint8_t m = b[7];
		if ((m & 0xf8) == 0xd0)
			return true;                             /* call *%reg */
		if ((m & 0xf8) == 0x10 && (m & 7) != 4 && (m & 7) != 5)
			return true;                             /* call *(%reg) */
	}
	if (b[5] == 0xff && b[6] == 0x14 && (b[7] & 7) != 5)    /* call *(base,index,s) */
		return true;
	if (b[5] == 0xff && (b[6] & 0xf8) == 0x50 && (b[6] & 7) != 4)  /* call *d8(%reg) */
		return true;
	if (b[4] == 0xff && b[5] == 0x54)                        /* call *d8(base,index,s) */
		return true;
	if (b[2] == 0xff && b[3] == 0x15)                        /* call *d32(%rip) */
		return true;
	if (b[2] == 0xff && (b[3] & 0xf8) == 0x90 && (b[3] & 7) != 4) /* call *d32(%reg) */
		return true;
	if (b[1] == 0xff && b[2] == 0x94)                        /* call *d32(base,index,s) */
		return true;
	if (b[1] == 0xff && b[2] == 0x14 && (b[3] & 7) == 5)    /* call *d32(,index,s) */
		return true;
	return false;
}

/* glibc's __restore_rt: mov $15,%rax (rt_sigreturn); syscall */
static const uint8_t x86_sigret[] = { 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05 };

/*
 * At __restore_rt the handler's `ret` has popped pretcode, so sp points at the struct ucontext
 * of the rt_sigframe: uc_flags (8), uc_link (8), uc_stack (24), then uc_mcontext.gregs[] in the
 * kernel's order r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip (struct sigcontext).
 */
#define GREG(i) (40 + 8 * (i))
static const struct ts_uw_sigreg x86_sigregs[] = {
	{ X86_R8, GREG(0) },   { X86_R9, GREG(1) },   { X86_R10, GREG(2) }, { X86_R11, GREG(3) },
	{ X86_R12, GREG(4) },  { X86_R13, GREG(5) },  { X86_R14, GREG(6) }, { X86_R15, GREG(7) },
	{ X86_RDI, GREG(8) },  { X86_RSI, GREG(9) },  { X86_RBP, GREG(10) }, { X86_RBX, GREG(11) },
	{ X86_RDX, GREG(12) }, { X86_RAX, GREG(13) }, { X86_RCX, GREG(14) }, { X86_RSP, GREG(15) },
	{ X86_RA, GREG(16) },
};

static const struct ts_uw_arch x86_64 = {
	.machine = EM_X86_64,
	.sp = X86_RSP,
	.fp = X86_RBP,
	.ra = X86_RA,
	.frame = {
		.cfa_kind = TRUSTACK_CFA_REG, .cfa_reg = X86_RBP, .cfa_offset = 16,
		.ra = { .kind = TRUSTACK_LOC_AT_CFA, .offset = -8 },
		.fp = { .kind = TRUSTACK_LOC_AT_CFA, .offset = -16 },
	},
	.csr = 1u << X86_RBX | 1u << X86_R12 | 1u << X86_R13 | 1u << X86_R14 | 1u << X86_R15,
	.call_window = 8,
	.after_call = x86_after_call,
	.call_fast_byte = 0xe8, /* call rel32 */
	.call_fast_back = 5,
	.sigret_len = sizeof(x86_sigret),
	.sigret = x86_sigret,
	.sigregs = x86_sigregs,
	.nsigregs = sizeof(x86_sigregs) / sizeof(x86_sigregs[0]),
};

const struct ts_uw_arch *ts_uw_arch_for(uint16_t machine)
{
	return machine == EM_X86_64 ? &x86_64 : NULL;
}

#if defined(__x86_64__)
#include <ucontext.h>

const struct ts_uw_arch *ts_uw_arch_native(void)
{
	return &x86_64;
}

void trustack_regs__from_ucontext(struct trustack_regs *regs, const void *ucontext)
{
	const ucontext_t *uc = ucontext;
	const greg_t *g = uc->uc_mcontext.gregs;
	static const struct { uint8_t dw; uint8_t greg; } map[] = {
		{ X86_RAX, REG_RAX }, { X86_RDX, REG_RDX }, { X86_RCX, REG_RCX }, { X86_RBX, REG_RBX },
		{ X86_RSI, REG_RSI }, { X86_RDI, REG_RDI }, { X86_RBP, REG_RBP }, { X86_RSP, REG_RSP },
		{ X86_R8, REG_R8 },   { X86_R9, REG_R9 },   { X86_R10, REG_R10 }, { X86_R11, REG_R11 },
		{ X86_R12, REG_R12 }, { X86_R13, REG_R13 }, { X86_R14, REG_R14 }, { X86_R15, REG_R15 },
		{ X86_RA, REG_RIP },
	};
	memset(regs, 0, sizeof(*regs));
	regs->machine = EM_X86_64;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		regs->r[map[i].dw] = (uint64_t)g[map[i].greg];
	regs->nregs = X86_RA + 1;
	regs->pc = (uint64_t)g[REG_RIP];
	regs->sp = (uint64_t)g[REG_RSP];
	regs->fp = (uint64_t)g[REG_RBP];
}

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
#define SELF_ENTRY(name, worker) \
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
SELF_ENTRY(trustack_unwind_self, ts_unwind_self_regs)
SELF_ENTRY(trustack_unwind_self_pcs, ts_unwind_self_regs_pcs)
#else
const struct ts_uw_arch *ts_uw_arch_native(void)
{
	return NULL;
}
#endif
