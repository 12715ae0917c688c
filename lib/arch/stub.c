/*
 * stub.c - the GOT slot a PLT stub jumps through, for any machine: x86-64 jumps through memory
 * (`jmp *slot(%rip)`), arm64 loads the slot into a register first (`adrp x16, page; ldr x17,
 * [x16, #off]; add x16, x16, #off; br x17`). Both are followed on the decoder's uops: addresses
 * built from constants, a load from one, an indirect jump through the loaded register.
 */
#include <string.h>

#include "arch/stub.h"

void ts_stub_reset(struct ts_stub *t)
{
	memset(t->kind, 0, sizeof(t->kind));
}

/* A constant address: absolute/PC-relative, or a register holding a constant plus disp. */
static bool const_addr(const struct ts_stub *t, const struct ts_mem *m, uint64_t *out)
{
	if (m->abs) {
		*out = (uint64_t)m->disp;
		return true;
	}
	if (m->index != TS_REG_NONE || m->base >= TS_MAX_REGS || t->kind[m->base] != TS_STUB_CONST)
		return false;
	*out = t->val[m->base] + (uint64_t)m->disp;
	return true;
}

uint64_t ts_stub_step(struct ts_stub *t, const struct ts_insn *in)
{
	if (in->flow == TS_FLOW_JUMP_IND) {
		uint64_t slot;
		if (in->treg == TS_REG_NONE)
			return const_addr(t, &in->tmem, &slot) ? slot : 0;
		return in->treg < TS_MAX_REGS && t->kind[in->treg] == TS_STUB_SLOT ? t->val[in->treg] : 0;
	}
	for (unsigned k = 0; k < in->nuops && k < TS_INSN_MAX_UOPS; k++) {
		const struct ts_uop *u = &in->uops[k];
		if (u->dst >= TS_MAX_REGS)
			continue;
		uint8_t kind = 0;
		uint64_t v = 0;
		if (u->kind == TS_UOP_LEA && const_addr(t, &u->mem, &v))
			kind = TS_STUB_CONST;
		else if (u->kind == TS_UOP_LOAD && u->mem.size == 8 && const_addr(t, &u->mem, &v))
			kind = TS_STUB_SLOT;
		else if (u->kind == TS_UOP_ADDI && u->src < TS_MAX_REGS && t->kind[u->src] == TS_STUB_CONST)
			kind = TS_STUB_CONST, v = t->val[u->src] + (uint64_t)u->imm;
		else if (u->kind == TS_UOP_MOV && u->src < TS_MAX_REGS)
			kind = t->kind[u->src], v = t->val[u->src];
		else if (u->kind == TS_UOP_STORE)
			continue;
		t->kind[u->dst] = kind;
		t->val[u->dst] = v;
	}
	return 0;
}
