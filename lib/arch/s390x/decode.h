/*
 * decode.h - the s390x decoder of our own (decode.c, opcodes.c): one instruction -> struct ts_insn.
 *
 * Registers are DWARF-numbered as in the s390x ELF ABI supplement: r0-r15 = 0-15 (r15 the stack
 * pointer, r14 the return address of brasl/basr, r11 the frame pointer gcc uses), f0-f15 =
 * 16-31 (ts_s390x_fpr). Register 32 is a scratch register private to one instruction (the target
 * address of `b D(X,B)`, a value copied by `mvc`). Vector registers beyond the FPRs, access and
 * control registers are not tracked.
 */
#ifndef TS_S390X_DECODE_H
#define TS_S390X_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"

enum { TS_S390X_FP = 11, TS_S390X_RA = 14, TS_S390X_SP = 15, TS_S390X_NREGS = 32, TS_S390X_TMP = 32 };

/* The DWARF number of floating-point register n (the ABI supplement's order: f0, f2, f4, f6,
 * f1, f3, f5, f7, f8, f10, f12, f14, f9, f11, f13, f15 are 16-31). The analysis tracks them
 * because gcc saves call-saved general registers, %r15 included, in them (ldgr/lgdr). */
static inline uint8_t ts_s390x_fpr(unsigned n)
{
	static const uint8_t dwarf[16] = { 16, 20, 17, 21, 18, 22, 19, 23, 24, 28, 25, 29, 26, 30, 27, 31 };
	return dwarf[n & 15];
}

/* Instruction formats: where the operand fields sit (z/Architecture Principles of Operation,
 * chapter 5, "Instruction Formats"). */
enum s390x_fmt {
	F_E = 1, F_I, F_RR, F_RX, F_RS, F_RI, F_RRE, F_RRF, F_RRD, F_S, F_SI, /* 2 and 4 bytes */
	F_RIL, F_RXY, F_RSY, F_SIY, F_SIL, F_SS, F_SSE, F_SSF, F_RXE, F_RXF,   /* 6 bytes */
	F_RIEA, F_RIEB, F_RIEC, F_RIED, F_RIEE, F_RIEF, F_RIEG, F_RRS, F_RIS,
	F_VEC,  /* a vector instruction whose only effect that matters is none (operands unread) */
	F_VRX,  /* vector register, D2(X2,B2): vl, vst, vsteg.. */
	F_VRS,  /* V1/R1, V3/R3, D2(B2): vstm, vlgv, vll.. */
};

/* What an instruction does, for the model. Every form the analysis follows has its own
 * semantics; the others are grouped by the general registers they write. */
enum s390x_sem {
	S_NONE = 1,  /* writes no general register, no memory we track (compares, FP, tests) */
	S_W1,        /* writes R1 (a value we do not model; 32-bit forms keep the high half, so
		      * they are modelled as clobbers of the whole register) */
	S_W1P,       /* writes the even-odd pair R1, R1+1 (dlgr, mlgr, flogr..) */
	S_W12,       /* writes R1 and R2 (clst, srst with r0 unchanged..) */
	S_W1P2P,     /* writes the pairs R1, R1+1 and R2, R2+1 (mvcle, cuse, crypto) */
	S_W01,       /* writes r0 and r1 (ectg) */
	S_W3P,       /* writes R3, R3+1 (lpd, lpdg) */
	S_ST,        /* stores something we do not track at the second operand (size in the entry) */
	S_ST1,       /* ... at the first operand (SI, SIY, SIL, SS formats) */
	S_STR,       /* stores R1 (size bytes) at the second operand: st, sty, stg, sth, stc, strl.. */
	S_L,         /* R1 = the second operand, zero-extended from size bytes (`l`, `ly`: the
		      * high half is kept by the machine and taken as zero here: compilers extend
		      * such a value (lgfr, llgfr) before any 64-bit use) */
	S_LS,        /* R1 = the second operand, sign-extended from size bytes */
	S_LT,        /* S_L / S_LS and the condition code (ltg, ltgf) */
	S_LR,        /* lgr: R1 = R2 */
	S_LTR,       /* ltgr: R1 = R2 and the condition code */
	S_LGFR, S_LLGFR, S_LGBR, S_LGHR, S_LLGCR, S_LLGHR, /* extensions of R2 into R1 */
	S_AR, S_SR,  /* agr/sgr: R1 +/-= R2 (64 bits) */
	S_ARK, S_SRK,/* agrk/sgrk: R1 = R2 +/- R3 */
	S_XR,        /* xgr: R1 ^= R2 (zero when R1 == R2) */
	S_LA,        /* la, lay: R1 = D2(X2,B2) */
	S_LARL,      /* R1 = the PC-relative address */
	S_LRL, S_LRLS, /* R1 = the word at a PC-relative address, zero/sign-extended from size */
	S_STRL,      /* store R1 at a PC-relative address */
	S_AHI,       /* aghi, agfi: R1 += I2 */
	S_AHIK,      /* aghik: R1 = R3 + I2 */
	S_LHI,       /* lghi, lgfi: R1 = I2 */
	S_LLI,       /* llill.., llilf..: R1 = I2 << shift (shift in the entry's size field) */
	S_NI,        /* nill.., nilf: R1 &= I2 with the other bits kept (shift, width in size) */
	S_SLLG,      /* sllg: R1 = R3 << D2 (with no B2) */
	S_STM,       /* stmg/stm: R1..R3 stored at D2(B2), size bytes each */
	S_LM,        /* lmg/lm: R1..R3 loaded */
	S_CR,        /* cgr, cr: signed register compare (equality refinement only) */
	S_CLR,       /* clgr, clr: unsigned register compare */
	S_CLI,       /* clgfi, clfi, clghi..: unsigned compare with an immediate */
	S_CSI,       /* chi, cghi, cfi, cgfi: signed compare with an immediate */
	S_CC,        /* sets the condition code in a way the analysis does not refine on, writes no
		      * register (chi, cgfi, tm..): a compare whose meaning we drop */
	S_WCC,       /* writes R1 and the condition code */
	S_MVC,       /* mvc: copy L+1 bytes */
	S_XC,        /* xc: zero when both operands are one */
	S_MVHI,      /* mvghi, mvhi, mvhhi: store the sign-extended I2 (size bytes) at D1(B1) */
	S_BCR, S_BC, S_BRC, S_BRCL, /* branches on condition: register, address, relative */
	S_BIC,       /* branch indirect on condition: the target is loaded from D2(X2,B2) */
	S_BASR, S_BAS, S_BRAS,      /* calls: R1 gets the return address */
	S_BCTR, S_BCT, S_BRCT,      /* branch on count: R1 decremented */
	S_BRXH,      /* brxh, brxhg: R1 += R3, branch relative */
	S_CRJ, S_CLRJ, S_CIJ, S_CLIJ, /* compare and branch relative (signed/unsigned, reg/imm) */
	S_CRB,       /* compare and branch to D4(B4): a conditional indirect jump */
	S_SVC,       /* supervisor call */
	S_TRAP,      /* ends the path: trap2, trap4 */
	S_PRIV,      /* privileged, ends the path (lpswe) */
	S_VLGV,      /* vlgv: R1 = an element of a vector register */
	S_VST,       /* vector store of size bytes at D2(X2,B2) (size 0: 16) */
	S_VSTM,      /* vstm: V1..V3 stored, 16 bytes each */
	S_F1,        /* writes floating-point register R1 (RR, RX floating point; compares too) */
	S_LDGR,      /* ldgr: FPR R1 = R2 (gcc keeps call-saved registers, %r15 too, in FPRs in
		      * leaf functions) */
	S_LGDR,      /* lgdr: R1 = FPR R2 */
	S_LDF, S_STF,/* ld, ldy / std, stdy: FPR R1 loaded from or stored to memory, 8 bytes (gcc
		      * moves jump-table entries and saved registers through FPRs) */
	S_AHIU, S_SHIU, /* algfi, slgfi: R1 +/-= the unsigned 32-bit immediate */
	S_ANDR,      /* ngr: R1 &= R2 (`lghi %r0,-16; ngr %r15,%r0` realigns _start's stack) */
	S_RISBG,     /* risbg(n) with the zero flag, the selected bits the rotated ones: R1 = R2 <<
		      * I5 (clang's jump-table index `risbgz %r1,%r0,30,61,2`); else a clobber */
	S_AFR, S_SFR,/* agfr, algfr / sgfr, slgfr: R1 +/-= R2's low half, sign-extended (w32) or not */
	S_EXRL,      /* exrl: target = the template it executes (arch.h) */
	S_AM, S_SM,  /* ag, agf, agh, alg, algf / sg..: R1 +/-= the memory operand (size bytes,
		      * sign-extended when w32 is set): `agf %r14,0(%r14,%r5)` of jump tables */
};

struct s390x_op {
	uint16_t key;  /* first byte << 8 | opcode extension (second byte, fourth bit group or last
			* byte, per the first byte: opcodes.c) */
	uint8_t fmt;   /* enum s390x_fmt */
	uint8_t sem;   /* enum s390x_sem */
	uint8_t size;  /* memory access bytes, or the S_LLI/S_NI shift; S_NI: width << 4 | shift/16 */
	uint8_t w32;   /* S_CR/S_CLR/S_CLI/S_CRJ..: a 32-bit compare */
	const char *mn;
};

/* The opcode table (opcodes.c), sorted by key, and its size. */
extern const struct s390x_op ts_s390x_ops[];
extern const size_t ts_s390x_nops;

/* Where a first byte keeps the rest of the opcode. */
enum s390x_ext { X_NONE = 0, X_NIBBLE, X_BYTE1, X_BYTE5 };
enum s390x_ext ts_s390x_ext_kind(uint8_t b0);

/* Instruction length from the first byte: 2, 4 or 6. */
static inline unsigned ts_s390x_len(uint8_t b0)
{
	return b0 < 0x40 ? 2 : b0 < 0xc0 ? 4 : 6;
}

/*
 * Decode the instruction at buf (len bytes readable) at addr into o. Returns its length, 0 when
 * it cannot be decoded (o->flow is then TS_FLOW_INVALID). When mnemonic is not NULL it receives
 * the instruction's base mnemonic ("stmg", "brc"), for the formatter and the tests.
 */
unsigned ts_s390x_decode(const uint8_t *buf, size_t len, uint64_t addr, struct ts_insn *o, const char **mnemonic);

/* The descriptor's hooks (decode.c); the descriptor is in machine.c. */
struct ts_decoder *ts_s390x_decoder_new(void);
void ts_s390x_decoder_free(struct ts_decoder *d);
unsigned ts_s390x_decode_hook(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
			      struct ts_insn *out);
void ts_s390x_format(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr, char *out,
		     size_t outlen);
const char *ts_s390x_reg_name(unsigned reg);
bool ts_s390x_call_before(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target);

#endif
