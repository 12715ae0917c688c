/*
 * regs.h - x86-64 registers in the DWARF numbering of the psABI, the one numbering every part
 * of lib/arch/x86/ uses (decoder, unwinder facts, register capture, ORC).
 */
#ifndef TS_X86_REGS_H
#define TS_X86_REGS_H

enum {
	X86_RAX = 0, X86_RDX, X86_RCX, X86_RBX, X86_RSI, X86_RDI, X86_RBP, X86_RSP,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_RA,      /* the return-address column (rip in the CFI) */
	X86_NREGS,
};

#endif
