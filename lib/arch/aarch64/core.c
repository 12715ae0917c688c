/*
 * core.c - arm64 registers as a core file keeps them: the kernel's elf_gregset_t for arm64 (struct
 * user_pt_regs: x0-x30, sp, pc, pstate; 34 words) in NT_PRSTATUS, into the DWARF numbering
 * (x0-x30 = 0-30, sp = 31). Read word by word in the file's byte order, so any host reads them
 * (qemu-aarch64 writes such cores on an x86-64 machine).
 */
#include <string.h>

#include "arch/aarch64/decode.h"
#include "arch/aarch64/uw.h"

enum { G_X0 = 0, G_SP = 31, G_PC = 32, G_PSTATE = 33, G_NWORDS = 34 };

static void a64_core_gregs(const uint8_t *g, bool big_endian, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = ts_arch_aarch64.e_machine;
	r->nregs = 32;
	for (unsigned i = 0; i < 31; i++)
		r->r[i] = ts_arch_word64(g, G_X0 + i, big_endian);
	r->sp = r->r[TS_A64_SP] = ts_arch_word64(g, G_SP, big_endian);
	r->pc = ts_arch_word64(g, G_PC, big_endian);
	r->fp = r->r[TS_A64_FP];
}

const struct ts_arch_core ts_a64_core = {
	.gregs_size = G_NWORDS * 8,
	.gregs = a64_core_gregs,
};
