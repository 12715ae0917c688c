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
#include <stdlib.h>

#include "analysis/unit.h"

#define DONE (1ull << 63)
#define BUSY (1ull << 62)
#define MAX_DEPTH 6

static uint64_t func_clobbers(const struct ts_image *img, int f, int depth);

/* What a call or tail call to target may change. */
static uint64_t target_clobbers(const struct ts_image *img, uint64_t target, int depth)
{
	const uint64_t all = img->arch->call_clobbered;
	int g = ts_image_func_at(img, target);
	if (g < 0 || img->funcs[g].addr != target || (img->funcs[g].flags & (TS_FUNC_WEAK | TS_FUNC_FRAGMENT)) ||
	    depth >= MAX_DEPTH)
		return all; /* out of the file (PLT), replaceable, or not a function entry */
	return func_clobbers(img, g, depth + 1);
}

static uint64_t scan(const struct ts_image *img, int f, int depth)
{
	const uint64_t all = img->arch->call_clobbered;
	const struct ts_func *fn = &img->funcs[f];
	size_t avail;
	const uint8_t *code = ts_image_bytes(img, fn->addr, &avail);
	if (!code || fn->size > avail)
		return all;
	uint64_t mask = 0;
	for (uint64_t a = fn->addr; a < fn->addr + fn->size;) {
		struct ts_insn in;
		unsigned len = img->arch->decode(img->dec, code + (a - fn->addr), fn->addr + fn->size - a, a, &in);
		if (!len)
			return all;
		a += len;
		for (unsigned k = 0; k < in.nuops; k++) {
			const struct ts_uop *u = &in.uops[k];
			if (u->kind != TS_UOP_STORE && u->dst < 64)
				mask |= 1ull << u->dst;
			if (u->kind == TS_UOP_SWAP && u->src < 64)
				mask |= 1ull << u->src;
		}
		switch (in.flow) {
		case TS_FLOW_CALL:
			mask |= target_clobbers(img, in.target, depth);
			break;
		case TS_FLOW_CALL_IND:
		case TS_FLOW_JUMP_IND:
			return all; /* unknown callee, or a table or tail call we do not resolve here */
		case TS_FLOW_JUMP:
		case TS_FLOW_JCC:
			if (in.target < fn->addr || in.target >= fn->addr + fn->size)
				mask |= target_clobbers(img, in.target, depth); /* tail call; fragments: all */
			break;
		default:
			break;
		}
		if ((mask & all) == all)
			return all;
	}
	return mask & all;
}

static uint64_t func_clobbers(const struct ts_image *img, int f, int depth)
{
	const uint64_t all = img->arch->call_clobbered;
	_Atomic uint64_t *memo = &img->clobber_memo[f];
	uint64_t m = atomic_load(memo);
	if (m & DONE)
		return m & ~DONE;
	if (m & BUSY)
		return all; /* recursion */
	uint64_t expect = 0;
	if (!atomic_compare_exchange_strong(memo, &expect, BUSY))
		return (expect & DONE) ? (expect & ~DONE) : all;
	/* a function with .cold parts also changes what they change: stay with the ABI */
	uint64_t r = img->funcs[f].first_part >= 0 ? all : scan(img, f, depth);
	atomic_store(memo, r | DONE);
	return r;
}

uint64_t ts_call_clobbers(const struct ts_image *img, uint64_t target)
{
	return target_clobbers(img, target, 0);
}
