/*
 * state.c - symbolic interpretation of uops, the meet of two states, and the unwind row.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/state.h"
#include "elf/image.h"

static const struct ts_val UNK = { 0 };

/* Machine arithmetic wraps; C's signed arithmetic must not overflow. */
static int64_t wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wmul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

static struct ts_val vconst(int64_t c) { return (struct ts_val){ .kind = V_CONST, .off = c }; }
static struct ts_val vrel(uint8_t anchor, int64_t k) { return (struct ts_val){ .kind = anchor, .off = k }; }
static bool is_anchor(const struct ts_val *v) { return v->kind == V_CFA || v->kind == V_ALN; }
/* An address constant offsets move: the stack's anchors and the shadow call stack's. */
static bool is_rel(const struct ts_val *v) { return is_anchor(v) || v->kind == V_SHD; }
/* An address in this function's frame, where stack slots are tracked: also the part of an SVE
 * frame below its vector-length-sized areas (V_VLA). SVE frames are handled on paths of their
 * own (vla_*): the x86-64 paths of the analysis stay as they were, instruction for instruction. */
static bool in_frame(const struct ts_val *v) { return is_anchor(v) || v->kind == V_VLA; }

/* struct ts_val has no padding, so equal fields are equal bytes: one memcmp the compiler turns
 * into three 8-byte compares (val_eq is the hottest comparison of the meet and the rows). */
_Static_assert(sizeof(struct ts_val) == 4 * sizeof(uint8_t) + sizeof(uint32_t) + 2 * sizeof(int64_t),
	       "struct ts_val must have no padding");
static bool val_eq(const struct ts_val *a, const struct ts_val *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The slots and remembered loads past their counts are never read: a copy leaves them out. */
_Static_assert(offsetof(struct ts_state, nslots) ==
		       offsetof(struct ts_state, loads) + sizeof(((struct ts_state *)0)->loads),
	       "the fields after loads[] are what ts_state_copy copies whole");
void ts_state_copy(struct ts_state *dst, const struct ts_state *src)
{
	memcpy(dst->regs, src->regs, sizeof(src->regs)); /* all: the decoder's scratch register too */
	memcpy(dst->slots, src->slots, sizeof(src->slots[0]) * src->nslots);
	memcpy(dst->loads, src->loads, sizeof(src->loads[0]) * src->nloads);
	const size_t tail = offsetof(struct ts_state, nslots);
	memcpy((char *)dst + tail, (const char *)src + tail, sizeof(*src) - tail);
}

void ts_state_entry(const struct ts_arch *a, struct ts_state *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned r = 0; r < a->nregs; r++) {
		if ((a->callee_saved >> r) & 1)
			s->regs[r] = (struct ts_val){ .kind = V_ORIG, .reg = (uint8_t)r };
		else /* arguments and scratch registers: unknown, but each with its identity */
			s->regs[r] = (struct ts_val){ .kind = V_SYM, .off = s->next_sym++ };
	}
	s->regs[a->sp] = vrel(V_CFA, a->entry_sp_offset);
	if (a->scs_reg)
		s->regs[a->scs_reg] = vrel(V_SHD, 0);
	s->fp_may_orig = true;
	if (a->ra_in_reg) {
		s->regs[a->ra] = (struct ts_val){ .kind = V_ORIG, .reg = a->ra };
	} else {
		s->slots[0] = (struct ts_slot){ .anchor = V_CFA, .size = 8, .off = a->ra_cfa_offset,
						.v = { .kind = V_ORIG, .reg = a->ra } };
		s->nslots = 1;
	}
}

void ts_state_entry_hint(const struct ts_arch *a, const struct ts_entry_hint *h, struct ts_state *s)
{
	ts_state_entry(a, s);
	s->regs[a->sp] = vrel(V_CFA, h->sp_off);
	for (unsigned k = 0; k < h->nsaved && s->nslots < TS_MAX_SLOTS; k++) {
		unsigned r = h->saved_reg[k];
		s->slots[s->nslots++] = (struct ts_slot){ .anchor = V_CFA, .size = 8, .off = h->saved_off[k],
							  .v = { .kind = V_ORIG, .reg = (uint8_t)r } };
		/* a PLT's push copies the register; CFI says only where the caller's value is */
		if (r < TS_MAX_REGS && !(h->flags & TS_HINT_PLT_ENTRY))
			s->regs[r] = (struct ts_val){ .kind = V_SYM, .off = s->next_sym++ };
	}
	for (unsigned r = 0; r < a->nregs && r < 64; r++)
		if ((h->lost >> r) & 1)
			s->regs[r] = (struct ts_val){ .kind = V_SYM, .off = s->next_sym++ };
	s->fp_may_orig = s->regs[a->fp].kind == V_ORIG && s->regs[a->fp].reg == a->fp;
}

/* ---- values ---------------------------------------------------------------------------- */

/* Is e an entry loaded from a table of offsets at b (b[index * 4], sign-extended)? Then b + e is
 * the target of a jump-table dispatch whose table we do not know (TS_VF_OFFSET_ENTRY): gcc's
 * `movslq (%r11,%rcx,4),%rcx; add %r11,%rcx; jmp *%rcx` after the lea of %r11 was lost at a
 * join. A function pointer is never computed that way: reporting the jump as an unresolved
 * dispatch, not as a tail call, says what the analysis could not follow. */
static bool offset_entry_of(const struct ts_val *e, const struct ts_val *b)
{
	return (e->flags & TS_VF_OFFSET_ENTRY) && e->aux == b->off + 1 && !b->esize &&
	       !(b->flags & (TS_VF_Z32 | TS_VF_S32));
}

static struct ts_val val_add(struct ts_val x, struct ts_val y)
{
	if (y.kind == V_CONST && y.off == 0)
		return x;
	if (x.kind == V_CONST && x.off == 0)
		return y;
	if (y.kind == V_CONST && is_rel(&x))
		return vrel(x.kind, wadd(x.off, y.off));
	if (x.kind == V_CONST && is_rel(&y))
		return vrel(y.kind, wadd(x.off, y.off));
	if (x.kind == V_CONST && y.kind == V_CONST)
		return vconst(wadd(x.off, y.off));
	if (x.kind == V_JTENT && y.kind == V_CONST) {
		x.kind = V_JTSUM;
		x.aux = y.off;
		return x;
	}
	if (y.kind == V_JTENT && x.kind == V_CONST) {
		y.kind = V_JTSUM;
		y.aux = x.off;
		return y;
	}
	if (x.kind == V_RANGE && y.kind == V_CONST) {
		struct ts_val t = x;
		x = y;
		y = t;
	}
	if (x.kind == V_CONST && y.kind == V_RANGE && !y.reg && y.esize)
		return (struct ts_val){ .kind = V_STRIDED, .off = x.off, .esize = y.esize, .count = y.count,
					.flags = (uint8_t)(y.flags & TS_VF_IMPLICIT) };
	/* an address in an SVE frame moved by a constant: its multiple of VG stays */
	if (y.kind == V_CONST && x.kind == V_VLA) {
		x.off = wadd(x.off, y.off);
		return x;
	}
	if (x.kind == V_CONST && y.kind == V_VLA) {
		y.off = wadd(x.off, y.off);
		return y;
	}
	if (x.kind == V_SYM && y.kind == V_SYM && (offset_entry_of(&x, &y) || offset_entry_of(&y, &x)))
		return (struct ts_val){ .kind = V_JTSUM, .esize = 4, .flags = TS_VF_SEXT | TS_VF_OFFSET_ENTRY };
	return UNK;
}

/* The sum of an entry of a self-relative table and the entry's own address (the same strided value
 * its load read from): the table's target, or UNK. Kept apart from val_add, which is hot. */
static struct ts_val self_relative_target(const struct ts_val *x, const struct ts_val *y)
{
	const struct ts_val *at = x->kind == V_STRIDED ? x : y, *e = x->kind == V_STRIDED ? y : x;
	if (at->kind != V_STRIDED || e->kind != V_JTENT || !(e->flags & TS_VF_SELFREL) || at->off != e->off ||
	    at->esize != e->esize || e->reg)
		return UNK;
	struct ts_val t = *e;
	t.kind = V_JTSUM;
	t.aux = 0;
	return t;
}

static struct ts_val val_sub(struct ts_val x, struct ts_val y)
{
	if (y.kind == V_CONST)
		return val_add(x, vconst(wmul(y.off, -1)));
	if (is_anchor(&x) && y.kind == x.kind)
		return vconst(wadd(x.off, wmul(y.off, -1)));
	if (x.kind == V_VLA && y.kind == V_VLA && x.aux == y.aux)
		return vconst(wadd(x.off, wmul(y.off, -1)));
	return UNK;
}

/* A value known to be zero above its low byte is an index of at most 255 (clang indexes
 * 256-entry tables with a zero-extended byte and no bound check). */
static struct ts_val byte_bound(struct ts_val v)
{
	if (v.kind == V_SYM && v.esize == 1)
		return (struct ts_val){ .kind = V_RANGE, .esize = 1, .flags = TS_VF_IMPLICIT, .count = 255,
					.aux = v.off + 1 };
	return v;
}

static struct ts_val val_scale(struct ts_val v, unsigned scale)
{
	if (scale == 1)
		return v;
	v = byte_bound(v);
	if (v.kind == V_CONST)
		return vconst(wmul(v.off, (int64_t)scale));
	if (v.kind == V_RANGE && !v.reg && (unsigned)v.esize * scale <= 255) {
		v.esize = (uint8_t)(v.esize * scale);
		return v;
	}
	return UNK;
}

/* v + m * VG (an SVE addvl/addpl): an address in the frame stays one, CFA-relative again when
 * the multiples cancel. Anything else is unknown. */
static struct ts_val add_vg(struct ts_val v, int64_t m)
{
	if (v.kind != V_CFA && v.kind != V_VLA)
		return m ? UNK : v;
	int64_t vg = (v.kind == V_VLA ? v.aux : 0) + m;
	if (vg < INT16_MIN || vg > INT16_MAX)
		return UNK; /* more than any frame: ts_slot.vg could not name the place */
	return vg ? (struct ts_val){ .kind = V_VLA, .off = v.off, .aux = vg } : vrel(V_CFA, v.off);
}

static struct ts_val reg_val(const struct ts_state *s, uint8_t r)
{
	return r < TS_MAX_REGS ? s->regs[r] : UNK;
}

struct ts_val ts_state_addr(const struct ts_state *s, const struct ts_mem *m)
{
	if (m->abs)
		return vconst(m->disp);
	if (m->index == TS_REG_NONE && m->base < TS_MAX_REGS) {
		/* the commonest address, disp(%reg): what the general case below computes for it */
		const struct ts_val *b = &s->regs[m->base];
		if (m->disp == 0)
			return *b;
		if (is_rel(b))
			return vrel(b->kind, wadd(b->off, m->disp));
		if (b->kind == V_CONST)
			return vconst(wadd(b->off, m->disp));
	}
	struct ts_val v = m->base != TS_REG_NONE ? reg_val(s, m->base) : vconst(0);
	if (m->index != TS_REG_NONE && m->index == m->base && v.kind == V_RANGE)
		v = val_scale(v, (unsigned)m->scale + 1); /* (%rcx,%rcx,2): 3 * rcx */
	else if (m->index != TS_REG_NONE)
		v = val_add(v, val_scale(reg_val(s, m->index), m->scale));
	return val_add(v, vconst(m->disp));
}

static struct ts_val fresh(struct ts_state *s)
{
	return (struct ts_val){ .kind = V_SYM, .off = s->next_sym++ };
}

/* The value zero-extended from its low w bytes (w = 1, 2, 4). */
static struct ts_val zext(struct ts_val v, unsigned w)
{
	if (v.kind == V_SYM && w == 4) {
		v.flags |= TS_VF_Z32; /* zext32(x): shares x's identity */
	} else if (v.kind == V_SYM && v.esize && v.esize <= w) {
		/* already zero above w bytes: unchanged */
	} else if (v.kind == V_CONST) {
		v.off = (int64_t)((uint64_t)v.off & (w == 4 ? 0xffffffffull : w == 2 ? 0xffff : 0xff));
	} else if (v.kind == V_RANGE && v.reg && v.reg <= w) {
		v.reg = 0; /* the bounded low bytes, zero-extended: a full bound */
	} else if (!((v.kind == V_RANGE && !v.reg) ||
		     (v.kind == V_JTENT && v.esize == 4 && w == 4 && !(v.flags & TS_VF_SEXT)))) {
		v = UNK;
	}
	return v;
}

/* ---- stack slots ------------------------------------------------------------------------ */

/* A slot's place (anchor, size, offset) as one word: slots are only ever written whole, from
 * initialisers that zero the `zero` field, so equal places are equal words. The searches below
 * are among the most frequent operations of the analysis. */
_Static_assert(offsetof(struct ts_slot, off) == 4 && sizeof(((struct ts_slot *)0)->off) == 4,
	       "anchor, size, zero and off must fill the first 8 bytes of struct ts_slot");
static uint64_t slot_place(const struct ts_slot *t)
{
	uint64_t p;
	memcpy(&p, t, sizeof(p));
	return p;
}

/*
 * Slots anchored at V_VLA are told apart by their multiple of VG too (ts_slot.vg); every other
 * anchor's slots have vg 0, so for them (vg == 0) the anchor alone decides: callers on the x86-64
 * paths pass a literal 0 and the functions below are inlined, so the vg test compiles away.
 */
static inline __attribute__((always_inline)) bool same_anchor(const struct ts_slot *t, uint8_t anchor, int16_t vg)
{
	return t->anchor == anchor && (vg == 0 || t->vg == vg);
}

static int slot_find(const struct ts_state *s, uint8_t anchor, int16_t vg, int64_t off, unsigned size)
{
	if (off < INT32_MIN || off > INT32_MAX || size > UINT8_MAX)
		return -1; /* no slot is there */
	const struct ts_slot key = { .anchor = anchor, .size = (uint8_t)size, .vg = vg, .off = (int32_t)off };
	uint64_t want = slot_place(&key);
	for (int i = 0; i < s->nslots; i++)
		if (slot_place(&s->slots[i]) == want)
			return i;
	return -1;
}

/* The slot of o at the place of t (any anchor), or -1. */
static int slot_find_place(const struct ts_state *o, const struct ts_slot *t)
{
	uint64_t want = slot_place(t);
	for (int i = 0; i < o->nslots; i++)
		if (slot_place(&o->slots[i]) == want)
			return i;
	return -1;
}

static bool slot_same_place(const struct ts_slot *x, const struct ts_slot *y)
{
	return slot_place(x) == slot_place(y);
}

static inline __attribute__((always_inline)) void slot_kill_overlap(struct ts_state *s, uint8_t anchor, int16_t vg,
								    int64_t off, unsigned size)
{
	if (size == 0) {
		s->nslots = 0;
		return;
	}
	/* the slots that stay, in their order */
	int k = 0;
	int64_t end = off + (int64_t)size;
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		if (same_anchor(t, anchor, vg) && t->off < end && off < t->off + t->size)
			continue;
		if (k != i)
			s->slots[k] = *t;
		k++;
	}
	s->nslots = (uint8_t)k;
}

static bool worth_tracking(const struct ts_val *v)
{
	/* jump-table values and constants too: clang -O0 spills `in range ? T[i] : 0` and a
	 * computed-goto target (&&label + offset), then jumps through the reloaded copy from
	 * one shared `jmp *%rax` */
	return v->kind == V_CFA || v->kind == V_ALN || v->kind == V_ORIG || v->kind == V_RANGE || v->kind == V_SYM ||
	       v->kind == V_JTSUM || v->kind == V_JTENT || v->kind == V_CONST;
}

/* Values kept only to resolve switches and bound indexes: the first to go when slots run out. */
static bool evictable(const struct ts_val *v)
{
	return v->kind == V_SYM || v->kind == V_RANGE || v->kind == V_JTSUM || v->kind == V_JTENT || v->kind == V_CONST;
}

/* Which spilled value goes first when the slots run out (lower first, the oldest of a rank; 3:
 * never): an identity or a small constant (no table lies in the first page: the zeros and flags
 * glibc's printf stores by the dozen), then an address-like constant or a table value. */
static int evict_rank(const struct ts_val *v)
{
	if (!evictable(v))
		return 3;
	if (v->kind == V_SYM || (v->kind == V_CONST && (uint64_t)v->off + 0x1000 < 0x2000))
		return 0;
	return 2;
}

static inline __attribute__((always_inline)) void slot_store(struct ts_state *s, uint8_t anchor, int16_t vg,
							     int64_t off, unsigned size, struct ts_val v)
{
	slot_kill_overlap(s, anchor, vg, off, size);
	if (!worth_tracking(&v) || off < INT32_MIN || off > INT32_MAX)
		return;
	if (s->nslots == TS_MAX_SLOTS) {
		/* Saved registers and frame addresses are what unwinding needs: never evict them.
		 * Identities of spilled locals only help to bound switch indexes: evict the oldest,
		 * an identity or a small constant first. An address-like constant or table value is
		 * a switch's table or label base, stored once before the dispatch loop and reloaded
		 * at every round (gcc's arm64 sqlite3VdbeExec, glibc's printf cores): the many
		 * identities the loop's reloads give must not push it out. */
		int victim = -1, rank = 3;
		for (int i = 0; i < s->nslots && rank > 0; i++) {
			int r = evict_rank(&s->slots[i].v);
			if (r < rank) {
				rank = r;
				victim = i;
			}
		}
		if (victim < 0)
			return;
		memmove(&s->slots[victim], &s->slots[victim + 1], sizeof(s->slots[0]) * (size_t)(s->nslots - victim - 1));
		s->nslots--;
	}
	if (size != 8 && !(v.kind == V_RANGE || v.kind == V_SYM || (size == 4 && (v.kind == V_JTENT || v.kind == V_CONST))))
		return;
	s->slots[s->nslots++] = (struct ts_slot){ .anchor = anchor, .size = (uint8_t)size, .vg = vg, .off = (int32_t)off,
						  .v = v };
}

/* A load from a constant table indexed by a bounded (or unknown) index. */
static struct ts_val table_load(const struct ts_state *s, const struct ts_mem *m)
{
	if (m->abs || (m->size != 1 && m->size != 2 && m->size != 4 && m->size != 8))
		return UNK;
	struct ts_val b = m->base != TS_REG_NONE ? reg_val(s, m->base) : vconst(0);
	struct ts_val i = m->index != TS_REG_NONE ? val_scale(byte_bound(reg_val(s, m->index)), m->scale) : UNK;
	if (m->index == TS_REG_NONE)
		return UNK;
	/* byte and halfword entries (gcc's arm64 offset tables) only with a compare-bounded index:
	 * other small loads stay values with an identity that a later compare can bound */
	if (m->size < 4 && !(i.kind == V_RANGE && !i.reg && i.esize == m->size && !(i.flags & TS_VF_IMPLICIT)) &&
	    !(b.kind == V_RANGE && !b.reg && b.esize == m->size && !(b.flags & TS_VF_IMPLICIT)))
		return UNK;
	if (b.kind != V_CONST) { /* -O0: (%rdx,%rax,1) with rdx the scaled index and rax the table */
		struct ts_val t = b;
		b = i;
		i = t;
		/* but not a known small index into an array the base points to (arm64's
		 * `ldr w2, [x20, w3, sxtw #2]` with w3 = 0 on a loop's first round): the first
		 * page is never a table */
		if (b.kind == V_CONST && (uint64_t)b.off < 0x1000)
			return UNK;
	}
	if (b.kind != V_CONST)
		return UNK;
	struct ts_val e = { .kind = V_JTENT, .esize = m->size, .off = wadd(b.off, m->disp) };
	if (m->sext)
		e.flags |= TS_VF_SEXT;
	if (i.kind == V_CONST && i.off >= 0 && i.off < 0x10000 && i.off % m->size == 0) {
		e.off = wadd(e.off, i.off); /* a known index: the one entry it selects */
		e.count = 1;
	} else if (i.kind == V_RANGE && !i.reg && i.esize == m->size) {
		e.count = i.count + 1;
		e.flags |= i.flags & TS_VF_IMPLICIT;
	} else if (i.kind == V_RANGE || i.kind == V_UNK || i.kind == V_SYM) {
		/* no bound we can see: clang's switches over enums have none (the type bounds the
		 * index). The table ends at its first entry that is not code of the function. */
		e.count = TS_TABLE_MAX;
		e.flags |= TS_VF_IMPLICIT;
	} else {
		return UNK;
	}
	return e;
}

static bool load_key(const struct ts_state *s, const struct ts_mem *m, struct ts_load *k)
{
	memset(k, 0, sizeof(*k));
	k->base = m->base != TS_REG_NONE ? reg_val(s, m->base) : vconst(0);
	k->index = m->index != TS_REG_NONE ? reg_val(s, m->index) : vconst(0);
	if (m->abs)
		k->base = vconst(m->disp);
	k->disp = m->abs ? 0 : m->disp;
	k->scale = m->scale;
	k->size = m->size;
	/* only addresses made of identities and constants denote one place along a path */
	bool ok_b = k->base.kind == V_SYM || k->base.kind == V_CONST;
	bool ok_i = k->index.kind == V_SYM || k->index.kind == V_CONST;
	return ok_b && ok_i && m->size && m->size <= 8;
}

static bool load_eq(const struct ts_load *x, const struct ts_load *y)
{
	return val_eq(&x->base, &y->base) && val_eq(&x->index, &y->index) && x->disp == y->disp &&
	       x->scale == y->scale && x->size == y->size;
}

/* The identity of a value loaded from memory off the stack. */
static struct ts_val remembered_load(struct ts_state *s, const struct ts_mem *m)
{
	struct ts_load k;
	if (!load_key(s, m, &k) || m->sext)
		return UNK;
	for (int i = 0; i < s->nloads; i++)
		if (load_eq(&s->loads[i], &k))
			return k.size < 8 ? zext(s->loads[i].v, k.size) : s->loads[i].v;
	struct ts_val v = fresh(s);
	if (m->size < 8)
		v.esize = m->size; /* movzbl/movzwl/32-bit loads zero the upper bytes */
	k.v = v;
	if (s->nloads == TS_MAX_LOADS)
		memmove(&s->loads[0], &s->loads[1], sizeof(s->loads[0]) * --s->nloads);
	s->loads[s->nloads++] = k;
	return v;
}

/* A store through m: forget remembered loads it may overwrite. Same base and index, disjoint
 * offsets (two fields of one structure) cannot alias; anything else may. */
static void forget_loads(struct ts_state *s, const struct ts_mem *m)
{
	struct ts_load k;
	bool keyed = load_key(s, m, &k);
	for (int i = 0; i < s->nloads;) {
		const struct ts_load *l = &s->loads[i];
		bool disjoint = keyed && val_eq(&l->base, &k.base) && val_eq(&l->index, &k.index) &&
				l->scale == k.scale && m->size &&
				(l->disp + l->size <= k.disp || k.disp + m->size <= l->disp);
		if (disjoint) {
			i++;
			continue;
		}
		memmove(&s->loads[i], &s->loads[i + 1], sizeof(s->loads[0]) * (size_t)(s->nloads - i - 1));
		s->nloads--;
	}
}

static inline __attribute__((always_inline)) bool overlaps_slot(const struct ts_state *s, uint8_t anchor, int16_t vg,
								int64_t off, unsigned size)
{
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		if (same_anchor(t, anchor, vg) && t->off < off + (int64_t)size && off < t->off + (int64_t)t->size)
			return true;
	}
	return false;
}

/* A load from an SVE frame below its vector areas: what the function stored there, else
 * unknown (no identities are handed out there: SVE frames hold no switch indexes to bound). */
static struct ts_val vla_load(struct ts_state *s, const struct ts_mem *m, const struct ts_val *addr)
{
	int i = slot_find(s, V_VLA, (int16_t)addr->aux, addr->off, m->size);
	if (i < 0 || (m->size < 8 && m->sext))
		return UNK;
	return m->size < 8 ? zext(s->slots[i].v, m->size) : s->slots[i].v;
}

static struct ts_val load(const struct ts_image *img, struct ts_state *s, const struct ts_mem *m)
{
	struct ts_val addr = ts_state_addr(s, m);
	if (addr.kind == V_VLA)
		return vla_load(s, m, &addr);
	if (is_anchor(&addr)) {
		int i = slot_find(s, addr.kind, 0, addr.off, m->size);
		if (i < 0) {
			/* give the stack value an identity, so a comparison of it bounds later loads */
			if (m->sext)
				return UNK;
			struct ts_val v = fresh(s);
			if (m->size < 8)
				v.esize = m->size;
			/* a load never changes memory: remember the identity only where it overlaps no
			 * slot (a 4-byte load of half a saved register must not forget that register) */
			if (!overlaps_slot(s, addr.kind, 0, addr.off, m->size))
				slot_store(s, addr.kind, 0, addr.off, m->size, v);
			return v;
		}
		struct ts_val v = s->slots[i].v;
		if (m->size < 8 && m->sext)
			return UNK;
		return m->size < 8 ? zext(v, m->size) : v;
	}
	if (addr.kind == V_SHD) {
		/* the shadow call stack: what this function stored there, or something unknown */
		int i = slot_find(s, V_SHD, 0, addr.off, m->size);
		if (i >= 0 && m->size == 8)
			return s->slots[i].v;
		return UNK;
	}
	if (addr.kind == V_CONST && m->size == 8 && img && img->ntlsdesc && ts_image_tlsdesc(img, (uint64_t)addr.off)) {
		struct ts_val v = fresh(s);
		v.flags |= TS_VF_TLSDESC; /* called with the descriptor: see tlsdesc_call (walk.c) */
		return v;
	}
	if (addr.kind == V_CONST && m->size == 8 && img && ts_image_got_name(img, (uint64_t)addr.off)) {
		uint64_t v;
		if (ts_image_read(img, (uint64_t)addr.off, 8, &v))
			return vconst((int64_t)v);
	}
	if (addr.kind == V_CONST && !m->abs && m->size == 8 && img) {
		/* a constant of the file's read-only bytes, at an address a register holds: gcc's
		 * s390x literal pool (`larl %r13,.LT0; ..; ag %r15,0(%r13)` releases a frame larger
		 * than an immediate reaches). Only through a register: RIP-relative loads keep their
		 * meaning (an unknown value, or a jump-table entry below). */
		const struct ts_section *sec = ts_image_section_at(img, (uint64_t)addr.off);
		uint64_t v;
		if (sec && sec->data && !(sec->flags & SHF_WRITE) && ts_image_read(img, (uint64_t)addr.off, 8, &v))
			return vconst((int64_t)v);
	}
	if (addr.kind == V_CONST && m->index != TS_REG_NONE && (m->size == 1 || m->size == 2) && !m->sext && img) {
		/* one entry of a byte or halfword offset table, selected by an index known on this
		 * path: the entry itself. A dispatch loop entered with a constant index (clang -O1's
		 * `mov w8, #0x12; b disp` ... `disp: cmp w8, #0x12; b.hi; mov w8, w8; ldrh w10, [x11,
		 * x8, lsl #1]; add x9, x9, x10, lsl #2; br x9`, SQLite shell.c main) jumps to that
		 * case first; only the cases bring the other indexes back, which the compare then
		 * bounds. An unknown value there made the jump a tail call and its cases unreached. */
		const struct ts_section *sec = ts_image_section_at(img, (uint64_t)addr.off);
		uint64_t v;
		if (sec && sec->data && !sec->exec && !(sec->flags & SHF_WRITE) &&
		    ts_image_read(img, (uint64_t)addr.off, m->size, &v))
			return vconst((int64_t)v);
	}
	if (m->abs && img && ((m->size == 4 && m->sext) || m->size == 8)) {
		/* one entry of a jump table in read-only data, at a known place: a switch whose
		 * index the compiler knew (glibc's __res_context_query: `movslq T(%rip),%rax; lea
		 * T(%rip),%rsi; add %rsi,%rax; jmp *%rax`) */
		const struct ts_section *sec = ts_image_section_at(img, (uint64_t)addr.off);
		if (sec && sec->data && !sec->exec && !(sec->flags & SHF_WRITE))
			return (struct ts_val){ .kind = V_JTENT, .esize = m->size, .off = addr.off, .count = 1,
						.flags = m->sext ? TS_VF_SEXT : 0 };
	}
	if (addr.kind == V_STRIDED && m->index == TS_REG_NONE && !m->disp && (m->size == 4 || m->size == 8) &&
	    m->size == addr.esize && img) {
		/* an entry of a table of code offsets each relative to its own place: which one the
		 * bounded index picks (the entry's address is the same strided value, see val_add) */
		const struct ts_section *sec = ts_image_section_at(img, (uint64_t)addr.off);
		if (sec && sec->data && !sec->exec && !(sec->flags & SHF_WRITE))
			return (struct ts_val){ .kind = V_JTENT, .esize = m->size, .off = addr.off, .count = addr.count + 1,
						.flags = (uint8_t)(TS_VF_SELFREL | (m->sext ? TS_VF_SEXT : 0) |
								   (addr.flags & TS_VF_IMPLICIT)) };
	}
	struct ts_val t = table_load(s, m);
	if (t.kind != V_UNK && t.count)
		return t;
	struct ts_val r = remembered_load(s, m);
	if (r.kind != V_UNK)
		return r;
	if (t.kind != V_UNK)
		return t;
	if (m->size < 8 && !m->sext) {
		r = fresh(s);
		r.esize = m->size; /* movzbl/movzwl/32-bit loads zero the upper bytes */
	} else if (m->size == 4 && m->sext) {
		r = fresh(s);
		r.flags |= TS_VF_S32; /* movslq */
		struct ts_val b = m->base != TS_REG_NONE ? reg_val(s, m->base) : UNK;
		if (b.kind == V_SYM && m->index != TS_REG_NONE && m->index != m->base && m->scale == 4 &&
		    !m->disp) {
			r.flags |= TS_VF_OFFSET_ENTRY; /* an entry of a table at b (offset_entry_of) */
			r.aux = b.off + 1;
		}
	}
	return r;
}

/*
 * A store through a pointer into the frame (a base other than SP, or an index register):
 * C code writes an array or an object there, and compilers never save or overwrite the
 * caller's registers or the return address that way. The analysis only knows such a pointer's
 * value on the paths it has walked so far: a loop that fills a stack buffer on one path and a
 * heap buffer of any size on another (LLVM's SmallVector) would otherwise be simulated running
 * over the return address on the stack path. So these stores never touch slots holding the
 * caller's values (saved registers, return address, DRAP's CFA copy); SP-relative stores do.
 */
static bool derived_store(const struct ts_arch *a, const struct ts_mem *m)
{
	return m->index != TS_REG_NONE || (m->base != TS_REG_NONE && m->base != a->sp);
}

static inline __attribute__((always_inline)) bool hits_saved(const struct ts_state *s, uint8_t anchor, int16_t vg,
							     int64_t off, unsigned size)
{
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		if (same_anchor(t, anchor, vg) && t->off < off + (int64_t)size && off < t->off + (int64_t)t->size &&
		    (t->v.kind == V_ORIG || t->v.kind == V_CFA || t->v.kind == V_ALN))
			return true;
	}
	return false;
}

/* A store into an SVE frame below its vector areas: as into the frame (derived_store too), at
 * the place of its multiple of VG. */
static void vla_store(const struct ts_arch *a, struct ts_state *s, const struct ts_mem *m, const struct ts_val *addr,
		      unsigned size, struct ts_val v)
{
	int16_t vg = (int16_t)addr->aux;
	if (derived_store(a, m) && hits_saved(s, V_VLA, vg, addr->off, size))
		return;
	slot_store(s, V_VLA, vg, addr->off, size, v);
}

static void set_reg(const struct ts_arch *a, struct ts_state *s, uint8_t r, struct ts_val v)
{
	if (r >= TS_MAX_REGS)
		return;
	(void)a;
	s->regs[r] = v.kind == V_UNK ? fresh(s) : v;
}

static inline struct ts_val uop_src(const struct ts_state *s, const struct ts_uop *u)
{
	return u->src != TS_REG_NONE ? reg_val(s, u->src) : UNK;
}

static inline struct ts_val uop_dst(const struct ts_state *s, const struct ts_uop *u)
{
	return u->dst != TS_REG_NONE ? reg_val(s, u->dst) : UNK;
}

/*
 * stmg/lmg (TS_UOP_STM, TS_UOP_LDM): registers dst, dst+1, .. (imm of them, wrapping after
 * register 15) stored to or loaded from consecutive mem.size-byte slots, one STORE or LOAD each.
 * The address is computed once, before the first load: `lmg %r11,%r15,N(%r11)` loads its base
 * register first, and the loads after it still use the old base (kept in the last register, the
 * decoders' scratch register, for the length of the instruction).
 */
static enum ts_apply_problem apply_multiple(const struct ts_arch *a, const struct ts_image *img, struct ts_state *s,
					    const struct ts_uop *u)
{
	enum ts_apply_problem prob = TS_AP_NONE;
	unsigned size = u->mem.size ? u->mem.size : 8;
	struct ts_mem m = u->mem;
	if (u->kind == TS_UOP_LDM && m.base != TS_REG_NONE) {
		s->regs[TS_MAX_REGS - 1] = reg_val(s, m.base);
		m.base = TS_MAX_REGS - 1;
	}
	struct ts_insn one = { .nuops = 1 };
	for (int64_t k = 0; k < u->imm && k < 16; k++) {
		uint8_t r = (uint8_t)((u->dst + (unsigned)k) % 16);
		struct ts_uop *o = &one.uops[0];
		*o = (struct ts_uop){ .mem = m };
		o->mem.disp = wadd(m.disp, wmul(k, size));
		if (u->kind == TS_UOP_STM)
			o->kind = TS_UOP_STORE, o->dst = TS_REG_NONE, o->src = r;
		else if (size == 8)
			o->kind = TS_UOP_LOAD, o->dst = r, o->src = TS_REG_NONE;
		else /* a narrow load replaces part of the register */
			o->kind = r == a->sp ? TS_UOP_UNSUPPORTED : TS_UOP_CLOBBER, o->dst = r, o->src = TS_REG_NONE;
		if (ts_state_apply(a, img, s, &one) != TS_AP_NONE)
			prob = TS_AP_UNSUPPORTED;
	}
	return prob;
}

enum ts_apply_problem ts_state_apply(const struct ts_arch *a, const struct ts_image *img, struct ts_state *s,
				     const struct ts_insn *in)
{
	enum ts_apply_problem prob = TS_AP_NONE;
	struct ts_val va = UNK, vb = UNK;
	if (in->cmp_kind == TS_CMP_RI || in->cmp_kind == TS_CMP_RR || in->cmp_kind == TS_CMP_RI_SIGNED)
		va = reg_val(s, in->cmp_a);
	if (in->cmp_kind == TS_CMP_RR)
		vb = reg_val(s, in->cmp_b);
	if (in->cmp_kind == TS_CMP_MI) {
		struct ts_mem m = in->cmp_mem;
		m.size = in->cmp_width;
		m.sext = false;
		va = load(img, s, &m);
	}
	for (unsigned k = 0; k < in->nuops; k++) {
		const struct ts_uop *u = &in->uops[k];
		/* the operands' values are read where a uop uses them (most use one or none) */
		struct ts_val src, dst;
		switch (u->kind) {
		case TS_UOP_MOV:
			set_reg(a, s, u->dst, uop_src(s, u));
			break;
		case TS_UOP_ADDI:
			set_reg(a, s, u->dst, val_add(uop_src(s, u), vconst(u->imm)));
			break;
		case TS_UOP_ADD:
			if (u->src == TS_REG_NONE) {
				set_reg(a, s, u->dst, UNK);
			} else {
				src = uop_src(s, u);
				dst = uop_dst(s, u);
				if (u->imm >= 0 && ((src.kind == V_STRIDED && dst.kind == V_JTENT) ||
						    (dst.kind == V_STRIDED && src.kind == V_JTENT)))
					set_reg(a, s, u->dst, self_relative_target(&dst, &src));
				else
					set_reg(a, s, u->dst, u->imm < 0 ? val_sub(dst, src) : val_add(dst, src));
			}
			break;
		case TS_UOP_ANDI:
		case TS_UOP_ANDR: {
			struct ts_val r = UNK;
			src = uop_src(s, u);
			int64_t imm = u->imm;
			if (u->kind == TS_UOP_ANDR) { /* dst &= src: an ANDI when src is a constant */
				struct ts_val m = src;
				src = uop_dst(s, u);
				if (m.kind != V_CONST) {
					set_reg(a, s, u->dst, UNK);
					break;
				}
				imm = m.off;
			}
			uint64_t mask = (uint64_t)imm;
			bool align_mask = (int64_t)mask < 0 && ((~mask + 1) & ~mask) == 0; /* -2^k */
			if (src.kind == V_CONST)
				r = vconst(src.off & imm);
			else if (imm >= 0 && imm <= 0xffff && !is_anchor(&src))
				/* x & mask is at most mask: a bound (clang -O0 switches on masked values) */
				r = (struct ts_val){ .kind = V_RANGE, .esize = 1, .count = (uint32_t)imm,
						     .aux = fresh(s).off + 1 /* an identity, for later compares */ };
			else if (is_anchor(&src) && align_mask) {
				/* a new alignment anchor: what was relative to the old one is forgotten */
				for (unsigned i = 0; i < TS_MAX_REGS; i++)
					if (s->regs[i].kind == V_ALN)
						s->regs[i] = UNK;
				for (int i = 0; i < s->nslots;) {
					if (s->slots[i].anchor == V_ALN)
						s->slots[i] = s->slots[--s->nslots];
					else
						i++;
				}
				r = vrel(V_ALN, 0);
			}
			set_reg(a, s, u->dst, r);
			break;
		}
		case TS_UOP_LEA:
			set_reg(a, s, u->dst, ts_state_addr(s, &u->mem));
			break;
		case TS_UOP_LOAD:
			set_reg(a, s, u->dst, load(img, s, &u->mem));
			break;
		case TS_UOP_STORE: {
			src = uop_src(s, u);
			struct ts_val addr = ts_state_addr(s, &u->mem);
			unsigned size = u->mem.size ? u->mem.size : 8;
			if (addr.kind == V_VLA) {
				vla_store(a, s, &u->mem, &addr, size, src);
				break;
			}
			if (is_anchor(&addr) && derived_store(a, &u->mem) && hits_saved(s, addr.kind, 0, addr.off, size))
				break; /* an array write through a pointer: see derived_store */
			if (is_rel(&addr))
				slot_store(s, addr.kind, 0, addr.off, size, src);
			else
				forget_loads(s, &u->mem); /* memory off the stack changed */
			break;
		}
		case TS_UOP_CONST:
			set_reg(a, s, u->dst, vconst(u->imm));
			break;
		case TS_UOP_CLOBBER: {
			struct ts_val v = fresh(s);
			if (u->imm == 4)
				v.flags |= TS_VF_Z32;
			set_reg(a, s, u->dst, v);
			break;
		}
		case TS_UOP_SEXT32:
			src = uop_src(s, u);
			if (src.kind == V_SYM) {
				src = fresh(s);
				src.flags |= TS_VF_S32;
			}
			else if (src.kind == V_JTENT && src.esize == 4)
				src.flags |= TS_VF_SEXT;
			else if (src.kind == V_CONST)
				src.off = (int32_t)src.off;
			else if (src.kind != V_RANGE)
				src = UNK;
			set_reg(a, s, u->dst, src);
			break;
		case TS_UOP_ZEXT32: {
			unsigned w = u->imm == 1 || u->imm == 2 ? (unsigned)u->imm : 4;
			struct ts_val r = zext(uop_src(s, u), w);
			if (r.kind == V_UNK) {
				r = fresh(s); /* unknown, but zero above w bytes */
				r.esize = (uint8_t)w;
			}
			set_reg(a, s, u->dst, r);
			break;
		}
		case TS_UOP_SEXT: {
			/* arm64's sign extension of 1, 2 or 4 bytes (sxtb, sxth, sxtw operands) */
			src = uop_src(s, u);
			unsigned w = u->imm == 1 || u->imm == 2 ? (unsigned)u->imm : 4;
			if (src.kind == V_JTENT && src.esize == w && !src.reg)
				src.flags |= TS_VF_SEXT; /* gcc's byte/halfword offset tables */
			else if (src.kind == V_CONST)
				src.off = w == 1 ? (int8_t)src.off : w == 2 ? (int16_t)src.off : (int32_t)src.off;
			else if (src.kind != V_RANGE)
				src = UNK;
			set_reg(a, s, u->dst, src);
			break;
		}
		case TS_UOP_ADDVL: {
			/* a multiple of the SVE vector length added (addvl, addpl): symbolic in VG */
			struct ts_val r = add_vg(uop_src(s, u), u->imm);
			if (u->dst == a->sp && !in_frame(&r))
				prob = TS_AP_UNSUPPORTED;
			set_reg(a, s, u->dst, r);
			break;
		}
		case TS_UOP_SHLI: {
			src = uop_src(s, u);
			if (src.kind == V_JTENT && !src.reg && u->imm > 0 && u->imm <= 4) {
				src.reg = (uint8_t)u->imm; /* arm64's offset tables count instructions */
				set_reg(a, s, u->dst, src);
				break;
			}
			set_reg(a, s, u->dst, u->imm >= 0 && u->imm < 8 ? val_scale(src, 1u << u->imm) : UNK);
			break;
		}
		case TS_UOP_SWAP:
			src = uop_src(s, u);
			dst = uop_dst(s, u);
			set_reg(a, s, u->dst, src);
			set_reg(a, s, u->src, dst);
			break;
		case TS_UOP_UNSUPPORTED:
			set_reg(a, s, u->dst, UNK);
			prob = TS_AP_UNSUPPORTED;
			break;
		case TS_UOP_STM:
		case TS_UOP_LDM:
			if (apply_multiple(a, img, s, u) != TS_AP_NONE)
				prob = TS_AP_UNSUPPORTED;
			break;
		}
	}
	if (in->cmp_kind != TS_CMP_KEEP) {
		s->cmp_kind = in->cmp_kind;
		s->cmp_a = in->cmp_a;
		s->cmp_b = in->cmp_b;
		s->cmp_width = in->cmp_width;
		s->cmp_imm = in->cmp_imm;
		s->cmp_va = va;
		s->cmp_vb = vb;
	}
	return prob;
}

void ts_state_after_call(const struct ts_arch *a, struct ts_state *s, uint64_t mask)
{
	for (unsigned r = 0; r < a->nregs; r++)
		if ((mask >> r) & 1 && !(r == a->scs_reg && r && s->regs[r].kind == V_SHD))
			s->regs[r] = fresh(s);
	s->cmp_kind = TS_CMP_CLOBBER;
	s->nloads = 0;
}

/* Is the last comparison one of two equal 64-bit registers, known on this edge to be equal
 * (`cmp %r11,%rsp; jne loop`: the fall-through knows rsp == r11)? */
static bool refine_equal_regs(const struct ts_state *s, const struct ts_insn *in, bool taken)
{
	return (in->cond == TS_COND_EQ && taken) || (in->cond == TS_COND_NE && !taken);
}

/* The bound this edge of in puts on the compared value: its identity (*id), the largest index
 * (*max) and the compare's width (*w). False when the edge bounds nothing. */
static bool refine_bound(const struct ts_state *s, const struct ts_insn *in, bool taken, int64_t *id, int64_t *max,
			 unsigned *w)
{
	if (s->cmp_kind == TS_CMP_RI_SIGNED && !(s->cmp_va.kind == V_SYM && s->cmp_va.esize && s->cmp_va.esize < 8) &&
	    s->cmp_va.kind != V_RANGE)
		return false; /* signed: the value may be negative, a huge unsigned one */
	if (s->cmp_kind != TS_CMP_RI && s->cmp_kind != TS_CMP_MI && s->cmp_kind != TS_CMP_RI_SIGNED)
		return false;
	if (s->cmp_va.kind == V_SYM)
		*id = s->cmp_va.off;
	else if (s->cmp_va.kind == V_RANGE && s->cmp_va.aux)
		*id = s->cmp_va.aux - 1; /* a second comparison of an already bounded value */
	else
		return false;
	if (s->cmp_imm < 0)
		return false;
	uint64_t n = (uint64_t)s->cmp_imm;
	*max = -1;
	switch (in->cond) {
	case TS_COND_UGT: *max = taken ? -1 : (int64_t)n; break;          /* ja: fall-through x <= n */
	case TS_COND_UGE: *max = taken ? -1 : (int64_t)n - 1; break;      /* jae: fall-through x < n */
	case TS_COND_ULE: *max = taken ? (int64_t)n : -1; break;          /* jbe taken: x <= n */
	case TS_COND_ULT: *max = taken ? (int64_t)n - 1 : -1; break;      /* jb taken: x < n */
	default: break;
	}
	*w = s->cmp_width ? s->cmp_width : 8;
	return *max >= 0 && *max <= 0xffff;
}

/* An edge that bounds the compared value (x <= max in its low w bytes) where that value is a
 * known constant the bound rules out: the edge cannot be taken with it. */
static bool impossible_bound(const struct ts_state *s, const struct ts_insn *in, bool taken, int64_t *max,
			     unsigned *w)
{
	if (s->cmp_kind != TS_CMP_RI || s->cmp_va.kind != V_CONST || in->cmp_width || s->cmp_imm < 0 ||
	    s->cmp_imm > 0x10000 || s->cmp_a >= TS_MAX_REGS)
		return false;
	int64_t n = s->cmp_imm;
	switch (in->cond) {
	case TS_COND_UGT: *max = taken ? -1 : n; break;
	case TS_COND_UGE: *max = taken ? -1 : n - 1; break;
	case TS_COND_ULE: *max = taken ? n : -1; break;
	case TS_COND_ULT: *max = taken ? n - 1 : -1; break;
	default: return false;
	}
	*w = s->cmp_width && s->cmp_width < 8 ? s->cmp_width : 8;
	uint64_t mask = *w == 8 ? ~0ull : (1ull << (8 * *w)) - 1;
	return *max >= 0 && *max <= 0xffff && ((uint64_t)s->cmp_va.off & mask) > (uint64_t)*max;
}

bool ts_state_refine_may_change(const struct ts_state *s, const struct ts_insn *in, bool taken)
{
	if (in->cond == TS_COND_OTHER)
		return false;
	if (s->cmp_kind == TS_CMP_RR && s->cmp_width == 8)
		return refine_equal_regs(s, in, taken);
	int64_t id, max;
	unsigned w;
	return refine_bound(s, in, taken, &id, &max, &w) || impossible_bound(s, in, taken, &max, &w);
}

void ts_state_refine(const struct ts_arch *a, struct ts_state *s, const struct ts_insn *in, bool taken)
{
	(void)a;
	if (in->cond == TS_COND_OTHER)
		return;
	if (s->cmp_kind == TS_CMP_RR && s->cmp_width == 8) {
		/* equality of two registers: after `cmp %r11,%rsp; jne loop` the fall-through knows
		 * rsp == r11 (stack-clash probe loops) */
		struct ts_val *x = &s->regs[s->cmp_a], *y = &s->regs[s->cmp_b];
		if (refine_equal_regs(s, in, taken) && val_eq(x, &s->cmp_va) && val_eq(y, &s->cmp_vb)) {
			if (!is_anchor(x) && is_anchor(y))
				*x = *y;
			else if (!is_anchor(y) && is_anchor(x))
				*y = *x;
		}
		return;
	}
	int64_t id, max;
	unsigned w;
	if (impossible_bound(s, in, taken, &max, &w)) {
		/* No path takes this edge with that constant, so any value is right for it here;
		 * the bound the edge stands for keeps a join with the paths that do take it bounded
		 * (glibc's arm64 soft-fp fde@0x133430: x3 = 0 - 1 on a loop's first round, then
		 * `cmp x3, #0xb; b.hi; cmp w3, #0xb; b.ls table`: the -1 made the table's index
		 * unbounded, the br a tail call and a case unreached) */
		struct ts_val *r = &s->regs[s->cmp_a];
		if (val_eq(r, &s->cmp_va))
			*r = (struct ts_val){ .kind = V_RANGE, .esize = 1, .count = (uint32_t)max,
					      .reg = (uint8_t)(w == 8 ? 0 : w) };
		return;
	}
	if (!refine_bound(s, in, taken, &id, &max, &w))
		return;
	/* Every copy of the compared value is bounded. A compare of width w bounds the low w
	 * bytes; that is the whole value only for a 64-bit compare or a value known to be zero
	 * above w bytes. Otherwise the RANGE is "narrow" (reg = w) until a matching
	 * zero-extension (movzbl, movzwl, mov %eax,%eax) makes it whole. */
	struct ts_val *vals[TS_MAX_REGS + TS_MAX_SLOTS + TS_MAX_LOADS];
	unsigned nv = 0;
	for (unsigned i = 0; i < TS_MAX_REGS; i++)
		vals[nv++] = &s->regs[i];
	for (int i = 0; i < s->nslots; i++)
		vals[nv++] = &s->slots[i].v;
	for (int i = 0; i < s->nloads; i++)
		vals[nv++] = &s->loads[i].v;
	for (unsigned i = 0; i < nv; i++) {
		struct ts_val *v = vals[i];
		if (v->kind == V_SYM && v->off == id) {
			/* a value sign-extended from 32 bits whose low 32 bits are at most n < 2^31
			 * is at most n */
			bool s32 = w == 4 && (v->flags & TS_VF_S32) && max < 0x80000000ll;
			bool whole = w == 8 || (w == 4 && (v->flags & TS_VF_Z32)) || (v->esize && v->esize <= w) || s32;
			*v = (struct ts_val){ .kind = V_RANGE, .esize = 1, .count = (uint32_t)max,
					      .reg = (uint8_t)(whole ? 0 : w), .aux = id + 1 };
		} else if (v->kind == V_RANGE && v->aux == id + 1 && v->esize == 1) {
			if (!v->reg || v->reg == w) {
				if ((uint32_t)max < v->count)
					v->count = (uint32_t)max;
			} else {
				/* bounds of different widths: the latest compare is what the index uses */
				v->count = (uint32_t)max;
				v->reg = (uint8_t)(w == 8 ? 0 : w);
			}
		}
	}
}

/* ---- meet -------------------------------------------------------------------------------- */

/*
 * Two paths may name the same unknown value differently (each path draws identities from its
 * own counter). Where every location holding identity K on one path holds J on the other, and
 * the other way round, K and J are one value under two names: the meet keeps K. Any other
 * difference loses the identity.
 */
static unsigned rn_bucket(int64_t name)
{
	return (unsigned)((uint64_t)name * 0x9e3779b97f4a7c15ull >> 56) & (TS_RN_BUCKETS - 1);
}

/* Record that one location holds x on the stored side and y on the incoming side. A value
 * carries an identity when it is an unknown one (SYM: off) or a bounded copy of one (RANGE made
 * by a comparison: aux - 1): both tie the location to every other holder of the name, so both
 * take part in deciding whether two names are one value. */
static void rename_note_sym(struct ts_meet_scratch *rn, const struct ts_val *x, const struct ts_val *y)
{
	struct rn_note *e = &rn->note[rn->n++];
	e->ks = x->kind == V_SYM || (x->kind == V_RANGE && x->aux);
	e->js = y->kind == V_SYM || (y->kind == V_RANGE && y->aux);
	e->k = x->kind == V_SYM ? x->off : e->ks ? x->aux - 1 : 0;
	e->j = y->kind == V_SYM ? y->off : e->js ? y->aux - 1 : 0;
	e->fd = e->ks && e->js && (x->kind != y->kind || x->flags != y->flags || x->esize != y->esize ||
				   (x->kind == V_SYM && x->count != y->count));
	if (e->ks)
		rn->count.nk[rn_bucket(e->k)]++;
	if (e->js)
		rn->count.nj[rn_bucket(e->j)]++;
}

/* Note location x/y; returns whether x and y differ. Most locations hold the same value on
 * both sides (of identities only the name is kept); the note of a difference is out of line. */
static inline void note_same(struct ts_meet_scratch *rn, int64_t name)
{
	rn->same[rn->nsame++] = name;
	rn->count.ns[rn_bucket(name)]++;
}

static inline bool rename_note(struct ts_meet_scratch *rn, const struct ts_val *x, const struct ts_val *y)
{
	/* the common kinds first: this runs for every location of every meet */
	if (val_eq(x, y)) {
		if (x->kind == V_SYM)
			note_same(rn, x->off);
		else if (__builtin_expect(x->kind == V_RANGE, 0) && x->aux)
			note_same(rn, x->aux - 1);
		return false;
	}
	if (x->kind == V_SYM || y->kind == V_SYM || __builtin_expect(x->kind == V_RANGE || y->kind == V_RANGE, 0))
		rename_note_sym(rn, x, y);
	return true;
}

/*
 * Are x and y one value under two names K and J: every location holding K on the stored side
 * holds J on the incoming side with the same facts, and the other way round (a name ever paired
 * with two different things, or with no name, is not one value)? The location asking is one of
 * them; when the buckets of K and J hold one note each, it is the only one.
 */
static bool renamed(const struct ts_meet_scratch *rn, const struct ts_val *x, const struct ts_val *y)
{
	if (x->kind != V_SYM || y->kind != V_SYM || x->flags != y->flags || x->esize != y->esize || x->count != y->count)
		return false;
	int64_t k = x->off, j = y->off;
	unsigned bk = rn_bucket(k), bj = rn_bucket(j);
	/* each search is needed only where the buckets do not already answer it */
	if (rn->count.nk[bk] != 1 || rn->count.nj[bj] != 1) {
		for (int i = 0; i < rn->n; i++) {
			const struct rn_note *e = &rn->note[i];
			if (e->ks && e->k == k && !(e->js && e->j == j && !e->fd))
				return false;
			if (e->js && e->j == j && !(e->ks && e->k == k && !e->fd))
				return false;
		}
	}
	/* a location holding one name on both sides pairs it with itself */
	if (rn->count.ns[bk] || rn->count.ns[bj]) {
		for (int i = 0; i < rn->nsame; i++)
			if ((rn->same[i] == k) != (rn->same[i] == j))
				return false;
	}
	return true;
}

/* Number of low bytes outside which v is known to be zero (0: not known). */
static unsigned zero_above(const struct ts_val *v)
{
	switch (v->kind) {
	case V_CONST:
		if (v->off < 0)
			return 0;
		return v->off < 0x100 ? 1 : v->off < 0x10000 ? 2 : v->off <= 0xffffffffll ? 4 : 8;
	case V_RANGE:
		if (v->reg)
			return 0;
		return (uint64_t)v->count * v->esize < 0x100 ? 1 : (uint64_t)v->count * v->esize < 0x10000 ? 2 : 4;
	case V_SYM:
		return v->esize ? v->esize : (v->flags & TS_VF_Z32) ? 4 : 0;
	default:
		return 0;
	}
}

/* An upper bound of v as an unsigned index (a small constant, a whole unscaled RANGE, a SYM met
 * from such values): false when none is known. */
static bool upper_bound(const struct ts_val *v, uint32_t *ub)
{
	if (v->kind == V_CONST && v->off >= 0 && v->off <= 0xffff)
		*ub = (uint32_t)v->off;
	else if ((v->kind == V_RANGE && !v->reg && v->esize == 1) || (v->kind == V_SYM && v->count))
		*ub = v->count;
	else
		return false;
	return true;
}

static bool val_meet_differing(struct ts_val *x, const struct ts_val *y, const struct ts_meet_scratch *rn,
			       int64_t phi)
{
	if (renamed(rn, x, y))
		return false;
	/* a computed goto's target: an entry of a label-offset table plus its label on one path,
	 * the label itself on another (glibc's vfprintf jumps to &&do_form_unknown + 0 for a
	 * character outside the tables); the union is exact: the table's targets and the base */
	if (x->kind == V_JTSUM && y->kind == V_CONST && y->off == x->aux) {
		bool changed = !(x->flags & TS_VF_WITHBASE);
		x->flags |= TS_VF_WITHBASE;
		return changed;
	}
	if (x->kind == V_CONST && y->kind == V_JTSUM && x->off == y->aux) {
		*x = *y;
		x->flags |= TS_VF_WITHBASE;
		return true;
	}
	/* the same table reached with different bounds (a compare seen on one path only): the
	 * larger set of entries, implicit if either bound was */
	const uint8_t loose = TS_VF_WITHBASE | TS_VF_IMPLICIT;
	/* the entry before the base is added: clang selects `offset = in range ? T[i] : 0` and
	 * adds the label once (`lea base(%rcx),%rax`); "or zero" becomes "or the base" then */
	if (x->kind == V_JTENT && y->kind == V_CONST && y->off == 0) {
		bool changed = !(x->flags & TS_VF_WITHBASE);
		x->flags |= TS_VF_WITHBASE;
		return changed;
	}
	if (x->kind == V_CONST && x->off == 0 && y->kind == V_JTENT) {
		*x = *y;
		x->flags |= TS_VF_WITHBASE;
		return true;
	}
	if (x->kind == y->kind && (x->kind == V_JTSUM || x->kind == V_JTENT) && x->off == y->off && x->aux == y->aux &&
	    x->esize == y->esize && (x->flags & ~loose) == (y->flags & ~loose)) {
		struct ts_val m = *x;
		m.flags |= y->flags;
		if (y->count > m.count)
			m.count = y->count;
		bool changed = !val_eq(&m, x);
		*x = m;
		return changed;
	}
	if (x->kind == V_RANGE && y->kind == V_RANGE && x->esize == y->esize && x->reg == y->reg) {
		bool changed = false;
		if (y->count > x->count) {
			x->count = y->count;
			changed = true;
		}
		if (x->aux != y->aux && x->aux != phi + 1) {
			x->aux = phi + 1; /* the bounded value is named by the join point, like others */
			changed = true;
		}
		return changed;
	}
	/* a value and the same value bounded on another path: the identity survives, the bound not */
	if (x->kind == V_SYM && y->kind == V_RANGE && y->aux == x->off + 1)
		return false;
	if (x->kind == V_RANGE && x->aux && y->kind == V_SYM && x->aux == y->off + 1) {
		*x = *y;
		return true;
	}
	/* An upper bound both sides have survives: constants met keep their largest as a bound
	 * (SYM count), which a bounded index meeting them later keeps (RANGE). A dispatch loop's
	 * state is a constant on entry and on a jump threaded past its compare (5 and 1: a SYM
	 * at most 5) before its cases bring the compare-bounded values (a RANGE): met in any
	 * order, the index stays bounded (seeded a64 case 41). */
	uint32_t bx, by, ub = 0;
	if (upper_bound(x, &bx) && upper_bound(y, &by)) {
		ub = bx > by ? bx : by;
		if (ub && (x->kind == V_RANGE || y->kind == V_RANGE)) {
			uint8_t fl = (uint8_t)(((x->kind == V_RANGE ? x->flags : 0) | (y->kind == V_RANGE ? y->flags : 0)) &
					       TS_VF_IMPLICIT);
			struct ts_val m = { .kind = V_RANGE, .esize = 1, .flags = fl, .count = ub, .aux = phi + 1 };
			bool changed = !val_eq(&m, x);
			*x = m;
			return changed;
		}
	}
	/* what both sides know about the upper bytes survives */
	unsigned zx = zero_above(x), zy = zero_above(y);
	uint8_t esize = zx && zy ? (uint8_t)(zx > zy ? zx : zy) : 0;
	uint8_t flags = x->kind == V_SYM && y->kind == V_SYM ? (uint8_t)(x->flags & y->flags) : 0;
	if (x->kind == V_SYM && x->off == phi) {
		bool changed = esize != x->esize || flags != x->flags || ub != x->count;
		x->esize = esize;
		x->flags = flags;
		x->count = ub;
		return changed;
	}
	*x = (struct ts_val){ .kind = V_SYM, .off = phi, .esize = esize, .flags = flags, .count = ub };
	return true;
}

static int64_t phi_reg(uint32_t join, unsigned r) { return (int64_t)((1ull << 61) | ((uint64_t)join << 8) | r); }

static int64_t phi_slot(uint32_t join, const struct ts_slot *t)
{
	if (t->anchor == V_VLA) /* the realigned frame's bit (the two never meet in one function),
				 * the multiple of VG in the offset's upper half */
		return (int64_t)((1ull << 62) | ((uint64_t)join << 34) | (1ull << 33) |
				 ((uint32_t)t->off ^ ((uint32_t)(uint16_t)t->vg << 16)));
	return (int64_t)((1ull << 62) | ((uint64_t)join << 34) | ((uint64_t)(t->anchor == V_ALN) << 33) |
			 (uint32_t)t->off);
}

/* The met value of one location, x on the stored side and y incoming, into *r; whether it
 * differs from x. (val_meet leaves x as it was when it returns false.) */
static inline bool val_met(const struct ts_val *x, const struct ts_val *y, struct ts_meet_scratch *rn, int64_t phi,
			   struct ts_val *r)
{
	if (val_eq(x, y))
		return false;
	*r = *x;
	return val_meet_differing(r, y, rn, phi);
}

bool ts_state_meet(const struct ts_arch *a, struct ts_state *out, const struct ts_state *s, const struct ts_state *o,
		   uint32_t join, struct ts_meet_scratch *rn)
{
	static const struct ts_val none = { 0 };
	/* Most meets change nothing (62% on sqlite3.o): the result is written into out, as a copy
	 * of s, only from the first location that changes on. Each location's meet depends only on
	 * the notes (taken from s and o before anything changes) and on its own two values, so
	 * reading s up to that point and w after it is the same as working on a copy throughout. */
	struct ts_state *w = NULL;
	bool changed = false;
	rn->n = rn->nsame = 0;
	memset(&rn->count, 0, sizeof(rn->count));
#define MATERIALISE() do { if (!w) { if (out != s) ts_state_copy(out, s); w = out; } } while (0)
	/* Only the architecture's registers meet: above a->nregs there is nothing (x86-64 tracks 17
	 * of the 33) but the decoder's scratch register, whose value lives within one instruction.
	 * One pass notes the identities and which locations differ at all (most do not): the meet
	 * proper visits only those. */
	uint64_t dregs = 0;
	for (unsigned r = 0; r < a->nregs; r++)
		if (rename_note(rn, &s->regs[r], &o->regs[r]))
			dregs |= 1ull << r;
	/* Pair the slots of the two sides once (a state holds each place at most once, so the
	 * first match is the only one). Both sides usually list the same places in the same order:
	 * try the same index before searching. */
	int8_t pair[TS_MAX_SLOTS];
	bool paired[TS_MAX_SLOTS] = { false };
	uint32_t dslots = 0; /* slots that differ, have no partner, or hold nothing */
	int ndslots = 0;
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		int j = i < o->nslots && slot_same_place(t, &o->slots[i]) ? i : slot_find_place(o, t);
		pair[i] = (int8_t)j;
		if (j >= 0)
			paired[j] = true;
		if (rename_note(rn, &t->v, j >= 0 ? &o->slots[j].v : &none) || j < 0 || t->v.kind == V_UNK) {
			dslots |= 1u << i;
			ndslots++;
		}
	}
	/* identities present on one side only, in slots the other side lacks, break the pairing */
	if (o->nslots > s->nslots - ndslots) {
		for (int j = 0; j < o->nslots; j++) {
			if (!paired[j])
				rename_note(rn, &none, &o->slots[j].v);
		}
	}
	for (uint64_t m = dregs; m; m &= m - 1) {
		unsigned r = (unsigned)__builtin_ctzll(m);
		struct ts_val v = s->regs[r];
		if (val_meet_differing(&v, &o->regs[r], rn, phi_reg(join, r))) {
			MATERIALISE();
			w->regs[r] = v;
			changed = true;
		}
	}
	/* the slots: read-only up to the first that changes (or goes) */
	int i = s->nslots;
	if (!w) {
		for (uint32_t m = dslots; m; m &= m - 1) {
			int k = __builtin_ctz(m);
			const struct ts_slot *t = &s->slots[k];
			struct ts_val v;
			if (pair[k] < 0 || t->v.kind == V_UNK ||
			    val_met(&t->v, &o->slots[pair[k]].v, rn, phi_slot(join, t), &v)) {
				i = k;
				break;
			}
		}
		if (i < s->nslots)
			MATERIALISE();
	} else {
		i = dslots ? __builtin_ctz(dslots) : s->nslots;
	}
	if (w) {
		for (; i < w->nslots;) {
			struct ts_slot *t = &w->slots[i];
			int j = pair[i];
			if (j < 0) {
				pair[i] = pair[w->nslots - 1];
				*t = w->slots[--w->nslots];
				changed = true;
				continue;
			}
			struct ts_val v;
			if (val_met(&t->v, &o->slots[j].v, rn, phi_slot(join, t), &v)) {
				t->v = v;
				changed = true;
			}
			if (t->v.kind == V_UNK) {
				pair[i] = pair[w->nslots - 1];
				*t = w->slots[--w->nslots];
				continue;
			}
			i++;
		}
	}
	/* remembered loads: kept where both sides remember the same */
	const struct ts_state *r = w ? w : s;
	for (int k = 0; k < r->nloads;) {
		bool found = false;
		for (int j = 0; j < o->nloads && !found; j++)
			found = load_eq(&r->loads[k], &o->loads[j]) && val_eq(&r->loads[k].v, &o->loads[j].v);
		if (found) {
			k++;
			continue;
		}
		MATERIALISE();
		r = w;
		memmove(&w->loads[k], &w->loads[k + 1], sizeof(w->loads[0]) * (size_t)(w->nloads - k - 1));
		w->nloads--;
		changed = true;
	}
	if (s->soft && !o->soft) {
		MATERIALISE();
		w->soft = false;
		changed = true;
	}
	if (!s->fp_may_orig && o->fp_may_orig) {
		MATERIALISE();
		w->fp_may_orig = true;
		changed = true;
	}
	if (!s->fp_misplaced && o->fp_misplaced) {
		MATERIALISE();
		w->fp_misplaced = true;
		changed = true;
	}
	if (!s->ra_lost && o->ra_lost) {
		MATERIALISE();
		w->ra_lost = true;
		changed = true;
	}
	if (!s->bc_lost && o->bc_lost) {
		MATERIALISE();
		w->bc_lost = true;
		changed = true;
	}
	if ((s->cmp_kind != o->cmp_kind || s->cmp_a != o->cmp_a || s->cmp_b != o->cmp_b || s->cmp_imm != o->cmp_imm) &&
	    s->cmp_kind != TS_CMP_CLOBBER) {
		MATERIALISE();
		w->cmp_kind = TS_CMP_CLOBBER;
		changed = true;
	}
#undef MATERIALISE
	if (!changed)
		return false;
	if (o->next_sym > w->next_sym)
		w->next_sym = o->next_sym; /* not a change of meaning */
	return true;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static int slot_with(const struct ts_state *s, const struct ts_val *v, uint8_t anchor)
{
	for (int i = 0; i < s->nslots; i++)
		if (s->slots[i].size == 8 && s->slots[i].anchor == anchor && val_eq(&s->slots[i].v, v))
			return i;
	return -1;
}

bool ts_state_ra_only_in_reg(const struct ts_arch *a, const struct ts_state *s)
{
	const struct ts_val ra = { .kind = V_ORIG, .reg = a->ra };
	if (!val_eq(&s->regs[a->ra], &ra))
		return false;
	for (unsigned r = 0; r < TS_MAX_REGS; r++)
		if (r != a->ra && val_eq(&s->regs[r], &ra))
			return false; /* a copy in another register (mov x9, x30) */
	for (int i = 0; i < s->nslots; i++)
		if (val_eq(&s->slots[i].v, &ra))
			return false;
	return true;
}

bool ts_state_callers_regs_dropped(const struct ts_arch *a, const struct ts_state *s)
{
	uint64_t kept = 0; /* the callee-saved registers whose caller's value is still somewhere */
	for (unsigned r = 0; r < TS_MAX_REGS; r++)
		if (s->regs[r].kind == V_ORIG && s->regs[r].reg < 64)
			kept |= 1ull << s->regs[r].reg;
	for (int i = 0; i < s->nslots; i++)
		if (s->slots[i].v.kind == V_ORIG && s->slots[i].v.reg < 64)
			kept |= 1ull << s->slots[i].v.reg;
	uint64_t others = a->callee_saved & ~(1ull << a->sp) & ~(1ull << a->fp);
	return others && !(kept & others);
}

bool ts_state_has_frame_record(const struct ts_arch *a, const struct ts_state *s)
{
	const struct ts_val fp = { .kind = V_ORIG, .reg = a->fp }, ra = { .kind = V_ORIG, .reg = a->ra };
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		if (t->size != 8 || !val_eq(&t->v, &fp) || t->anchor == V_SHD)
			continue;
		int j = slot_find(s, t->anchor, t->vg, (int64_t)t->off + 8, 8);
		if (j >= 0 && val_eq(&s->slots[j].v, &ra))
			return true;
	}
	return false;
}

bool ts_state_frame_established(const struct ts_arch *a, const struct ts_state *s)
{
	const struct ts_val *fp = &s->regs[a->fp];
	int16_t vg = 0; /* V_VLA: the frame record lies in an SVE frame */
	if (!is_anchor(fp)) {
		if (fp->kind != V_VLA)
			return false;
		vg = (int16_t)fp->aux;
	}
	int i = slot_find(s, fp->kind, vg, fp->off, 8);
	if (i < 0 || s->slots[i].v.kind != V_ORIG || s->slots[i].v.reg != a->fp)
		return false;
	int j = slot_find(s, fp->kind, vg, fp->off + 8, 8);
	return j >= 0 && s->slots[j].v.kind == V_ORIG && s->slots[j].v.reg == a->ra;
}

/* Where a slot of an SVE frame (anchor V_VLA) holds want: at fp or sp + k, whichever register
 * has the slot's multiple of VG (fp first, as for realigned frames); undefined if none. */
static __attribute__((noinline)) struct trustack_loc vla_slot_loc(const struct ts_arch *a, const struct ts_state *s,
								   const struct ts_val *want)
{
	struct trustack_loc l = { 0 };
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *t = &s->slots[i];
		if (t->anchor != V_VLA || t->size != 8 || !val_eq(&t->v, want))
			continue;
		const uint8_t cand[2] = { a->fp, a->sp };
		for (int c = 0; c < 2; c++) {
			const struct ts_val *v = &s->regs[cand[c]];
			if (v->kind == V_VLA && v->aux == t->vg && t->off - v->off >= INT32_MIN &&
			    t->off - v->off <= INT32_MAX) {
				l.kind = TRUSTACK_LOC_AT_REG;
				l.reg = cand[c];
				l.offset = (int32_t)(t->off - v->off);
				return l;
			}
		}
	}
	return l;
}

struct trustack_loc ts_state_loc(const struct ts_arch *a, const struct ts_state *s, unsigned r)
{
	struct trustack_loc l = { 0 };
	struct ts_val want = { .kind = V_ORIG, .reg = (uint8_t)r };
	if (r < TS_MAX_REGS && val_eq(&s->regs[r], &want) && (r != a->ra || a->ra_in_reg)) {
		l.kind = TRUSTACK_LOC_SAME;
		return l;
	}
	/* a slot below the stack pointer (already popped) is the last choice: a copy in a register
	 * survives what may overwrite that memory (vfork's child, the next call) */
	int i = slot_with(s, &want, V_CFA);
	const struct ts_val *sp = &s->regs[a->sp];
	bool dead = i >= 0 && sp->kind == V_CFA && s->slots[i].off < sp->off;
	if (i >= 0 && !dead) {
		l.kind = TRUSTACK_LOC_AT_CFA;
		l.offset = s->slots[i].off;
		return l;
	}
	int dead_slot = i;
	i = slot_with(s, &want, V_ALN);
	if (i >= 0) {
		/* relative to a register that points into the realigned frame */
		const uint8_t cand[2] = { a->fp, a->sp };
		for (int c = 0; c < 2; c++) {
			const struct ts_val *v = &s->regs[cand[c]];
			if (v->kind == V_ALN) {
				l.kind = TRUSTACK_LOC_AT_REG;
				l.reg = cand[c];
				l.offset = (int32_t)(s->slots[i].off - v->off);
				return l;
			}
		}
	}
	for (unsigned q = 0; q < a->nregs; q++) {
		if (q != r && val_eq(&s->regs[q], &want)) {
			l.kind = TRUSTACK_LOC_IN_REG;
			l.reg = (uint8_t)q;
			return l;
		}
	}
	if (dead_slot < 0 && (s->regs[a->sp].kind == V_VLA || s->regs[a->fp].kind == V_VLA))
		/* saved in an SVE frame below its vector-sized areas: relative to a register that
		 * points there with the same multiple of VG */
		return vla_slot_loc(a, s, &want);
	if (dead_slot >= 0) {
		l.kind = TRUSTACK_LOC_AT_CFA;
		l.offset = s->slots[dead_slot].off;
	}
	return l;
}

bool ts_state_reg_is_cfa_plus(const struct ts_state *s, unsigned r, int64_t k)
{
	return r < TS_MAX_REGS && s->regs[r].kind == V_CFA && s->regs[r].off == k;
}

bool ts_state_reg_is_cfa_plus_vg(const struct ts_state *s, unsigned r, int64_t k, int64_t m)
{
	if (!m)
		return ts_state_reg_is_cfa_plus(s, r, k);
	return r < TS_MAX_REGS && s->regs[r].kind == V_VLA && s->regs[r].off == k && s->regs[r].aux == m;
}

bool ts_state_holds(const struct ts_arch *a, const struct ts_state *s, unsigned r, const struct trustack_loc *loc)
{
	struct ts_val want = { .kind = V_ORIG, .reg = (uint8_t)r };
	switch (loc->kind) {
	case TRUSTACK_LOC_SAME:
		return r < TS_MAX_REGS && val_eq(&s->regs[r], &want) && (r != a->ra || a->ra_in_reg);
	case TRUSTACK_LOC_IN_REG:
		return loc->reg < a->nregs && val_eq(&s->regs[loc->reg], &want);
	case TRUSTACK_LOC_AT_CFA: {
		int i = slot_find(s, V_CFA, 0, loc->offset, 8);
		return i >= 0 && val_eq(&s->slots[i].v, &want);
	}
	case TRUSTACK_LOC_AT_REG: {
		/* a slot below an SVE area, named from a register that points into that part of
		 * the frame (gcc's `DW_CFA_expression: r30 (DW_OP_breg31 (sp): 8)` where the
		 * analysis names it from x29, or the other way round) */
		const struct ts_val *b = loc->reg < TS_MAX_REGS ? &s->regs[loc->reg] : NULL;
		if (!b || b->kind != V_VLA)
			return false;
		int i = slot_find(s, V_VLA, (int16_t)b->aux, wadd(b->off, loc->offset), 8);
		return i >= 0 && val_eq(&s->slots[i].v, &want);
	}
	default:
		return false;
	}
}

/* Whether ts_state_row would find a CFA rule, without computing the row: some tracked register
 * holds CFA+k, or a slot of the realigned frame holds the CFA and FP or SP points into that
 * frame. (The row's choices all come down to these two; step() asks this at every
 * instruction, and the full row costs the saved-register searches besides.) */
bool ts_state_cfa_known(const struct ts_arch *a, const struct ts_state *s)
{
	for (unsigned r = 0; r < a->nregs; r++)
		if (s->regs[r].kind == V_CFA)
			return true;
	if (s->regs[a->sp].kind == V_VLA || s->regs[a->fp].kind == V_VLA)
		return true; /* CFA = reg - k - m * VG (TRUSTACK_CFA_REG_VG) */
	if (s->regs[a->fp].kind != V_ALN && s->regs[a->sp].kind != V_ALN)
		return false;
	struct ts_val cfa0 = vrel(V_CFA, 0);
	return slot_with(s, &cfa0, V_ALN) >= 0;
}

_Static_assert((int)TS_RS_NONE == (int)TRUSTACK_RA_PLAIN && (int)TS_RS_A == (int)TRUSTACK_RA_SIGNED_A &&
		       (int)TS_RS_B == (int)TRUSTACK_RA_SIGNED_B,
	       "the row's signing state is the state's");

void ts_state_row(const struct ts_arch *a, const struct ts_state *s, struct trustack_row *row)
{
	memset(row, 0, sizeof(*row));
	const struct ts_val *fp = &s->regs[a->fp], *sp = &s->regs[a->sp];
	if (fp->kind == V_CFA && ts_state_frame_established(a, s)) {
		row->cfa_kind = TRUSTACK_CFA_REG, row->cfa_reg = a->fp, row->cfa_offset = (int32_t)-fp->off;
	} else if (sp->kind == V_CFA) {
		row->cfa_kind = TRUSTACK_CFA_REG, row->cfa_reg = a->sp, row->cfa_offset = (int32_t)-sp->off;
	} else {
		/* a slot in the realigned frame holding the CFA (DRAP spilled) */
		struct ts_val cfa0 = vrel(V_CFA, 0);
		int i = slot_with(s, &cfa0, V_ALN);
		/* a slot already popped is the last choice (see ts_state_loc): the DRAP register itself
		 * may hold the CFA again by then (the epilogue's "pop %r10; pop %rbp") */
		if (i >= 0 && sp->kind == V_ALN && s->slots[i].off < sp->off) {
			for (unsigned r = 0; r < a->nregs; r++) {
				if (s->regs[r].kind == V_CFA) {
					row->cfa_kind = TRUSTACK_CFA_REG, row->cfa_reg = (uint8_t)r;
					row->cfa_offset = (int32_t)-s->regs[r].off;
					i = -1;
					break;
				}
			}
		}
		if (row->cfa_kind) {
			/* chosen above */
		} else if (i >= 0 && (fp->kind == V_ALN || sp->kind == V_ALN)) {
			uint8_t base = fp->kind == V_ALN ? a->fp : a->sp;
			row->cfa_kind = TRUSTACK_CFA_DEREF, row->cfa_reg = base;
			row->cfa_offset = (int32_t)(s->slots[i].off - s->regs[base].off);
		} else if (fp->kind == V_CFA) {
			row->cfa_kind = TRUSTACK_CFA_REG, row->cfa_reg = a->fp, row->cfa_offset = (int32_t)-fp->off;
		} else if (sp->kind == V_VLA || fp->kind == V_VLA) {
			/* an SVE frame: the frame pointer once it holds the frame, as above, else sp */
			bool use_fp = fp->kind == V_VLA && (sp->kind != V_VLA || ts_state_frame_established(a, s));
			const struct ts_val *b = use_fp ? fp : sp;
			row->cfa_kind = TRUSTACK_CFA_REG_VG, row->cfa_reg = use_fp ? a->fp : a->sp;
			row->cfa_offset = (int32_t)-b->off, row->cfa_vg = (int16_t)-b->aux;
		} else {
			for (unsigned r = 0; r < a->nregs; r++) {
				if (s->regs[r].kind == V_CFA) {
					row->cfa_kind = TRUSTACK_CFA_REG, row->cfa_reg = (uint8_t)r;
					row->cfa_offset = (int32_t)-s->regs[r].off;
					break;
				}
			}
		}
	}
	row->ra = ts_state_loc(a, s, a->ra);
	row->fp = ts_state_loc(a, s, a->fp);
	if (a->ra_in_reg && row->ra.kind == TRUSTACK_LOC_SAME) {
		/* A link-register machine: once the return address is saved in the frame (arm64
		 * `stp x29, x30, [sp, #-16]!`), the row names the slot while it is live, though x30
		 * still holds the value until the first call. Both are true; the slot is what the
		 * compilers' CFI says, and what SFrame can say next to a saved frame pointer (its
		 * AArch64 FP word needs an RA word before it). */
		struct ts_val ra = { .kind = V_ORIG, .reg = a->ra };
		int i = slot_with(s, &ra, V_CFA);
		/* live: at or above sp; with sp not CFA-relative (alloca, a realigned frame) the
		 * function is in its body, below its frame record */
		if (i >= 0 && (sp->kind != V_CFA || s->slots[i].off >= sp->off)) {
			row->ra.kind = TRUSTACK_LOC_AT_CFA;
			row->ra.offset = s->slots[i].off;
		}
	}
	/* the PAC state of the return address (TS_RS_* are trustack_ra_sign's values) */
	row->ra_sign = s->ra_sign;
}

enum ts_backchain ts_state_backchain(const struct ts_arch *a, const struct ts_state *s)
{
	const struct ts_val *sp = &s->regs[a->sp];
	if (sp->kind != V_CFA)
		return TS_BC_UNKNOWN;
	if (sp->off >= a->entry_sp_offset)
		return TS_BC_NO_FRAME;
	int i = slot_find(s, V_CFA, 0, sp->off, 8);
	if (i < 0)
		return TS_BC_MISSING;
	const struct ts_val *v = &s->slots[i].v;
	if (v->kind == V_CFA && v->off == a->entry_sp_offset)
		return TS_BC_STORED;
	if (v->kind == V_CONST && v->off == 0)
		return TS_BC_END;
	/* an unknown value may be the chain copied through memory the analysis cannot follow
	 * (gcc's alloca and VLAs copy it to the new stack pointer and back) */
	return v->kind == V_SYM || v->kind == V_UNK || v->kind == V_RANGE ? TS_BC_MISSING : TS_BC_WRONG;
}

bool ts_state_frame_intact(const struct ts_arch *a, const struct ts_state *s, int64_t sp_adjust, char *why,
			   size_t whylen)
{
	const struct ts_val *sp = &s->regs[a->sp];
	int64_t want = a->entry_sp_offset + sp_adjust;
	if (sp->kind == V_VLA) {
		snprintf(why, whylen, "stack pointer at cfa%+lld%+lld*vg (an SVE area not released), expected cfa%+lld",
			 (long long)sp->off, (long long)sp->aux, (long long)want);
		return false;
	}
	if (sp->kind != V_CFA) {
		snprintf(why, whylen, "stack pointer not restored (unknown relative to the CFA)");
		return false;
	}
	if (sp->off != want) {
		snprintf(why, whylen, "stack pointer at cfa%+lld, expected cfa%+lld", (long long)sp->off,
			 (long long)want);
		return false;
	}
	struct trustack_loc ra = ts_state_loc(a, s, a->ra);
	bool ra_ok = a->ra_in_reg ? ra.kind == TRUSTACK_LOC_SAME
				  : (ra.kind == TRUSTACK_LOC_AT_CFA && ra.offset == a->ra_cfa_offset);
	if (!ra_ok && !s->ra_lost) { /* a lost one was reported where it was lost */
		snprintf(why, whylen, "return address overwritten");
		return false;
	}
	for (unsigned r = 0; r < a->nregs; r++) {
		if (!((a->callee_saved >> r) & 1))
			continue;
		struct ts_val want_v = { .kind = V_ORIG, .reg = (uint8_t)r };
		if (val_eq(&s->regs[r], &want_v))
			continue;
		struct trustack_loc l = ts_state_loc(a, s, r);
		/* A callee-saved register that was saved must come back. One never saved and changed
		 * is the function's own business, except the frame pointer, which the caller's
		 * unwinding depends on. */
		if (l.kind == TRUSTACK_LOC_UNDEFINED && r != a->fp)
			continue;
		snprintf(why, whylen, "%s not restored", a->reg_name(r));
		return false;
	}
	return true;
}
