/*
 * clobbers.c - which registers a call can change.
 *
 * The psABI lets a callee change every caller-saved register, and that is what we assume for
 * calls we cannot see into. gcc does better for functions it compiled in the same unit
 * (-fipa-ra, on at -O2): when it knows a local callee leaves, say, %rdi alone, it keeps a value
 * there across the call (`mov %rsp,%rdi; call f; ... mov %rdi,%rsp`). To follow such code we
 * compute the registers a function can change from its instructions: its own writes, plus
 * what its direct calls and tail calls change. An indirect call or jump, a call out of the
 * file, undecodable bytes or too deep a chain: the full ABI set.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "analysis/unit.h"

/*
 * As for the noreturn inference (noreturn.c), an answer does not depend on which thread asked
 * first (driver.c): it is a function of the callee and of the depth of the chain it was asked in.
 * A chain cut at the depth bound gives the full ABI set there, so an answer found below a cut is
 * kept per depth; one found without a cut is kept once, with its chain's height, and serves every
 * depth that leaves room for that chain. A function's calls to itself add nothing to what it
 * changes (target_clobbers).
 */
#define MAX_DEPTH (TS_CLOBBER_DEPTHS - 1)
#define DONE (1ull << 63)
#define HEIGHT_SHIFT 58
#define HEIGHT_MASK (0xfull << HEIGHT_SHIFT)

static uint64_t func_clobbers(const struct ts_image *img, int f, int depth, int *height);

/* Combine a callee's chain height (-1: cut) into the caller's. */
static void chain(int *height, int callee)
{
	if (*height < 0 || callee < 0)
		*height = -1;
	else if (callee + 1 > *height)
		*height = callee + 1;
}

/* What a call or tail call to target from function caller (-1: the analysis) may change. */
static uint64_t target_clobbers(const struct ts_image *img, uint64_t target, int caller, int depth, int *height)
{
	const uint64_t all = img->arch->call_clobbered;
	int g = ts_image_func_at(img, target);
	if (g >= 0 && g == caller)
		return 0; /* recursion: what the function changes is what its own code changes (gcc's
			   * -fipa-ra leaves self-recursive calls out the same way) */
	if (g < 0 || img->funcs[g].addr != target || (img->funcs[g].flags & (TS_FUNC_WEAK | TS_FUNC_FRAGMENT)))
		return all; /* out of the file (PLT), replaceable, or not a function entry */
	if (depth >= MAX_DEPTH) {
		*height = -1;
		return all;
	}
	int h = 0;
	uint64_t r = func_clobbers(img, g, depth + 1, &h);
	chain(height, h);
	return r;
}

/*
 * Jump tables. An indirect jump is a tail call to anything, unless it goes through a switch
 * table of the function: then its targets are the function's own code, which the scan covers.
 * Without a state the scan recognises the two forms compilers emit from what the instructions
 * before it wrote, in address order (the table's base is often loaded once, before a loop):
 *   lea TABLE(%rip),%b; ... movslq (%b,%i,4),%t; add %b,%t; jmp *%t   (PC-relative entries)
 *   mov TABLE(,%i,8),%t; jmp *%t  or  jmp *TABLE(,%i,8)                (absolute entries)
 */
enum jt_tag { JT_NONE, JT_BASE, JT_REL_ENTRY, JT_TARGET };

static void jt_track(uint8_t *tag, const struct ts_insn *in)
{
	for (unsigned k = 0; k < in->nuops; k++) {
		const struct ts_uop *u = &in->uops[k];
		if (u->dst >= 64)
			continue;
		uint8_t t = JT_NONE;
		const struct ts_mem *m = &u->mem;
		switch (u->kind) {
		case TS_UOP_LEA:
			t = m->abs && m->base == TS_REG_NONE && m->index == TS_REG_NONE ? JT_BASE : JT_NONE;
			break;
		case TS_UOP_LOAD:
			if (m->index != TS_REG_NONE && m->scale == 4 && m->base < 64 && tag[m->base] == JT_BASE)
				t = JT_REL_ENTRY;
			else if (m->index != TS_REG_NONE && m->scale == 8 && m->abs && m->base == TS_REG_NONE)
				t = JT_TARGET;
			break;
		case TS_UOP_ADD:
			if (u->imm != -1 && u->src < 64 &&
			    ((tag[u->dst] == JT_REL_ENTRY && tag[u->src] == JT_BASE) ||
			     (tag[u->dst] == JT_BASE && tag[u->src] == JT_REL_ENTRY)))
				t = JT_TARGET;
			break;
		case TS_UOP_MOV:
		case TS_UOP_SEXT32:
			t = u->src < 64 ? tag[u->src] : JT_NONE;
			break;
		case TS_UOP_STORE:
		case TS_UOP_STM:
			continue;
		case TS_UOP_LDM: /* none of the loaded registers is a table's base or entry */
			for (unsigned r = 0; r < 64; r++)
				if ((ts_uop_writes(u) >> r) & 1)
					tag[r] = JT_NONE;
			continue;
		case TS_UOP_SWAP:
			if (u->src < 64) {
				uint8_t x = tag[u->src];
				tag[u->src] = tag[u->dst];
				t = x;
			}
			break;
		default:
			break;
		}
		tag[u->dst] = t;
	}
}

static bool table_jump(const uint8_t *tag, const struct ts_insn *in)
{
	if (in->treg != TS_REG_NONE)
		return in->treg < 64 && tag[in->treg] == JT_TARGET;
	return in->tmem.abs && in->tmem.base == TS_REG_NONE && in->tmem.index != TS_REG_NONE && in->tmem.scale == 8;
}

/*
 * tables: follow the registers' tags (only once an indirect jump showed it is needed: most
 * functions have none, and the tags cost 0.4% of the analysis of sqlite3.o).
 * A private function (TS_FUNC_PRIVATE) keeps no register for its callers (image.h private_arch):
 * what it changes of the callee-saved registers counts too, its own writes and those of the
 * private functions it calls; the scan goes on to the end for them.
 */
static uint64_t scan(const struct ts_image *img, int f, int depth, int *height, bool tables)
{
	uint8_t tag[64] = { 0 }; /* enum jt_tag per register */
	const uint64_t all = img->arch->call_clobbered;
	const struct ts_func *fn = &img->funcs[f];
	const uint64_t keep =
		all | ((fn->flags & TS_FUNC_PRIVATE) ? img->arch->callee_saved & ~img->private_arch.callee_saved : 0);
	size_t avail;
	const uint8_t *code = ts_image_bytes(img, fn->addr, &avail);
	if (!code || fn->size > avail)
		return all;
	uint64_t mask = 0;
	for (uint64_t a = fn->addr; a < fn->addr + fn->size;) {
		struct ts_insn in;
		unsigned len = img->arch->decode(img->dec, code + (a - fn->addr), fn->addr + fn->size - a, a, &in);
		if (!len)
			return keep; /* what follows may write anything */
		a += len;
		for (unsigned k = 0; k < in.nuops; k++)
			mask |= ts_uop_writes(&in.uops[k]);
		if (tables)
			jt_track(tag, &in);
		switch (in.flow) {
		case TS_FLOW_CALL:
			mask |= target_clobbers(img, in.target, f, depth, height);
			break;
		case TS_FLOW_JUMP_IND:
			if (!tables)
				return scan(img, f, depth, height, true);
			if (table_jump(tag, &in))
				break; /* into the function's own code */
			mask |= all; /* a tail call */
			break;
		case TS_FLOW_CALL_IND:
			mask |= all; /* unknown callee */
			break;
		case TS_FLOW_JUMP:
		case TS_FLOW_JCC:
			if (in.target < fn->addr || in.target >= fn->addr + fn->size)
				mask |= target_clobbers(img, in.target, f, depth, height); /* tail call; fragments: all */
			break;
		default:
			break;
		}
		if ((mask & keep) == keep)
			return keep;
	}
	return mask & keep;
}

static uint64_t func_clobbers(const struct ts_image *img, int f, int depth, int *height)
{
	const uint64_t all = img->arch->call_clobbered;
	_Atomic uint64_t *memo = &img->clobber_memo[f];
	_Atomic uint64_t *memo_at = &img->clobber_memo[img->nfuncs + (size_t)f * TS_CLOBBER_DEPTHS + (size_t)depth];
	uint64_t m = atomic_load_explicit(memo, memory_order_relaxed);
	int h = (int)((m & HEIGHT_MASK) >> HEIGHT_SHIFT);
	if ((m & DONE) && depth + h <= MAX_DEPTH) {
		*height = h;
		return m & ~(DONE | HEIGHT_MASK);
	}
	m = atomic_load_explicit(memo_at, memory_order_relaxed);
	if (m & DONE) {
		*height = -1;
		return m & ~DONE;
	}
	/* a function with .cold parts also changes what they change: stay with the ABI */
	*height = 0;
	uint64_t r = img->funcs[f].first_part >= 0 ? all : scan(img, f, depth, height, false);
	if (*height >= 0)
		atomic_store_explicit(memo, r | DONE | ((uint64_t)*height << HEIGHT_SHIFT), memory_order_relaxed);
	else
		atomic_store_explicit(memo_at, r | DONE, memory_order_relaxed);
	return r;
}

uint64_t ts_call_clobbers(const struct ts_image *img, uint64_t target)
{
	int height = 0;
	return target_clobbers(img, target, -1, 0, &height);
}
