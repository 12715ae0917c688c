/*
 * state_test.c - properties of the state lattice (lib/analysis/state.h) on random states.
 *
 * What "equal" and "less or equal" mean comes from ts_state_meet()'s contract: meet(s, o) at a
 * join returns false when s already covers o (nothing to change). So
 *     o <= s   iff   meet(s, o) returns false,
 *     o == s   iff   o <= s and s <= o,
 * both at the join the states were met at (a value the meet could not keep becomes an identity
 * named after the join and the location: at that join it covers every value, elsewhere not).
 * Identities (SYM) are names: two states that differ only by a consistent renaming are equal.
 *
 * Random states are made the way the analysis makes them: the entry state, then a random run of
 * real x86-64 instructions (decoded by the library's decoder, applied by ts_state_apply), calls,
 * refinements at conditional jumps, and meets with other random states. Fixed seed, so a failure
 * reproduces. Checked:
 *   meet: idempotent; commutative; an upper bound of both sides; monotone
 *         (a <= a' implies meet(a, b) <= meet(a', b); see not_monotone() for the one
 *         exception by design);
 *   apply: deterministic; keeps the state's invariants (slot count, distinct slot places, no
 *         slot holding nothing, the zero field); commutes with renaming identities (applying
 *         an instruction to a renamed state gives the renamed result).
 * Prints one PASS/FAIL line per property; exit status 1 when any failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/state.h"

#define EM_X86_64_NUMBER 62 /* the ELF machine number, without <elf.h> */
#ifndef TRIALS
#define TRIALS 20000
#endif
#define JOIN 7              /* the join of the meets under test */

static const struct ts_arch *arch;
static struct ts_decoder *dec;
static struct ts_meet_scratch scratch;
static uint64_t rng = 0x5eed5eed12345678ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Instructions that move stack, frame and indexes: what the state models. */
static const struct { const char *what; uint8_t len, b[8]; } pool[] = {
	{ "push %rbp", 1, { 0x55 } },
	{ "push %rbx", 1, { 0x53 } },
	{ "push %r12", 2, { 0x41, 0x54 } },
	{ "pop %rbp", 1, { 0x5d } },
	{ "pop %rbx", 1, { 0x5b } },
	{ "mov %rsp,%rbp", 3, { 0x48, 0x89, 0xe5 } },
	{ "mov %rbp,%rsp", 3, { 0x48, 0x89, 0xec } },
	{ "mov %rsp,%rbx", 3, { 0x48, 0x89, 0xe3 } },
	{ "sub $0x20,%rsp", 4, { 0x48, 0x83, 0xec, 0x20 } },
	{ "add $0x20,%rsp", 4, { 0x48, 0x83, 0xc4, 0x20 } },
	{ "and $-16,%rsp", 4, { 0x48, 0x83, 0xe4, 0xf0 } },
	{ "lea 0x10(%rsp),%rax", 5, { 0x48, 0x8d, 0x44, 0x24, 0x10 } },
	{ "mov %rax,0x8(%rsp)", 5, { 0x48, 0x89, 0x44, 0x24, 0x08 } },
	{ "mov 0x8(%rsp),%rax", 5, { 0x48, 0x8b, 0x44, 0x24, 0x08 } },
	{ "mov %rcx,-0x8(%rbp)", 4, { 0x48, 0x89, 0x4d, 0xf8 } },
	{ "mov -0x8(%rbp),%rcx", 4, { 0x48, 0x8b, 0x4d, 0xf8 } },
	{ "mov %rbx,%rax", 3, { 0x48, 0x89, 0xd8 } },
	{ "xor %eax,%eax", 2, { 0x31, 0xc0 } },
	{ "mov $5,%eax", 5, { 0xb8, 0x05, 0x00, 0x00, 0x00 } },
	{ "cmp $7,%eax", 3, { 0x83, 0xf8, 0x07 } },
	{ "cmp $7,%rdi", 4, { 0x48, 0x83, 0xff, 0x07 } },
	{ "movzbl %al,%ecx", 3, { 0x0f, 0xb6, 0xc8 } },
	{ "movslq %eax,%rdx", 3, { 0x48, 0x63, 0xd0 } },
	{ "shl $3,%rdx", 4, { 0x48, 0xc1, 0xe2, 0x03 } },
	{ "add %rdx,%rax", 3, { 0x48, 0x01, 0xd0 } },
	{ "xchg %rax,%rbx", 2, { 0x48, 0x93 } },
	{ "mov (%rax),%rcx", 3, { 0x48, 0x8b, 0x08 } },
	{ "movslq (%rdx,%rdi,4),%rax", 4, { 0x48, 0x63, 0x04, 0xba } },
	{ "lea 0x100(%rip),%rdx", 7, { 0x48, 0x8d, 0x15, 0x00, 0x01, 0x00, 0x00 } },
	{ "leave", 1, { 0xc9 } },
	{ "push $0", 2, { 0x6a, 0x00 } },
	{ "mov %edi,0xc(%rsp)", 4, { 0x89, 0x7c, 0x24, 0x0c } },
	{ "mov 0xc(%rsp),%edi", 4, { 0x8b, 0x7c, 0x24, 0x0c } },
};
#define NPOOL (sizeof(pool) / sizeof(pool[0]))
static struct ts_insn insns[NPOOL], ja;

static int failures;

static void result(const char *name, unsigned bad, unsigned tried)
{
	if (!bad)
		printf("PASS units/state-%s (%u cases)\n", name, tried);
	else {
		printf("FAIL units/state-%s: %u of %u cases\n", name, bad, tried);
		failures++;
	}
}

static void decode_pool(void)
{
	for (size_t i = 0; i < NPOOL; i++)
		if (arch->decode(dec, pool[i].b, pool[i].len, 0x1000, &insns[i]) != pool[i].len) {
			printf("FAIL units/state-decode: %s does not decode\n", pool[i].what);
			exit(1);
		}
	static const uint8_t jab[] = { 0x77, 0x10 }; /* ja .+0x12 */
	arch->decode(dec, jab, sizeof(jab), 0x1000, &ja);
}

static void random_state(struct ts_state *s, int depth);

/* A value of any kind, from small pools so that two states often hold the same kind at the
 * same place with different details (bounds, offsets, names). Identities only from those the
 * path has drawn (below next_sym), as the analysis' are. */
/* Constants of every width (the meet keeps how many low bytes hold the value) */
static int64_t random_const(void)
{
	static const int64_t c[] = { 0, 0x10, 0x1000, 0x1008, 0x12345, 0x100000000ll, -1 };
	return c[rnd(sizeof(c) / sizeof(c[0]))];
}

static struct ts_val random_val(const struct ts_state *s)
{
	static const uint8_t kinds[] = { V_UNK, V_CFA, V_ALN, V_ORIG, V_CONST, V_RANGE, V_JTENT, V_JTSUM, V_SYM, V_STRIDED };
	struct ts_val v = { .kind = kinds[rnd(sizeof(kinds))] };
	int64_t name = s->next_sym ? (int64_t)rnd(s->next_sym) : 0;
	switch (v.kind) {
	case V_CFA: case V_ALN: v.off = -8 * (int64_t)rnd(4); break;
	case V_ORIG: v.reg = (uint8_t)rnd(arch->nregs); break;
	case V_CONST: v.off = random_const(); break;
	case V_RANGE: v.count = 1 + rnd(4); v.esize = (uint8_t)(1u << rnd(4)); v.aux = rnd(2) ? name + 1 : 0; break;
	case V_JTENT: case V_JTSUM:
		v.off = 0x2000; v.aux = 0x1000 * rnd(2); v.esize = 4; v.count = rnd(4); v.flags = (uint8_t)(rnd(2) * TS_VF_IMPLICIT);
		break;
	case V_SYM: v.off = name; v.flags = (uint8_t)(rnd(3) == 0 ? TS_VF_Z32 : 0); v.esize = (uint8_t)(rnd(3) == 0 ? 4 : 0); break;
	case V_STRIDED: v.off = 0x3000; v.esize = 64; v.count = 1 + rnd(3); break;
	}
	return v;
}

/* The same kind of value with other details: another path's version of it. */
static void tweak(const struct ts_state *s, struct ts_val *v)
{
	int64_t name = s->next_sym ? (int64_t)rnd(s->next_sym) : 0;
	switch (v->kind) {
	case V_CFA: case V_ALN: v->off += 8 * (int64_t)rnd(3); break;
	case V_CONST: v->off = random_const(); break;
	case V_RANGE: case V_STRIDED: v->count = 1 + rnd(6); break;
	case V_JTENT: case V_JTSUM: v->count = rnd(6); v->flags ^= (uint8_t)(rnd(2) * TS_VF_IMPLICIT); break;
	case V_SYM:
		if (rnd(2))
			v->off = name;
		else
			v->esize = (uint8_t)(rnd(2) ? 4 : 0), v->flags = (uint8_t)(rnd(2) ? TS_VF_Z32 : 0);
		break;
	default: break;
	}
}

/* One random step of a path: an instruction, a call, a conditional jump, or a join. */
static void random_step(struct ts_state *s, int depth)
{
	unsigned k = rnd(26);
	if (k >= 20) { /* a register or a flag the instructions above rarely produce */
		unsigned r = rnd(arch->nregs);
		if (k >= 24 && r != arch->sp)
			tweak(s, k == 24 || !s->nslots ? &s->regs[r] : &s->slots[rnd(s->nslots)].v);
		else if (k == 23)
			s->soft = !s->soft;
		else if (k == 22)
			s->fp_may_orig = !s->fp_may_orig;
		else if (r != arch->sp)
			s->regs[r] = random_val(s);
	} else if (k == 0) {
		ts_state_after_call(arch, s, arch->call_clobbered);
	} else if (k == 1) {
		ts_state_refine(arch, s, &ja, rnd(2));
	} else if (k == 2 && depth > 0) {
		struct ts_state o;
		random_state(&o, depth - 1);
		ts_state_meet(arch, s, s, &o, 1 + rnd(3), &scratch);
	} else {
		ts_state_apply(arch, NULL, s, &insns[rnd(NPOOL)]);
	}
}

static void random_state(struct ts_state *s, int depth)
{
	ts_state_entry(arch, s);
	for (unsigned n = rnd(14); n; n--)
		random_step(s, depth);
}

/* Another path from the same point: most places then hold the same kind of value on both,
 * with details that may differ, which is where the meet has work to do. */
static void diverge(struct ts_state *out, const struct ts_state *from)
{
	*out = *from;
	for (unsigned n = rnd(6); n; n--) {
		unsigned r = rnd(arch->nregs);
		if (rnd(2))
			random_step(out, 1);
		else if (out->nslots && rnd(3) == 0)
			tweak(out, &out->slots[rnd(out->nslots)].v);
		else if (r != arch->sp)
			tweak(out, &out->regs[r]);
	}
}

/* o <= s at join: s already covers o. */
static bool le(const struct ts_state *o, const struct ts_state *s, uint32_t join)
{
	struct ts_state tmp;
	return !ts_state_meet(arch, &tmp, s, o, join, &scratch);
}

static bool eq(const struct ts_state *x, const struct ts_state *y, uint32_t join)
{
	return le(x, y, join) && le(y, x, join);
}

static void meet(struct ts_state *out, const struct ts_state *a, const struct ts_state *b, uint32_t join)
{
	if (!ts_state_meet(arch, out, a, b, join, &scratch))
		*out = *a;
}

/* The state with every identity made its location's own: equal values no longer known equal,
 * everything else (offsets, bounds, widths) as it was. Remembered loads go. */
static void forget_identities(struct ts_state *s)
{
	const int64_t own = (int64_t)1 << 59;
	for (unsigned r = 0; r < TS_MAX_REGS; r++) {
		if (s->regs[r].kind == V_SYM)
			s->regs[r].off = own + r;
		if (s->regs[r].kind == V_RANGE && s->regs[r].aux)
			s->regs[r].aux = own + r + 1;
	}
	for (int i = 0; i < s->nslots; i++) {
		struct ts_val *v = &s->slots[i].v;
		int64_t place = own + 64 + 2 * (int64_t)s->slots[i].off + (s->slots[i].anchor == V_ALN);
		if (v->kind == V_SYM)
			v->off = place;
		if (v->kind == V_RANGE && v->aux)
			v->aux = place + 1;
	}
	s->nloads = 0;
}

/*
 * Monotone: a <= a2 implies meet(a, b) <= meet(a2, b). One known exception, by design: the meet
 * keeps an identity only where the names of the two sides correspond one to one over the whole
 * state, so where a2 happens to have fewer names than a (two values a told apart, a2 joined into
 * one identity), meet(a2, b) can keep an equality of two locations that meet(a, b) dropped: more
 * precise, still sound. Those cases must be monotone once identities are forgotten; they are
 * counted apart. Everything else must be monotone as it is.
 */
static unsigned not_monotone(const struct ts_state *m1, const struct ts_state *m3, unsigned *by_identity)
{
	if (le(m1, m3, JOIN))
		return 0;
	struct ts_state f1 = *m1, f3 = *m3;
	forget_identities(&f1);
	forget_identities(&f3);
	if (!le(&f1, &f3, JOIN))
		return 1;
	++*by_identity;
	return 0;
}

static void check_meet(void)
{
	unsigned idem = 0, comm = 0, upper = 0, mono = 0, mono_id = 0;
	for (unsigned t = 0; t < TRIALS; t++) {
		struct ts_state p, a, b, c, a2, m1, m2, m3;
		random_state(&p, 2);
		diverge(&a, &p);
		diverge(&b, &p);
		diverge(&c, &p);
		idem += !le(&a, &a, JOIN);
		meet(&m1, &a, &b, JOIN);
		meet(&m2, &b, &a, JOIN);
		comm += !eq(&m1, &m2, JOIN);
		upper += !le(&a, &m1, JOIN) || !le(&b, &m1, JOIN);
		/* a <= a2 (met at another join), so meet(a, b) <= meet(a2, b) */
		meet(&a2, &a, &c, JOIN + 1);
		meet(&m3, &a2, &b, JOIN);
		mono += not_monotone(&m1, &m3, &mono_id);
	}
	result("meet-idempotent", idem, TRIALS);
	result("meet-commutative", comm, TRIALS);
	result("meet-upper-bound", upper, TRIALS);
	if (!mono)
		printf("PASS units/state-meet-monotone (%u cases; %u more precise than monotone through identities)\n",
		       TRIALS, mono_id);
	else
		result("meet-monotone", mono, TRIALS);
}

/*
 * A bounded copy keeps its value's identity (RANGE, aux = identity + 1). Stored side: rax holds
 * X, rbx X bounded; incoming side: rax holds Y, rbx X unbounded. The meet must not rename Y to
 * X for rax: rbx holds X on both sides, and on the incoming one rax is not rbx. (It did, when
 * only SYM values took part in the renaming: the met state claimed rax == rbx.)
 */
static void check_bounded_identity(void)
{
	const unsigned rax = 0, rbx = 3;
	struct ts_state s, o, m;
	ts_state_entry(arch, &s);
	s.next_sym = 200;
	o = s;
	s.regs[rax] = (struct ts_val){ .kind = V_SYM, .off = 100 };
	s.regs[rbx] = (struct ts_val){ .kind = V_RANGE, .esize = 1, .count = 5, .aux = 100 + 1 };
	o.regs[rax] = (struct ts_val){ .kind = V_SYM, .off = 101 };
	o.regs[rbx] = (struct ts_val){ .kind = V_SYM, .off = 100 };
	meet(&m, &s, &o, JOIN);
	bool claims_equal = m.regs[rax].kind == V_SYM && m.regs[rbx].kind == V_SYM && m.regs[rax].off == m.regs[rbx].off;
	result("meet-bounded-identity", claims_equal, 1);
}

/* What must hold of every state the analysis makes. */
static bool well_formed(const struct ts_state *s)
{
	if (s->nslots > TS_MAX_SLOTS || s->nloads > TS_MAX_LOADS)
		return false;
	for (int i = 0; i < s->nslots; i++) {
		const struct ts_slot *x = &s->slots[i];
		if (x->v.kind == V_UNK || (x->anchor != V_CFA && x->anchor != V_ALN && x->anchor != V_VLA))
			return false;
		if ((x->anchor == V_VLA) != (x->vg != 0))
			return false; /* a VG multiple only on VLA slots, and never 0 there */
		for (int j = 0; j < i; j++)
			if (s->slots[j].anchor == x->anchor && s->slots[j].vg == x->vg && s->slots[j].off == x->off &&
			    s->slots[j].size == x->size)
				return false;
	}
	return true;
}

/* Give every identity a path drew (not the names joins give) another name. */
static void rename_val(struct ts_val *v)
{
	const int64_t shift = (int64_t)1 << 40, joins = (int64_t)1 << 60;
	if (v->kind == V_SYM && v->off < joins)
		v->off += shift;
	if (v->kind == V_SYM && (v->flags & TS_VF_OFFSET_ENTRY) && v->aux && v->aux - 1 < joins)
		v->aux += shift; /* the identity of the table the entry was loaded from */
	if (v->kind == V_RANGE && v->aux && v->aux - 1 < joins)
		v->aux += shift;
}

static void rename_state(struct ts_state *s)
{
	for (unsigned r = 0; r < TS_MAX_REGS; r++)
		rename_val(&s->regs[r]);
	for (int i = 0; i < s->nslots; i++)
		rename_val(&s->slots[i].v);
	for (int i = 0; i < s->nloads; i++) {
		rename_val(&s->loads[i].base);
		rename_val(&s->loads[i].index);
		rename_val(&s->loads[i].v);
	}
	rename_val(&s->cmp_va);
	rename_val(&s->cmp_vb);
}

/* x and y are one state under two namings of identities: a one-to-one map of names takes
 * every value of x to y's. (Stricter than eq(): the meet gives a bounded index or a remembered
 * load that two paths name differently the join's name instead, which loses nothing sound.) */
struct naming {
	int64_t from[256], to[256];
	int n;
};

static bool same_name(struct naming *m, int64_t k, int64_t j)
{
	for (int i = 0; i < m->n; i++)
		if (m->from[i] == k || m->to[i] == j)
			return m->from[i] == k && m->to[i] == j;
	if (m->n == 256)
		return false;
	m->from[m->n] = k, m->to[m->n] = j, m->n++;
	return true;
}

static bool same_val(struct naming *m, const struct ts_val *x, const struct ts_val *y)
{
	if (x->kind != y->kind || x->reg != y->reg || x->esize != y->esize || x->flags != y->flags ||
	    x->count != y->count)
		return false;
	if (x->kind == V_SYM && (x->flags & TS_VF_OFFSET_ENTRY) && (x->aux || y->aux)) /* aux: the table's name */
		return x->aux && y->aux && same_name(m, x->aux - 1, y->aux - 1) && same_name(m, x->off, y->off);
	if (x->kind == V_SYM)
		return x->aux == y->aux && same_name(m, x->off, y->off);
	if (x->kind == V_RANGE && (x->aux || y->aux))
		return x->off == y->off && x->aux && y->aux && same_name(m, x->aux - 1, y->aux - 1);
	return x->off == y->off && x->aux == y->aux;
}

static bool same_up_to_renaming(const struct ts_state *x, const struct ts_state *y)
{
	struct naming m = { .n = 0 };
	bool ok = x->nslots == y->nslots && x->nloads == y->nloads && x->soft == y->soft &&
		  x->fp_may_orig == y->fp_may_orig && x->cmp_kind == y->cmp_kind && x->cmp_a == y->cmp_a &&
		  x->cmp_b == y->cmp_b && x->cmp_width == y->cmp_width && x->cmp_imm == y->cmp_imm &&
		  same_val(&m, &x->cmp_va, &y->cmp_va) && same_val(&m, &x->cmp_vb, &y->cmp_vb);
	for (unsigned r = 0; ok && r < arch->nregs; r++)
		ok = same_val(&m, &x->regs[r], &y->regs[r]);
	for (int i = 0; ok && i < x->nslots; i++)
		ok = x->slots[i].anchor == y->slots[i].anchor && x->slots[i].size == y->slots[i].size &&
		     x->slots[i].off == y->slots[i].off && same_val(&m, &x->slots[i].v, &y->slots[i].v);
	for (int i = 0; ok && i < x->nloads; i++) {
		const struct ts_load *p = &x->loads[i], *q = &y->loads[i];
		ok = p->disp == q->disp && p->scale == q->scale && p->size == q->size && same_val(&m, &p->base, &q->base) &&
		     same_val(&m, &p->index, &q->index) && same_val(&m, &p->v, &q->v);
	}
	return ok;
}

static void check_apply(void)
{
	unsigned det = 0, wf = 0, ren = 0, tried = 0;
	for (unsigned t = 0; t < TRIALS; t++) {
		struct ts_state s, x, y, r;
		random_state(&s, 1);
		for (size_t i = 0; i < NPOOL; i++, tried++) {
			x = s, y = s, r = s;
			rename_state(&r);
			ts_state_apply(arch, NULL, &x, &insns[i]);
			ts_state_apply(arch, NULL, &y, &insns[i]);
			ts_state_apply(arch, NULL, &r, &insns[i]);
			det += memcmp(&x, &y, sizeof(x)) != 0;
			wf += !well_formed(&x);
			ren += !same_up_to_renaming(&x, &r);
		}
	}
	result("apply-deterministic", det, tried);
	result("apply-well-formed", wf, tried);
	result("apply-renaming-invariant", ren, tried);
}

int main(void)
{
	arch = ts_arch_for_machine(EM_X86_64_NUMBER);
	dec = arch ? arch->decoder_new() : NULL;
	if (!dec) {
		printf("FAIL units/state: no x86-64 decoder\n");
		return 1;
	}
	decode_pool();
	check_meet();
	check_bounded_identity();
	check_apply();
	arch->decoder_free(dec);
	return failures ? 1 : 0;
}
