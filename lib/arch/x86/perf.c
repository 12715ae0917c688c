/*
 * perf.c - x86-64 as perf.data describes it: the machine string of the header and the order of
 * the registers in a PERF_SAMPLE_REGS_USER sample (the kernel's arch/x86 perf_regs.h: ax, bx,
 * cx, dx, si, di, bp, sp, ip, flags, cs, ss, ds, es, fs, gs, then r8-r15).
 */
#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

const struct ts_arch_perf ts_x86_perf = {
	.uname = "x86_64",
	.dwarf = {
		X86_RAX, X86_RBX, X86_RCX, X86_RDX, X86_RSI, X86_RDI, X86_RBP, X86_RSP, X86_RA,
		-1, -1, -1, -1, -1, -1, -1, /* flags and the segment registers */
		X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
		[24 ... 63] = -1,
	},
};
