/*
 * unwind.c - the unwinder's arm64 facts (struct ts_uw_arch): the frame record, the call before a
 * return address, the rt_sigreturn trampoline and where the kernel's signal frame keeps the
 * interrupted registers.
 */
#include <stddef.h>
#include <string.h>

#include "arch/aarch64/decode.h"
#include "arch/aarch64/uw.h"

/*
 * Does a call end right before the return address? b holds the 4-byte word at RA - 4: bl, blr,
 * or one of the authenticating blraa/blrab/blraaz/blrabz (FEAT_PAuth). Every A64 call is one
 * word, so unlike x86-64 this is exact: no other instruction writes the return address.
 */
static bool a64_after_call(const uint8_t *b)
{
	uint32_t w;
	memcpy(&w, b, 4); /* little-endian host and target */
	return (w & 0xfc000000u) == 0x94000000u ||  /* bl imm26 */
	       (w & 0xfffffc1fu) == 0xd63f0000u ||  /* blr xn */
	       (w & 0xfffff81fu) == 0xd63f081fu ||  /* blraaz / blrabz xn (bit 10: key B) */
	       (w & 0xfffff800u) == 0xd73f0800u;    /* blraa / blrab xn, xm|sp */
}

/* rt_sigreturn: mov x8, #139; svc #0 - the vDSO's __kernel_rt_sigreturn, and the page QEMU's
 * user mode maps for the same purpose (glibc on arm64 has no restorer of its own) */
static const uint8_t a64_sigret[] = { 0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4 };

/* the interrupted registers in the signal frame (uw.h), from the trampoline's sp */
#define R(i) { i, TS_A64_SIG_XREG(i) }
static const struct ts_uw_sigreg a64_sigregs[] = {
	R(0),  R(1),  R(2),  R(3),  R(4),  R(5),  R(6),  R(7),  R(8),  R(9),  R(10),
	R(11), R(12), R(13), R(14), R(15), R(16), R(17), R(18), R(19), R(20), R(21),
	R(22), R(23), R(24), R(25), R(26), R(27), R(28), R(29), R(30),
	{ TS_A64_SP, TS_A64_SIG_XREG(31) },
	{ TS_UW_SIG_PC, TS_A64_SIG_XREG(32) },
};
#undef R

#define X(n) (1u << (n))
const struct ts_uw_arch ts_a64_uw = {
	.machine = 183, /* EM_AARCH64 */
	.sp = TS_A64_SP,
	.fp = TS_A64_FP,
	.ra = TS_A64_LR,
	/*
	 * The frame record {x29, x30} at x29: the caller's x29 at x29 + 0, the return address at
	 * x29 + 8. The walk compares rows with it relative to x29, so the CFA's distance from the
	 * record does not matter (gcc puts the record at the bottom of the frame, CFA = x29 + frame
	 * size; clang at the top, CFA = x29 + 16, the offsets written here).
	 */
	.frame = {
		.cfa_kind = TRUSTACK_CFA_REG, .cfa_reg = TS_A64_FP, .cfa_offset = 16,
		.ra = { .kind = TRUSTACK_LOC_AT_CFA, .offset = -8 },
		.fp = { .kind = TRUSTACK_LOC_AT_CFA, .offset = -16 },
	},
	.csr = X(19) | X(20) | X(21) | X(22) | X(23) | X(24) | X(25) | X(26) | X(27) | X(28),
	.call_window = 4,
	.after_call = a64_after_call,
	.call_fast_byte = 0, /* bl's top byte varies with its offset: after_call() is one compare */
	.call_fast_back = 0,
	.sigret_len = sizeof(a64_sigret),
	.sigret = a64_sigret,
	.sigregs = a64_sigregs,
	.nsigregs = sizeof(a64_sigregs) / sizeof(a64_sigregs[0]),
};
