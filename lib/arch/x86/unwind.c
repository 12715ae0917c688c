/*
 * unwind.c - the unwinder's x86-64 facts (struct ts_uw_arch): how a return address looks from
 * the call before it, the signal trampoline and the kernel's signal frame.
 */
#include <elf.h>

#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

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
	{ TS_UW_SIG_PC, GREG(16) },
};

const struct ts_uw_arch ts_x86_uw = {
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

