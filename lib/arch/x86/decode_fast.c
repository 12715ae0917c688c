/*
 * decode_fast.c - the commonest x86-64 instructions decoded straight from their bytes.
 *
 * A full Zydis decode costs about 1,600 machine instructions, a quarter of the whole analysis
 * of an instruction. Compiled code is mostly a few dozen forms: mov, lea, push/pop, call, jmp,
 * jcc, cmp/test, add/sub with an immediate, the xor zeroing idiom, movzx/movsxd, padding nops.
 * Those are decoded here from the opcode, ModRM, SIB and displacement into exactly the
 * struct ts_insn x86_decode builds from Zydis' operands (decode.c: decode_data, decode_cmp and
 * the branch cases); anything else, and every form with a prefix other than REX (operand size,
 * segment, lock, rep) except those below (%fs: moves, lock before a read-modify-write, SSE's
 * mandatory prefixes), returns 0 and goes to Zydis. tests/speed/suite_fastdecode.sh compares
 * both decoders at every byte offset of real code.
 */
#include <string.h>

#include "arch/x86/decode_fast.h"
#include "arch/x86/regs.h"

/* DWARF numbers (decode.c), indexed by the x86 register encoding 0-15 */
static const uint8_t gpr[16] = { X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15 };

#define REX_W 8
#define REX_R 4
#define REX_X 2
#define REX_B 1
#define MAX_LEN 15 /* longer is not an instruction (Zydis fails) */
#define TMP 32     /* decode.c's scratch register: a value that lives within one instruction */

/* The r/m operand of a ModRM byte: a register, or memory as decode.c's mem_operand gives it. */
struct rm {
	bool is_reg;
	bool rip;       /* disp is relative to the end of the instruction */
	uint8_t reg;    /* modrm.reg with REX.R, as a DWARF number */
	uint8_t r;      /* mod == 3: the r/m register */
	uint8_t regenc; /* modrm.reg field alone (opcode extension), 0-7 */
	uint8_t rmenc;  /* mod == 3: the r/m encoding with REX.B, 0-15 */
	struct ts_mem m;
};

static int32_t rd32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* ModRM, SIB and displacement at p (n bytes readable). Returns the bytes used, or 0. */
static unsigned decode_rm(const uint8_t *p, size_t n, unsigned rex, struct rm *x)
{
	if (!n)
		return 0;
	uint8_t modrm = p[0], mod = modrm >> 6, rm = modrm & 7;
	memset(x, 0, sizeof(*x));
	x->regenc = (modrm >> 3) & 7;
	x->reg = gpr[x->regenc | ((rex & REX_R) ? 8 : 0)];
	if (mod == 3) {
		x->is_reg = true;
		x->rmenc = (uint8_t)(rm | ((rex & REX_B) ? 8 : 0));
		x->r = gpr[x->rmenc];
		return 1;
	}
	x->m.base = x->m.index = TS_REG_NONE;
	x->m.scale = 1;
	unsigned used = 1, dispsz = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		if (n < 2)
			return 0;
		uint8_t sib = p[1];
		used = 2;
		unsigned idx = ((sib >> 3) & 7) | ((rex & REX_X) ? 8 : 0);
		if (idx != 4) { /* 100 without REX.X: no index */
			x->m.index = gpr[idx];
			x->m.scale = (uint8_t)(1u << (sib >> 6));
		}
		if ((sib & 7) == 5 && mod == 0)
			dispsz = 4; /* no base: disp32 */
		else
			x->m.base = gpr[(sib & 7) | ((rex & REX_B) ? 8 : 0)];
	} else if (rm == 5 && mod == 0) {
		x->rip = true;
		dispsz = 4;
	} else {
		x->m.base = gpr[rm | ((rex & REX_B) ? 8 : 0)];
	}
	if (n < used + dispsz)
		return 0;
	x->m.disp = dispsz == 1 ? (int8_t)p[used] : dispsz == 4 ? rd32(p + used) : 0;
	used += dispsz;
	if (!x->rip && x->m.base == TS_REG_NONE && x->m.index == TS_REG_NONE)
		x->m.abs = true;
	return used;
}

/* The memory operand once the instruction's length is known (rip-relative: from its end). */
static struct ts_mem mem_of(const struct rm *x, uint64_t addr, unsigned len, unsigned size)
{
	struct ts_mem m = x->m;
	if (x->rip) {
		m.abs = true;
		m.disp = (int64_t)(addr + len + (uint64_t)m.disp);
	}
	m.size = (uint8_t)size;
	return m;
}

/* A byte register encoding that names %ah-%bh (4-7 without REX): left to Zydis. */
static bool high_byte(unsigned rex, unsigned enc)
{
	return !rex && enc >= 4 && enc < 8;
}

/* What decode.c's generic_effects does for a written general register: unknown (a 32-bit
 * write zeroes the upper half), or unsupported when it is the stack pointer. */
static void clobber(struct ts_insn *o, uint8_t r, unsigned w)
{
	if (r == X86_RSP) {
		uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
		o->flags |= TS_IF_STACK;
	} else {
		uop(o, TS_UOP_CLOBBER, r, TS_REG_NONE, w == 4 ? 4 : 0);
	}
}

/* ... and for a written memory operand: a store of an unknown value, unless it is absolute. */
static void store_unknown(struct ts_insn *o, const struct ts_mem *m)
{
	if (!m->abs)
		uop(o, TS_UOP_STORE, TS_REG_NONE, TS_REG_NONE, 0)->mem = *m;
}

static void stack_slot(struct ts_mem *s)
{
	memset(s, 0, sizeof(*s));
	s->base = X86_RSP;
	s->index = TS_REG_NONE;
	s->scale = 1;
	s->size = 8;
}

static enum ts_cond jcc_cond(unsigned cc)
{
	switch (cc) {
	case 0x2: return TS_COND_ULT;
	case 0x3: return TS_COND_UGE;
	case 0x4: return TS_COND_EQ;
	case 0x5: return TS_COND_NE;
	case 0x6: return TS_COND_ULE;
	case 0x7: return TS_COND_UGT;
	default: return TS_COND_OTHER;
	}
}

/* An immediate compared at width w bytes, as the unsigned number the flags see. */
static int64_t masked(int64_t v, unsigned w)
{
	return w < 8 ? (int64_t)((uint64_t)v & ((1ull << (8 * w)) - 1)) : v;
}

static unsigned branch(struct ts_insn *o, uint64_t addr, unsigned len, int64_t rel, uint8_t flow)
{
	o->flow = flow;
	o->target = addr + len + (uint64_t)rel;
	o->len = (uint8_t)len;
	return len;
}

/* Padding: 66/2e prefixes before `nopw/nopl mem` (0f 1f /0), and endbr64. */
static unsigned padding(const uint8_t *b, size_t n, struct ts_insn *o)
{
	if (n >= 4 && b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa) {
		o->len = 4;
		o->flags |= TS_IF_NOP;
		return 4;
	}
	size_t i = 0;
	while (i < n && (b[i] == 0x66 || b[i] == 0x2e))
		i++;
	if (i + 2 > n || b[i] != 0x0f || b[i + 1] != 0x1f)
		return 0;
	struct rm x;
	unsigned used = decode_rm(b + i + 2, n - i - 2, 0, &x);
	if (!used || x.is_reg || x.regenc != 0 || i + 2 + used > MAX_LEN)
		return 0;
	o->len = (uint8_t)(i + 2 + used);
	o->flags |= TS_IF_NOP;
	return o->len;
}

static int16_t rd16(const uint8_t *p)
{
	return (int16_t)((uint16_t)p[0] | (uint16_t)(p[1] << 8));
}

/*
 * SSE instructions after a mandatory prefix (66, f2, f3; pfx 0 for none): p points at the byte
 * after 0f. They write XMM registers, which the analysis does not track; what matters is a
 * general register written (movd/movq to one, pmovmskb, tzcnt: unknown) or memory (a store of
 * an unknown value). Only forms that are valid with every ModRM are listed, except where the
 * code below requires a register or memory operand.
 */
static unsigned sse_op(const uint8_t *b, size_t n, size_t i, unsigned rex, uint8_t pfx, uint64_t addr,
		       struct ts_insn *o)
{
	if (i >= n)
		return 0;
	uint8_t op = b[i++];
	struct rm x;
	unsigned used, len, store = 0; /* bytes stored when the operand is memory */
	bool to_gpr = false;           /* writes the ModRM r/m as a general register */
	if (pfx == 0x66) {
		if ((rex & REX_W) && op != 0x7e && op != 0x6e)
			return 0;
		if ((op >= 0x60 && op <= 0x6d) || op == 0x6e || op == 0x6f || (op >= 0x74 && op <= 0x76) || op == 0xd4 ||
		    (op >= 0xd8 && op <= 0xdf) || op == 0xeb || op == 0xef || (op >= 0xf8 && op <= 0xfe))
			store = 0; /* punpck*, movd/movq to xmm, movdqa load, pcmpeq*, padd*, psub*, pand*, por, pxor */
		else if (op == 0x7f) /* movdqa store */
			store = 16;
		else if (op == 0xd6) /* movq xmm -> xmm/m64 */
			store = 8;
		else if (op == 0x7e) /* movd/movq xmm -> r/m */
			store = (rex & REX_W) ? 8 : 4, to_gpr = true;
		else if (op == 0xd7) /* pmovmskb xmm -> r32 (a register operand only) */
			store = 0;
		else
			return 0;
	} else {
		if (rex & REX_W)
			return 0;
		if (op == 0x10 || op == 0x2a || op == 0x51 || op == 0x58 || op == 0x59 || op == 0x5a || op == 0x5c ||
		    op == 0x5d || op == 0x5e || op == 0x5f)
			store = 0; /* movss/movsd load, cvtsi2s*, sqrt, add, mul, cvt, sub, min, div, max */
		else if (op == 0x11) /* movss/movsd store */
			store = pfx == 0xf2 ? 8 : 4;
		else if (pfx == 0xf3 && op == 0x6f) /* movdqu load */
			store = 0;
		else if (pfx == 0xf3 && op == 0x7f) /* movdqu store */
			store = 16;
		else if (pfx == 0xf3 && op == 0x7e) /* movq xmm/m64 -> xmm */
			store = 0;
		else
			return 0;
	}
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	if (pfx == 0x66 && op == 0xd7) {
		if (!x.is_reg || x.reg == X86_RSP)
			return 0;
		o->len = (uint8_t)len;
		clobber(o, x.reg, 4);
		return len;
	}
	o->len = (uint8_t)len;
	if (x.is_reg && to_gpr) {
		if (x.r == X86_RSP)
			return 0;
		clobber(o, x.r, store);
	} else if (!x.is_reg && store) {
		struct ts_mem m = mem_of(&x, addr, len, store);
		store_unknown(o, &m);
	}
	return len;
}

/* An SSE instruction with a mandatory prefix p (f2, f3): p [REX] 0f op. */
static unsigned sse_prefixed(const uint8_t *b, size_t n, uint64_t addr, struct ts_insn *o)
{
	size_t i = 1;
	unsigned rex = 0;
	if (i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i >= n || b[i] != 0x0f)
		return 0;
	return sse_op(b, n, i + 1, rex, b[0], addr, o);
}

/* A store of `size` bytes to the memory operand of the ModRM byte at b[i] (mov r, m; or with
 * imm_len > 0, mov $imm, m, whose reg field must be 0): what it overwrites on the stack is unknown. */
static unsigned store_to_mem(const uint8_t *b, size_t n, size_t i, unsigned rex, uint64_t addr, unsigned imm_len,
			     unsigned size, struct ts_insn *o)
{
	struct rm x;
	unsigned used = decode_rm(b + i, n - i, rex, &x);
	if (!used || x.is_reg || (imm_len && x.regenc != 0))
		return 0;
	unsigned len = (unsigned)(i + used + imm_len);
	if (n < len)
		return 0;
	o->len = (uint8_t)len;
	struct ts_mem m = mem_of(&x, addr, len, size);
	store_unknown(o, &m);
	return len;
}

/* The commonest forms with an operand-size prefix (66): 16-bit stores and compares of
 * structure fields, and the two-byte nop. With REX.W the prefix means nothing: left to Zydis. */
static unsigned word_op(const uint8_t *b, size_t n, uint64_t addr, struct ts_insn *o)
{
	size_t i = 1;
	unsigned rex = 0;
	if (i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i < n && b[i] == 0x0f)
		return sse_op(b, n, i + 1, rex, 0x66, addr, o);
	if (i >= n || (rex & REX_W))
		return 0;
	uint8_t op = b[i++];
	struct rm x;
	unsigned used, len;
	switch (op) {
	case 0x90: /* xchg %ax,%ax: a nop */
		if (rex)
			return 0;
		o->len = 2;
		o->flags |= TS_IF_NOP;
		return 2;
	case 0x89: /* mov r16, m16 */
	case 0xc7: /* movw $imm16, m16 */
		return store_to_mem(b, n, i, rex, addr, op == 0xc7 ? 2 : 0, 2, o);
	case 0x85: /* test r16, r/m16 */
		if (!(used = decode_rm(b + i, n - i, rex, &x)))
			return 0;
		o->len = (uint8_t)(i + used);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	case 0xf7: /* test $imm16, r/m16 */
		if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.regenc != 0 || n < i + used + 2)
			return 0;
		o->len = (uint8_t)(i + used + 2);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	case 0x83: /* cmpw $imm8, r/m16 */
	case 0x81: /* cmpw $imm16, r/m16 */
	{
		unsigned isz = op == 0x83 ? 1 : 2;
		if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.regenc != 7 || n < i + used + isz)
			return 0;
		int64_t imm = isz == 1 ? (int8_t)b[i + used] : rd16(b + i + used);
		len = (unsigned)(i + used + isz);
		o->len = (uint8_t)len;
		if (x.is_reg) {
			o->cmp_kind = TS_CMP_RI;
			o->cmp_a = x.r;
		} else {
			o->cmp_kind = TS_CMP_MI;
			o->cmp_mem = mem_of(&x, addr, len, 2);
		}
		o->cmp_width = 2;
		o->cmp_imm = masked(imm, 2);
		return len;
	}
	default:
		return 0;
	}
}

/*
 * Thread-local data through %fs (64 prefix): the stack protector's canary (`mov %fs:0x28,%rax`
 * in the prologue of every protected function, `sub %fs:0x28,%rdx` in its epilogue) and TLS
 * variables. Never the stack frame: decode.c's mem_operand refuses the segment, so a load or an
 * arithmetic operation makes its register unknown and a store changes nothing tracked.
 * Forms: 64 [REX] op ModRM with a memory operand, op 8b (mov m, r), 89 (mov r, m), 03, 2b, 33
 * (add, sub, xor m, r); anything else goes to Zydis.
 */
static unsigned fs_op(const uint8_t *b, size_t n, struct ts_insn *o)
{
	size_t i = 1;
	unsigned rex = 0;
	if (i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i >= n)
		return 0;
	uint8_t op = b[i++];
	if (op != 0x8b && op != 0x89 && op != 0x03 && op != 0x2b && op != 0x33)
		return 0;
	struct rm x;
	unsigned used = decode_rm(b + i, n - i, rex, &x);
	if (!used || x.is_reg || x.reg == X86_RSP)
		return 0;
	o->len = (uint8_t)(i + used);
	if (op != 0x89)
		clobber(o, x.reg, (rex & REX_W) ? 8 : 4);
	if (op != 0x89 && op != 0x8b)
		o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/*
 * A lock prefix (f0) before a read-modify-write of memory: atomicity only, the effects are
 * those of the instruction without it (decode.c models both alike). Only forms the prefix is
 * valid with (Zydis refuses the others): add, or, and, sub, xor of a register into memory
 * (01, 09, 21, 29, 31), the group-1 immediates other than cmp (81, 83: `lock addl $1`, the
 * `lock orq $0,(%rsp)` barrier), xadd and cmpxchg, when the fast path decodes the rest.
 */
static unsigned lock_op(const uint8_t *b, size_t n, uint64_t addr, struct ts_insn *o)
{
	size_t i = 1;
	if (i < n && (b[i] & 0xf0) == 0x40)
		i++;
	if (i + 2 >= n)
		return 0;
	uint8_t op = b[i], modrm = b[i + 1];
	bool rmw;
	if (op == 0x0f) { /* xadd, cmpxchg */
		rmw = b[i + 1] == 0xc1 || b[i + 1] == 0xb1;
		modrm = b[i + 2];
	} else {
		rmw = op == 0x01 || op == 0x09 || op == 0x21 || op == 0x29 || op == 0x31 ||
		      ((op == 0x81 || op == 0x83) && ((modrm >> 3) & 7) != 7);
	}
	if (!rmw || (modrm >> 6) == 3)
		return 0;
	unsigned len = ts_x86_decode_fast(b + 1, n - 1, addr + 1, o);
	if (!len || len + 1 > MAX_LEN)
		return 0;
	o->len = (uint8_t)(len + 1);
	return o->len;
}

/*
 * The one-byte opcodes, a handler per opcode group. Each gets the instruction's bytes (b, n
 * readable), i the index after the opcode op, the REX prefix (0 when none), the operand size w
 * (8 with REX.W, else 4), the address and the struct to fill; each returns the length or 0 (not
 * a form handled here: Zydis decodes it). All are static and called from one place, so the
 * compiler folds them back into ts_x86_decode_fast: the split costs no instructions.
 */
#define FAST_ARGS const uint8_t *b, size_t n, size_t i, unsigned rex, unsigned w, uint8_t op, uint64_t addr, \
	struct ts_insn *o
#define FAST_PASS b, n, i, rex, w, op, addr, o

/* push/pop r64 (50-5f) */
static unsigned push_pop(FAST_ARGS)
{
	struct ts_mem s;
	if (rex & (REX_W | REX_R | REX_X))
		return 0;
	uint8_t r = gpr[(op & 7) | ((rex & REX_B) ? 8 : 0)];
	o->len = (uint8_t)i;
	o->flags |= TS_IF_STACK;
	stack_slot(&s);
	if (op < 0x58) {
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
		uop(o, TS_UOP_STORE, TS_REG_NONE, r, 0)->mem = s;
	} else if (r == X86_RSP) {
		uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
	} else {
		uop(o, TS_UOP_LOAD, r, TS_REG_NONE, 0)->mem = s;
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
	}
	return o->len;
}

/* jcc rel8 (70-7f) */
static unsigned jcc_rel8(FAST_ARGS)
{
	if (rex || n < 2)
		return 0;
	o->cond = (uint8_t)jcc_cond(op & 0xf);
	return branch(o, addr, 2, (int8_t)b[1], TS_FLOW_JCC);
}

/* mov $imm, r32 / movabs $imm64, r64 (b8-bf) */
static unsigned mov_imm_reg(FAST_ARGS)
{
	if (rex & (REX_R | REX_X))
		return 0;
	uint8_t r = gpr[(op & 7) | ((rex & REX_B) ? 8 : 0)];
	unsigned isz = w == 8 ? 8 : 4;
	if (n < i + isz)
		return 0;
	uint64_t v = (uint32_t)rd32(b + i);
	if (isz == 8)
		v |= (uint64_t)(uint32_t)rd32(b + i + 4) << 32;
	o->len = (uint8_t)(i + isz);
	uop(o, TS_UOP_CONST, r, TS_REG_NONE, (int64_t)v);
	return o->len;
}

/* push $imm32; push $imm8 (68, 6a) */
static unsigned push_imm(FAST_ARGS)
{
	if (rex || n < i + (op == 0x68 ? 4 : 1))
		return 0;
	o->len = (uint8_t)(i + (op == 0x68 ? 4 : 1));
	o->flags |= TS_IF_STACK;
	uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8); /* an untracked value */
	return o->len;
}

/* cltq (cdqe) (98) */
static unsigned cltq(FAST_ARGS)
{
	if (rex != 0x48)
		return 0;
	o->len = 2;
	uop(o, TS_UOP_SEXT32, X86_RAX, X86_RAX, 0);
	return 2;
}

/* add $imm32, %eax/%rax; sub ...; and ... (05, 2d, 25) */
static unsigned alu_acc_imm(FAST_ARGS)
{
	if (n < i + 4 || (rex & (REX_R | REX_X | REX_B)))
		return 0;
	int64_t imm = rd32(b + i);
	o->len = (uint8_t)(i + 4);
	o->cmp_kind = TS_CMP_CLOBBER;
	if (op == 0x25) {
		if (w == 8 || imm >= 0)
			uop(o, TS_UOP_ANDI, X86_RAX, X86_RAX, imm);
		else
			clobber(o, X86_RAX, w);
		return o->len;
	}
	if (w == 8)
		uop(o, TS_UOP_ADDI, X86_RAX, X86_RAX, op == 0x2d ? -imm : imm);
	else
		uop(o, TS_UOP_CLOBBER, X86_RAX, TS_REG_NONE, 4);
	if (op == 0x2d) { /* `sub $n,%reg; ja` compares like cmp (decode.c) */
		o->cmp_kind = TS_CMP_RI;
		o->cmp_a = X86_RAX;
		o->cmp_width = (uint8_t)w;
		o->cmp_imm = masked(imm, w);
	}
	return o->len;
}

/* leave (c9) */
static unsigned leave(FAST_ARGS)
{
	struct ts_mem s;
	if (rex)
		return 0;
	o->len = 1;
	o->flags |= TS_IF_STACK;
	stack_slot(&s);
	uop(o, TS_UOP_MOV, X86_RSP, X86_RBP, 0);
	uop(o, TS_UOP_LOAD, X86_RBP, TS_REG_NONE, 0)->mem = s;
	uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
	return 1;
}

/* cmp r8, r/m8; cmp r/m8, r8 (38, 3a) */
static unsigned cmp8(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || high_byte(rex, x.regenc) ||
	    (x.is_reg && high_byte(rex, x.rmenc)))
		return 0;
	o->len = (uint8_t)(i + used);
	o->cmp_kind = TS_CMP_CLOBBER;
	if (x.is_reg) {
		o->cmp_kind = TS_CMP_RR;
		o->cmp_a = op == 0x38 ? x.r : x.reg;
		o->cmp_b = op == 0x38 ? x.reg : x.r;
		o->cmp_width = 1;
	} else if (op == 0x3a) {
		/* the register is compared with memory: not a comparison the refinement uses */
		o->cmp_a = x.reg;
		o->cmp_width = 1;
	}
	return o->len;
}

/* sbb r, r/m; sbb r/m, r (19, 1b) */
static unsigned sbb(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || !x.is_reg)
		return 0;
	{
		uint8_t dst = op == 0x19 ? x.r : x.reg;
		if (dst == X86_RSP)
			return 0;
		o->len = (uint8_t)(i + used);
		clobber(o, dst, w);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
}

/* imul $imm32, r/m, r; imul $imm8, r/m, r (69, 6b) */
static unsigned imul_imm(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	unsigned isz = op == 0x69 ? 4 : 1;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.reg == X86_RSP || n < i + used + isz)
		return 0;
	o->len = (uint8_t)(i + used + isz);
	clobber(o, x.reg, w);
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* shl/shr/sar %cl, r (d3) */
static unsigned shift_cl(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || !x.is_reg ||
	    (x.regenc != 4 && x.regenc != 5 && x.regenc != 7) || x.r == X86_RSP)
		return 0;
	o->len = (uint8_t)(i + used);
	clobber(o, x.r, w);
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* ret (c3) */
static unsigned ret(FAST_ARGS)
{
	if (rex)
		return 0;
	o->len = 1;
	o->flow = TS_FLOW_RET;
	o->flags |= TS_IF_STACK;
	return 1;
}

/* nop (with REX.B it is xchg %r8,%rax) (90) */
static unsigned nop(FAST_ARGS)
{
	if (rex)
		return 0;
	o->len = 1;
	o->flags |= TS_IF_NOP;
	return 1;
}

/* call rel32; jmp rel32 (e8, e9) */
static unsigned call_jmp_rel32(FAST_ARGS)
{
	if (rex || n < 5)
		return 0;
	return branch(o, addr, 5, rd32(b + 1), op == 0xe8 ? TS_FLOW_CALL : TS_FLOW_JUMP);
}

/* jmp rel8 (eb) */
static unsigned jmp_rel8(FAST_ARGS)
{
	if (rex || n < 2)
		return 0;
	return branch(o, addr, 2, (int8_t)b[1], TS_FLOW_JUMP);
}

/* mov r, r/m; mov r/m, r (89, 8b) */
static unsigned mov(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	o->len = (uint8_t)len;
	if (x.is_reg) {
		uint8_t dst = op == 0x89 ? x.r : x.reg, src = op == 0x89 ? x.reg : x.r;
		uop(o, w == 8 ? TS_UOP_MOV : TS_UOP_ZEXT32, dst, src, 0);
	} else if (op == 0x8b) {
		uop(o, TS_UOP_LOAD, x.reg, TS_REG_NONE, 0)->mem = mem_of(&x, addr, len, w);
	} else {
		m = mem_of(&x, addr, len, w);
		if (!m.abs) /* a global: not the stack */
			uop(o, TS_UOP_STORE, TS_REG_NONE, x.reg, 0)->mem = m;
	}
	return len;
}

/* mov $imm32, r/m (c7) */
static unsigned mov_imm(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.regenc != 0 || n < i + used + 4)
		return 0;
	len = (unsigned)(i + used + 4);
	o->len = (uint8_t)len;
	if (x.is_reg) {
		int64_t v = rd32(b + i + used);
		uop(o, TS_UOP_CONST, x.r, TS_REG_NONE, w == 4 ? (int64_t)(uint32_t)v : v);
	} else {
		m = mem_of(&x, addr, len, w);
		if (!m.abs)
			uop(o, TS_UOP_STORE, TS_REG_NONE, TS_REG_NONE, 0)->mem = m;
	}
	return len;
}

/* lea mem, r64; lea mem, r32: the low half, zero-extended (8d) */
static unsigned lea(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.is_reg)
		return 0;
	len = (unsigned)(i + used);
	m = mem_of(&x, addr, len, 0);
	/* a 32-bit lea of an absolute address or into %esp: decode.c makes the register
	 * unknown, and ts_x86_length's pre-scan still wants the address: left to Zydis */
	if (w == 4 && (m.abs || x.reg == X86_RSP))
		return 0;
	o->len = (uint8_t)len;
	uop(o, TS_UOP_LEA, x.reg, TS_REG_NONE, 0)->mem = m;
	if (w == 4)
		uop(o, TS_UOP_ZEXT32, x.reg, x.reg, 0);
	else if (x.reg == X86_RSP)
		o->flags |= TS_IF_STACK;
	return len;
}

/* add r, r/m; add r/m, r; sub r, r/m; sub r/m, r (01, 03, 29, 2b) */
static unsigned add_sub(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	{
		bool to_rm = op == 0x01 || op == 0x29;
		len = (unsigned)(i + used);
		if (!x.is_reg && to_rm) { /* into memory: a store of an unknown value */
			o->len = (uint8_t)len;
			m = mem_of(&x, addr, len, w);
			store_unknown(o, &m);
			o->cmp_kind = TS_CMP_CLOBBER;
			return len;
		}
		uint8_t dst = to_rm ? x.r : x.reg, src = to_rm ? x.reg : x.r;
		if (!x.is_reg || w == 4) { /* from memory, or 32-bit: unknown (decode.c) */
			if (dst == X86_RSP)
				return 0;
			o->len = (uint8_t)len;
			clobber(o, dst, w);
			o->cmp_kind = TS_CMP_CLOBBER;
			return len;
		}
		o->len = (uint8_t)len;
		if (dst == X86_RSP)
			o->flags |= TS_IF_STACK;
		uop(o, TS_UOP_ADD, dst, src, op < 0x29 ? 1 : -1);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
}

/* add/sub/cmp $imm8, r/m; ... $imm32 (83, 81) */
static unsigned alu_imm(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	unsigned isz = op == 0x83 ? 1 : 4;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || n < i + used + isz)
		return 0;
	int64_t imm = isz == 1 ? (int8_t)b[i + used] : rd32(b + i + used);
	len = (unsigned)(i + used + isz);
	if (x.regenc == 7) { /* cmp */
		o->len = (uint8_t)len;
		if (x.is_reg) {
			o->cmp_kind = TS_CMP_RI;
			o->cmp_a = x.r;
			o->cmp_width = (uint8_t)w;
		} else {
			o->cmp_kind = TS_CMP_MI;
			o->cmp_mem = mem_of(&x, addr, len, w);
			o->cmp_width = (uint8_t)w;
		}
		o->cmp_imm = masked(imm, w);
		return len;
	}
	if (!x.is_reg) { /* add, or, adc, sbb, and, sub, xor into memory */
		o->len = (uint8_t)len;
		o->cmp_kind = TS_CMP_CLOBBER;
		if (x.regenc == 1 && imm == 0)
			return len; /* `or $0,mem` changes nothing: a barrier or a stack probe */
		m = mem_of(&x, addr, len, w);
		store_unknown(o, &m);
		return len;
	}
	if ((x.regenc == 2 || x.regenc == 3 || x.regenc == 6) && x.r != X86_RSP) { /* adc, sbb, xor */
		o->len = (uint8_t)len;
		o->cmp_kind = TS_CMP_CLOBBER;
		clobber(o, x.r, w);
		return len;
	}
	if ((x.regenc == 1 || x.regenc == 4) && x.is_reg && x.r != X86_RSP) { /* or, and */
		o->len = (uint8_t)len;
		o->cmp_kind = TS_CMP_CLOBBER;
		if (x.regenc == 4 && (w == 8 || imm >= 0))
			uop(o, TS_UOP_ANDI, x.r, x.r, imm);
		else
			clobber(o, x.r, w);
		return len;
	}
	if ((x.regenc != 0 && x.regenc != 5) || !x.is_reg || (x.r == X86_RSP && w != 8))
		return 0;
	o->len = (uint8_t)len;
	bool sub = x.regenc == 5;
	if (w == 8) {
		if (x.r == X86_RSP)
			o->flags |= TS_IF_STACK;
		uop(o, TS_UOP_ADDI, x.r, x.r, sub ? -imm : imm);
	} else {
		uop(o, TS_UOP_CLOBBER, x.r, TS_REG_NONE, 4);
	}
	if (sub && x.r != X86_RSP) {
		o->cmp_kind = TS_CMP_RI;
		o->cmp_a = x.r;
		o->cmp_width = (uint8_t)w;
		o->cmp_imm = masked(imm, w);
	} else {
		o->cmp_kind = TS_CMP_CLOBBER;
	}
	return len;
}

/* cmp r, r/m; cmp r/m, r (39, 3b) */
static unsigned cmp(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	o->len = (uint8_t)(i + used);
	o->cmp_kind = TS_CMP_CLOBBER;
	if (x.is_reg) {
		o->cmp_kind = TS_CMP_RR;
		o->cmp_a = op == 0x39 ? x.r : x.reg;
		o->cmp_b = op == 0x39 ? x.reg : x.r;
		o->cmp_width = (uint8_t)w;
	} else if (op == 0x3b) {
		/* the register is compared with memory: not a comparison the refinement uses */
		o->cmp_a = x.reg;
		o->cmp_width = (uint8_t)w;
	}
	return o->len;
}

/* test r8, r/m8; test r, r/m (84, 85) */
static unsigned test(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	o->len = (uint8_t)(i + used);
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* xor r, r/m; xor r/m, r (31, 33) */
static unsigned xor(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || !x.is_reg)
		return 0;
	{
		uint8_t dst = op == 0x31 ? x.r : x.reg, src = op == 0x31 ? x.reg : x.r;
		if (dst == X86_RSP)
			return 0;
		o->len = (uint8_t)(i + used);
		if (dst == src) /* the zeroing idiom */
			uop(o, TS_UOP_CONST, dst, TS_REG_NONE, 0);
		else
			uop(o, TS_UOP_CLOBBER, dst, TS_REG_NONE, w == 4 ? 4 : 0);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
}

/* shl/shr/sar $imm8, r (c1) */
static unsigned shift_imm(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || !x.is_reg || n < i + used + 1 ||
	    (x.regenc != 4 && x.regenc != 5 && x.regenc != 7) || x.r == X86_RSP)
		return 0;
	o->len = (uint8_t)(i + used + 1);
	if (x.regenc == 4) {
		uop(o, TS_UOP_SHLI, x.r, x.r, b[i + used]);
		if (w == 4) /* a shifted 32-bit index, zero-extended (decode.c) */
			uop(o, TS_UOP_ZEXT32, x.r, x.r, 0);
	} else {
		clobber(o, x.r, w);
	}
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* or r, r/m; or r/m, r; and r, r/m; and r/m, r (09, 0b, 21, 23) */
static unsigned or_and(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || !x.is_reg)
		return 0;
	{
		uint8_t dst = (op & 2) ? x.reg : x.r;
		if (dst == X86_RSP)
			return 0;
		o->len = (uint8_t)(i + used);
		clobber(o, dst, w);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
}

/* test $imm8, %al; test $imm32, %eax (a8, a9) */
static unsigned test_acc(FAST_ARGS)
{
	if (n < i + (op == 0xa8 ? 1 : 4))
		return 0;
	o->len = (uint8_t)(i + (op == 0xa8 ? 1 : 4));
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* test $imm8, r/m8; test $imm32, r/m; neg r; mul, imul r/m (f6, f7) */
static unsigned test_imm_neg(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (op == 0xf7 && n > i && (b[i] & 0xf8) == 0xd8) { /* neg r (mod 3, /3) */
		if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.r == X86_RSP)
			return 0;
		o->len = (uint8_t)(i + used);
		clobber(o, x.r, w);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
	if (op == 0xf7 && n > i && ((b[i] >> 3) & 6) == 4) {
		/* mul, imul r/m (/4, /5): rdx:rax = rax * r/m, both unknown (decode.c's generic
		 * effects, in Zydis' operand order) */
		if (!(used = decode_rm(b + i, n - i, rex, &x)))
			return 0;
		o->len = (uint8_t)(i + used);
		clobber(o, X86_RAX, w);
		clobber(o, X86_RDX, w);
		o->cmp_kind = TS_CMP_CLOBBER;
		return o->len;
	}
	unsigned isz = op == 0xf6 ? 1 : 4;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.regenc != 0 || n < i + used + isz)
		return 0;
	o->len = (uint8_t)(i + used + isz);
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* cmp $imm8, %al; cmp $imm32, %eax (3c, 3d) */
static unsigned cmp_acc(FAST_ARGS)
{
	unsigned isz = op == 0x3c ? 1 : 4, cw = op == 0x3c ? 1 : w;
	if (n < i + isz || (rex & (REX_R | REX_X | REX_B)) || (op == 0x3c && rex))
		return 0;
	int64_t imm = isz == 1 ? (int8_t)b[i] : rd32(b + i);
	o->len = (uint8_t)(i + isz);
	o->cmp_kind = TS_CMP_RI;
	o->cmp_a = X86_RAX;
	o->cmp_width = (uint8_t)cw;
	o->cmp_imm = masked(imm, cw);
	return o->len;
}

/* cmp $imm8, r/m8; or, and (80) */
static unsigned alu_imm8(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || n < i + used + 1 || (x.is_reg && high_byte(rex, x.rmenc)))
		return 0;
	len = (unsigned)(i + used + 1);
	if (x.regenc == 1 || x.regenc == 4) {
		if (x.is_reg && x.r == X86_RSP)
			return 0;
		o->len = (uint8_t)len;
		o->cmp_kind = TS_CMP_CLOBBER;
		if (x.is_reg) {
			clobber(o, x.r, 1);
		} else if (!(x.regenc == 1 && b[i + used] == 0)) { /* `or $0,mem`: nothing */
			m = mem_of(&x, addr, len, 1);
			store_unknown(o, &m);
		}
		return len;
	}
	if (x.regenc != 7)
		return 0;
	o->len = (uint8_t)len;
	if (x.is_reg) {
		o->cmp_kind = TS_CMP_RI;
		o->cmp_a = x.r;
	} else {
		o->cmp_kind = TS_CMP_MI;
		o->cmp_mem = mem_of(&x, addr, len, 1);
	}
	o->cmp_width = 1;
	o->cmp_imm = masked((int8_t)b[i + used], 1);
	return len;
}

/* mov r8, m8; movb $imm8, m8 (88, c6) */
static unsigned store_byte(FAST_ARGS)
{
	return store_to_mem(b, n, i, rex, addr, op == 0xc6 ? 1 : 0, 1, o);
}

/* call/jmp *r/m, push mem (ff) */
static unsigned group5(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem s;
	if (n > i && (b[i] & 0x38) == 0x30 && (b[i] & 0xc0) != 0xc0 && !(rex & REX_W)) {
		if (!(used = decode_rm(b + i, n - i, rex, &x)))
			return 0;
		len = (unsigned)(i + used);
		o->len = (uint8_t)len;
		o->flags |= TS_IF_STACK;
		uop(o, TS_UOP_LOAD, TMP, TS_REG_NONE, 0)->mem = mem_of(&x, addr, len, 8);
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
		stack_slot(&s);
		uop(o, TS_UOP_STORE, TS_REG_NONE, TMP, 0)->mem = s;
		return len;
	}
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || (x.regenc != 2 && x.regenc != 4) || (rex & REX_W))
		return 0;
	len = (unsigned)(i + used);
	o->len = (uint8_t)len;
	o->flow = x.regenc == 2 ? TS_FLOW_CALL_IND : TS_FLOW_JUMP_IND;
	if (x.is_reg)
		o->treg = x.r;
	else
		o->tmem = mem_of(&x, addr, len, 8);
	return len;
}

/* movslq r/m32, r64 (63) */
static unsigned movslq(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (w != 8 || !(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	o->len = (uint8_t)len;
	if (x.is_reg) {
		uop(o, TS_UOP_SEXT32, x.reg, x.r, 0);
	} else {
		m = mem_of(&x, addr, len, 4);
		m.sext = true;
		uop(o, TS_UOP_LOAD, x.reg, TS_REG_NONE, 0)->mem = m;
	}
	return len;
}

/* jcc rel32 (0f 80-8f) */
static unsigned jcc_rel32(FAST_ARGS)
{
	if (rex || n < 6)
		return 0;
	o->cond = (uint8_t)jcc_cond(op & 0xf);
	return branch(o, addr, 6, rd32(b + 2), TS_FLOW_JCC);
}

/* cmovcc r/m, r (0f 40-4f) */
static unsigned cmovcc(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.reg == X86_RSP)
		return 0;
	o->len = (uint8_t)(i + used);
	clobber(o, x.reg, w);
	return o->len;
}

/* setcc r/m8 (0f 90-9f) */
static unsigned setcc(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || (x.is_reg && (high_byte(rex, x.rmenc) || x.r == X86_RSP)))
		return 0;
	len = (unsigned)(i + used);
	o->len = (uint8_t)len;
	if (x.is_reg) {
		clobber(o, x.r, 1);
	} else {
		m = mem_of(&x, addr, len, 1);
		store_unknown(o, &m);
	}
	return len;
}

/* movups m128/xmm, xmm; movaps; xorps (0f 10, 0f 28, 0f 57) */
static unsigned sse_load(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	o->len = (uint8_t)(i + used);
	return o->len;
}

/* movups xmm, m128/xmm; movaps (0f 11, 0f 29) */
static unsigned sse_store(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	o->len = (uint8_t)len;
	if (!x.is_reg) {
		m = mem_of(&x, addr, len, 16);
		store_unknown(o, &m);
	}
	return len;
}

/* imul r/m, r (0f af) */
static unsigned imul(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.reg == X86_RSP)
		return 0;
	o->len = (uint8_t)(i + used);
	clobber(o, x.reg, w);
	o->cmp_kind = TS_CMP_CLOBBER;
	return o->len;
}

/* nopl mem (0f 1f) */
static unsigned nopl(FAST_ARGS)
{
	struct rm x;
	unsigned used;
	if (!(used = decode_rm(b + i, n - i, rex, &x)) || x.is_reg || x.regenc != 0)
		return 0;
	o->len = (uint8_t)(i + used);
	o->flags |= TS_IF_NOP;
	return o->len;
}

/* movzbl; movzwl; movsbl; movswl (0f b6, 0f b7, 0f be, 0f bf) */
static unsigned movx(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	struct ts_mem m;
	unsigned from = (op & 1) ? 2 : 1;
	bool sext = op >= 0xbe;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	if (x.is_reg) {
		if (sext) { /* movsbl/movswl of a register: unknown (decode.c) */
			if (x.reg == X86_RSP)
				return 0;
			o->len = (uint8_t)len;
			clobber(o, x.reg, w);
			return len;
		}
		/* without REX, byte registers 4-7 are %ah-%bh */
		if (from == 1 && !rex && x.rmenc >= 4 && x.rmenc < 8)
			return 0;
		o->len = (uint8_t)len;
		uop(o, TS_UOP_ZEXT32, x.reg, x.r, from);
		return len;
	}
	o->len = (uint8_t)len;
	m = mem_of(&x, addr, len, from);
	m.sext = sext;
	uop(o, TS_UOP_LOAD, x.reg, TS_REG_NONE, 0)->mem = m;
	return len;
}

/* xadd r, r/m; cmpxchg r, r/m (0f c1, 0f b1): the atomics' fetch-and-add and compare-and-swap.
 * What they write becomes unknown, in Zydis' operand order (decode.c's generic effects): the
 * r/m operand (memory: a store of an unknown value), then xadd's register or cmpxchg's rax. */
static unsigned xadd_cmpxchg(FAST_ARGS)
{
	struct rm x;
	unsigned used, len;
	if (!(used = decode_rm(b + i, n - i, rex, &x)))
		return 0;
	len = (unsigned)(i + used);
	uint8_t second = op == 0xc1 ? x.reg : X86_RAX;
	if ((x.is_reg && x.r == X86_RSP) || second == X86_RSP)
		return 0;
	o->len = (uint8_t)len;
	if (x.is_reg) {
		clobber(o, x.r, w);
	} else {
		struct ts_mem m = mem_of(&x, addr, len, w);
		store_unknown(o, &m);
	}
	clobber(o, second, w);
	o->cmp_kind = TS_CMP_CLOBBER;
	return len;
}

/* The two-byte opcodes (0f xx): b[i] is the second opcode byte. */
static unsigned two_byte(FAST_ARGS)
{
	if (i >= n)
		return 0;
	op = b[i++];
	if (op >= 0x80 && op <= 0x8f)
		return jcc_rel32(FAST_PASS);
	if (op >= 0x40 && op <= 0x4f)
		return cmovcc(FAST_PASS);
	if (op >= 0x90 && op <= 0x9f)
		return setcc(FAST_PASS);
	switch (op) {
	case 0x10:
	case 0x28:
	case 0x57:
		return sse_load(FAST_PASS);
	case 0x11:
	case 0x29:
		return sse_store(FAST_PASS);
	case 0xaf:
		return imul(FAST_PASS);
	case 0xb1:
	case 0xc1:
		return xadd_cmpxchg(FAST_PASS);
	case 0x1f:
		return nopl(FAST_PASS);
	case 0xb6:
	case 0xb7:
	case 0xbe:
	case 0xbf:
		return movx(FAST_PASS);
	default:
		return 0;
	}
}

unsigned ts_x86_decode_fast(const uint8_t *b, size_t n, uint64_t addr, struct ts_insn *o)
{
	if (!n)
		return 0;
	if (b[0] == 0x66 || b[0] == 0x2e || b[0] == 0xf3) {
		unsigned p = padding(b, n, o);
		if (p || b[0] == 0x2e)
			return p;
		return b[0] == 0x66 ? word_op(b, n, addr, o) : sse_prefixed(b, n, addr, o);
	}
	if (b[0] == 0xf2)
		return sse_prefixed(b, n, addr, o);
	if (b[0] == 0x64)
		return fs_op(b, n, o);
	if (b[0] == 0xf0)
		return lock_op(b, n, addr, o);
	size_t i = 0;
	unsigned rex = 0;
	if ((b[0] & 0xf0) == 0x40) {
		rex = b[0];
		i = 1;
	}
	if (i >= n)
		return 0;
	uint8_t op = b[i++];
	unsigned w = (rex & REX_W) ? 8 : 4; /* operand size: no 66 prefix gets here */
	if (op >= 0x50 && op <= 0x5f)
		return push_pop(FAST_PASS);
	if (op >= 0x70 && op <= 0x7f)
		return jcc_rel8(FAST_PASS);
	if (op >= 0xb8 && op <= 0xbf)
		return mov_imm_reg(FAST_PASS);
	switch (op) {
	case 0x68:
	case 0x6a:
		return push_imm(FAST_PASS);
	case 0x98:
		return cltq(FAST_PASS);
	case 0x05:
	case 0x2d:
	case 0x25:
		return alu_acc_imm(FAST_PASS);
	case 0xc9:
		return leave(FAST_PASS);
	case 0x38:
	case 0x3a:
		return cmp8(FAST_PASS);
	case 0x19:
	case 0x1b:
		return sbb(FAST_PASS);
	case 0x69:
	case 0x6b:
		return imul_imm(FAST_PASS);
	case 0xd3:
		return shift_cl(FAST_PASS);
	case 0xc3:
		return ret(FAST_PASS);
	case 0x90:
		return nop(FAST_PASS);
	case 0xe8:
	case 0xe9:
		return call_jmp_rel32(FAST_PASS);
	case 0xeb:
		return jmp_rel8(FAST_PASS);
	case 0x0f:
		return two_byte(FAST_PASS);
	case 0x89:
	case 0x8b:
		return mov(FAST_PASS);
	case 0xc7:
		return mov_imm(FAST_PASS);
	case 0x8d:
		return lea(FAST_PASS);
	case 0x01:
	case 0x03:
	case 0x29:
	case 0x2b:
		return add_sub(FAST_PASS);
	case 0x83:
	case 0x81:
		return alu_imm(FAST_PASS);
	case 0x39:
	case 0x3b:
		return cmp(FAST_PASS);
	case 0x84:
	case 0x85:
		return test(FAST_PASS);
	case 0x31:
	case 0x33:
		return xor(FAST_PASS);
	case 0xc1:
		return shift_imm(FAST_PASS);
	case 0x09:
	case 0x0b:
	case 0x21:
	case 0x23:
		return or_and(FAST_PASS);
	case 0xa8:
	case 0xa9:
		return test_acc(FAST_PASS);
	case 0xf6:
	case 0xf7:
		return test_imm_neg(FAST_PASS);
	case 0x3c:
	case 0x3d:
		return cmp_acc(FAST_PASS);
	case 0x80:
		return alu_imm8(FAST_PASS);
	case 0x88:
	case 0xc6:
		return store_byte(FAST_PASS);
	case 0xff:
		return group5(FAST_PASS);
	case 0x63:
		return movslq(FAST_PASS);
	default:
		return 0;
	}
}
