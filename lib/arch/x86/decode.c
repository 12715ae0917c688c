/*
 * x86-64 decoder: Zydis instruction -> struct ts_insn (arch.h).
 *
 * Registers use the DWARF numbering of the x86-64 psABI (rax 0, rdx 1, rcx 2, rbx 3, rsi 4,
 * rdi 5, rbp 6, rsp 7, r8-r15 8-15, return address column 16). Register 32 is a scratch
 * register private to one instruction (push/pop with a memory operand).
 */
#include <Zydis/Zydis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/x86/decode_fast.h"
#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

#define TMP 32

struct ts_decoder {
	ZydisDecoder dec;
	ZydisFormatter fmt;
	bool zydis_only; /* never the fast path (decode_fast.h): the reference for its test */
};

struct ts_decoder *ts_x86_decoder_new(void)
{
	struct ts_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&d->dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisFormatterInit(&d->fmt, ZYDIS_FORMATTER_STYLE_ATT))) {
		free(d);
		return NULL;
	}
	return d;
}

void ts_x86_decoder_free(struct ts_decoder *d) { free(d); }

struct ts_decoder *ts_x86_decoder_new_zydis_only(void)
{
	struct ts_decoder *d = ts_x86_decoder_new();
	if (d)
		d->zydis_only = true;
	return d;
}

static void insn_init(struct ts_insn *o, uint64_t addr)
{
	memset(o, 0, offsetof(struct ts_insn, uops));
	o->addr = addr;
	o->treg = TS_REG_NONE;
	o->tmem.base = o->tmem.index = TS_REG_NONE;
}

/* Zydis register -> DWARF number of its 64-bit container; width in bytes via *width. */
static uint8_t dwarf_reg(ZydisRegister r, unsigned *width)
{
	static const uint8_t map[16] = { X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
					 X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15 };
	ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
	if (width)
		*width = ZydisRegisterGetWidth(ZYDIS_MACHINE_MODE_LONG_64, r) / 8;
	if (big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15)
		return map[big - ZYDIS_REGISTER_RAX];
	return TS_REG_NONE;
}

const char *ts_x86_reg_name(unsigned reg)
{
	static const char *names[] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
				       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "ra" };
	return reg < sizeof(names) / sizeof(names[0]) ? names[reg] : "?";
}

static bool mem_operand(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *op,
			uint64_t addr, struct ts_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->base = m->index = TS_REG_NONE;
	m->scale = 1;
	m->size = op->size / 8;
	if (op->mem.segment == ZYDIS_REGISTER_FS || op->mem.segment == ZYDIS_REGISTER_GS)
		return false; /* thread-local: never the stack frame */
	if (op->mem.base == ZYDIS_REGISTER_RIP) {
		ZyanU64 abs;
		if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(in, op, addr, &abs)))
			return false;
		m->abs = true;
		m->disp = (int64_t)abs;
		return true;
	}
	if (op->mem.base != ZYDIS_REGISTER_NONE) {
		m->base = dwarf_reg(op->mem.base, NULL);
		if (m->base == TS_REG_NONE)
			return false;
	}
	if (op->mem.index != ZYDIS_REGISTER_NONE) {
		m->index = dwarf_reg(op->mem.index, NULL);
		if (m->index == TS_REG_NONE)
			return false;
		m->scale = op->mem.scale ? op->mem.scale : 1;
	}
	m->disp = op->mem.disp.has_displacement ? op->mem.disp.value : 0;
	if (m->base == TS_REG_NONE && m->index == TS_REG_NONE)
		m->abs = true;
	return true;
}

static void store_mem(struct ts_insn *o, const struct ts_mem *m, uint8_t src)
{
	struct ts_uop *u = uop(o, TS_UOP_STORE, TS_REG_NONE, src, 0);
	u->mem = *m;
}

static void load_mem(struct ts_insn *o, uint8_t dst, const struct ts_mem *m)
{
	struct ts_uop *u = uop(o, TS_UOP_LOAD, dst, TS_REG_NONE, 0);
	u->mem = *m;
}

static enum ts_cond cond_of(ZydisMnemonic mn)
{
	switch (mn) {
	case ZYDIS_MNEMONIC_JZ: return TS_COND_EQ;
	case ZYDIS_MNEMONIC_JNZ: return TS_COND_NE;
	case ZYDIS_MNEMONIC_JB: return TS_COND_ULT;
	case ZYDIS_MNEMONIC_JNB: return TS_COND_UGE;
	case ZYDIS_MNEMONIC_JBE: return TS_COND_ULE;
	case ZYDIS_MNEMONIC_JNBE: return TS_COND_UGT;
	default: return TS_COND_OTHER;
	}
}

/*
 * The fallback for instructions without a dedicated model: every general register written
 * becomes unknown, every memory write through a register is a store of an unknown value (so a
 * tracked stack slot it hits is forgotten). A write to rsp that we do not model is reported.
 */
static void generic_effects(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
			    uint64_t addr, struct ts_insn *o)
{
	for (unsigned i = 0; i < in->operand_count && o->nuops < TS_INSN_MAX_UOPS - 1; i++) {
		const ZydisDecodedOperand *op = &ops[i];
		if (!(op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			continue;
		if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
			unsigned w = 0;
			uint8_t r = dwarf_reg(op->reg.value, &w);
			if (r == TS_REG_NONE)
				continue;
			if (r == X86_RSP) {
				uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
				o->flags |= TS_IF_STACK;
			} else {
				uop(o, TS_UOP_CLOBBER, r, TS_REG_NONE, w == 4 ? 4 : 0);
			}
		} else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY && op->mem.type == ZYDIS_MEMOP_TYPE_MEM) {
			struct ts_mem m;
			if (mem_operand(in, op, addr, &m) && !m.abs)
				store_mem(o, &m, TS_REG_NONE);
		}
	}
}

/* Explicit operand i as a 64-bit register number (width in *w), or TS_REG_NONE. */
static uint8_t opreg(const ZydisDecodedOperand *op, unsigned *w)
{
	if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
		return TS_REG_NONE;
	return dwarf_reg(op->reg.value, w);
}

/* The operands decode_data's models look at: the first two explicit ones, as registers where
 * they are general registers (TS_REG_NONE otherwise) with their widths in bytes. */
struct data_ops {
	const ZydisDecodedOperand *a, *b;
	uint8_t ra, rb;
	unsigned w0, w1;
};

#define DATA_ARGS const ZydisDecodedInstruction *in, const struct data_ops *d, uint64_t addr, struct ts_insn *o

/* push, pop, pushfq, popfq, leave, enter: the stack pointer moves by a known amount. Returns
 * false when the instruction is not one of them, or not in a form modelled here. */
static bool decode_stack_op(DATA_ARGS)
{
	const ZydisDecodedOperand *a = d->a, *b = d->b;
	uint8_t ra = d->ra;
	unsigned w0 = d->w0;
	struct ts_mem m;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_PUSH:
		o->flags |= TS_IF_STACK;
		if (ra != TS_REG_NONE && w0 == 8) {
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
			struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
			store_mem(o, &s, ra);
			return true;
		}
		if (a->type == ZYDIS_OPERAND_TYPE_MEMORY && mem_operand(in, a, addr, &m)) {
			load_mem(o, TMP, &m);
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
			struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
			store_mem(o, &s, TMP);
			return true;
		}
		/* push imm, push fs: an untracked value */
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -(int64_t)(in->operand_width / 8));
		return true;
	case ZYDIS_MNEMONIC_POP:
		o->flags |= TS_IF_STACK;
		if (ra == X86_RSP) {
			uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
			return true;
		}
		if (ra != TS_REG_NONE && w0 == 8) {
			struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
			load_mem(o, ra, &s);
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
			return true;
		}
		if (a->type == ZYDIS_OPERAND_TYPE_MEMORY && mem_operand(in, a, addr, &m)) {
			struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
			load_mem(o, TMP, &s);
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
			if (!m.abs)
				store_mem(o, &m, TMP);
			return true;
		}
		if (ra != TS_REG_NONE)
			uop(o, TS_UOP_CLOBBER, ra, TS_REG_NONE, 0);
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, in->operand_width / 8);
		return true;
	case ZYDIS_MNEMONIC_PUSHFQ:
		o->flags |= TS_IF_STACK;
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
		return true;
	case ZYDIS_MNEMONIC_POPFQ:
		o->flags |= TS_IF_STACK;
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
		return true;
	case ZYDIS_MNEMONIC_LEAVE: {
		o->flags |= TS_IF_STACK;
		struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
		uop(o, TS_UOP_MOV, X86_RSP, X86_RBP, 0);
		load_mem(o, X86_RBP, &s);
		uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, 8);
		return true;
	}
	case ZYDIS_MNEMONIC_ENTER:
		o->flags |= TS_IF_STACK;
		if (b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && b->imm.value.u == 0) {
			struct ts_mem s = { .base = X86_RSP, .index = TS_REG_NONE, .scale = 1, .size = 8 };
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -8);
			store_mem(o, &s, X86_RBP);
			uop(o, TS_UOP_MOV, X86_RBP, X86_RSP, 0);
			uop(o, TS_UOP_ADDI, X86_RSP, X86_RSP, -(int64_t)a->imm.value.u);
		} else {
			uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
		}
		return true;
	default:
		return false;
	}
}

/* Register and memory moves, extensions and address computations (mov, movsxd, movzx, movsx,
 * cdqe, lea). */
static bool decode_move(DATA_ARGS)
{
	const ZydisDecodedOperand *a = d->a, *b = d->b;
	uint8_t ra = d->ra, rb = d->rb;
	unsigned w0 = d->w0, w1 = d->w1;
	struct ts_mem m;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_MOV:
		if (ra != TS_REG_NONE && rb != TS_REG_NONE && w0 == 8 && w1 == 8) {
			uop(o, TS_UOP_MOV, ra, rb, 0);
			return true;
		}
		if (ra != TS_REG_NONE && rb != TS_REG_NONE && w0 == 4 && w1 == 4) {
			uop(o, TS_UOP_ZEXT32, ra, rb, 0);
			return true;
		}
		if (ra != TS_REG_NONE && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && w0 >= 4) {
			uint64_t v = b->imm.value.u;
			if (w0 == 4)
				v &= 0xffffffffu;
			uop(o, TS_UOP_CONST, ra, TS_REG_NONE, (int64_t)v);
			return true;
		}
		if (ra != TS_REG_NONE && w0 >= 4 && b->type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    mem_operand(in, b, addr, &m)) {
			load_mem(o, ra, &m);
			return true;
		}
		if (a->type == ZYDIS_OPERAND_TYPE_MEMORY && mem_operand(in, a, addr, &m)) {
			if (m.abs)
				return true; /* a global: not the stack */
			store_mem(o, &m, (rb != TS_REG_NONE && w1 >= 4) ? rb : TS_REG_NONE);
			return true;
		}
		return false;
	case ZYDIS_MNEMONIC_MOVSXD:
		if (ra != TS_REG_NONE && w0 == 8) {
			if (rb != TS_REG_NONE) {
				uop(o, TS_UOP_SEXT32, ra, rb, 0);
				return true;
			}
			if (b->type == ZYDIS_OPERAND_TYPE_MEMORY && mem_operand(in, b, addr, &m)) {
				m.sext = true;
				load_mem(o, ra, &m);
				return true;
			}
		}
		return false;
	case ZYDIS_MNEMONIC_MOVZX:
	case ZYDIS_MNEMONIC_MOVSX:
		if (ra != TS_REG_NONE && b->type == ZYDIS_OPERAND_TYPE_MEMORY && mem_operand(in, b, addr, &m)) {
			m.sext = in->mnemonic == ZYDIS_MNEMONIC_MOVSX;
			load_mem(o, ra, &m);
			return true;
		}
		if (ra != TS_REG_NONE && rb != TS_REG_NONE && in->mnemonic == ZYDIS_MNEMONIC_MOVZX && w0 >= 4) {
			uop(o, TS_UOP_ZEXT32, ra, rb, w1); /* movzbl %cl,%ecx */
			return true;
		}
		return false;
	case ZYDIS_MNEMONIC_CDQE:
		uop(o, TS_UOP_SEXT32, X86_RAX, X86_RAX, 0);
		return true;
	case ZYDIS_MNEMONIC_LEA:
		if (ra != TS_REG_NONE && w0 == 8 && mem_operand(in, b, addr, &m)) {
			struct ts_uop *u = uop(o, TS_UOP_LEA, ra, TS_REG_NONE, 0);
			m.size = 0;
			u->mem = m;
			if (ra == X86_RSP)
				o->flags |= TS_IF_STACK;
			return true;
		}
		/* 32-bit lea: the low half, zero-extended (`lea (%rcx,%rcx,2),%r8d` scales an index
		 * by 3 in glibc's memmove-ssse3) */
		if (ra != TS_REG_NONE && ra != X86_RSP && w0 == 4 && mem_operand(in, b, addr, &m) && !m.abs) {
			struct ts_uop *u = uop(o, TS_UOP_LEA, ra, TS_REG_NONE, 0);
			m.size = 0;
			u->mem = m;
			uop(o, TS_UOP_ZEXT32, ra, ra, 0);
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* Arithmetic the analysis follows: add/sub of sp or of an index, masks and shifts of table
 * indexes, register swaps, the zeroing idiom, `or $0` barriers. */
static bool decode_arith(DATA_ARGS)
{
	const ZydisDecodedOperand *a = d->a, *b = d->b;
	uint8_t ra = d->ra, rb = d->rb;
	unsigned w0 = d->w0, w1 = d->w1;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_ADD:
	case ZYDIS_MNEMONIC_SUB:
		if (ra != TS_REG_NONE && w0 == 8) {
			int sign = in->mnemonic == ZYDIS_MNEMONIC_ADD ? 1 : -1;
			if (ra == X86_RSP)
				o->flags |= TS_IF_STACK;
			if (b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
				uop(o, TS_UOP_ADDI, ra, ra, sign * b->imm.value.s);
				return true;
			}
			if (rb != TS_REG_NONE && w1 == 8) {
				uop(o, TS_UOP_ADD, ra, rb, sign);
				return true;
			}
			if (ra == X86_RSP) {
				uop(o, TS_UOP_ADD, X86_RSP, TS_REG_NONE, sign); /* unknown amount */
				return true;
			}
		}
		return false;
	case ZYDIS_MNEMONIC_AND:
		/* a 32-bit and zero-extends, so a non-negative mask bounds the whole register */
		if (ra != TS_REG_NONE && ra != X86_RSP && w0 == 4 && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    b->imm.value.s >= 0) {
			uop(o, TS_UOP_ANDI, ra, ra, b->imm.value.s);
			return true;
		}
		if (ra != TS_REG_NONE && w0 == 8 && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			if (ra == X86_RSP)
				o->flags |= TS_IF_STACK;
			uop(o, TS_UOP_ANDI, ra, ra, b->imm.value.s);
			return true;
		}
		return false;
	case ZYDIS_MNEMONIC_SHL:
		if (ra != TS_REG_NONE && w0 == 8 && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			uop(o, TS_UOP_SHLI, ra, ra, (int64_t)b->imm.value.u);
			return true;
		}
		/* a 32-bit shift of a small bounded index (`and $0xf,%ecx; shl $6,%ecx`): the
		 * analysis scales only bounds that cannot overflow 32 bits, then zero-extends */
		if (ra != TS_REG_NONE && ra != X86_RSP && w0 == 4 && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			uop(o, TS_UOP_SHLI, ra, ra, (int64_t)b->imm.value.u);
			uop(o, TS_UOP_ZEXT32, ra, ra, 0);
			return true;
		}
		return false;
	case ZYDIS_MNEMONIC_XCHG:
		if (ra != TS_REG_NONE && rb != TS_REG_NONE && w0 == 8 && w1 == 8) {
			if (ra == X86_RSP || rb == X86_RSP) {
				o->flags |= TS_IF_STACK;
				uop(o, TS_UOP_UNSUPPORTED, X86_RSP, TS_REG_NONE, 0);
				return true;
			}
			uop(o, TS_UOP_SWAP, ra, rb, 0);
			return true;
		}
		return false;
	case ZYDIS_MNEMONIC_OR:
		/* `or $0,mem` changes nothing: a memory barrier (lock) or a stack probe */
		if (a->type == ZYDIS_OPERAND_TYPE_MEMORY && b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    b->imm.value.u == 0)
			return true;
		return false;
	case ZYDIS_MNEMONIC_XOR:
	case ZYDIS_MNEMONIC_SBB:
		/* xor %eax,%eax is the usual zeroing idiom */
		if (ra != TS_REG_NONE && ra == rb && in->mnemonic == ZYDIS_MNEMONIC_XOR && ra != X86_RSP) {
			uop(o, TS_UOP_CONST, ra, TS_REG_NONE, 0);
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* An instruction's data effects as micro-ops: a model by kind where there is one, else the
 * generic fallback (every written register unknown, every memory write an unknown store). */
static void decode_data(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
			uint64_t addr, struct ts_insn *o)
{
	struct data_ops d = { .a = &ops[0], .b = &ops[1] };
	d.ra = in->operand_count_visible > 0 ? opreg(d.a, &d.w0) : TS_REG_NONE;
	d.rb = in->operand_count_visible > 1 ? opreg(d.b, &d.w1) : TS_REG_NONE;
	if (decode_stack_op(in, &d, addr, o) || decode_move(in, &d, addr, o) || decode_arith(in, &d, addr, o))
		return;
	generic_effects(in, ops, addr, o);
}

/* An immediate compared at width w bytes, as the unsigned number the flags see. */
static int64_t cmp_imm(const ZydisDecodedOperand *imm, unsigned w)
{
	uint64_t v = imm->imm.value.u;
	if (w < 8)
		v &= (1ull << (8 * w)) - 1;
	return (int64_t)v;
}

static void decode_cmp(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
		       struct ts_insn *o)
{
	/* `sub $n,%reg; ja` compares the old value of reg with n, like cmp (clang -O0 switches) */
	if (in->mnemonic == ZYDIS_MNEMONIC_SUB && in->operand_count_visible >= 2 &&
	    ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
		unsigned w = 0;
		uint8_t a = opreg(&ops[0], &w);
		if (a != TS_REG_NONE && a != X86_RSP) {
			o->cmp_kind = TS_CMP_RI;
			o->cmp_a = a;
			o->cmp_width = (uint8_t)w;
			o->cmp_imm = cmp_imm(&ops[1], w);
			return;
		}
	}
	if (in->mnemonic == ZYDIS_MNEMONIC_CMP && in->operand_count_visible >= 2) {
		unsigned w0 = 0, w1 = 0;
		uint8_t a = opreg(&ops[0], &w0);
		if (a != TS_REG_NONE) {
			o->cmp_a = a;
			o->cmp_width = (uint8_t)w0;
			if (ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
				o->cmp_kind = TS_CMP_RI;
				o->cmp_imm = cmp_imm(&ops[1], w0);
				return;
			}
			uint8_t b = opreg(&ops[1], &w1);
			if (b != TS_REG_NONE && w1 == w0) {
				o->cmp_kind = TS_CMP_RR;
				o->cmp_b = b;
				return;
			}
		}
		/* -O0 code compares the switch index in its stack slot: cmpl $n,-0x14(%rbp) */
		if (ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY && ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    mem_operand(in, &ops[0], o->addr, &o->cmp_mem)) {
			o->cmp_kind = TS_CMP_MI;
			o->cmp_width = (uint8_t)(ops[0].size / 8);
			o->cmp_imm = cmp_imm(&ops[1], o->cmp_width);
			return;
		}
	}
	if (in->cpu_flags && in->cpu_flags->modified)
		o->cmp_kind = TS_CMP_CLOBBER;
}

unsigned ts_x86_decode(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
			   struct ts_insn *o)
{
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

	insn_init(o, addr);
	if (!d->zydis_only) {
		unsigned quick = ts_x86_decode_fast(buf, len, addr, o);
		if (quick)
			return quick;
		insn_init(o, addr);
	}
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d->dec, buf, len, &in, ops))) {
		o->flow = TS_FLOW_INVALID;
		o->len = 1;
		return 0;
	}
	o->len = in.length;
	if (in.attributes & ZYDIS_ATTRIB_HAS_NOTRACK)
		o->flags |= TS_IF_NOTRACK;

	switch (in.meta.category) {
	case ZYDIS_CATEGORY_NOP:
	case ZYDIS_CATEGORY_WIDENOP:
		o->flags |= TS_IF_NOP;
		return o->len;
	default:
		break;
	}

	switch (in.mnemonic) {
	case ZYDIS_MNEMONIC_ENDBR64:
	case ZYDIS_MNEMONIC_ENDBR32:
	case ZYDIS_MNEMONIC_PAUSE:
	case ZYDIS_MNEMONIC_LFENCE:
	case ZYDIS_MNEMONIC_PREFETCHNTA: case ZYDIS_MNEMONIC_PREFETCHT0:
	case ZYDIS_MNEMONIC_PREFETCHT1: case ZYDIS_MNEMONIC_PREFETCHT2:
		o->flags |= TS_IF_NOP;
		return o->len;
	case ZYDIS_MNEMONIC_INT3:
	case ZYDIS_MNEMONIC_UD0:
	case ZYDIS_MNEMONIC_UD1:
	case ZYDIS_MNEMONIC_UD2:
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_TRAP;
		return o->len;
	case ZYDIS_MNEMONIC_HLT:
		/* in userspace hlt only ever follows a call that does not return (_start) */
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_TRAP;
		return o->len;
	case ZYDIS_MNEMONIC_RET:
		o->flow = TS_FLOW_RET;
		o->flags |= TS_IF_STACK;
		if (in.operand_count_visible > 0) /* ret $imm: callee pops arguments */
			o->cmp_imm = (int64_t)ops[0].imm.value.u;
		return o->len;
	case ZYDIS_MNEMONIC_IRETQ: case ZYDIS_MNEMONIC_IRETD: case ZYDIS_MNEMONIC_IRET:
	case ZYDIS_MNEMONIC_SYSRET: case ZYDIS_MNEMONIC_SYSEXIT: case ZYDIS_MNEMONIC_SYSENTER:
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_PRIV;
		return o->len;
	case ZYDIS_MNEMONIC_XABORT:
	case ZYDIS_MNEMONIC_XEND:
		/* RTM: outside a transaction xabort does nothing; inside one, the abort resumes at
		 * xbegin's fallback with the registers as they were at xbegin, and xbegin's own
		 * branch to that fallback already carries that state. So both fall through. */
		return o->len;
	case ZYDIS_MNEMONIC_SYSCALL:
		o->flags |= TS_IF_SYSCALL;
		uop(o, TS_UOP_CLOBBER, X86_RAX, TS_REG_NONE, 0);
		uop(o, TS_UOP_CLOBBER, X86_RCX, TS_REG_NONE, 0);
		uop(o, TS_UOP_CLOBBER, X86_R11, TS_REG_NONE, 0);
		return o->len;
	default:
		break;
	}

	switch (in.meta.category) {
	case ZYDIS_CATEGORY_RET:
		/* retf and friends */
		o->flow = TS_FLOW_STOP;
		o->flags |= TS_IF_PRIV;
		return o->len;
	case ZYDIS_CATEGORY_COND_BR:
	case ZYDIS_CATEGORY_UNCOND_BR:
	case ZYDIS_CATEGORY_CALL: {
		bool call = in.meta.category == ZYDIS_CATEGORY_CALL;
		const ZydisDecodedOperand *t = &ops[0];
		if (in.meta.category == ZYDIS_CATEGORY_COND_BR) {
			o->flow = TS_FLOW_JCC;
			o->cond = cond_of(in.mnemonic);
			/* loop/jrcxz also decrement or test rcx */
			if (in.mnemonic == ZYDIS_MNEMONIC_LOOP || in.mnemonic == ZYDIS_MNEMONIC_LOOPE ||
			    in.mnemonic == ZYDIS_MNEMONIC_LOOPNE)
				uop(o, TS_UOP_CLOBBER, X86_RCX, TS_REG_NONE, 0);
		}
		if (t->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && t->imm.is_relative) {
			ZyanU64 abs;
			ZydisCalcAbsoluteAddress(&in, t, addr, &abs);
			o->target = abs;
			if (o->flow != TS_FLOW_JCC)
				o->flow = call ? TS_FLOW_CALL : TS_FLOW_JUMP;
		} else if (o->flow == TS_FLOW_JCC) {
			o->cond = TS_COND_OTHER;
		} else if (t->type == ZYDIS_OPERAND_TYPE_REGISTER) {
			o->treg = dwarf_reg(t->reg.value, NULL);
			o->flow = call ? TS_FLOW_CALL_IND : TS_FLOW_JUMP_IND;
		} else if (t->type == ZYDIS_OPERAND_TYPE_MEMORY) {
			o->flow = call ? TS_FLOW_CALL_IND : TS_FLOW_JUMP_IND;
			if (!mem_operand(&in, t, addr, &o->tmem))
				o->tmem.base = o->tmem.index = TS_REG_NONE, o->tmem.abs = false;
		} else {
			/* far jumps/calls */
			o->flow = TS_FLOW_STOP;
			o->flags |= TS_IF_PRIV;
		}
		return o->len;
	}
	default:
		break;
	}

	decode_data(&in, ops, addr, o);
	decode_cmp(&in, ops, o);
	return o->len;
}

void ts_x86_format(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
		       char *out, size_t outlen)
{
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d->dec, buf, len, &in, ops)) ||
	    !ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&d->fmt, &in, ops, in.operand_count_visible,
							   out, outlen, addr, ZYAN_NULL)))
		snprintf(out, outlen, "(bad)");
}

/* The length alone, without the operands and the model (a third of the cost of ts_x86_decode),
 * and what a pre-scan must decode in full (arch.h, enum ts_scan): ts_x86_decode sets a flow
 * other than TS_FLOW_NEXT exactly for the mnemonics and categories tested here. */
unsigned ts_x86_length(const struct ts_decoder *d, const uint8_t *buf, size_t len, unsigned *scan)
{
	ZydisDecodedInstruction in;
	*scan = 0;
	if (!d->zydis_only) {
		/* the fast path decodes in full for less than Zydis' length alone */
		struct ts_insn o;
		insn_init(&o, 0);
		unsigned quick = ts_x86_decode_fast(buf, len, 0, &o);
		if (quick) {
			if (o.flow != TS_FLOW_NEXT)
				*scan |= TS_SCAN_FLOW;
			for (unsigned k = 0; k < o.nuops; k++)
				if (o.uops[k].kind == TS_UOP_LEA)
					*scan |= TS_SCAN_ADDRESS;
			return quick;
		}
	}
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d->dec, NULL, buf, len, &in)))
		return 0;
	switch (in.mnemonic) {
	case ZYDIS_MNEMONIC_LEA:
		*scan = TS_SCAN_ADDRESS;
		break;
	case ZYDIS_MNEMONIC_INT3: case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1: case ZYDIS_MNEMONIC_UD2:
	case ZYDIS_MNEMONIC_HLT: case ZYDIS_MNEMONIC_RET:
	case ZYDIS_MNEMONIC_IRETQ: case ZYDIS_MNEMONIC_IRETD: case ZYDIS_MNEMONIC_IRET:
	case ZYDIS_MNEMONIC_SYSRET: case ZYDIS_MNEMONIC_SYSEXIT: case ZYDIS_MNEMONIC_SYSENTER:
		*scan = TS_SCAN_FLOW;
		break;
	default:
		break;
	}
	switch (in.meta.category) {
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_COND_BR:
	case ZYDIS_CATEGORY_UNCOND_BR:
	case ZYDIS_CATEGORY_CALL:
		*scan |= TS_SCAN_FLOW;
		break;
	default:
		break;
	}
	return in.length;
}

/*
 * lea's opcode is 8d /r in 64-bit mode, and ts_x86_decode gives it an absolute operand in two
 * encodings: ModRM mod=00 rm=101 (rip-relative: the address is the end of the instruction,
 * 6 bytes after the opcode since lea has no immediate, plus disp32), and mod=00 rm=100 with
 * a SIB byte whose base is 101 (disp32 alone; with an index it is not absolute, but the
 * superset may include it). Prefixes come before the opcode and change neither.
 */
void ts_x86_address_candidates(const uint8_t *code, size_t n, uint64_t addr,
				   bool (*fn)(void *ctx, uint64_t address), void *ctx)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (code[i] != 0x8d)
			continue;
		uint8_t modrm = code[i + 1];
		const uint8_t *d = NULL;
		uint64_t base = 0;
		if ((modrm & 0xc7) == 0x05) {
			d = code + i + 2;
			base = addr + i + 6;
		} else if ((modrm & 0xc7) == 0x04 && i + 7 <= n && (code[i + 2] & 0x07) == 0x05) {
			d = code + i + 3;
		} else {
			continue;
		}
		uint32_t disp = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
		if (!fn(ctx, base + (uint64_t)(int64_t)(int32_t)disp))
			return;
		/* with a 32-bit address-size prefix an absolute disp32 may be zero-extended */
		if (!base && (int32_t)disp < 0 && !fn(ctx, disp))
			return;
	}
}

bool ts_x86_skippable_prefixes(const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != 0xf0) /* lock: atomicity only */
			return false;
	return n > 0;
}
