/*
 * s390x decoder of our own: one instruction (2, 4 or 6 bytes, big-endian halfwords) -> struct
 * ts_insn (arch.h). Why our own and not Capstone or LLVM: docs/s390x.md (measured).
 *
 * The length comes from the first byte's two high bits. The opcode is the first byte and, per
 * first byte, an extension (ts_s390x_ext_kind); opcodes.c lists each opcode's format and what
 * it does for the model. The analysis needs: calls (brasl/bras/basr write the return address
 * into r14: TS_IF_LINK), returns (br %r14, conditional ones too), branches and their
 * conditions, compares for jump-table bounds, and the exact data movement of the stack pointer
 * and the registers a frame saves: stmg/lmg (one uop for the whole range), stg/lg, lgr, la/lay,
 * aghi/agfi, larl, stores to the stack of any width (they may overwrite a saved slot or the back
 * chain). Everything else writes the general registers opcodes.c names, as "clobbered".
 *
 * 32-bit operations leave the high half of their register as it was (z/Architecture), so they
 * are clobbers of the whole register here, never "upper half zero" as on x86-64 and arm64.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/decode.h"

#define SP TS_S390X_SP
#define RA TS_S390X_RA
#define TMP TS_S390X_TMP
#define NONE TS_REG_NONE

enum s390x_ext ts_s390x_ext_kind(uint8_t b0)
{
	switch (b0) {
	case 0x01: case 0xb2: case 0xb3: case 0xb9: case 0xe5:
		return X_BYTE1;
	case 0xa5: case 0xa7: case 0xc0: case 0xc2: case 0xc4: case 0xc6: case 0xc8: case 0xcc:
		return X_NIBBLE;
	case 0xe3: case 0xe6: case 0xe7: case 0xeb: case 0xec: case 0xed:
		return X_BYTE5;
	default:
		return X_NONE;
	}
}

static uint16_t op_key(const uint8_t *b)
{
	switch (ts_s390x_ext_kind(b[0])) {
	case X_BYTE1: return (uint16_t)(b[0] << 8 | b[1]);
	case X_NIBBLE: return (uint16_t)(b[0] << 8 | (b[1] & 15));
	case X_BYTE5: return (uint16_t)(b[0] << 8 | b[5]);
	default: return (uint16_t)(b[0] << 8);
	}
}

static const struct s390x_op *op_find(uint16_t key)
{
	size_t lo = 0, hi = ts_s390x_nops;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ts_s390x_ops[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ts_s390x_nops && ts_s390x_ops[lo].key == key ? &ts_s390x_ops[lo] : NULL;
}

/* The groups whose opcodes not in the table are accepted: floating point (b3, ed) and vector
 * (e6, e7) instructions that touch neither a general register nor memory we track. */
static const struct s390x_op group_fp = { 0, F_E, S_NONE, 0, 0, "(fp)" };
static const struct s390x_op group_vec = { 0, F_VEC, S_NONE, 0, 0, "(vector)" };

static const struct s390x_op *op_group(uint8_t b0)
{
	switch (b0) {
	case 0xb3: case 0xed: return &group_fp;
	case 0xe6: case 0xe7: return &group_vec;
	default: return NULL;
	}
}

static inline int64_t sext(uint64_t v, unsigned nbits)
{
	uint64_t m = 1ull << (nbits - 1);
	v &= (m << 1) - 1;
	return (int64_t)((v ^ m) - m);
}

/* The operand fields of one instruction, as its format places them. */
struct fields {
	uint8_t r1, r2, r3, x2, b2, b1, m3;
	int64_t d2, d1, i2;  /* displacements, the immediate (raw, unsigned) */
	int64_t i4;          /* the relative branch offset of compare-and-branch (halfwords) */
	unsigned l;          /* SS: length - 1 */
};

static inline uint8_t hi4(uint8_t v) { return v >> 4; }
static inline uint8_t lo4(uint8_t v) { return v & 15; }
static inline unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static inline uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static inline int64_t d12(const uint8_t *p) { return (int64_t)(be16(p) & 0xfff); }
/* A 20-bit signed displacement: DL (12 bits at p[0..1]) and DH (8 bits at p[2]). */
static inline int64_t d20(const uint8_t *p) { return sext((uint64_t)(p[2] << 12) | (be16(p) & 0xfff), 20); }

static void fields_of(const uint8_t *b, unsigned fmt, struct fields *f)
{
	memset(f, 0, sizeof(*f));
	switch (fmt) {
	case F_RR: f->r1 = hi4(b[1]), f->r2 = lo4(b[1]); break;
	case F_I: f->i2 = b[1]; break;
	case F_RX: case F_RS: case F_RXE: case F_VRX: case F_VRS:
		f->r1 = hi4(b[1]), f->x2 = lo4(b[1]), f->r3 = lo4(b[1]);
		f->b2 = hi4(b[2]), f->d2 = d12(b + 2);
		break;
	case F_RI: f->r1 = hi4(b[1]), f->i2 = be16(b + 2); break;
	case F_RRE: case F_RRF: case F_RRD:
		f->r1 = hi4(b[3]), f->r2 = lo4(b[3]), f->r3 = hi4(b[2]);
		break;
	case F_S: f->b2 = hi4(b[2]), f->d2 = d12(b + 2); f->b1 = f->b2, f->d1 = f->d2; break;
	case F_SI: f->i2 = b[1], f->b1 = hi4(b[2]), f->d1 = d12(b + 2); break;
	case F_RIL: f->r1 = hi4(b[1]), f->i2 = be32(b + 2); break;
	case F_RXY: case F_RSY:
		f->r1 = hi4(b[1]), f->x2 = lo4(b[1]), f->r3 = lo4(b[1]);
		f->b2 = hi4(b[2]), f->d2 = d20(b + 2);
		break;
	case F_SIY: f->i2 = b[1], f->b1 = hi4(b[2]), f->d1 = d20(b + 2); break;
	case F_SIL: f->b1 = hi4(b[2]), f->d1 = d12(b + 2), f->i2 = be16(b + 4); break;
	case F_SS: case F_SSE: case F_SSF:
		f->l = b[1], f->r3 = hi4(b[1]);
		f->b1 = hi4(b[2]), f->d1 = d12(b + 2), f->b2 = hi4(b[4]), f->d2 = d12(b + 4);
		break;
	case F_RIEA: case F_RIEG: f->r1 = hi4(b[1]), f->m3 = lo4(b[1]), f->i2 = be16(b + 2); break;
	case F_RIEB: f->r1 = hi4(b[1]), f->r2 = lo4(b[1]), f->i4 = sext(be16(b + 2), 16), f->m3 = hi4(b[4]); break;
	case F_RIEC: f->r1 = hi4(b[1]), f->m3 = lo4(b[1]), f->i4 = sext(be16(b + 2), 16), f->i2 = b[4]; break;
	case F_RIED: case F_RIEE: f->r1 = hi4(b[1]), f->r3 = lo4(b[1]), f->i2 = be16(b + 2); break;
	case F_RIEF: f->r1 = hi4(b[1]), f->r2 = lo4(b[1]); break;
	case F_RRS: f->r1 = hi4(b[1]), f->r2 = lo4(b[1]), f->b2 = hi4(b[2]), f->d2 = d12(b + 2), f->m3 = hi4(b[4]); break;
	case F_RIS: f->r1 = hi4(b[1]), f->m3 = lo4(b[1]), f->b2 = hi4(b[2]), f->d2 = d12(b + 2), f->i2 = b[4]; break;
	default: break; /* F_E, F_VEC: no operands the model reads */
	}
}

/* One decode in progress. */
struct dec {
	const uint8_t *b;
	uint64_t pc;
	unsigned len;
	struct ts_insn *o;
	const struct s390x_op *op;
	struct fields f;
};

static struct ts_uop *uop(struct dec *d, uint8_t kind, uint8_t dst, uint8_t src, int64_t imm)
{
	struct ts_insn *o = d->o;
	/* the most any form below needs is 4 (the pairs of mvcle: four clobbers) but vlm's range;
	 * stay in bounds */
	if (o->nuops >= TS_INSN_MAX_UOPS)
		o->nuops = TS_INSN_MAX_UOPS - 1;
	struct ts_uop *u = &o->uops[o->nuops++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->dst = dst;
	u->src = src;
	u->imm = imm;
	u->mem.base = u->mem.index = NONE;
	if (dst == SP)
		o->flags |= TS_IF_STACK;
	return u;
}

static void clobber(struct dec *d, unsigned r)
{
	if (r == SP)
		uop(d, TS_UOP_UNSUPPORTED, SP, NONE, 0);
	else
		uop(d, TS_UOP_CLOBBER, (uint8_t)r, NONE, 0);
}

static void clobber_pair(struct dec *d, unsigned r)
{
	clobber(d, r);
	if (r < 15)
		clobber(d, r + 1);
}

static void cc_clobber(struct dec *d) { d->o->cmp_kind = TS_CMP_CLOBBER; }

/* Register 0 in a base or index field means "none". */
static struct ts_mem mem_of(uint8_t base, uint8_t index, int64_t disp, unsigned size)
{
	struct ts_mem m = { .base = base ? base : NONE, .index = index ? index : NONE, .scale = 1,
			    .size = (uint8_t)size, .disp = disp };
	return m;
}

static struct ts_mem mem_abs(uint64_t a, unsigned size)
{
	struct ts_mem m = { .base = NONE, .index = NONE, .scale = 1, .size = (uint8_t)size, .abs = true,
			    .disp = (int64_t)a };
	return m;
}

/* The second operand D2(X2,B2) of the RX, RXY, VRX formats; D2(B2) of the others. */
static struct ts_mem mem2(const struct dec *d, unsigned size)
{
	unsigned fmt = d->op->fmt;
	bool indexed = fmt == F_RX || fmt == F_RXY || fmt == F_VRX || fmt == F_RXE;
	return mem_of(d->f.b2, indexed ? d->f.x2 : 0, d->f.d2, size);
}

static struct ts_mem mem1(const struct dec *d, unsigned size) { return mem_of(d->f.b1, 0, d->f.d1, size); }

static void stack_flag(struct dec *d, const struct ts_mem *m)
{
	if (m->base == SP || m->index == SP)
		d->o->flags |= TS_IF_STACK;
}

/* Store n bytes we do not track at m (split: a uop's size is one byte). */
static void store_unknown(struct dec *d, struct ts_mem m, unsigned n)
{
	stack_flag(d, &m);
	while (n) {
		unsigned k = n > 128 ? 128 : n;
		m.size = (uint8_t)k;
		uop(d, TS_UOP_STORE, NONE, NONE, 0)->mem = m;
		m.disp += k;
		n -= k;
	}
}

static void load(struct dec *d, uint8_t r, struct ts_mem m, bool sx)
{
	stack_flag(d, &m);
	struct ts_uop *u = uop(d, TS_UOP_LOAD, r, NONE, 0); /* also %r15: its value comes back */
	u->mem = m;
	u->mem.sext = sx;
}

static void store(struct dec *d, uint8_t r, struct ts_mem m)
{
	stack_flag(d, &m);
	uop(d, TS_UOP_STORE, NONE, r, 0)->mem = m;
}

/* dst = the address D(X,B): a constant, a register plus a constant, or an address of two. */
static void address(struct dec *d, uint8_t dst, struct ts_mem m)
{
	if (m.base == NONE && m.index == NONE)
		uop(d, TS_UOP_CONST, dst, NONE, m.disp);
	else if (m.index == NONE || m.base == NONE)
		uop(d, TS_UOP_ADDI, dst, m.base == NONE ? m.index : m.base, m.disp);
	else
		uop(d, TS_UOP_LEA, dst, NONE, 0)->mem = m;
}

/* The condition of a branch mask after a compare (CC0 equal, CC1 low, CC2 high; CC3 does not
 * occur after a compare, so masks differing only in its bit mean the same). Signed or not is
 * the compare's business: the analysis refines only after unsigned compares (S_CLI). */
static uint8_t mask_cond(unsigned m)
{
	switch (m & 14) {
	case 8: return TS_COND_EQ;
	case 6: return TS_COND_NE;
	case 4: return TS_COND_ULT;
	case 2: return TS_COND_UGT;
	case 12: return TS_COND_ULE;
	case 10: return TS_COND_UGE;
	default: return TS_COND_OTHER;
	}
}

static void relative(struct dec *d, uint8_t flow, int64_t halfwords)
{
	d->o->flow = flow;
	d->o->target = d->pc + (uint64_t)(halfwords * 2);
}

/* A branch on condition to a relative target (brc, brcl). */
static void branch_rel(struct dec *d, unsigned m, int64_t halfwords)
{
	if (m == 0) {
		d->o->flags |= TS_IF_NOP;
		return;
	}
	if (halfwords == 1 && d->len == 4) {
		/* `j .+2`: a jump into its own second halfword, an invalid opcode: gcc's
		 * __builtin_trap; `jne .+2` traps under the condition, and goes on otherwise */
		if (m == 15) {
			d->o->flow = TS_FLOW_STOP;
			d->o->flags |= TS_IF_TRAP;
		}
		return;
	}
	relative(d, m == 15 ? TS_FLOW_JUMP : TS_FLOW_JCC, halfwords);
	if (m != 15)
		d->o->cond = mask_cond(m);
	else if (halfwords == 0)
		d->o->flags |= TS_IF_TRAP; /* `j .`: a loop that never leaves, glibc's guard after a
					    * jump that does not come back (longjmp's `br %r4`): it
					    * stops execution as a trap does, and is no unreached code */
}

/* `bras %rN,L` with N not r14 and L a little further on: the address of what lies between
 * (a literal pool, glibc's assembly: `bras %r5,1f; .long 0; 1:`) loaded into rN, and a jump
 * over it; not a call (the ABI's calls link through r14, and nothing returns to data). */
enum { BRAS_POOL_MAX = 256 };
static bool bras_over_pool(const struct dec *d, unsigned r1, int64_t halfwords)
{
	return r1 != RA && r1 != SP && halfwords * 2 > (int64_t)d->len && halfwords * 2 <= (int64_t)d->len + BRAS_POOL_MAX;
}

/*
 * A branch on condition to a register (bcr) or an address (bc, crb..: treg is the scratch
 * register holding it): to the return address itself (%r14, no displacement) a return, a
 * conditional one under a mask; anywhere else an indirect jump. A conditional indirect jump has
 * no flow kind of its own: it is modelled as taken (the path after it is not followed; compilers
 * emit none, and data in code that decodes as one is never reached), with its condition.
 */
static void branch_reg(struct dec *d, unsigned m, uint8_t treg, bool to_ra)
{
	if (m == 0 || treg == NONE) {
		if (m == 0)
			d->o->flags |= TS_IF_NOP;
		return; /* bcr 15,0 and bcr 14,0 serialize; nothing else */
	}
	d->o->treg = treg;
	if (to_ra && treg == RA) {
		d->o->flow = m == 15 ? TS_FLOW_RET : TS_FLOW_RET_COND;
		return;
	}
	d->o->flow = TS_FLOW_JUMP_IND;
	if (m != 15)
		d->o->cond = mask_cond(m);
}

/* A branch to the address D(X,B): straight to the register when there is only a base. */
static void branch_addr(struct dec *d, unsigned m, struct ts_mem a)
{
	if (m == 0) {
		d->o->flags |= TS_IF_NOP;
		return;
	}
	if (a.index == NONE && a.disp == 0 && a.base != NONE) {
		branch_reg(d, m, a.base, true);
		return;
	}
	address(d, TMP, a);
	branch_reg(d, m, TMP, false);
}

/* A call: r1 receives the return address (the link register r14 in the ABI's calls). */
static void call_link(struct dec *d, unsigned r1)
{
	if (r1 == RA)
		d->o->flags |= TS_IF_LINK;
	else if (r1 != SP)
		uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, (int64_t)(d->pc + d->len));
	else
		uop(d, TS_UOP_UNSUPPORTED, SP, NONE, 0);
}

/* The registers r1..r3 (wrapping after r15), stored or loaded as one uop. */
static void multiple(struct dec *d, uint8_t kind, unsigned r1, unsigned r3, unsigned size)
{
	unsigned n = ((r3 - r1) & 15) + 1;
	struct ts_mem m = mem2(d, size);
	stack_flag(d, &m);
	struct ts_uop *u = uop(d, kind, (uint8_t)r1, NONE, n);
	u->mem = m;
	if (kind == TS_UOP_LDM && r1 + n >= 16)
		d->o->flags |= TS_IF_STACK; /* the range reaches %r15: loads the stack pointer */
}

static void cmp_rr(struct dec *d, unsigned a, unsigned b, bool w32)
{
	d->o->cmp_kind = TS_CMP_RR;
	d->o->cmp_a = (uint8_t)a;
	d->o->cmp_b = (uint8_t)b;
	d->o->cmp_width = w32 ? 4 : 8;
}

static void cmp_ri(struct dec *d, unsigned a, int64_t imm, bool w32)
{
	d->o->cmp_kind = TS_CMP_RI;
	d->o->cmp_a = (uint8_t)a;
	d->o->cmp_imm = imm;
	d->o->cmp_width = w32 ? 4 : 8;
}

/* The immediate of RI (16 bits) and RIL (32 bits) forms, signed. */
static int64_t simm(const struct dec *d)
{
	return d->op->fmt == F_RIL ? sext((uint64_t)d->f.i2, 32) : sext((uint64_t)d->f.i2, 16);
}

static bool semantics(struct dec *d)
{
	const struct s390x_op *op = d->op;
	const struct fields *f = &d->f;
	unsigned r1 = f->r1, r2 = f->r2, r3 = f->r3;
	if (op->fmt == F_SS) /* trt, edmk: their results go to general registers 1 and 2 */
		r1 = 1, r2 = 2;
	switch (op->sem) {
	case S_NONE:
		break;
	case S_CC:
		cc_clobber(d);
		break;
	case S_W1:
		clobber(d, r1);
		break;
	case S_WCC:
		clobber(d, r1);
		cc_clobber(d);
		break;
	case S_W1P:
		clobber_pair(d, r1);
		cc_clobber(d);
		break;
	case S_W12:
		clobber(d, r1);
		if (r2 != r1)
			clobber(d, r2);
		cc_clobber(d);
		break;
	case S_W1P2P:
		clobber_pair(d, r1);
		if (op->fmt == F_RS || op->fmt == F_RSY)
			r2 = r3; /* mvcle R1,R3,D2(B2) */
		if (r2 != r1)
			clobber_pair(d, r2);
		cc_clobber(d);
		break;
	case S_W01:
		clobber(d, 0);
		clobber(d, 1);
		cc_clobber(d);
		break;
	case S_W3P:
		clobber_pair(d, r3);
		cc_clobber(d);
		break;
	case S_ST:
		store_unknown(d, mem2(d, op->size), op->size);
		break;
	case S_ST1: {
		unsigned n = op->fmt == F_SS ? f->l + 1 : op->size;
		store_unknown(d, mem1(d, n), n);
		cc_clobber(d); /* most of them set it (ni, oi, nc..): no refinement across any */
		break;
	}
	case S_STR:
		store(d, (uint8_t)r1, mem2(d, op->size));
		break;
	case S_L:
	case S_LS:
	case S_LT:
		load(d, (uint8_t)r1, mem2(d, op->size), op->sem == S_LS || (op->sem == S_LT && op->size == 4));
		if (op->sem == S_LT)
			cc_clobber(d);
		break;
	case S_LR:
	case S_LTR:
		if (r1 == SP && r2 != SP)
			d->o->flags |= TS_IF_STACK;
		uop(d, TS_UOP_MOV, (uint8_t)r1, (uint8_t)r2, 0);
		if (op->sem == S_LTR)
			cc_clobber(d);
		break;
	case S_LGFR: uop(d, TS_UOP_SEXT32, (uint8_t)r1, (uint8_t)r2, 0); break;
	case S_LLGFR: uop(d, TS_UOP_ZEXT32, (uint8_t)r1, (uint8_t)r2, 4); break;
	case S_LGBR: uop(d, TS_UOP_SEXT, (uint8_t)r1, (uint8_t)r2, 1); break;
	case S_LGHR: uop(d, TS_UOP_SEXT, (uint8_t)r1, (uint8_t)r2, 2); break;
	case S_LLGCR: uop(d, TS_UOP_ZEXT32, (uint8_t)r1, (uint8_t)r2, 1); break;
	case S_LLGHR: uop(d, TS_UOP_ZEXT32, (uint8_t)r1, (uint8_t)r2, 2); break;
	case S_AR:
	case S_SR:
		uop(d, TS_UOP_ADD, (uint8_t)r1, (uint8_t)r2, op->sem == S_SR ? -1 : 0);
		cc_clobber(d);
		break;
	case S_ARK: /* agrk R1,R2,R3 (RRF-a: R3 in the third byte's high nibble) */
		if (r1 == r3) {
			uop(d, TS_UOP_ADD, (uint8_t)r1, (uint8_t)r2, 0);
		} else {
			uop(d, TS_UOP_MOV, (uint8_t)r1, (uint8_t)r2, 0);
			uop(d, TS_UOP_ADD, (uint8_t)r1, (uint8_t)r3, 0);
		}
		cc_clobber(d);
		break;
	case S_SRK:
		if (r1 == r3 && r2 != r3) {
			clobber(d, r1);
		} else if (r2 == r3) {
			uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, 0);
		} else {
			uop(d, TS_UOP_MOV, (uint8_t)r1, (uint8_t)r2, 0);
			uop(d, TS_UOP_ADD, (uint8_t)r1, (uint8_t)r3, -1);
		}
		cc_clobber(d);
		break;
	case S_XR:
		if (r1 == r2)
			uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, 0);
		else
			clobber(d, r1);
		cc_clobber(d);
		break;
	case S_LA:
		address(d, (uint8_t)r1, mem2(d, 0));
		break;
	case S_LARL: {
		struct ts_uop *u = uop(d, TS_UOP_LEA, (uint8_t)r1, NONE, 0);
		u->mem = mem_abs(d->pc + (uint64_t)(sext((uint64_t)f->i2, 32) * 2), 0);
		break;
	}
	case S_LRL:
	case S_LRLS:
		load(d, (uint8_t)r1, mem_abs(d->pc + (uint64_t)(sext((uint64_t)f->i2, 32) * 2), op->size), op->sem == S_LRLS);
		break;
	case S_STRL:
		store(d, (uint8_t)r1, mem_abs(d->pc + (uint64_t)(sext((uint64_t)f->i2, 32) * 2), op->size));
		break;
	case S_AHI:
		uop(d, TS_UOP_ADDI, (uint8_t)r1, (uint8_t)r1, simm(d));
		cc_clobber(d);
		break;
	case S_AHIK:
		uop(d, TS_UOP_ADDI, (uint8_t)r1, (uint8_t)r3, sext((uint64_t)f->i2, 16));
		cc_clobber(d);
		break;
	case S_LHI: /* lghi, lgfi; lhi (w32) sets the low half only: taken as zero-extended, as
		     * `l` (decode.h, S_L) */
		if (r1 == SP)
			uop(d, TS_UOP_UNSUPPORTED, SP, NONE, 0);
		else
			uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, op->w32 ? (int64_t)(uint32_t)simm(d) : simm(d));
		break;
	case S_LLI:
		if (r1 == SP)
			uop(d, TS_UOP_UNSUPPORTED, SP, NONE, 0);
		else
			uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, (int64_t)((uint64_t)f->i2 << op->size));
		break;
	case S_NI: { /* and one halfword or word, the others kept: an AND with a mask */
		unsigned width = (op->size >> 4) * 16, shift = (op->size & 15) * width;
		uint64_t field = (width == 64 ? ~0ull : (1ull << width) - 1) << shift;
		uop(d, TS_UOP_ANDI, (uint8_t)r1, (uint8_t)r1, (int64_t)(~field | ((uint64_t)f->i2 << shift)));
		cc_clobber(d);
		break;
	}
	case S_SLLG:
		if (f->b2 == 0)
			uop(d, TS_UOP_SHLI, (uint8_t)r1, (uint8_t)r3, f->d2 & 63);
		else
			clobber(d, r1);
		break;
	case S_STM:
		multiple(d, TS_UOP_STM, r1, r3, op->size);
		break;
	case S_LM:
		multiple(d, TS_UOP_LDM, r1, r3, op->size);
		break;
	case S_CR:
	case S_CLR:
		if (op->fmt == F_RR || op->fmt == F_RRE)
			cmp_rr(d, r1, r2, op->w32);
		else
			cc_clobber(d);
		break;
	case S_CLI:
		cmp_ri(d, r1, f->i2, op->w32);
		break;
	case S_CSI: /* chi, cghi (16 bits), cfi, cgfi (32 bits): signed */
		cmp_ri(d, r1, simm(d), op->w32);
		d->o->cmp_kind = TS_CMP_RI_SIGNED;
		break;
	case S_MVC: { /* copy L+1 bytes: a register-sized copy keeps what it copies */
		unsigned n = f->l + 1;
		if (n == 8 || n == 4 || n == 2 || n == 1) {
			load(d, TMP, mem_of(f->b2, 0, f->d2, n), false);
			store(d, TMP, mem1(d, n));
		} else {
			store_unknown(d, mem1(d, n), n);
		}
		break;
	}
	case S_XC: { /* xc D(L,B),D(B): zeroes the field (`xc 0(8,%r15),0(%r15)`: the chain's end) */
		unsigned n = f->l + 1;
		if (f->b1 == f->b2 && f->d1 == f->d2 && n == 8) {
			uop(d, TS_UOP_CONST, TMP, NONE, 0);
			store(d, TMP, mem1(d, n));
		} else {
			store_unknown(d, mem1(d, n), n);
		}
		cc_clobber(d);
		break;
	}
	case S_MVHI:
		uop(d, TS_UOP_CONST, TMP, NONE, sext((uint64_t)f->i2, 16));
		store(d, TMP, mem1(d, op->size));
		break;
	case S_BCR:
		branch_reg(d, r1, r2 ? (uint8_t)r2 : NONE, true);
		break;
	case S_BC:
		branch_addr(d, r1, mem2(d, 0));
		break;
	case S_BIC: /* the target is loaded from memory */
		if (r1 == 0) {
			d->o->flags |= TS_IF_NOP;
			break;
		}
		d->o->flow = TS_FLOW_JUMP_IND;
		d->o->tmem = mem2(d, 8);
		if (r1 != 15)
			d->o->cond = mask_cond(r1);
		break;
	case S_BRC:
		branch_rel(d, r1, sext((uint64_t)f->i2, 16));
		break;
	case S_BRCL:
		branch_rel(d, r1, sext((uint64_t)f->i2, 32));
		break;
	case S_BRAS:
		call_link(d, r1);
		relative(d, bras_over_pool(d, r1, simm(d)) ? TS_FLOW_JUMP : TS_FLOW_CALL, simm(d));
		break;
	case S_BASR: /* basr R1,0 only loads the address of the next instruction */
		if (r2 == 0) {
			if (r1 == SP)
				uop(d, TS_UOP_UNSUPPORTED, SP, NONE, 0);
			else
				uop(d, TS_UOP_CONST, (uint8_t)r1, NONE, (int64_t)(d->pc + d->len));
			break;
		}
		d->o->flow = TS_FLOW_CALL_IND;
		d->o->treg = (uint8_t)r2;
		call_link(d, r1);
		break;
	case S_BAS:
		address(d, TMP, mem2(d, 0));
		d->o->flow = TS_FLOW_CALL_IND;
		d->o->treg = TMP;
		call_link(d, r1);
		break;
	case S_BCTR: /* bctr R1,0 / bctgr R1,0: a decrement only */
		clobber(d, r1);
		if (r2 != 0)
			branch_reg(d, 14, (uint8_t)r2, false); /* conditional: branch_reg's comment */
		break;
	case S_BCT:
		clobber(d, r1);
		branch_addr(d, 14, mem2(d, 0));
		if (d->o->flow == TS_FLOW_RET_COND) /* bct to 0(%r14): a jump like any other */
			d->o->flow = TS_FLOW_JUMP_IND;
		break;
	case S_BRCT:
		clobber(d, r1);
		relative(d, TS_FLOW_JCC, simm(d));
		break;
	case S_BRXH:
		clobber(d, r1);
		if (op->fmt == F_RS || op->fmt == F_RSY) { /* bxh, bxhg: to an address */
			address(d, TMP, mem2(d, 0));
			branch_reg(d, 14, TMP, false);
			break;
		}
		relative(d, TS_FLOW_JCC, sext((uint64_t)f->i2, 16));
		break;
	case S_CRJ:
	case S_CLRJ:
		cmp_rr(d, r1, r2, op->w32);
		relative(d, TS_FLOW_JCC, f->i4);
		d->o->cond = mask_cond(f->m3);
		break;
	case S_CIJ:
	case S_CLIJ: {
		bool u = op->sem == S_CLIJ;
		int64_t imm = u ? f->i2 : sext((uint64_t)f->i2, 8);
		relative(d, TS_FLOW_JCC, f->i4);
		d->o->cond = mask_cond(f->m3);
		/* the branch's own compare: refines its two edges (the condition code is left alone,
		 * but nothing after it relies on that) */
		cmp_ri(d, r1, imm, op->w32);
		if (!u)
			d->o->cmp_kind = TS_CMP_RI_SIGNED;
		break;
	}
	case S_CRB: /* compare and branch to D4(B4): clang's conditional return `clibh %r0,12,0(%r14)` */
		/* M3: equal, low, high (8, 4, 2); all three is always */
		branch_addr(d, (f->m3 & 14) == 14 ? 15 : f->m3 & 14, mem2(d, 0));
		break;
	case S_SVC:
		d->o->flags |= TS_IF_SYSCALL;
		break;
	case S_TRAP:
		d->o->flow = TS_FLOW_STOP;
		d->o->flags |= TS_IF_TRAP;
		break;
	case S_PRIV:
		d->o->flow = TS_FLOW_STOP;
		d->o->flags |= TS_IF_PRIV;
		break;
	case S_VLGV:
		clobber(d, r1);
		break;
	case S_VST:
		store_unknown(d, mem2(d, 0), op->size ? op->size : 16);
		break;
	case S_VSTM: {
		/* V1..V3 with their fifth bits in RXB (the fifth byte's high nibble: 8 for V1, 4 for V3) */
		unsigned v1 = r1 | ((d->b[4] & 0x08) ? 16 : 0), v3 = r3 | ((d->b[4] & 0x04) ? 16 : 0);
		unsigned n = v3 >= v1 ? v3 - v1 + 1 : 1;
		store_unknown(d, mem_of(f->b2, 0, f->d2, 0), n * 16);
		break;
	}
	case S_F1:
		uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(r1), NONE, 0);
		cc_clobber(d);
		break;
	case S_LDGR:
		uop(d, TS_UOP_MOV, ts_s390x_fpr(r1), (uint8_t)r2, 0);
		break;
	case S_LGDR:
		if (r1 == SP)
			d->o->flags |= TS_IF_STACK;
		uop(d, TS_UOP_MOV, (uint8_t)r1, ts_s390x_fpr(r2), 0);
		break;
	case S_LDF:
		load(d, ts_s390x_fpr(r1), mem2(d, 8), false);
		break;
	case S_STF:
		store(d, ts_s390x_fpr(r1), mem2(d, 8));
		break;
	case S_AHIU:
	case S_SHIU: {
		int64_t imm = (int64_t)(uint32_t)f->i2;
		uop(d, TS_UOP_ADDI, (uint8_t)r1, (uint8_t)r1, op->sem == S_SHIU ? -imm : imm);
		cc_clobber(d);
		break;
	}
	case S_RISBG: {
		const uint8_t *b = d->b;
		unsigned i3 = b[2] & 63, i4 = b[3] & 63, i5 = b[4] & 63;
		if ((b[3] & 0x80) && i5 <= 7 && i4 == 63 - i5 && i3 <= 32)
			uop(d, TS_UOP_SHLI, (uint8_t)r1, (uint8_t)r2, i5);
		else
			clobber(d, r1);
		if (op->key == 0xec55)
			cc_clobber(d);
		break;
	}
	case S_EXRL: /* the template may be any instruction: its effect is not modelled (mvc, xc,
		      * clc, tr of a variable length: stores we do not track) */
		d->o->target = d->pc + (uint64_t)(sext((uint64_t)f->i2, 32) * 2);
		break;
	case S_AFR:
	case S_SFR:
		uop(d, op->w32 ? TS_UOP_SEXT32 : TS_UOP_ZEXT32, TMP, (uint8_t)r2, op->w32 ? 0 : 4);
		uop(d, TS_UOP_ADD, (uint8_t)r1, TMP, op->sem == S_SFR ? -1 : 0);
		cc_clobber(d);
		break;
	case S_AM:
	case S_SM:
		load(d, TMP, mem2(d, op->size), op->w32);
		uop(d, TS_UOP_ADD, (uint8_t)r1, TMP, op->sem == S_SM ? -1 : 0);
		cc_clobber(d);
		break;
	case S_ANDR:
		if (r1 == r2)
			break; /* x & x */
		uop(d, TS_UOP_ANDR, (uint8_t)r1, (uint8_t)r2, 0);
		cc_clobber(d);
		break;
	default:
		return false;
	}
	return true;
}

/* The b3 floating-point forms whose R1 sits in the third byte (RRD: multiply and add), and the
 * ed forms whose R1 sits in the fifth byte (RXF). */
static bool b3_rrd(uint8_t x)
{
	return x == 0x0e || x == 0x0f || x == 0x1e || x == 0x1f || x == 0x2e || x == 0x2f || (x >= 0x38 && x <= 0x3f);
}

static bool ed_rxf(uint8_t x)
{
	return x == 0x0e || x == 0x0f || x == 0x1e || x == 0x1f || x == 0x2e || x == 0x2f || (x >= 0x38 && x <= 0x3d) ||
	       x == 0x3e || x == 0x3f || x == 0x40 || x == 0x41 || x == 0x48 || x == 0x49;
}

/*
 * A floating-point or vector instruction the table does not list: it writes no general register
 * and no memory we track, but its first operand, a floating-point register or a vector register
 * whose leftmost half is one (V0-V15), may be a save slot of a general register (ldgr): clobbered.
 * Compares and tests write none: clobbering them too only costs precision.
 */
static void fp_vec_group(struct dec *d)
{
	const uint8_t *b = d->b;
	cc_clobber(d);
	switch (b[0]) {
	case 0xb3:
		uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(b3_rrd(b[1]) ? hi4(b[2]) : hi4(b[3])), NONE, 0);
		if (b[1] == 0x5b || b[1] == 0x53) /* didbr, diebr: R3 too */
			uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(hi4(b[2])), NONE, 0);
		break;
	case 0xed:
		uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(ed_rxf(b[5]) ? hi4(b[4]) : hi4(b[1])), NONE, 0);
		break;
	default: { /* e6, e7: V1 with its fifth bit in RXB */
		unsigned v1 = hi4(b[1]) | ((b[4] & 0x08) ? 16 : 0);
		if (v1 < 16)
			uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(v1), NONE, 0);
		if (b[0] == 0xe7 && b[5] == 0x36) { /* vlm V1,V3: the range, as far as the uops go */
			unsigned v3 = lo4(b[1]) | ((b[4] & 0x04) ? 16 : 0);
			for (unsigned v = v1 + 1; v <= v3 && v < 16; v++)
				uop(d, TS_UOP_CLOBBER, ts_s390x_fpr(v), NONE, 0);
		}
		break;
	}
	}
}

static void insn_init(struct ts_insn *o, uint64_t addr)
{
	memset(o, 0, offsetof(struct ts_insn, uops));
	o->addr = addr;
	o->treg = NONE;
	o->tmem.base = o->tmem.index = NONE;
	o->cmp_mem.base = o->cmp_mem.index = NONE;
}

unsigned ts_s390x_decode(const uint8_t *buf, size_t len, uint64_t addr, struct ts_insn *o, const char **mnemonic)
{
	insn_init(o, addr);
	if (mnemonic)
		*mnemonic = "(bad)";
	unsigned n = len ? ts_s390x_len(buf[0]) : 2;
	const struct s390x_op *op = NULL;
	if (len >= n && !(addr & 1))
		op = op_find(op_key(buf));
	if (!op && len >= n && !(addr & 1))
		op = op_group(buf[0]);
	if (!op && len >= n && !(addr & 1) && buf[0] == 0) {
		/* opcode 0 is never assigned: `.word 0` after glibc's call of __libc_start_main
		 * traps when it returns (llvm-mc rejects it as an instruction) */
		o->len = 2;
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_TRAP;
		if (mnemonic)
			*mnemonic = "(illegal)";
		return 2;
	}
	if (!op) {
		o->flow = TS_FLOW_INVALID;
		return 0;
	}
	struct dec d = { .b = buf, .pc = addr, .len = n, .o = o, .op = op };
	fields_of(buf, op->fmt, &d.f);
	o->len = (uint8_t)n;
	if (op == &group_fp || op == &group_vec) {
		fp_vec_group(&d);
		if (mnemonic)
			*mnemonic = op->mn;
		return n;
	}
	if (!semantics(&d)) {
		insn_init(o, addr);
		o->flow = TS_FLOW_INVALID;
		if (mnemonic)
			*mnemonic = op->mn;
		return 0;
	}
	if (mnemonic)
		*mnemonic = op->mn;
	return n;
}

/* ---- the descriptor's hooks ---------------------------------------------------------------- */

struct ts_decoder {
	int unused;
};

struct ts_decoder *ts_s390x_decoder_new(void)
{
	/* binary search needs the table sorted: a misplaced line refuses every decode at once */
	for (size_t i = 1; i < ts_s390x_nops; i++)
		if (ts_s390x_ops[i - 1].key >= ts_s390x_ops[i].key)
			return NULL;
	return calloc(1, sizeof(struct ts_decoder));
}

void ts_s390x_decoder_free(struct ts_decoder *d) { free(d); }

unsigned ts_s390x_decode_hook(const struct ts_decoder *dec, const uint8_t *buf, size_t len, uint64_t addr,
			     struct ts_insn *out)
{
	(void)dec;
	return ts_s390x_decode(buf, len, addr, out, NULL);
}

const char *ts_s390x_reg_name(unsigned reg)
{
	static const char *const names[] = { "%r0", "%r1", "%r2", "%r3", "%r4", "%r5", "%r6", "%r7", "%r8",
					     "%r9", "%r10", "%r11", "%r12", "%r13", "%r14", "%r15" };
	static const char *const fprs[] = { "%f0", "%f2", "%f4", "%f6", "%f1", "%f3", "%f5", "%f7", "%f8",
					    "%f10", "%f12", "%f14", "%f9", "%f11", "%f13", "%f15" };
	if (reg == TMP)
		return "tmp";
	if (reg >= 16 && reg < 32)
		return fprs[reg - 16];
	return reg < sizeof(names) / sizeof(names[0]) ? names[reg] : "?";
}

static void put(char *out, size_t outlen, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *out, size_t outlen, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(out + (*n < outlen ? *n : outlen), *n < outlen ? outlen - *n : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += (size_t)r;
}

static void put_mem(char *out, size_t outlen, size_t *n, const struct ts_mem *m)
{
	if (m->abs) {
		put(out, outlen, n, "0x%llx", (unsigned long long)m->disp);
		return;
	}
	put(out, outlen, n, "%lld(", (long long)m->disp);
	if (m->index != NONE)
		put(out, outlen, n, "%s,", ts_s390x_reg_name(m->index));
	put(out, outlen, n, "%s)", m->base != NONE ? ts_s390x_reg_name(m->base) : "0");
}

/*
 * Disassembly text, compact: the base mnemonic (branch masks as numbers: `brc 8`), then what
 * the model says (target, registers moved and their memory operands, the effect on registers),
 * then the bytes. Full text is what objdump or llvm-mc print.
 */
void ts_s390x_format(const struct ts_decoder *dec, const uint8_t *buf, size_t len, uint64_t addr, char *out,
			 size_t outlen)
{
	(void)dec;
	if (!outlen)
		return;
	struct ts_insn in;
	const char *mn;
	size_t n = 0;
	unsigned l = ts_s390x_decode(buf, len, addr, &in, &mn);
	put(out, outlen, &n, "%s", mn);
	if (in.flow == TS_FLOW_JCC || (in.flow == TS_FLOW_JUMP && len > 1 && (buf[0] == 0xa7 || buf[0] == 0xc0)))
		put(out, outlen, &n, " %u,", (unsigned)(buf[1] >> 4));
	if (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC || in.flow == TS_FLOW_CALL || in.target)
		put(out, outlen, &n, " 0x%llx", (unsigned long long)in.target);
	else if (in.treg != NONE && in.flow != TS_FLOW_NEXT)
		put(out, outlen, &n, " %s", ts_s390x_reg_name(in.treg));
	for (unsigned k = 0; k < in.nuops; k++) {
		const struct ts_uop *u = &in.uops[k];
		const char *d = ts_s390x_reg_name(u->dst), *s = ts_s390x_reg_name(u->src);
		put(out, outlen, &n, "%s", k ? "; " : "  ");
		switch (u->kind) {
		case TS_UOP_LOAD: put(out, outlen, &n, "%s = ", d); put_mem(out, outlen, &n, &u->mem); break;
		case TS_UOP_STORE:
			put_mem(out, outlen, &n, &u->mem);
			put(out, outlen, &n, " = %s", u->src != NONE ? s : "?");
			break;
		case TS_UOP_STM:
		case TS_UOP_LDM: {
			unsigned last = (u->dst + (unsigned)u->imm - 1) % 16;
			if (u->kind == TS_UOP_STM) {
				put_mem(out, outlen, &n, &u->mem);
				put(out, outlen, &n, " = %s..%s", d, ts_s390x_reg_name(last));
			} else {
				put(out, outlen, &n, "%s..%s = ", d, ts_s390x_reg_name(last));
				put_mem(out, outlen, &n, &u->mem);
			}
			break;
		}
		case TS_UOP_MOV: put(out, outlen, &n, "%s = %s", d, s); break;
		case TS_UOP_ADDI: put(out, outlen, &n, "%s = %s %+lld", d, s, (long long)u->imm); break;
		case TS_UOP_ADD: put(out, outlen, &n, "%s %s= %s", d, u->imm == -1 ? "-" : "+", s); break;
		case TS_UOP_ANDI: put(out, outlen, &n, "%s &= %#llx", d, (unsigned long long)u->imm); break;
		case TS_UOP_CONST: put(out, outlen, &n, "%s = %#llx", d, (unsigned long long)u->imm); break;
		case TS_UOP_LEA: put(out, outlen, &n, "%s = &", d); put_mem(out, outlen, &n, &u->mem); break;
		case TS_UOP_SHLI: put(out, outlen, &n, "%s = %s << %lld", d, s, (long long)u->imm); break;
		case TS_UOP_UNSUPPORTED: put(out, outlen, &n, "%s = ? (not modelled)", d); break;
		case TS_UOP_CLOBBER: put(out, outlen, &n, "%s = ?", d); break;
		default: put(out, outlen, &n, "%s = ext(%s)", d, s); break;
		}
	}
	put(out, outlen, &n, "  //");
	for (unsigned i = 0; i < (l ? l : 2) && i < len; i++)
		put(out, outlen, &n, " %02x", buf[i]);
}

/* `brasl %r14, f` (c0e5 + 32-bit offset in halfwords) ending right before end: as on x86-64,
 * compilers put nothing after a call that never returns. */
bool ts_s390x_call_before(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target)
{
	if (before < 6 || end[-6] != 0xc0 || end[-5] != 0xe5)
		return false;
	*target = end_addr - 6 + (uint64_t)(sext(be32(end - 4), 32) * 2);
	return true;
}
