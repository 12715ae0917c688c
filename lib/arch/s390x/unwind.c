/*
 * unwind.c - the unwinder's s390x facts (struct ts_uw_arch): the back chain, the calls that can
 * end right before a return address, the sigreturn and rt_sigreturn trampolines and where their
 * signal frames keep the interrupted registers (uw.h).
 */
#include <stddef.h>

#include "arch/s390x/decode.h"
#include "arch/s390x/uw.h"

/*
 * Does a call that writes r14 end right before the return address? b holds the 6 bytes before
 * it: `brasl %r14` (6 bytes, c0 e5), `bras %r14` (4, a7 e5), `bas`/`bal %r14,D(X,B)` (4, 4d/45
 * with R1 = 14), `basr`/`balr %r14,%rN` (2, 0d/05 with R1 = 14 and N not 0: with r0 there is no
 * branch). Instructions are 2, 4 or 6 bytes, so a byte pattern may also be the tail of a longer
 * instruction, as with x86-64's forms; calls through another register than r14 are not the
 * ABI's calls and do not count.
 */
static bool s390x_after_call(const uint8_t *b)
{
	return (b[0] == 0xc0 && b[1] == 0xe5) || (b[2] == 0xa7 && b[3] == 0xe5) ||
	       ((b[2] == 0x4d || b[2] == 0x45) && (b[3] >> 4) == 14) ||
	       ((b[4] == 0x0d || b[4] == 0x05) && (b[5] >> 4) == 14 && (b[5] & 15) != 0);
}

/* rt_sigreturn (`svc 173`) and sigreturn (`svc 119`): the vDSO's __kernel_rt_sigreturn and
 * __kernel_sigreturn, and the page QEMU's user mode maps for the same purpose. At a return
 * address, a first byte 0x0a is always an svc. */
static const uint8_t s390x_rt_sigret[] = { 0x0a, 0xad };
static const uint8_t s390x_sigret[] = { 0x0a, 0x77 };

/* the general registers, the pc, and the FPRs f0-f15 (DWARF 16-31 in the ABI's order) */
#define RT(i) { i, TS_S390X_RT_GPR(i) }
#define RTF(n) { TS_S390X_FPR_DWARF(n), TS_S390X_RT_FPR(n) }
static const struct ts_uw_sigreg s390x_rt_sigregs[] = {
	RT(0),   RT(1),   RT(2),   RT(3),   RT(4),   RT(5),   RT(6),   RT(7),
	RT(8),   RT(9),   RT(10),  RT(11),  RT(12),  RT(13),  RT(14),  RT(15),
	{ TS_UW_SIG_PC, TS_S390X_RT_PSW_ADDR },
	RTF(0),  RTF(1),  RTF(2),  RTF(3),  RTF(4),  RTF(5),  RTF(6),  RTF(7),
	RTF(8),  RTF(9),  RTF(10), RTF(11), RTF(12), RTF(13), RTF(14), RTF(15),
};
#undef RT
#undef RTF
#define G(i) { i, TS_S390X_GPR(i) }
#define GF(n) { TS_S390X_FPR_DWARF(n), TS_S390X_FPR(n) }
static const struct ts_uw_sigreg s390x_sigregs[] = {
	G(0),   G(1),   G(2),   G(3),   G(4),   G(5),   G(6),   G(7),
	G(8),   G(9),   G(10),  G(11),  G(12),  G(13),  G(14),  G(15),
	{ TS_UW_SIG_PC, TS_S390X_PSW_ADDR },
	GF(0),  GF(1),  GF(2),  GF(3),  GF(4),  GF(5),  GF(6),  GF(7),
	GF(8),  GF(9),  GF(10), GF(11), GF(12), GF(13), GF(14), GF(15),
};
#undef G
#undef GF

static const struct ts_uw_sigtramp s390x_sigtramp = {
	.len = sizeof(s390x_sigret),
	.bytes = s390x_sigret,
	.regs = s390x_sigregs,
	.nregs = sizeof(s390x_sigregs) / sizeof(s390x_sigregs[0]),
};

#define X(n) (1u << (n))
const struct ts_uw_arch ts_s390x_uw = {
	.machine = 22, /* EM_S390 */
	.sp = TS_S390X_R15,
	.fp = TS_S390X_R11, /* gcc's frame pointer (-O0, alloca): carried like x86-64's rbp */
	.ra = TS_S390X_R14,
	/*
	 * The intact frame of the back chain: the return address in r14's slot of the caller's
	 * save area (CFA - 48) and the back chain at sp (which the walk reads and compares with
	 * the row's CFA - 160: walk.c). The CFA's base and distance vary (r15 or r11 + the frame's
	 * size), so only the return address's place is compared.
	 */
	.frame = {
		.cfa_kind = TRUSTACK_CFA_REG, .cfa_reg = TS_S390X_R15, .cfa_offset = 160,
		.ra = { .kind = TRUSTACK_LOC_AT_CFA, .offset = TS_S390X_BC_RA - TS_S390X_SAVE_AREA },
		.fp = { .kind = TRUSTACK_LOC_SAME },
	},
	/* r6-r13 but r11 (fp): the rows' saved-register columns */
	.csr = X(6) | X(7) | X(8) | X(9) | X(10) | X(12) | X(13),
	.call_window = 6,
	.after_call = s390x_after_call,
	.call_fast_byte = 0, /* brasl's first byte c0 also starts larl, brcl, lgfi...: no fast byte */
	.call_fast_back = 0,
	.sigret_len = sizeof(s390x_rt_sigret),
	.sigret = s390x_rt_sigret,
	.sigregs = s390x_rt_sigregs,
	.nsigregs = sizeof(s390x_rt_sigregs) / sizeof(s390x_rt_sigregs[0]),
	.sigret2 = &s390x_sigtramp,
	.cfa_sp = -TS_S390X_SAVE_AREA,
	.backchain = true,
	.bc_ra = TS_S390X_BC_RA,
};
