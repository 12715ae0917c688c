/*
 * machine.c - x86-64 (EM_X86_64): the one descriptor of the machine (arch.h). The decoder is
 * in decode.c and decode_fast.c (on Zydis: left out of a build with ZYDIS=0, for another host),
 * relocations in reloc.c, the unwinder's facts in unwind.c, the register layouts of
 * ptrace and ucontext in host.c, the in-process register capture in self_capture.c.
 */
#include <elf.h>
#include <string.h>

#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

/* call rel32 (e8 + 4 bytes) ending right before end: compilers put nothing after a call that
 * never returns */
static bool x86_call_before(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target)
{
	if (before < 5 || end[-5] != 0xe8)
		return false;
	int32_t rel;
	memcpy(&rel, end - 4, 4);
	*target = end_addr + (uint64_t)(int64_t)rel;
	return true;
}

static const uint8_t x86_nop[] = { 0x90 };

/* ORC's base registers (TRUSTACK_ORC_REG_*: undefined, prev_sp, dx, di, bp, sp, r10, r13) */
static const char *const cfi_names[X86_NREGS] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8",
						   "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip" };
const struct ts_arch_orc ts_x86_orc = {
	.dwarf = { -1, -1, X86_RDX, X86_RDI, X86_RBP, X86_RSP, X86_R10, X86_R13, -1, -1, -1, -1, -1, -1, -1, -1 },
	.cfi_names = cfi_names,
	.ncfi_names = X86_NREGS,
};

const struct ts_arch ts_arch_x86_64 = {
	.name = "x86-64",
	.e_machine = EM_X86_64,
	.big_endian = false,
#if !defined(TS_NO_ZYDIS)
	.analysed = true,
#else
	.analysed = false, /* built without Zydis (the Makefile's ZYDIS=0): x86-64 files are read, not analysed */
#endif
	.nregs = X86_NREGS,
	.sp = X86_RSP,
	.fp = X86_RBP,
	.ra = X86_RA,
	.call_ra = TS_CALL_PUSHES_RA,
	.ra_size = 8,
	.ra_in_reg = false,
	.ra_cfa_offset = -8,
	.entry_sp_offset = -8,
	.frame_fp_offset = -16,
	.red_zone = 128, /* psABI: leaf code may use 128 bytes below rsp */
	.callee_saved = (1u << X86_RBX) | (1u << X86_RBP) | (1u << X86_R12) | (1u << X86_R13) | (1u << X86_R14) |
			(1u << X86_R15),
	.call_clobbered = (1u << X86_RAX) | (1u << X86_RDX) | (1u << X86_RCX) | (1u << X86_RSI) | (1u << X86_RDI) |
			  (1u << X86_R8) | (1u << X86_R9) | (1u << X86_R10) | (1u << X86_R11),
	.tlsdesc_clobbered = 1u << X86_RAX,
	.reloc = {
		[TS_RELOC_ABS64] = R_X86_64_64,
		[TS_RELOC_PC32] = R_X86_64_PC32,
		[TS_RELOC_PC64] = R_X86_64_PC64,
		[TS_RELOC_RELATIVE] = R_X86_64_RELATIVE,
		[TS_RELOC_GLOB_DAT] = R_X86_64_GLOB_DAT,
		[TS_RELOC_JUMP_SLOT] = R_X86_64_JUMP_SLOT,
		[TS_RELOC_TLSDESC_CALL] = R_X86_64_TLSDESC_CALL,
		[TS_RELOC_TLSDESC] = R_X86_64_TLSDESC,
	},
	.lp_nop = x86_nop,
	.lp_nop_len = sizeof(x86_nop),
	.cfi_marks_outermost = true,
	.sframe_abi = 3,       /* SFRAME_ABI_AMD64_ENDIAN_LITTLE */
	.sframe_fixed_ra = -8,
	.plt0_size = 16,       /* push GOT+8; jmp *GOT+16: entered with the relocation index pushed */
	.plt0_cfa = 16,
	.plt_entry_pushed = 24, /* the call's return address, PLTn's index, PLT0's link map */
	.orc = &ts_x86_orc,
	.uw = &ts_x86_uw,
#if defined(__x86_64__)
	.host = &ts_x86_host,
#endif
	.perf = &ts_x86_perf,
	.core = &ts_x86_core,
#if !defined(TS_NO_ZYDIS)
	.decoder_new = ts_x86_decoder_new,
	.decoder_free = ts_x86_decoder_free,
	.decode = ts_x86_decode,
	.length = ts_x86_length,
	.address_candidates = ts_x86_address_candidates,
	.format = ts_x86_format,
	.reg_name = ts_x86_reg_name,
	.skippable_prefixes = ts_x86_skippable_prefixes,
#endif
	.apply_reloc = ts_x86_apply_reloc,   /* reloc.c */
	.reloc_uses_got = ts_x86_reloc_uses_got,
	.call_before = x86_call_before,
};
