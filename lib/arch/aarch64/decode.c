/*
 * AArch64 (A64) decoder of our own: one 32-bit instruction word -> struct ts_insn (arch.h).
 *
 * Why our own and not Capstone or LLVM: docs/arm64.md (measured). The analysis needs, per word:
 * valid or not, control flow and targets, every general register written, and the exact data
 * movement of sp, x29 and x30 (pairs, pre/post-index writeback), PAC and BTI hints, loads and
 * stores with base+offset, adr/adrp/add for jump tables, cmp for bounds, SVE addvl/addpl.
 * Everything else is "destination clobbered" with the exact registers written.
 *
 * The word is split by its top-level encoding group (bits 28:25) as in the Arm ARM's A64
 * encoding index, then by class. Integer, load/store, branch and system classes are checked for
 * validity field by field; the SIMD&FP and SVE groups are accepted as a whole (compiler output
 * never holds their unallocated encodings) and decoded only where they write a general
 * register or the stack pointer. docs/arm64.md lists what this means for data words.
 *
 * Registers: DWARF numbers, x0-x30 = 0-30, sp = 31, 32 a scratch register (decode.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/decode.h"
#include "arch/aarch64/uw.h"

#define SP TS_A64_SP
#define LR TS_A64_LR
#define TMP TS_A64_TMP
#define ZR 0xfe /* register number 31 where the encoding means the zero register */

/* Bits hi..lo of w. */
static inline uint32_t bits(uint32_t w, unsigned hi, unsigned lo)
{
	return (w >> lo) & (uint32_t)((1ull << (hi - lo + 1)) - 1);
}

static inline int64_t sext(uint64_t v, unsigned nbits)
{
	uint64_t m = 1ull << (nbits - 1);
	v &= (m << 1) - 1;
	return (int64_t)((v ^ m) - m);
}

/* One decode in progress. */
struct dec {
	uint32_t w;
	uint64_t pc;
	struct ts_insn *o;
	const char *mn;
};

static struct ts_uop *uop(struct dec *d, uint8_t kind, uint8_t dst, uint8_t src, int64_t imm)
{
	struct ts_insn *o = d->o;
	/* The most any form below needs is 5 (stp xzr, xzr, [sp, #-16]!: ADDI, CONST, STORE, CONST,
	 * STORE); tests/arch/a64decode_space.c checks no word reaches the bound. Stay in bounds. */
	if (o->nuops >= TS_INSN_MAX_UOPS)
		o->nuops = TS_INSN_MAX_UOPS - 1;
	struct ts_uop *u = &o->uops[o->nuops++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->dst = dst;
	u->src = src;
	u->imm = imm;
	u->mem.base = u->mem.index = TS_REG_NONE;
	if (dst == SP)
		o->flags |= TS_IF_STACK;
	return u;
}

/* Register field n where 31 is the zero register / the stack pointer. */
static inline uint8_t rz(uint32_t n) { return n == 31 ? ZR : (uint8_t)n; }
static inline uint8_t rsp(uint32_t n) { return (uint8_t)n; }

/* dst gets a value we do not model: a 32-bit result when w32 (upper half zero). */
static void clobber(struct dec *d, uint8_t dst, bool w32)
{
	if (dst == ZR || dst == TS_REG_NONE)
		return;
	if (dst == SP)
		uop(d, TS_UOP_UNSUPPORTED, SP, TS_REG_NONE, 0);
	else
		uop(d, TS_UOP_CLOBBER, dst, TS_REG_NONE, w32 ? 4 : 0);
}

/* dst = src, for 64-bit moves (the zero register reads as 0). */
static void move(struct dec *d, uint8_t dst, uint8_t src)
{
	if (dst == ZR)
		return;
	if (src == ZR)
		uop(d, TS_UOP_CONST, dst, TS_REG_NONE, 0);
	else
		uop(d, TS_UOP_MOV, dst, src, 0); /* also dst == src: the register is written */
}

static void flags_cmp_ri(struct dec *d, uint8_t a, int64_t imm, bool w32)
{
	d->o->cmp_kind = TS_CMP_RI;
	d->o->cmp_a = a;
	d->o->cmp_imm = imm;
	d->o->cmp_width = w32 ? 4 : 8;
}

static void flags_clobber(struct dec *d) { d->o->cmp_kind = TS_CMP_CLOBBER; }

static struct ts_mem mem_at(uint8_t base, int64_t disp, unsigned size)
{
	struct ts_mem m = { .base = base, .index = TS_REG_NONE, .scale = 1, .size = (uint8_t)size,
			    .disp = disp };
	return m;
}

static void load(struct dec *d, uint8_t rt, struct ts_mem m, bool sx, bool w32)
{
	if (m.base == SP)
		d->o->flags |= TS_IF_STACK;
	if (rt == ZR || rt == TS_REG_NONE)
		return;
	if (rt == SP) { /* cannot happen: load targets are never sp */
		clobber(d, SP, false);
		return;
	}
	struct ts_uop *u = uop(d, TS_UOP_LOAD, rt, TS_REG_NONE, 0);
	u->mem = m;
	u->mem.sext = sx;
	if (sx && w32) /* ldrsb/ldrsh w: sign-extended to 32 bits, upper half zero */
		uop(d, TS_UOP_ZEXT32, rt, rt, 0);
}

/* Store rt (TS_REG_NONE: a value we do not track, e.g. a SIMD register). */
static void store(struct dec *d, uint8_t rt, struct ts_mem m)
{
	if (m.base == SP)
		d->o->flags |= TS_IF_STACK;
	if (rt == ZR) {
		uop(d, TS_UOP_CONST, TMP, TS_REG_NONE, 0);
		rt = TMP;
	}
	struct ts_uop *u = uop(d, TS_UOP_STORE, TS_REG_NONE, rt, 0);
	u->mem = m;
}

static void writeback(struct dec *d, uint8_t base, int64_t off)
{
	d->o->flags |= TS_IF_WRITEBACK;
	uop(d, TS_UOP_ADDI, base, base, off);
}

/* ---- data processing, immediate ------------------------------------------------------------ */

/* The bitmask immediate of the logical (immediate) instructions; false when reserved. */
static bool bitmask_imm(unsigned n, unsigned immr, unsigned imms, bool is64, uint64_t *out)
{
	unsigned v = (n << 6) | (~imms & 0x3f);
	if (!v)
		return false;
	unsigned len = 31 - (unsigned)__builtin_clz(v);
	if (len < 1 || (!is64 && len > 5))
		return false;
	unsigned esize = 1u << len, levels = esize - 1;
	unsigned s = imms & levels, r = immr & levels;
	if (s == levels)
		return false;
	uint64_t elem = (1ull << (s + 1)) - 1;
	uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
	if (r)
		elem = ((elem >> r) | (elem << (esize - r))) & emask;
	uint64_t imm = 0;
	for (unsigned i = 0; i < 64; i += esize)
		imm |= elem << i;
	*out = is64 ? imm : imm & 0xffffffffu;
	return true;
}

static bool dp_imm(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31);
	uint8_t rd = rz(bits(w, 4, 0));

	switch (bits(w, 25, 23)) {
	case 0: case 1: { /* adr, adrp */
		int64_t imm = sext(bits(w, 23, 5) << 2 | bits(w, 30, 29), 21);
		uint64_t a;
		if (bits(w, 31, 31)) {
			d->mn = "adrp";
			a = (d->pc & ~0xfffull) + (uint64_t)(imm * 4096);
		} else {
			d->mn = "adr";
			a = d->pc + (uint64_t)imm;
		}
		if (rd != ZR) {
			struct ts_uop *u = uop(d, TS_UOP_LEA, rd, TS_REG_NONE, 0);
			u->mem = mem_at(TS_REG_NONE, (int64_t)a, 0);
			u->mem.abs = true;
		}
		return true;
	}
	case 2: { /* add/sub (immediate) */
		bool sub = bits(w, 30, 30), s = bits(w, 29, 29);
		int64_t imm = (int64_t)bits(w, 21, 10) << (bits(w, 22, 22) ? 12 : 0);
		uint8_t rn = rsp(bits(w, 9, 5));
		uint8_t dst = s ? rz(bits(w, 4, 0)) : rsp(bits(w, 4, 0));
		d->mn = s ? (sub ? "subs" : "adds") : (sub ? "sub" : "add");
		if (s) {
			if (sub && dst == ZR) { /* cmp */
				flags_cmp_ri(d, rn, imm, !sf);
			} else {
				flags_clobber(d);
			}
			clobber(d, dst, !sf);
			return true;
		}
		if (!sf) {
			clobber(d, dst, true);
			return true;
		}
		if (imm == 0)
			move(d, dst, rn);
		else
			uop(d, TS_UOP_ADDI, dst, rn, sub ? -imm : imm);
		return true;
	}
	case 3: /* add/sub (immediate, with tags): addg, subg */
		if (!sf || bits(w, 29, 29) || bits(w, 22, 22))
			return false;
		d->mn = bits(w, 30, 30) ? "subg" : "addg";
		clobber(d, rsp(bits(w, 4, 0)), false);
		return true;
	case 4: { /* logical (immediate) */
		unsigned opc = bits(w, 30, 29);
		uint64_t imm;
		if (!bitmask_imm(bits(w, 22, 22), bits(w, 21, 16), bits(w, 15, 10), sf, &imm))
			return false;
		uint8_t rn = rz(bits(w, 9, 5));
		uint8_t dst = opc == 3 ? rz(bits(w, 4, 0)) : rsp(bits(w, 4, 0));
		static const char *const names[] = { "and", "orr", "eor", "ands" };
		d->mn = names[opc];
		if (opc == 3)
			flags_clobber(d); /* tst when dst is the zero register */
		if (sf && opc == 1 && rn == ZR && dst != SP) { /* mov of a bitmask immediate */
			uop(d, TS_UOP_CONST, dst, TS_REG_NONE, (int64_t)imm);
		} else if (sf && opc == 0 && rn != ZR && dst != ZR) {
			uop(d, TS_UOP_ANDI, dst, rn, (int64_t)imm);
		} else {
			clobber(d, dst, !sf);
		}
		return true;
	}
	case 5: { /* move wide (immediate) */
		unsigned opc = bits(w, 30, 29), hw = bits(w, 22, 21);
		if (opc == 1 || (!sf && hw >= 2))
			return false;
		uint64_t v = (uint64_t)bits(w, 20, 5) << (16 * hw);
		if (opc == 3) {
			d->mn = "movk";
			clobber(d, rd, !sf);
			return true;
		}
		d->mn = opc == 0 ? "movn" : "movz";
		if (opc == 0)
			v = ~v;
		if (!sf)
			v &= 0xffffffffu;
		if (rd != ZR)
			uop(d, TS_UOP_CONST, rd, TS_REG_NONE, (int64_t)v);
		return true;
	}
	case 6: { /* bitfield */
		unsigned opc = bits(w, 30, 29), n = bits(w, 22, 22);
		unsigned immr = bits(w, 21, 16), imms = bits(w, 15, 10);
		if (opc == 3 || n != sf || (!sf && ((immr | imms) & 0x20)))
			return false;
		static const char *const names[] = { "sbfm", "bfm", "ubfm" };
		d->mn = names[opc];
		uint8_t rn = rz(bits(w, 9, 5));
		if (rd == ZR)
			return true;
		if (rn != ZR && opc == 0 && sf && immr == 0 && (imms == 7 || imms == 15 || imms == 31)) {
			uop(d, TS_UOP_SEXT, rd, rn, (imms + 1) / 8);
		} else if (rn != ZR && opc == 2 && sf && imms != 63 && immr == imms + 1) {
			uop(d, TS_UOP_SHLI, rd, rn, 63 - imms);
		} else if (rn != ZR && opc == 2 && immr == 0 && (imms == 7 || imms == 15)) {
			uop(d, TS_UOP_ZEXT32, rd, rn, (imms + 1) / 8);
		} else if (rn != ZR && opc == 2 && sf && immr == 0 && imms == 31) {
			uop(d, TS_UOP_ZEXT32, rd, rn, 0);
		} else {
			clobber(d, rd, !sf);
		}
		return true;
	}
	default: /* 7: extract */
		if (bits(w, 30, 29) || bits(w, 22, 22) != sf || bits(w, 21, 21) || (!sf && bits(w, 15, 15)))
			return false;
		d->mn = "extr";
		clobber(d, rd, !sf);
		return true;
	}
}

/* ---- branches, exception generation, system ------------------------------------------------ */

static void pac(struct dec *d, uint16_t how, uint8_t reg, uint8_t mod)
{
	d->o->flags |= how;
	d->o->pac_reg = reg;
	d->o->pac_mod = mod;
}

static bool hint(struct dec *d)
{
	unsigned imm = bits(d->w, 11, 5);
	struct ts_insn *o = d->o;
	switch (imm) {
	case 0: d->mn = "nop"; o->flags |= TS_IF_NOP; return true;
	case 7: d->mn = "xpaclri"; pac(d, TS_IF_PAC_STRIP, LR, TS_REG_NONE); return true;
	case 8: d->mn = "pacia1716"; pac(d, TS_IF_PAC_SIGN, 17, 16); return true;
	case 10: d->mn = "pacib1716"; pac(d, TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B, 17, 16); return true;
	case 12: d->mn = "autia1716"; pac(d, TS_IF_PAC_AUTH, 17, 16); return true;
	case 14: d->mn = "autib1716"; pac(d, TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, 17, 16); return true;
	case 24: d->mn = "paciaz"; pac(d, TS_IF_PAC_SIGN, LR, TS_REG_NONE); return true;
	case 25: d->mn = "paciasp"; pac(d, TS_IF_PAC_SIGN | TS_IF_BTI_C, LR, SP); return true;
	case 26: d->mn = "pacibz"; pac(d, TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B, LR, TS_REG_NONE); return true;
	case 27: d->mn = "pacibsp"; pac(d, TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B | TS_IF_BTI_C, LR, SP); return true;
	case 28: d->mn = "autiaz"; pac(d, TS_IF_PAC_AUTH, LR, TS_REG_NONE); return true;
	case 29: d->mn = "autiasp"; pac(d, TS_IF_PAC_AUTH, LR, SP); return true;
	case 30: d->mn = "autibz"; pac(d, TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, LR, TS_REG_NONE); return true;
	case 31: d->mn = "autibsp"; pac(d, TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, LR, SP); return true;
	case 32: d->mn = "bti"; return true;
	case 34: d->mn = "bti c"; o->flags |= TS_IF_BTI_C; return true;
	case 36: d->mn = "bti j"; o->flags |= TS_IF_BTI_J; return true;
	case 38: d->mn = "bti jc"; o->flags |= TS_IF_BTI_C | TS_IF_BTI_J; return true;
	default: { /* no effect on the registers or the stack */
		/* as LLVM names them for v8.5-a (psb csync, #17, needs SPE: unnamed) */
		static const char *const names[21] = { [1] = "yield", [2] = "wfe", [3] = "wfi", [4] = "sev",
			[5] = "sevl", [6] = "dgh", [16] = "esb", [18] = "tsb", [20] = "csdb" };
		d->mn = imm < 21 && names[imm] ? names[imm] : "hint";
		return true;
	}
	}
}

static bool pstate(struct dec *d)
{
	unsigned op1 = bits(d->w, 18, 16), op2 = bits(d->w, 7, 5);
	bool ok;
	if (op1 == 0)
		ok = op2 <= 5; /* cfinv, xaflag, axflag, uao, pan, spsel */
	else if (op1 == 3)
		ok = op2 == 1 || op2 == 2 || op2 == 4 || op2 == 6 || op2 == 7; /* ssbs dit tco daifset/clr */
	else
		ok = false;
	if (op1 == 0 && op2 <= 2 && bits(d->w, 11, 8)) /* cfinv, xaflag, axflag have CRm 0 */
		ok = false;
	static const char *const flagm[3] = { "cfinv", "xaflag", "axflag" };
	d->mn = op1 == 0 && op2 <= 2 ? flagm[op2] : "msr";
	flags_clobber(d);
	return ok;
}

static bool sys(struct dec *d)
{
	uint32_t w = d->w;
	bool l = bits(w, 21, 21);
	unsigned op0 = bits(w, 20, 19);
	uint8_t rt = rz(bits(w, 4, 0));
	if (!l && op0 == 0) {
		if ((w & 0xfffff01f) == 0xd503201f)
			return hint(d);
		if ((w & 0xfffff01f) == 0xd503301f) {
			unsigned op2 = bits(w, 7, 5);
			static const char *const names[] = { 0, 0, "clrex", 0, "dsb", "dmb", "isb", "sb" };
			d->mn = names[op2];
			if (d->mn && !(op2 == 7 && bits(w, 11, 8)))
				return true;
		}
		if ((w & 0xfff8f01f) == 0xd500401f && pstate(d))
			return true;
		/* the rest of op0 00 (and unallocated barriers/pstate forms) reads as a generic
		 * system register access, as LLVM decodes it: msr S0_op1_Cn_Cm_op2, xT */
	}
	if (op0 == 1) {
		d->mn = l ? "sysl" : "sys";
	} else {
		d->mn = l ? "mrs" : "msr";
		if (!l)
			flags_clobber(d); /* msr nzcv, xN among them */
	}
	if (l)
		clobber(d, rt, false);
	return true;
}

static bool exception(struct dec *d)
{
	uint32_t w = d->w;
	unsigned opc = bits(w, 23, 21), op2 = bits(w, 4, 2), ll = bits(w, 1, 0);
	struct ts_insn *o = d->o;
	if (op2)
		return false;
	switch (opc) {
	case 0:
		if (ll == 0)
			return false;
		d->mn = ll == 1 ? "svc" : ll == 2 ? "hvc" : "smc";
		o->flags |= ll == 1 ? TS_IF_SYSCALL : TS_IF_PRIV;
		return true;
	case 1: case 2:
		if (ll)
			return false;
		d->mn = opc == 1 ? "brk" : "hlt";
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_TRAP;
		return true;
	case 5:
		if (ll == 0)
			return false;
		d->mn = ll == 1 ? "dcps1" : ll == 2 ? "dcps2" : "dcps3";
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_PRIV;
		return true;
	default:
		return false;
	}
}

static enum ts_cond cond_of(unsigned c)
{
	switch (c) {
	case 0: return TS_COND_EQ;
	case 1: return TS_COND_NE;
	case 2: return TS_COND_UGE; /* hs */
	case 3: return TS_COND_ULT; /* lo */
	case 8: return TS_COND_UGT; /* hi */
	case 9: return TS_COND_ULE; /* ls */
	default: return TS_COND_OTHER;
	}
}

static bool branch_reg(struct dec *d)
{
	uint32_t w = d->w;
	unsigned opc = bits(w, 24, 21), op3 = bits(w, 15, 10), rn = bits(w, 9, 5), op4 = bits(w, 4, 0);
	struct ts_insn *o = d->o;
	if (bits(w, 20, 16) != 31)
		return false;
	bool plain = op3 == 0 && op4 == 0;
	/* register field 31 is xzr here: a branch to address 0, through no register we track */
	uint8_t target = rn == 31 ? TS_REG_NONE : (uint8_t)rn;
	bool pacz = (op3 == 2 || op3 == 3) && op4 == 31; /* braaz, blrabz, retaa.. (zero/sp modifier) */
	uint16_t key = op3 == 3 ? TS_IF_PAC_KEY_B : 0;
	switch (opc) {
	case 0: case 1: /* br, blr, braaz, brabz, blraaz, blrabz */
		if (!plain && !pacz)
			return false;
		o->flow = opc ? TS_FLOW_CALL_IND : TS_FLOW_JUMP_IND;
		if (opc)
			o->flags |= TS_IF_LINK;
		o->treg = target;
		if (pacz && target != TS_REG_NONE)
			pac(d, TS_IF_PAC_AUTH | key, target, TS_REG_NONE);
		d->mn = opc ? (plain ? "blr" : key ? "blrabz" : "blraaz") : (plain ? "br" : key ? "brabz" : "braaz");
		return true;
	case 2: /* ret, retaa, retab */
		if (plain) {
			d->mn = "ret";
			o->treg = target;
		} else if (pacz && rn == 31) {
			d->mn = op3 == 2 ? "retaa" : "retab";
			pac(d, TS_IF_PAC_AUTH | key, LR, SP);
			o->treg = LR;
		} else {
			return false;
		}
		o->flow = TS_FLOW_RET;
		return true;
	case 4: case 5: /* eret, eretaa, eretab, drps */
		if (rn != 31 || !(plain || (opc == 4 && pacz)))
			return false;
		d->mn = opc == 5 ? "drps" : plain ? "eret" : key ? "eretab" : "eretaa";
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_PRIV;
		return true;
	case 8: case 9: /* braa, brab, blraa, blrab: Xn authenticated with modifier Xm|SP */
		if (op3 != 2 && op3 != 3)
			return false;
		o->flow = opc == 9 ? TS_FLOW_CALL_IND : TS_FLOW_JUMP_IND;
		if (opc == 9)
			o->flags |= TS_IF_LINK;
		o->treg = target;
		if (target != TS_REG_NONE)
			pac(d, TS_IF_PAC_AUTH | key, target, (uint8_t)op4);
		d->mn = opc == 9 ? (key ? "blrab" : "blraa") : (key ? "brab" : "braa");
		return true;
	default:
		return false;
	}
}

static bool branch_sys(struct dec *d)
{
	uint32_t w = d->w;
	struct ts_insn *o = d->o;
	if ((w & 0x7c000000) == 0x14000000) { /* b, bl */
		o->target = d->pc + (uint64_t)(sext(bits(w, 25, 0), 26) * 4);
		if (bits(w, 31, 31)) {
			d->mn = "bl";
			o->flow = TS_FLOW_CALL;
			o->flags |= TS_IF_LINK;
		} else {
			d->mn = "b";
			o->flow = TS_FLOW_JUMP;
		}
		return true;
	}
	if ((w & 0x7e000000) == 0x34000000) { /* cbz, cbnz */
		bool nz = bits(w, 24, 24), sf = bits(w, 31, 31);
		uint8_t rt = rz(bits(w, 4, 0));
		d->mn = nz ? "cbnz" : "cbz";
		o->flow = TS_FLOW_JCC;
		o->target = d->pc + (uint64_t)(sext(bits(w, 23, 5), 19) * 4);
		if (rt != ZR) { /* the compare with zero is the branch's own */
			o->cond = nz ? TS_COND_NE : TS_COND_EQ;
			flags_cmp_ri(d, rt, 0, !sf);
			o->cmp_kind = TS_CMP_KEEP; /* the flags themselves are untouched */
		}
		return true;
	}
	if ((w & 0x7e000000) == 0x36000000) { /* tbz, tbnz */
		d->mn = bits(w, 24, 24) ? "tbnz" : "tbz";
		o->flow = TS_FLOW_JCC;
		o->target = d->pc + (uint64_t)(sext(bits(w, 18, 5), 14) * 4);
		return true;
	}
	if ((w & 0xff000010) == 0x54000000) { /* b.cond */
		unsigned c = bits(w, 3, 0);
		static const char *const names[16] = { "b.eq", "b.ne", "b.hs", "b.lo", "b.mi", "b.pl",
			"b.vs", "b.vc", "b.hi", "b.ls", "b.ge", "b.lt", "b.gt", "b.le", "b.al", "b.nv" };
		d->mn = names[c];
		o->target = d->pc + (uint64_t)(sext(bits(w, 23, 5), 19) * 4);
		o->flow = c >= 14 ? TS_FLOW_JUMP : TS_FLOW_JCC; /* b.al, b.nv: always */
		o->cond = c >= 14 ? TS_COND_OTHER : cond_of(c);
		return true;
	}
	if ((w & 0xff000000) == 0xd4000000)
		return exception(d);
	if ((w & 0xffc00000) == 0xd5000000)
		return sys(d);
	if ((w & 0xfe000000) == 0xd6000000)
		return branch_reg(d);
	return false;
}

/* ---- loads and stores ---------------------------------------------------------------------- */

enum acc { ACC_INVALID, ACC_STORE, ACC_LOAD, ACC_LOAD_SX64, ACC_LOAD_SX32, ACC_PRFM };

/* Kind and size of a single-register load/store from size (31:30), V (26) and opc (23:22). */
static enum acc ldst_kind(unsigned size, bool v, unsigned opc, unsigned *bytes)
{
	*bytes = 1u << size;
	if (v) {
		if (opc >= 2) {
			if (size)
				return ACC_INVALID;
			*bytes = 16;
		}
		return opc & 1 ? ACC_LOAD : ACC_STORE;
	}
	switch (opc) {
	case 0: return ACC_STORE;
	case 1: return ACC_LOAD;
	case 2: return size == 3 ? ACC_PRFM : ACC_LOAD_SX64;
	default: return size >= 2 ? ACC_INVALID : ACC_LOAD_SX32;
	}
}

static void access1(struct dec *d, enum acc k, bool v, uint8_t rt, struct ts_mem m)
{
	if (k == ACC_PRFM)
		return;
	if (k == ACC_STORE) {
		store(d, v ? TS_REG_NONE : rt, m);
		return;
	}
	if (v) { /* SIMD&FP register: nothing we track, but a load from the stack is still stack */
		if (m.base == SP)
			d->o->flags |= TS_IF_STACK;
		return;
	}
	load(d, rt, m, k == ACC_LOAD_SX64 || k == ACC_LOAD_SX32, k == ACC_LOAD_SX32);
}

/* Mnemonics by size (b, h, w/x): one string per access size. */
#define SZ(m) { m "b", m "h", m, m }

/* A single-register load/store's mnemonic; form 0: scaled offset, pre/post-index or register
 * offset, 1: unscaled (ldur), 2: unprivileged (ldtr). */
static const char *ldst_name(enum acc k, bool v, unsigned size, unsigned form)
{
	static const char *const st[3][4] = { SZ("str"), SZ("stur"), SZ("sttr") };
	static const char *const ld[3][4] = { SZ("ldr"), SZ("ldur"), SZ("ldtr") };
	static const char *const lds[3][3] = { { "ldrsb", "ldrsh", "ldrsw" }, { "ldursb", "ldursh", "ldursw" },
					       { "ldtrsb", "ldtrsh", "ldtrsw" } };
	if (v) /* b, h, s, d, q registers: the register names the size */
		return k == ACC_STORE ? (form == 1 ? "stur" : "str") : (form == 1 ? "ldur" : "ldr");
	switch (k) {
	case ACC_STORE: return st[form][size];
	case ACC_PRFM: return form == 1 ? "prfum" : "prfm";
	case ACC_LOAD_SX64: case ACC_LOAD_SX32: return size < 3 ? lds[form][size] : "?";
	default: return ld[form][size];
	}
}

/* ld/st register: unsigned offset, unscaled, pre/post-index, unprivileged, register offset. */
static bool ldst_reg(struct dec *d)
{
	uint32_t w = d->w;
	unsigned size = bits(w, 31, 30), opc = bits(w, 23, 22), bytes;
	bool v = bits(w, 26, 26);
	uint8_t rn = rsp(bits(w, 9, 5)), rt = rz(bits(w, 4, 0));
	enum acc k = ldst_kind(size, v, opc, &bytes);
	unsigned scale = __builtin_ctz(bytes);

	if (bits(w, 24, 24)) { /* unsigned offset */
		if (k == ACC_INVALID)
			return false;
		d->mn = ldst_name(k, v, size, 0);
		access1(d, k, v, rt, mem_at(rn, (int64_t)bits(w, 21, 10) << scale, bytes));
		return true;
	}
	if (!bits(w, 21, 21)) {
		unsigned op = bits(w, 11, 10);
		int64_t imm = sext(bits(w, 20, 12), 9);
		if (k == ACC_INVALID || (op != 0 && k == ACC_PRFM) || (op == 2 && v))
			return false;
		d->mn = ldst_name(k, v, size, op == 0 ? 1 : op == 2 ? 2 : 0);
		if (op == 0 || op == 2) { /* ldur, ldtr */
			access1(d, k, v, rt, mem_at(rn, imm, bytes));
		} else if (op == 3) { /* pre-index */
			writeback(d, rn, imm);
			access1(d, k, v, rt, mem_at(rn, 0, bytes));
		} else { /* post-index */
			access1(d, k, v, rt, mem_at(rn, 0, bytes));
			writeback(d, rn, imm);
		}
		return true;
	}
	switch (bits(w, 11, 10)) {
	case 0: { /* atomic memory operations (LSE), ldapr */
		unsigned o3 = bits(w, 15, 15), aop = bits(w, 14, 12);
		if (v)
			return false;
		if (o3 && aop == 4) { /* ldapr: A=1 R=0 Rs=11111 */
			if (bits(w, 23, 22) != 2 || bits(w, 20, 16) != 31)
				return false;
			static const char *const ldapr[4] = SZ("ldapr");
			d->mn = ldapr[size];
			load(d, rt, mem_at(rn, 0, bytes), false, false);
			return true;
		}
		if (o3 && aop != 0)
			return false;
		/* [operation][acquire (A, bit 23), release (R, bit 22)][size] */
#define AR(m) { SZ(m), SZ(m "l"), SZ(m "a"), SZ(m "al") }
		static const char *const names[9][4][4] = { AR("ldadd"), AR("ldclr"), AR("ldeor"), AR("ldset"),
			AR("ldsmax"), AR("ldsmin"), AR("ldumax"), AR("ldumin"), AR("swp") };
#undef AR
		d->mn = names[o3 ? 8 : aop][bits(w, 23, 22)][size];
		store(d, TS_REG_NONE, mem_at(rn, 0, bytes));
		clobber(d, rt, size < 3);
		return true;
	}
	case 2: { /* register offset */
		unsigned option = bits(w, 15, 13);
		if (k == ACC_INVALID || !(option & 2))
			return false;
		uint8_t rm = rz(bits(w, 20, 16));
		d->mn = ldst_name(k, v, size, 0);
		struct ts_mem m = mem_at(rn, 0, bytes);
		if (rm != ZR) {
			if (option == 2 || option == 6) { /* uxtw, sxtw: the index extended first */
				uop(d, option == 2 ? TS_UOP_ZEXT32 : TS_UOP_SEXT32, TMP, rm, 0);
				rm = TMP;
			}
			m.index = rm;
			m.scale = (uint8_t)(bits(w, 12, 12) ? bytes : 1);
		}
		access1(d, k, v, rt, m);
		return true;
	}
	default: { /* ldraa, ldrab: x1 */
		if (size != 3 || v)
			return false;
		int64_t off = sext(bits(w, 22, 22) << 9 | bits(w, 20, 12), 10) * 8;
		d->mn = bits(w, 23, 23) ? "ldrab" : "ldraa";
		if (bits(w, 11, 11)) {
			writeback(d, rn, off);
			load(d, rt, mem_at(rn, 0, 8), false, false);
		} else {
			load(d, rt, mem_at(rn, off, 8), false, false);
		}
		return true;
	}
	}
}

static bool ldst_pair(struct dec *d)
{
	uint32_t w = d->w;
	unsigned opc = bits(w, 31, 30), idx = bits(w, 24, 23);
	bool v = bits(w, 26, 26), l = bits(w, 22, 22), sx = false;
	uint8_t rn = rsp(bits(w, 9, 5)), rt = rz(bits(w, 4, 0)), rt2 = rz(bits(w, 14, 10));
	unsigned bytes, scale;

	if (opc == 3)
		return false;
	if (v) {
		bytes = 4u << opc;
	} else if (opc == 1) {
		if (idx == 0)
			return false;
		bytes = l ? 4 : 8; /* ldpsw, stgp */
		sx = l;
	} else {
		bytes = opc ? 8 : 4;
	}
	scale = !v && opc == 1 && !l ? 16 : bytes; /* stgp's offset is in granules */
	int64_t off = sext(bits(w, 21, 15), 7) * scale;
	d->mn = !v && opc == 1 ? (l ? "ldpsw" : "stgp") : l ? "ldp" : "stp";
	if (idx == 0)
		d->mn = l ? "ldnp" : "stnp";
	int64_t at = off;
	if (idx == 3) {
		writeback(d, rn, off);
		at = 0;
	} else if (idx == 1) {
		at = 0;
	}
	if (v) {
		if (!l)
			store(d, TS_REG_NONE, mem_at(rn, at, 2 * bytes));
		else if (rn == SP)
			d->o->flags |= TS_IF_STACK;
	} else if (l) {
		/* the second register first when the first is also the base (ldp x0, x1, [x0]) */
		bool swap = rt == rn;
		load(d, swap ? rt2 : rt, mem_at(rn, at + (swap ? (int64_t)bytes : 0), bytes), sx, false);
		load(d, swap ? rt : rt2, mem_at(rn, at + (swap ? 0 : (int64_t)bytes), bytes), sx, false);
	} else {
		store(d, rt, mem_at(rn, at, bytes));
		store(d, rt2, mem_at(rn, at + bytes, bytes));
	}
	if (idx == 1)
		writeback(d, rn, off);
	return true;
}

static bool ldst_literal(struct dec *d)
{
	uint32_t w = d->w;
	unsigned opc = bits(w, 31, 30);
	bool v = bits(w, 26, 26);
	uint64_t a = d->pc + (uint64_t)(sext(bits(w, 23, 5), 19) * 4);
	if (v) {
		if (opc == 3)
			return false;
		d->mn = "ldr";
		return true;
	}
	if (opc == 3) {
		d->mn = "prfm";
		return true;
	}
	d->mn = opc == 2 ? "ldrsw" : "ldr";
	struct ts_mem m = mem_at(TS_REG_NONE, (int64_t)a, opc == 1 ? 8 : 4);
	m.abs = true;
	load(d, rz(bits(w, 4, 0)), m, opc == 2, false);
	return true;
}

/* Load/store exclusive, load-acquire/store-release, compare and swap. */
static bool ldst_excl(struct dec *d)
{
	uint32_t w = d->w;
	unsigned size = bits(w, 31, 30), bytes = 1u << size;
	bool o2 = bits(w, 23, 23), l = bits(w, 22, 22), o1 = bits(w, 21, 21);
	uint8_t rs = rz(bits(w, 20, 16)), rn = rsp(bits(w, 9, 5)), rt = rz(bits(w, 4, 0));
	uint8_t rt2 = rz(bits(w, 14, 10));
	struct ts_mem m = mem_at(rn, 0, bytes);

	if (o1 && !o2 && size < 2) { /* casp: even register pairs; Rt2 11111 */
		if ((bits(w, 20, 16) & 1) || (bits(w, 4, 0) & 1) || bits(w, 14, 10) != 31)
			return false;
		static const char *const casp[4] = { "casp", "caspl", "caspa", "caspal" };
		d->mn = casp[l << 1 | bits(w, 15, 15)];
		m.size = (uint8_t)(2 * bytes);
		store(d, TS_REG_NONE, m);
		clobber(d, rs, size < 3);
		clobber(d, rz(bits(w, 20, 16) + 1), size < 3);
		return true;
	}
	if (o1 && o2) {
		if (bits(w, 14, 10) != 31)
			return false;
		static const char *const cas[4][4] = { SZ("cas"), SZ("casl"), SZ("casa"), SZ("casal") };
		d->mn = cas[l << 1 | bits(w, 15, 15)][size];
		store(d, TS_REG_NONE, m);
		clobber(d, rs, size < 3);
		return true;
	}
	if (!o2) { /* exclusive: register (o1 0) or pair (o1 1, sizes 10 and 11) */
		if (o1)
			m.size = (uint8_t)(2 * bytes);
		if (l) {
			static const char *const ldx[2][4] = { SZ("ldxr"), SZ("ldaxr") };
			d->mn = o1 ? (bits(w, 15, 15) ? "ldaxp" : "ldxp") : ldx[bits(w, 15, 15)][size];
			if (o1) {
				load(d, rt, mem_at(rn, 0, bytes), false, false);
				load(d, rt2, mem_at(rn, bytes, bytes), false, false);
			} else {
				load(d, rt, m, false, false);
			}
		} else {
			static const char *const stx[2][4] = { SZ("stxr"), SZ("stlxr") };
			d->mn = o1 ? (bits(w, 15, 15) ? "stlxp" : "stxp") : stx[bits(w, 15, 15)][size];
			store(d, TS_REG_NONE, m); /* may not happen: the slot's value is unknown either way */
			clobber(d, rs, true);
		}
		return true;
	}
	/* ordered: ldar, ldlar, stlr, stllr */
	static const char *const ordered[4][4] = { SZ("stllr"), SZ("stlr"), SZ("ldlar"), SZ("ldar") };
	d->mn = ordered[l << 1 | bits(w, 15, 15)][size];
	if (l)
		load(d, rt, m, false, false);
	else
		store(d, rt, m);
	return true;
}

/* ldapur/stlur (RCPC2, unscaled immediate). */
static bool ldst_rcpc(struct dec *d)
{
	uint32_t w = d->w;
	unsigned size = bits(w, 31, 30), opc = bits(w, 23, 22), bytes = 1u << size;
	uint8_t rn = rsp(bits(w, 9, 5)), rt = rz(bits(w, 4, 0));
	int64_t imm = sext(bits(w, 20, 12), 9);
	if (bits(w, 11, 10) || (size == 2 && opc == 3) || (size == 3 && opc >= 2))
		return false;
	if (opc == 0) {
		static const char *const stlur[4] = SZ("stlur");
		d->mn = stlur[size];
		store(d, rt, mem_at(rn, imm, bytes));
	} else {
		static const char *const ldapur[4] = SZ("ldapur");
		static const char *const ldapurs[3] = { "ldapursb", "ldapursh", "ldapursw" };
		d->mn = opc == 1 ? ldapur[size] : ldapurs[size];
		load(d, rt, mem_at(rn, imm, bytes), opc >= 2, opc == 3);
	}
	return true;
}

/*
 * FEAT_MOPS, the memory copy and set instructions (glibc's __memcpy_mops, __memset_mops..):
 * cpyfp/cpyfm/cpyfe [Xd]!, [Xs]!, Xn! (cpyp.. without the f: overlapping copies) and
 * setp/setm/sete [Xd]!, Xn!, Xs (setgp..: with the tags), each a prologue, main and epilogue
 * step that moves part of the block and updates the registers. The variants (op2) are hints
 * only: unprivileged accesses, non-temporal. Valid only with size 00; a copy's Xd, Xs, Xn are
 * distinct and neither Xd nor Xs is 31; a set's Xd, Xn, Xs distinct, Xd not 31, op2<3:2> not
 * 11 (measured against llvm-mc -mattr=+mops over the whole space: tests/arch/suite_a64decode.sh's
 * sweep). For the analysis: a store of unknown bytes at Xd (never the stack pointer: 31 is not
 * allowed there), and the registers the step updates written with values we do not follow.
 */
#define MOPS_CPY(p) { p, p "wt", p "rt", p "t", p "wn", p "wtwn", p "rtwn", p "twn", \
		      p "rn", p "wtrn", p "rtrn", p "trn", p "n", p "wtn", p "rtn", p "tn" }
#define MOPS_SET(p) { p, p "t", p "n", p "tn" }

static bool ldst_mops(struct dec *d)
{
	static const char *const cpy[2][3][16] = {
		{ MOPS_CPY("cpyfp"), MOPS_CPY("cpyfm"), MOPS_CPY("cpyfe") },
		{ MOPS_CPY("cpyp"), MOPS_CPY("cpym"), MOPS_CPY("cpye") },
	};
	static const char *const set[2][3][4] = {
		{ MOPS_SET("setp"), MOPS_SET("setm"), MOPS_SET("sete") },
		{ MOPS_SET("setgp"), MOPS_SET("setgm"), MOPS_SET("setge") },
	};
	uint32_t w = d->w;
	unsigned o0 = bits(w, 26, 26), op1 = bits(w, 23, 22), op2 = bits(w, 15, 12);
	unsigned rs = bits(w, 20, 16), rn = bits(w, 9, 5), rd = bits(w, 4, 0);
	if (bits(w, 31, 30) || rd == 31 || rd == rs || rd == rn || rs == rn)
		return false;
	if (op1 != 3) { /* copy: Xs is the source address */
		if (rs == 31)
			return false;
		d->mn = cpy[o0][op1][op2];
		store(d, TS_REG_NONE, mem_at((uint8_t)rd, 0, 0));
		clobber(d, (uint8_t)rd, false);
		clobber(d, (uint8_t)rs, false);
		clobber(d, rz(rn), false);
		return true;
	}
	if (op2 >> 2 == 3) /* set: Xs is the value stored, only read */
		return false;
	d->mn = set[o0][op2 >> 2][op2 & 3];
	store(d, TS_REG_NONE, mem_at((uint8_t)rd, 0, 0));
	clobber(d, (uint8_t)rd, false);
	clobber(d, rz(rn), false);
	return true;
}

/* Memory tagging: stg, stzg, st2g, stz2g (with writeback), ldg, stgm, stzgm, ldgm. */
static bool ldst_tags(struct dec *d)
{
	uint32_t w = d->w;
	unsigned opc = bits(w, 23, 22), op2 = bits(w, 11, 10);
	uint8_t rn = rsp(bits(w, 9, 5)), rt = rz(bits(w, 4, 0));
	int64_t off = sext(bits(w, 20, 12), 9) * 16;
	if (op2 == 0) {
		if (opc != 1 && bits(w, 20, 12))
			return false;
		static const char *const names[] = { "stzgm", "ldg", "stgm", "ldgm" };
		d->mn = names[opc];
		if (opc == 1 || opc == 3)
			clobber(d, rt, false);
		else if (opc == 0)
			store(d, TS_REG_NONE, mem_at(rn, 0, 0));
		return true;
	}
	static const char *const names[] = { "stg", "stzg", "st2g", "stz2g" };
	d->mn = names[opc];
	int64_t at = op2 == 2 ? off : 0;
	if (op2 == 3)
		writeback(d, rn, off);
	if (opc & 1) /* the zeroing forms write the granules' data too */
		store(d, TS_REG_NONE, mem_at(rn, at, opc == 3 ? 32 : 16));
	else if (rn == SP)
		d->o->flags |= TS_IF_STACK;
	if (op2 == 1)
		writeback(d, rn, off);
	return true;
}

/* Advanced SIMD load/store multiple structures and single structure: only their base matters. */
static bool ldst_simd(struct dec *d, bool single)
{
	uint32_t w = d->w;
	bool post = bits(w, 23, 23), l = bits(w, 22, 22), q = bits(w, 30, 30);
	unsigned opcode = bits(w, 15, 12), size = bits(w, 11, 10);
	uint8_t rn = rsp(bits(w, 9, 5)), rm = rz(bits(w, 20, 16));
	unsigned total;
	static const char *const lds[2][4] = { { "st1", "st2", "st3", "st4" }, { "ld1", "ld2", "ld3", "ld4" } };
	static const char *const ldr[4] = { "ld1r", "ld2r", "ld3r", "ld4r" };
	if (!single) {
		static const signed char nregs[16] = { 4, -1, 4, -1, 3, -1, 3, 1, 2, -1, 2, -1, -1, -1, -1, -1 };
		int n = nregs[opcode];
		if (n < 0 || (size == 3 && !q && (opcode == 0 || opcode == 4 || opcode == 8)))
			return false;
		total = (unsigned)n * (q ? 16 : 8);
		static const signed char selem[16] = { 4, 0, 1, 0, 3, 0, 1, 1, 2, 0, 1 };
		d->mn = lds[l][selem[opcode] - 1];
	} else {
		unsigned op = bits(w, 15, 13), s = bits(w, 12, 12), r = bits(w, 21, 21);
		unsigned selem = ((op & 1) << 1 | r) + 1, esize;
		switch (op >> 1) {
		case 0: esize = 1; break;
		case 1: if (size & 1) return false; esize = 2; break;
		case 2:
			if (size == 0) esize = 4;
			else if (size == 1 && !s) esize = 8;
			else return false;
			break;
		default:
			if (!l || s)
				return false;
			esize = 1u << size;
		}
		total = selem * esize;
		d->mn = op >> 1 == 3 ? ldr[selem - 1] : lds[l][selem - 1];
	}
	if (!l)
		store(d, TS_REG_NONE, mem_at(rn, 0, total));
	else if (rn == SP)
		d->o->flags |= TS_IF_STACK;
	if (post) {
		if (rm == ZR) {
			writeback(d, rn, total);
		} else {
			d->o->flags |= TS_IF_WRITEBACK;
			uop(d, TS_UOP_ADD, rn, rm, 0);
		}
	}
	return true;
}

static bool ldst(struct dec *d)
{
	uint32_t w = d->w;
	if ((w & 0xbfbf0000) == 0x0c000000 || (w & 0xbfa00000) == 0x0c800000)
		return ldst_simd(d, false);
	if ((w & 0xbf9f0000) == 0x0d000000 || (w & 0xbf800000) == 0x0d800000)
		return ldst_simd(d, true);
	if ((w & 0xff200000) == 0xd9200000)
		return ldst_tags(d);
	if ((w & 0x3f000000) == 0x08000000)
		return ldst_excl(d);
	if ((w & 0x3b200c00) == 0x19000400)
		return ldst_mops(d);
	if ((w & 0x3f200000) == 0x19000000)
		return ldst_rcpc(d);
	if ((w & 0x3b000000) == 0x18000000)
		return ldst_literal(d);
	if ((w & 0x38000000) == 0x28000000)
		return ldst_pair(d);
	if ((w & 0x38000000) == 0x38000000)
		return ldst_reg(d);
	return false;
}

/* ---- data processing, register ------------------------------------------------------------- */

/* dst = rn (+|-) v, where v was computed into TMP (or is the register rm itself). */
static void add_reg(struct dec *d, uint8_t dst, uint8_t rn, uint8_t v, bool sub)
{
	if (dst == ZR)
		return;
	if (rn == ZR) {
		if (sub)
			clobber(d, dst, false); /* neg */
		else
			move(d, dst, v);
		return;
	}
	if (v == dst && dst != rn) { /* keep rm before dst is overwritten by rn */
		uop(d, TS_UOP_MOV, TMP, v, 0);
		v = TMP;
	}
	if (dst != rn)
		move(d, dst, rn);
	uop(d, TS_UOP_ADD, dst, v, sub ? -1 : 0);
}

/* rd = rn +/- (v << amount): the shifted and extended register forms of add/sub. */
static void add_shifted(struct dec *d, uint8_t rd, uint8_t rn, uint8_t v, unsigned amount, bool sub)
{
	if (amount) {
		uop(d, TS_UOP_SHLI, TMP, v, amount);
		v = TMP;
	}
	add_reg(d, rd, rn, v, sub);
}

static bool addsub_shifted(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31), sub = bits(w, 30, 30), s = bits(w, 29, 29);
	unsigned shift = bits(w, 23, 22), amount = bits(w, 15, 10);
	uint8_t rd = rz(bits(w, 4, 0)), rn = rz(bits(w, 9, 5)), rm = rz(bits(w, 20, 16));
	if (shift == 3 || (!sf && (amount & 0x20)))
		return false;
	d->mn = s ? (sub ? "subs" : "adds") : (sub ? "sub" : "add");
	if (s) {
		if (sub && rd == ZR && amount == 0 && rn != ZR && rm != ZR) { /* cmp */
			d->o->cmp_kind = TS_CMP_RR;
			d->o->cmp_a = rn;
			d->o->cmp_b = rm;
			d->o->cmp_width = sf ? 8 : 4;
		} else {
			flags_clobber(d);
		}
		clobber(d, rd, !sf);
		return true;
	}
	if (!sf || (shift != 0 && amount != 0) || rd == ZR) {
		clobber(d, rd, !sf);
		return true;
	}
	if (rm == ZR) {
		move(d, rd, rn);
		return true;
	}
	add_shifted(d, rd, rn, rm, amount, sub);
	return true;
}

static bool addsub_extended(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31), sub = bits(w, 30, 30), s = bits(w, 29, 29);
	unsigned option = bits(w, 15, 13), amount = bits(w, 12, 10);
	uint8_t rd = s ? rz(bits(w, 4, 0)) : rsp(bits(w, 4, 0));
	uint8_t rn = rsp(bits(w, 9, 5)), rm = rz(bits(w, 20, 16));
	if (bits(w, 23, 22) || amount > 4)
		return false;
	d->mn = s ? (sub ? "subs" : "adds") : (sub ? "sub" : "add");
	if (s) {
		bool plain = amount == 0 && (sf ? option == 3 || option == 7 : option == 2 || option == 6);
		if (sub && rd == ZR && plain && rm != ZR) { /* cmp */
			d->o->cmp_kind = TS_CMP_RR;
			d->o->cmp_a = rn;
			d->o->cmp_b = rm;
			d->o->cmp_width = sf ? 8 : 4;
		} else {
			flags_clobber(d);
		}
		clobber(d, rd, !sf);
		return true;
	}
	if (!sf) {
		clobber(d, rd, true);
		return true;
	}
	if (rm == ZR) {
		move(d, rd, rn);
		return true;
	}
	uint8_t v = rm;
	switch (option) {
	case 0: case 1: uop(d, TS_UOP_ZEXT32, TMP, rm, option + 1); v = TMP; break;
	case 2: uop(d, TS_UOP_ZEXT32, TMP, rm, 0); v = TMP; break;
	case 4: case 5: case 6: uop(d, TS_UOP_SEXT, TMP, rm, 1 << (option - 4)); v = TMP; break;
	default: break; /* uxtx, sxtx: the register as is */
	}
	add_shifted(d, rd, rn, v, amount, sub);
	return true;
}

static bool logical_shifted(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31), n = bits(w, 21, 21);
	unsigned opc = bits(w, 30, 29), amount = bits(w, 15, 10);
	uint8_t rd = rz(bits(w, 4, 0)), rn = rz(bits(w, 9, 5)), rm = rz(bits(w, 20, 16));
	if (!sf && (amount & 0x20))
		return false;
	static const char *const names[4][2] = { { "and", "bic" }, { "orr", "orn" }, { "eor", "eon" },
						 { "ands", "bics" } };
	d->mn = names[opc][n];
	if (opc == 3)
		flags_clobber(d);
	if (opc == 1 && !n && amount == 0 && rn == ZR && rd != ZR) { /* mov */
		if (rm == ZR)
			uop(d, TS_UOP_CONST, rd, TS_REG_NONE, 0);
		else if (sf)
			move(d, rd, rm);
		else
			uop(d, TS_UOP_ZEXT32, rd, rm, 0);
		return true;
	}
	clobber(d, rd, !sf);
	return true;
}

static bool dp_2src(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31), s = bits(w, 29, 29);
	unsigned op = bits(w, 15, 10);
	uint8_t rd = rz(bits(w, 4, 0));
	bool ok;
	if (op == 0) { /* subp, subps */
		ok = sf;
		d->mn = s ? "subps" : "subp";
		if (s)
			flags_clobber(d);
	} else if (s) {
		ok = false;
	} else if (op == 2 || op == 3 || (op >= 8 && op <= 11)) {
		ok = true;
		static const char *const names[12] = { [2] = "udiv", [3] = "sdiv", [8] = "lslv", [9] = "lsrv",
							[10] = "asrv", [11] = "rorv" };
		d->mn = names[op];
	} else if (op >= 16 && op <= 23) { /* crc32 */
		ok = (op & 3) == 3 ? sf : !sf;
		static const char *const crc[8] = { "crc32b", "crc32h", "crc32w", "crc32x",
						     "crc32cb", "crc32ch", "crc32cw", "crc32cx" };
		d->mn = crc[op - 16];
	} else if (op == 4 || op == 5 || op == 12) { /* irg, gmi, pacga */
		ok = sf;
		d->mn = op == 4 ? "irg" : op == 5 ? "gmi" : "pacga";
		if (op == 4)
			rd = rsp(bits(w, 4, 0));
	} else {
		ok = false;
	}
	if (ok)
		clobber(d, rd, !sf);
	return ok;
}

static bool dp_1src(struct dec *d)
{
	uint32_t w = d->w;
	bool sf = bits(w, 31, 31);
	unsigned op2 = bits(w, 20, 16), op = bits(w, 15, 10), rn = bits(w, 9, 5);
	uint8_t rd = rz(bits(w, 4, 0));
	if (bits(w, 29, 29))
		return false;
	if (op2 == 0) {
		if (op > 5 || (op == 3 && !sf))
			return false;
		static const char *const names[6] = { "rbit", "rev16", "rev", "rev", "clz", "cls" };
		d->mn = op == 2 && sf ? "rev32" : names[op];
		clobber(d, rd, !sf);
		return true;
	}
	if (op2 != 1 || !sf || op > 17)
		return false;
	/* pointer authentication on a general register: pac*, aut*, xpac* */
	if (op >= 8 && rn != 31) /* the zero-modifier forms and xpac have Rn 11111 */
		return false;
	bool data = op >= 16 ? op == 17 : (op & 2) != 0;
	uint16_t key = op < 16 && (op & 1) ? TS_IF_PAC_KEY_B : 0;
	uint16_t how = op >= 16 ? TS_IF_PAC_STRIP : (op & 4) ? TS_IF_PAC_AUTH : TS_IF_PAC_SIGN;
	uint8_t mod = op < 8 ? rsp(rn) : TS_REG_NONE;
	static const char *const names[18] = { "pacia", "pacib", "pacda", "pacdb", "autia", "autib",
		"autda", "autdb", "paciza", "pacizb", "pacdza", "pacdzb", "autiza", "autizb", "autdza",
		"autdzb", "xpaci", "xpacd" };
	d->mn = names[op];
	/* a signed, authenticated or stripped pointer is the same pointer to the analysis: the
	 * flags tell; a zero register rd is a no-op. */
	if (rd != ZR)
		pac(d, how | key | (data ? TS_IF_PAC_DATA : 0), rd, mod);
	return true;
}

static bool dp_reg(struct dec *d)
{
	uint32_t w = d->w;
	bool op1 = bits(w, 28, 28);
	unsigned op2 = bits(w, 24, 21);
	bool sf = bits(w, 31, 31);
	uint8_t rd = rz(bits(w, 4, 0));

	if (!op1) {
		if (!(op2 & 8))
			return logical_shifted(d);
		return op2 & 1 ? addsub_extended(d) : addsub_shifted(d);
	}
	if (op2 & 8) { /* 3-source */
		unsigned op31 = bits(w, 23, 21), o0 = bits(w, 15, 15);
		if (bits(w, 30, 29))
			return false;
		bool ok = op31 == 0 || (sf && (op31 == 1 || op31 == 5)) ||
			  (sf && (op31 == 2 || op31 == 6) && !o0);
		if (!ok)
			return false;
		static const char *const names[8][2] = { { "madd", "msub" }, { "smaddl", "smsubl" },
			{ "smulh", "?" }, { "?", "?" }, { "?", "?" }, { "umaddl", "umsubl" }, { "umulh", "?" } };
		d->mn = names[op31][o0];
		clobber(d, rd, !sf);
		return true;
	}
	switch (op2) {
	case 0: { /* adc/sbc, rmif, setf8/16 */
		unsigned op3 = bits(w, 15, 10);
		if (op3 == 0) {
			static const char *const names[4] = { "adc", "adcs", "sbc", "sbcs" };
			d->mn = names[bits(w, 30, 29)];
			if (bits(w, 29, 29))
				flags_clobber(d);
			clobber(d, rd, !sf);
			return true;
		}
		if ((w & 0xffe07c10) == 0xba000400) { /* rmif */
			d->mn = "rmif";
			flags_clobber(d);
			return true;
		}
		if ((w & 0xfffffc1f) == 0x3a00080d || (w & 0xfffffc1f) == 0x3a00480d) { /* setf8/16 */
			d->mn = bits(w, 14, 14) ? "setf16" : "setf8";
			flags_clobber(d);
			return true;
		}
		return false;
	}
	case 2: /* conditional compare */
		if (!bits(w, 29, 29) || bits(w, 10, 10) || bits(w, 4, 4))
			return false;
		d->mn = bits(w, 30, 30) ? "ccmp" : "ccmn";
		flags_clobber(d);
		return true;
	case 4: /* conditional select */
		if (bits(w, 29, 29) || bits(w, 11, 11))
			return false;
		static const char *const names[4] = { "csel", "csinc", "csinv", "csneg" };
		d->mn = names[bits(w, 30, 30) << 1 | bits(w, 10, 10)];
		clobber(d, rd, !sf);
		return true;
	case 6:
		return bits(w, 30, 30) ? dp_1src(d) : dp_2src(d);
	default:
		return false;
	}
}

/* ---- SIMD&FP and SVE: accepted as groups; what they write of the general registers ---------- */

static bool simd_fp(struct dec *d)
{
	uint32_t w = d->w;
	d->mn = "simd&fp";
	if ((w & 0x7f20fc00) == 0x1e200000) { /* conversion between floating point and integer */
		unsigned ftype = bits(w, 23, 22), rmode = bits(w, 20, 19), op = bits(w, 18, 16);
		bool sf = bits(w, 31, 31);
		if (bits(w, 29, 29))
			return false;
		bool to_general;
		if (op <= 1 || op == 4 || op == 5) { /* fcvt[npmz][su], fcvta[su]: rmode 00 for these */
			to_general = true;
			if (ftype == 2 || (op >= 4 && rmode))
				return false;
		} else if (op == 6) {
			to_general = true;
			bool ok = rmode == 0 ? ftype == 3 || ftype == (unsigned)sf /* fmov Wd, Sn; Xd, Dn; Rd, Hn */
				: rmode == 1 ? sf && ftype == 2                   /* fmov Xd, Vn.D[1] */
				: rmode == 3 ? !sf && ftype == 1                  /* fjcvtzs */
				: false;
			if (!ok)
				return false;
		} else {
			to_general = false;
		}
		if (to_general) {
			d->mn = op == 6 ? "fmov (to general)" : "fcvt (to general)";
			clobber(d, rz(bits(w, 4, 0)), !sf);
		}
		return true;
	}
	if ((w & 0x7f200000) == 0x1e000000) { /* conversion between floating point and fixed point */
		bool sf = bits(w, 31, 31);
		if (bits(w, 29, 29) || (!sf && !bits(w, 15, 15)) || bits(w, 23, 22) == 2)
			return false;
		if (bits(w, 20, 19) == 3 && bits(w, 18, 16) <= 1) {
			d->mn = "fcvtz (fixed, to general)";
			clobber(d, rz(bits(w, 4, 0)), !sf);
		}
		return true;
	}
	if ((w & 0xbfe0fc00) == 0x0e002c00 || (w & 0xbfe0fc00) == 0x0e003c00) { /* smov, umov */
		unsigned imm5 = bits(w, 20, 16), q = bits(w, 30, 30), um = bits(w, 12, 12);
		unsigned lsb = imm5 ? (unsigned)__builtin_ctz(imm5) : 5; /* element size b, h, s, d */
		if (um ? (q ? lsb != 3 : lsb > 2) : (lsb > 1 + q))
			return false;
		d->mn = um ? "umov" : "smov";
		clobber(d, rz(bits(w, 4, 0)), !bits(w, 30, 30));
		return true;
	}
	if ((w & 0x5f203c00) == 0x1e202000 || (w & 0x5f200c00) == 0x1e200400) /* fcmp, fccmp */
		flags_clobber(d);
	return true;
}

static bool sve(struct dec *d)
{
	uint32_t w = d->w;
	uint8_t rd = rz(bits(w, 4, 0));
	d->mn = "sve";
	flags_clobber(d); /* many SVE instructions set NZCV (while*, ptest, compares): stay safe */
	if ((w & 0xffa0f800) == 0x04205000) { /* addvl, addpl: Xd|SP = Xn|SP + imm * VL or PL */
		int64_t imm = sext(bits(w, 10, 5), 6);
		bool pl = bits(w, 22, 22);
		d->mn = pl ? "addpl" : "addvl";
		d->o->cmp_kind = TS_CMP_KEEP;
		uop(d, TS_UOP_ADDVL, rsp(bits(w, 4, 0)), rsp(bits(w, 20, 16)), pl ? imm : imm * 8);
		return true;
	}
	if ((w & 0xfffff800) == 0x04bf5000 ||  /* rdvl */
	    (w & 0xff30fc00) == 0x0420e000 ||  /* cntb/h/w/d */
	    (w & 0xff30f800) == 0x0430e000 ||  /* incb.., decb.. (scalar) */
	    (w & 0xff20f000) == 0x0420f000 ||  /* sqincb.., uqdecd.. (scalar) */
	    (w & 0xff3efe00) == 0x252c8800 ||  /* incp/decp (scalar) */
	    (w & 0xff3cfa00) == 0x25288800 ||  /* sqincp, uqdecp.. (scalar) */
	    (w & 0xff3fc200) == 0x25208000 ||  /* cntp */
	    (w & 0xff3ee000) == 0x0520a000 ||  /* lasta/lastb (scalar) */
	    (w & 0xff3ee000) == 0x0530a000) {  /* clasta/clastb (scalar) */
		d->mn = "sve (to general)";
		d->o->cmp_kind = TS_CMP_KEEP;
		clobber(d, rd, false);
	}
	return true;
}

/* ---- the entry points ---------------------------------------------------------------------- */

static void insn_init(struct ts_insn *o, uint64_t addr)
{
	memset(o, 0, offsetof(struct ts_insn, uops));
	o->addr = addr;
	o->len = 4;
	o->treg = TS_REG_NONE;
	o->tmem.base = o->tmem.index = TS_REG_NONE;
	o->pac_reg = o->pac_mod = TS_REG_NONE;
}

bool ts_a64_decode_word(uint32_t w, uint64_t addr, struct ts_insn *o, const char **mnemonic)
{
	struct dec d = { .w = w, .pc = addr, .o = o, .mn = "?" };
	bool ok;
	insn_init(o, addr);
	switch (bits(w, 28, 25)) {
	case 0x0: /* udf, the only allocated encoding of this group in userspace */
		ok = (w & 0xffff0000) == 0;
		d.mn = "udf";
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_TRAP;
		break;
	case 0x2: ok = sve(&d); break;
	case 0x8: case 0x9: ok = dp_imm(&d); break;
	case 0xa: case 0xb: ok = branch_sys(&d); break;
	case 0x4: case 0x6: case 0xc: case 0xe: ok = ldst(&d); break;
	case 0x5: case 0xd: ok = dp_reg(&d); break;
	case 0x7: case 0xf: ok = simd_fp(&d); break;
	default: ok = false; break; /* 0001, 0011: unallocated (SME and later) */
	}
	if (!ok) {
		insn_init(o, addr);
		o->len = 0;
		o->flow = TS_FLOW_INVALID;
		d.mn = "(invalid)";
	}
	if (mnemonic)
		*mnemonic = d.mn;
	return ok;
}

struct ts_decoder {
	int unused;
};

static struct ts_decoder *a64_decoder_new(void) { return calloc(1, sizeof(struct ts_decoder)); }
static void a64_decoder_free(struct ts_decoder *d) { free(d); }

static unsigned a64_decode(const struct ts_decoder *dec, const uint8_t *buf, size_t len,
			   uint64_t addr, struct ts_insn *out)
{
	(void)dec;
	if (len < 4 || (addr & 3)) {
		insn_init(out, addr);
		out->len = 0;
		out->flow = TS_FLOW_INVALID;
		return 0;
	}
	uint32_t w = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
	return ts_a64_decode_word(w, addr, out, NULL) ? 4 : 0;
}

static unsigned a64_length(const struct ts_decoder *dec, const uint8_t *buf, size_t len, unsigned *scan)
{
	struct ts_insn in;
	unsigned n = a64_decode(dec, buf, len, 0, &in);
	*scan = 0;
	if (in.flow != TS_FLOW_NEXT)
		*scan |= TS_SCAN_FLOW;
	for (unsigned k = 0; k < in.nuops; k++)
		if (in.uops[k].kind == TS_UOP_LEA)
			*scan |= TS_SCAN_ADDRESS;
	return n;
}

static const char *a64_reg_name(unsigned reg)
{
	static const char *const names[] = {
		"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		"x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24",
		"x25", "x26", "x27", "x28", "x29", "x30", "sp", "tmp" };
	return reg < sizeof(names) / sizeof(names[0]) ? names[reg] : "?";
}

/* Append to a bounded string (out, outlen) at *n, keeping it terminated when it is too short. */
static void put(char *out, size_t outlen, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *out, size_t outlen, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out + (*n < outlen ? *n : outlen), *n < outlen ? outlen - *n : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += (size_t)r;
}

static const char *reg_or_zr(uint8_t r)
{
	return r == TMP ? "xzr" : a64_reg_name(r);
}

/* The memory operand of a load/store as written in assembly, from the model: the access with the
 * lowest offset and the writeback of its base, if any. */
static void put_mem(char *out, size_t outlen, size_t *n, const struct ts_insn *in)
{
	const struct ts_uop *acc = NULL, *wb = NULL;
	bool pre = false;
	for (unsigned k = 0; k < in->nuops; k++) {
		const struct ts_uop *u = &in->uops[k];
		if ((u->kind == TS_UOP_LOAD || u->kind == TS_UOP_STORE) && (!acc || u->mem.disp < acc->mem.disp))
			acc = u;
		else if ((in->flags & TS_IF_WRITEBACK) && (u->kind == TS_UOP_ADDI || u->kind == TS_UOP_ADD))
			wb = u, pre = !acc;
	}
	if (!acc)
		return;
	if (acc->mem.abs) {
		put(out, outlen, n, " [0x%llx]", (unsigned long long)acc->mem.disp);
		return;
	}
	put(out, outlen, n, " [%s", a64_reg_name(acc->mem.base));
	if (acc->mem.index != TS_REG_NONE)
		put(out, outlen, n, ", %s%s*%u", acc->mem.index == TMP ? "extended " : "",
		    a64_reg_name(acc->mem.index == TMP ? in->uops[0].src : acc->mem.index), acc->mem.scale);
	else if (wb && pre)
		put(out, outlen, n, ", #%lld]!", (long long)wb->imm);
	else if (acc->mem.disp || !wb)
		put(out, outlen, n, ", #%lld", (long long)acc->mem.disp);
	if (!(wb && pre))
		put(out, outlen, n, "]");
	if (wb && !pre && wb->kind == TS_UOP_ADDI)
		put(out, outlen, n, ", #%lld", (long long)wb->imm);
	else if (wb && !pre)
		put(out, outlen, n, ", %s", a64_reg_name(wb->src));
}

/*
 * Disassembly text, compact: the mnemonic (exact, alias-free: docs/arm64.md), then what the
 * model says: branch target or register, the registers a load/store moves and its memory
 * operand, or the effect on the registers (`x29 = sp + 16`, `x0 = ?`), then the word. Full text
 * is what objdump or llvm-mc print.
 */
static void a64_format(const struct ts_decoder *dec, const uint8_t *buf, size_t len, uint64_t addr,
		       char *out, size_t outlen)
{
	(void)dec;
	if (!outlen)
		return;
	if (len < 4) {
		snprintf(out, outlen, "(truncated)");
		return;
	}
	uint32_t w = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
	struct ts_insn in;
	const char *mn;
	size_t n = 0;
	ts_a64_decode_word(w, addr, &in, &mn);
	put(out, outlen, &n, "%s", mn);
	if (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC || in.flow == TS_FLOW_CALL)
		put(out, outlen, &n, " 0x%llx", (unsigned long long)in.target);
	else if (in.treg != TS_REG_NONE && in.flow != TS_FLOW_NEXT)
		put(out, outlen, &n, " %s", a64_reg_name(in.treg));
	bool mem = false, first = true;
	for (unsigned k = 0; k < in.nuops; k++) {
		const struct ts_uop *u = &in.uops[k];
		if (u->kind == TS_UOP_LOAD || u->kind == TS_UOP_STORE) {
			uint8_t r = u->kind == TS_UOP_LOAD ? u->dst : u->src;
			if (r != TS_REG_NONE)
				put(out, outlen, &n, "%s%s", first ? " " : ", ", reg_or_zr(r));
			first = false;
			mem = true;
		}
	}
	if (mem) {
		if (!first)
			put(out, outlen, &n, ",");
		put_mem(out, outlen, &n, &in);
	} else {
		for (unsigned k = 0; k < in.nuops; k++) {
			const struct ts_uop *u = &in.uops[k];
			if (u->dst == TMP)
				continue;
			const char *d = a64_reg_name(u->dst), *sr = a64_reg_name(u->src);
			put(out, outlen, &n, "%s", first ? "  " : "; ");
			first = false;
			switch (u->kind) {
			case TS_UOP_MOV: put(out, outlen, &n, "%s = %s", d, sr); break;
			case TS_UOP_ADDI: put(out, outlen, &n, "%s = %s %+lld", d, sr, (long long)u->imm); break;
			case TS_UOP_ADD: put(out, outlen, &n, "%s %s= %s", d, u->imm == -1 ? "-" : "+", sr); break;
			case TS_UOP_ANDI: put(out, outlen, &n, "%s = %s & %#llx", d, sr, (unsigned long long)u->imm); break;
			case TS_UOP_CONST: put(out, outlen, &n, "%s = %#llx", d, (unsigned long long)u->imm); break;
			case TS_UOP_LEA: put(out, outlen, &n, "%s = 0x%llx", d, (unsigned long long)u->mem.disp); break;
			case TS_UOP_ADDVL: put(out, outlen, &n, "%s = %s %+lld x VL/8", d, sr, (long long)u->imm); break;
			case TS_UOP_UNSUPPORTED: put(out, outlen, &n, "%s = ? (not modelled)", d); break;
			case TS_UOP_CLOBBER: put(out, outlen, &n, "%s = ?", d); break;
			case TS_UOP_SHLI: put(out, outlen, &n, "%s = %s << %lld", d, sr, (long long)u->imm); break;
			default: put(out, outlen, &n, "%s = ext(%s)", d, sr); break; /* SEXT, SEXT32, ZEXT32 */
			}
		}
	}
	put(out, outlen, &n, "  // %08x", w);
}

/* The AAPCS64 roles of the registers. */
#define X(n) (1ull << (n))
const struct ts_arch ts_arch_aarch64 = {
	.name = "aarch64",
	.e_machine = 183, /* EM_AARCH64 */
	.nregs = 32,
	.sp = SP,
	.fp = TS_A64_FP,
	.ra = LR,
	.ra_in_reg = true,
	.analysed = true,
	.call_ra = TS_CALL_LINK_REG,
	.ra_size = 8,
	.call_reach = 128u << 20, /* bl imm26: +-128 MiB */
	.lea_pages = true,        /* adrp; add */
	.ra_cfa_offset = 0,
	.entry_sp_offset = 0,
	.frame_fp_offset = -16, /* a frame record {x29, x30} at the top of the frame (where gcc and
				 * clang put it without locals above it; elsewhere is allowed) */
	.callee_saved = X(19) | X(20) | X(21) | X(22) | X(23) | X(24) | X(25) | X(26) | X(27) |
			X(28) | X(29),
	.call_clobbered = X(0) | X(1) | X(2) | X(3) | X(4) | X(5) | X(6) | X(7) | X(8) | X(9) |
			  X(10) | X(11) | X(12) | X(13) | X(14) | X(15) | X(16) | X(17) | X(18) | X(30),
	.tlsdesc_clobbered = X(0) | X(30), /* the offset comes back in x0; blr writes x30 */
	.scs_reg = 18, /* the platform register, reserved for the shadow call stack by clang's
			* -fsanitize=shadow-call-stack (then -ffixed-x18) */
	.uw = &ts_a64_uw, /* unwind.c */
	.core = &ts_a64_core, /* core.c: NT_PRSTATUS of arm64 cores, on any host */
	.emu = &ts_a64_emu,   /* emu.c: single-stepped under qemu-aarch64 */
#if defined(__aarch64__)
	.host = &ts_a64_host, /* host.c */
#endif
	/* glibc's start.S, clone.S and clone3.S say `cfi_undefined x30` where a process or thread
	 * starts: outermost (the signal trampoline is the vDSO's, found by its bytes) */
	.cfi_marks_outermost = true,
	/* tables (docs/sframe.md, docs/sidecar.md): SFrame ABI 2, AArch64 little-endian, with the
	 * return address tracked per row (no fixed offset); `.cfi_negate_ra_state` is 0x2d; ld's
	 * PLT0 is `stp x16, x30, [sp, #-16]!; adrp; ldr; add; br x17; nop x3` */
	.sframe_abi = 2,
	.sframe_fixed_ra = 0,
	.cfa_negate_ra_op = 0x2d,
	.dwarf_vg = 46, /* VG (DWARF for the Arm 64-bit Architecture) */
	.plt0_size = 32,
	.plt0_cfa = 0,
	.plt_entry_pushed = 16, /* PLT0's {x16, x30}: x16 the GOT slot's address, x30 at CFA-8 */
	.plt_entry_ra_slot = -8,
	.decoder_new = a64_decoder_new,
	.decoder_free = a64_decoder_free,
	.decode = a64_decode,
	.length = a64_length,
	.address_candidates = NULL,
	.format = a64_format,
	.reg_name = a64_reg_name,
	.apply_reloc = ts_a64_apply_reloc, /* reloc.c */
	.reloc_uses_got = ts_a64_reloc_uses_got,
	.skippable_prefixes = NULL,
	.call_before = ts_a64_call_before, /* machine.c */
	/* relocation classes (ELF for the Arm 64-bit Architecture) */
	.reloc = {
		[TS_RELOC_ABS64] = 257,     /* R_AARCH64_ABS64 */
		[TS_RELOC_PC32] = 261,      /* R_AARCH64_PREL32 */
		[TS_RELOC_PC64] = 260,      /* R_AARCH64_PREL64 */
		[TS_RELOC_RELATIVE] = 1027, /* R_AARCH64_RELATIVE */
		[TS_RELOC_GLOB_DAT] = 1025, /* R_AARCH64_GLOB_DAT */
		[TS_RELOC_JUMP_SLOT] = 1026,/* R_AARCH64_JUMP_SLOT */
		[TS_RELOC_TLSDESC_CALL] = 569, /* R_AARCH64_TLSDESC_CALL */
		[TS_RELOC_TLSDESC] = 1031,  /* R_AARCH64_TLSDESC */
	},
	.lp_nop = ts_a64_nop,
	.lp_nop_len = sizeof(ts_a64_nop),
	/* BTI: GNU_PROPERTY_AARCH64_FEATURE_1_AND, bit GNU_PROPERTY_AARCH64_FEATURE_1_BTI; a
	 * `br x16`/`br x17` (BTYPE 01) is compatible with `bti c` as well as `bti j` */
	.bti_property = 0xc0000000u,
	.bti_bit = 1u << 0,
	.bti_jump_any_pad = X(16) | X(17),
};
#undef X
