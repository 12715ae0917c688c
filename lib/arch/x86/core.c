/*
 * core.c - x86-64 registers as a core file keeps them: the kernel's elf_gregset_t (the layout of
 * ptrace's user_regs_struct, 27 words) in NT_PRSTATUS, into the DWARF numbering of regs.h. Written
 * out by word index rather than through the host's struct, so that any host reads these cores.
 */
#include <string.h>

#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

/* elf_gregset_t word indices (arch/x86/include/asm/user_64.h order) */
enum {
	G_R15, G_R14, G_R13, G_R12, G_RBP, G_RBX, G_R11, G_R10, G_R9, G_R8, G_RAX, G_RCX, G_RDX, G_RSI,
	G_RDI, G_ORIG_RAX, G_RIP, G_CS, G_EFLAGS, G_RSP, G_SS, G_FS_BASE, G_GS_BASE, G_DS, G_ES, G_FS, G_GS,
	G_NWORDS
};

static void x86_core_gregs(const uint8_t *g, bool big_endian, struct trustack_regs *r)
{
	static const uint8_t from[X86_NREGS] = {
		[X86_RAX] = G_RAX, [X86_RDX] = G_RDX, [X86_RCX] = G_RCX, [X86_RBX] = G_RBX, [X86_RSI] = G_RSI,
		[X86_RDI] = G_RDI, [X86_RBP] = G_RBP, [X86_RSP] = G_RSP, [X86_R8] = G_R8,   [X86_R9] = G_R9,
		[X86_R10] = G_R10, [X86_R11] = G_R11, [X86_R12] = G_R12, [X86_R13] = G_R13, [X86_R14] = G_R14,
		[X86_R15] = G_R15, [X86_RA] = G_RIP,
	};
	memset(r, 0, sizeof(*r));
	r->machine = ts_arch_x86_64.e_machine;
	r->nregs = X86_NREGS;
	for (unsigned i = 0; i < X86_NREGS; i++)
		r->r[i] = ts_arch_word64(g, from[i], big_endian);
	r->pc = r->r[X86_RA], r->sp = r->r[X86_RSP], r->fp = r->r[X86_RBP];
	r->fs_base = ts_arch_word64(g, G_FS_BASE, big_endian);
}

const struct ts_arch_core ts_x86_core = {
	.gregs_size = G_NWORDS * 8,
	.gregs = x86_core_gregs,
};
