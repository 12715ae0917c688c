/*
 * walk.c - follow every path of a function and compute the state at every instruction.
 *
 * A forward dataflow analysis. Full states are stored only at join points ("leaders": branch
 * targets and instructions two paths reach); every instruction stores the derived unwind row.
 * When a new edge lands in the middle of a straight run that was already walked, the state
 * there is rebuilt by replaying the run from its leader, and the instruction becomes a leader.
 * A leader whose state changes under the meet is walked again, so loops converge (the meet only
 * ever forgets facts, which bounds the number of rounds). Leaders are walked lowest address
 * first, so a join is mostly walked once all its forward predecessors have arrived. A loop head
 * (the target of a direct jump back, latch[]) ends the straight run that reaches it: it becomes
 * a join point when first reached, not when the jump back arrives, which would split the run
 * there and rebuild the head's state by replaying the run (0.4 replayed steps per reached
 * instruction before, 0.006 now; 5% fewer instructions in all on sqlite3.o).
 *
 * There is no separate reporting walk: every walk records rows and warnings, tagged with the walk
 * (wid[]), and final_reach keeps those of each instruction's last walk, which started from its
 * leader's final state, for the code reached from the entries along the edges those last walks
 * took. What is reported therefore follows from the final states alone, whatever the order.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/unit.h"
#include "common/vec.h"

/* Kinds after which the analysis cannot follow the path: code only it leads to is not
 * "unreachable", so such a unit reports no unreachable code (the warning covers it). */
static bool abandons_path(enum trustack_warning_kind kind)
{
	return kind == TRUSTACK_W_UNDEFINED_STACK || kind == TRUSTACK_W_UNSUPPORTED_STACK_OP ||
	       kind == TRUSTACK_W_UNSUPPORTED_REALIGN || kind == TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP ||
	       kind == TRUSTACK_W_DECODE_ERROR || kind == TRUSTACK_W_STACK_MISMATCH;
}

static void warn(struct ts_unit *u, uint64_t addr, enum trustack_warning_kind kind, const char *fmt, ...)
{
	if (u->quiet)
		return; /* on a soft path */
	if (trustack_warning_kind__is_fp_rule(kind) && (u->rules != TRUSTACK_RULES_FP || u->fp_exempt))
		return;
	if (trustack_warning_kind__is_backchain_rule(kind) && u->rules != TRUSTACK_RULES_BACKCHAIN)
		return;
	if (TS_GROW(u->warns, u->nwarns, u->capwarns, 8)) {
		u->err = -TRUSTACK_E_NOMEM;
		return;
	}
	struct ts_uwarn *w = &u->warns[u->nwarns++];
	w->addr = addr;
	w->kind = (uint8_t)kind;
	w->insn = u->walk_at;
	w->walk = u->walk_id;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

/* ---- decoding ------------------------------------------------------------------------------ */

#define ROWREGS_NEVER (1ull << 63)   /* keeps_row_regs: the instruction may change the row */
#define ROWREGS_UNKNOWN (1ull << 62) /* not worked out yet */
#define ROWREGS_CMP (1ull << 61)     /* a conditional jump: unless it compared two registers */
_Static_assert(TS_MAX_REGS <= 61, "a bit per register below ROWREGS_CMP");

/* The per-instruction arrays share one capacity (capinfo). */
static int grow_info(struct ts_unit *u, size_t need)
{
	if (need <= u->capinfo)
		return 0;
	size_t cap = ts_vec_next_cap(u->capinfo, need, 256, sizeof(struct ts_call_memo));
	if (!cap || ts_vec_resize((void **)&u->last, cap, 1) || ts_vec_resize((void **)&u->dirty, cap, 1) ||
	    ts_vec_resize((void **)&u->rowregs, cap, sizeof(uint64_t)) ||
	    ts_vec_resize((void **)&u->row, cap, sizeof(int32_t)) ||
	    ts_vec_resize((void **)&u->wstart, cap, sizeof(int32_t)) ||
	    ts_vec_resize((void **)&u->leader, cap, sizeof(int32_t)) ||
	    ts_vec_resize((void **)&u->latch, cap, sizeof(int32_t)) ||
	    ts_vec_resize((void **)&u->callm, cap, sizeof(struct ts_call_memo)) ||
	    ts_vec_resize((void **)&u->wid, cap, sizeof(uint32_t)))
		return -TRUSTACK_E_NOMEM; /* those grown keep their room; capinfo stays what all have */
	u->capinfo = cap;
	return 0;
}

/* Decode [start, start+size) and append it as a range of the unit. */
static int decode_range(struct ts_unit *u, uint64_t start, uint64_t size)
{
	size_t avail;
	const uint8_t *code = ts_image_bytes(u->img, start, &avail);
	if (!code || !size)
		return 0;
	if (size > avail)
		size = avail;
	if (TS_GROW(u->ranges, u->nranges, u->capranges, 4))
		return -TRUSTACK_E_NOMEM;
	uint64_t a = start, end = start + size;
	size_t first = u->n, at = u->nat;
	if (TS_RESERVE(u->at, u->nat + size, u->capat, 4096))
		return -TRUSTACK_E_NOMEM;
	memset(u->at + at, 0xff, size * sizeof(*u->at)); /* -1: no instruction starts there */
	u->nat += size;
	while (a < end) {
		if (TS_GROW(u->insns, u->n, u->cap, 256) || grow_info(u, u->n + 1))
			return -TRUSTACK_E_NOMEM;
		struct ts_insn *in = &u->insns[u->n];
		unsigned len = u->a->decode(u->img->dec, code + (a - start), end - a, a, in);
		if (!len) {
			in->flow = TS_FLOW_INVALID;
			in->len = 1;
			in->nuops = 0;
			len = 1;
		}
		u->at[at + (a - start)] = (int32_t)u->n;
		u->last[u->n] = u->dirty[u->n] = 0;
		u->row[u->n] = u->wstart[u->n] = u->leader[u->n] = u->latch[u->n] = -1;
		u->wid[u->n] = 0;
		u->callm[u->n].known = 0;
		u->rowregs[u->n] = ROWREGS_UNKNOWN;
		u->n++;
		a += len;
	}
	if (u->n > first)
		u->last[u->n - 1] = 1;
	u->ranges[u->nranges++] = (struct ts_range){ start, end, first, false, at };
	/* loop heads: targets of direct jumps back within this range */
	for (size_t j = first; j < u->n; j++) {
		const struct ts_insn *in = &u->insns[j];
		if ((in->flow != TS_FLOW_JUMP && in->flow != TS_FLOW_JCC) || in->target > in->addr || in->target < start)
			continue;
		int32_t h = u->at[at + (in->target - start)];
		if (h >= 0 && u->latch[h] < (int32_t)j)
			u->latch[h] = (int32_t)j;
	}
	return 0;
}

static const struct ts_range *range_of(const struct ts_unit *u, uint64_t addr)
{
	for (size_t r = 0; r < u->nranges; r++)
		if (addr >= u->ranges[r].start && addr < u->ranges[r].end)
			return &u->ranges[r];
	return NULL;
}

static long insn_index(const struct ts_unit *u, uint64_t addr)
{
	const struct ts_range *r = range_of(u, addr);
	return r ? u->at[r->at + (addr - r->start)] : -1;
}

/*
 * A linker's patch of this function: code outside every function (no symbol, no FDE) that runs
 * a few instructions and jumps straight back into the unit. GNU ld's fix for the Cortex-A53
 * erratum 843419 (on by default for arm64 Linux) moves a load that follows an `adrp` in the
 * last bytes of a page into such a stub after the section: `b stub` ... `stub: ldr x2, [x0];
 * b back` (glibc's strcasestr in Debian's arm64 libc). The jump there is no tail call: the stub
 * is decoded as part of the function. Anything else outside every function is not adopted.
 */
#define PATCH_MAX_INSNS 4

static bool adopt_patch(struct ts_unit *u, uint64_t addr)
{
	if (u->nranges >= 64) /* (no function covers addr: adopt_with) */
		return false;
	const struct ts_section *sec = ts_image_section_at(u->img, addr);
	size_t avail;
	const uint8_t *code = sec && sec->exec ? ts_image_bytes(u->img, addr, &avail) : NULL;
	if (!code)
		return false;
	uint64_t off = 0;
	for (int k = 0; k < PATCH_MAX_INSNS && off < avail; k++) {
		struct ts_insn in;
		unsigned len = u->a->decode(u->img->dec, code + off, avail - off, addr + off, &in);
		if (!len)
			return false;
		off += len;
		if (in.flow == TS_FLOW_NEXT && !(in.flags & TS_IF_STACK))
			continue;
		if (in.flow != TS_FLOW_JUMP || !range_of(u, in.target) || ts_image_func_at(u->img, addr + off - 1) >= 0)
			return false;
		if (decode_range(u, addr, off)) {
			u->err = -TRUSTACK_E_NOMEM;
			return false;
		}
		return true;
	}
	return false;
}

/*
 * Is addr code of this unit? The function's own entry is a call or tail call (recursion),
 * never an internal edge. A fragment known only from its CFI (stripped files) becomes part of
 * the unit when control reaches it.
 */
/* (allow_patch: a direct jump, which may go to a linker's patch of the function, adopt_patch) */
static bool adopt_with(struct ts_unit *u, uint64_t addr, bool allow_mid, bool allow_patch)
{
	const struct ts_func *fn = &u->img->funcs[u->func];
	if (addr == fn->addr)
		return false;
	if (range_of(u, addr))
		return true;
	int g = ts_image_func_at(u->img, addr);
	if (g < 0 && allow_patch)
		return adopt_patch(u, addr);
	if (g < 0 || g == u->func || u->nranges >= 64)
		return false;
	const struct ts_func *fg = &u->img->funcs[g];
	bool fragment = (fg->flags & TS_FUNC_FRAGMENT) && (fg->parent == -1 || fg->parent == u->func);
	/* code known only from an FDE, entered in its middle: a tail call would go to its start.
	 * Not code split out of glued stretches (TS_FUNC_GLUED): entering those mid-way gave
	 * local-extract's stripped C++ 26 new defect-kind warnings for libdav1d's 26 fewer. */
	bool entered_mid = allow_mid && (fg->flags & TS_FUNC_FROM_FDE) && addr != fg->addr;
	if (!fragment && !entered_mid)
		return false;
	if (decode_range(u, u->img->funcs[g].addr, u->img->funcs[g].size)) {
		u->err = -TRUSTACK_E_NOMEM;
		return false;
	}
	if (!fragment && u->nranges)
		u->ranges[u->nranges - 1].borrowed = true;
	return true;
}

static bool adopt(struct ts_unit *u, uint64_t addr, bool allow_mid) { return adopt_with(u, addr, allow_mid, false); }
static bool in_unit(struct ts_unit *u, uint64_t addr) { return adopt_with(u, addr, true, false); }

/* ---- rows ---------------------------------------------------------------------------------- */

static int32_t intern_row(struct ts_unit *u, const struct trustack_row *r)
{
	/* rows repeat in runs: compare with the most recent few before appending */
	for (size_t k = 0; k < 8 && k < u->nrows; k++) {
		size_t i = u->nrows - 1 - k;
		if (!memcmp(&u->rows[i], r, sizeof(*r)))
			return (int32_t)i;
	}
	if (TS_GROW(u->rows, u->nrows, u->caprows, 64)) {
		u->err = -TRUSTACK_E_NOMEM;
		return 0;
	}
	u->rows[u->nrows] = *r;
	return (int32_t)u->nrows++;
}

/* ---- edges --------------------------------------------------------------------------------- */

/*
 * The leaders waiting to be walked, lowest instruction index first (a binary heap). Compilers
 * lay code out roughly in reverse post-order, so walking in address order lets every forward
 * edge into a join arrive before the join is walked: once, not once per arriving path (a stack
 * walked the join of an if/else after its first branch, then again after the second). The order
 * changes no result: what is reported follows from the final states (ts_unit_analyse).
 */
static void push_work(struct ts_unit *u, int32_t i)
{
	if (TS_GROW(u->work, u->nwork, u->capwork, 64)) {
		u->err = -TRUSTACK_E_NOMEM;
		return;
	}
	size_t k = u->nwork++;
	while (k > 0 && u->work[(k - 1) / 2] > i) {
		u->work[k] = u->work[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	u->work[k] = i;
	u->dirty[i] = 1;
}

static int32_t pop_work(struct ts_unit *u)
{
	int32_t top = u->work[0], x = u->work[--u->nwork];
	size_t k = 0, n = u->nwork;
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= n)
			break;
		if (c + 1 < n && u->work[c + 1] < u->work[c])
			c++;
		if (u->work[c] >= x)
			break;
		u->work[k] = u->work[c];
		k = c;
	}
	if (n)
		u->work[k] = x;
	return top;
}

/* Room for one more state in u->states (the states of the leaders and the spare, edge()): its
 * index, or -1 when out of memory. May move u->states. */
static int32_t new_room(struct ts_unit *u)
{
	if (u->nroom == u->capstates) { /* states, versions and room share capstates */
		size_t cap = ts_vec_next_cap(u->capstates, u->nroom + 1, 16, sizeof(struct ts_state));
		if (!cap || ts_vec_resize((void **)&u->states, cap, sizeof(struct ts_state)) ||
		    ts_vec_resize((void **)&u->versions, cap, sizeof(uint32_t)) ||
		    ts_vec_resize((void **)&u->room, cap, sizeof(uint32_t))) {
			u->err = -TRUSTACK_E_NOMEM;
			return -1;
		}
		u->capstates = cap;
	}
	return (int32_t)u->nroom++;
}

/* The state of leader state st (u->leader[]). */
static inline struct ts_state *state_of(const struct ts_unit *u, int32_t st)
{
	return &u->states[u->room[st]];
}

static int32_t new_state(struct ts_unit *u, const struct ts_state *s)
{
	int32_t r = new_room(u);
	if (r < 0)
		return -1;
	u->room[u->nstates] = (uint32_t)r;
	ts_state_copy(&u->states[r], s);
	u->versions[u->nstates] = 0;
	return (int32_t)u->nstates++;
}

/* Which exit of an instruction an edge is: with the state the walk started from, it fixes the
 * state the edge carries (edge_memo.h). */
enum edge_kind {
	EDGE_NEXT,    /* on to the next instruction, a join point */
	EDGE_TAKEN,   /* a conditional jump taken */
	EDGE_JUMP,    /* a direct jump */
	EDGE_INDIRECT, /* one of the targets of an indirect jump: a table, a computed goto */
	EDGE_CALL,    /* a call within the function */
	EDGE_LANDING, /* to the landing pad of a call */
};

/* Does slot t of the met state hold the caller's register that slot x held, at its place? */
static inline bool orig_slot_kept(const struct ts_slot *x, const struct ts_slot *t)
{
	return t->anchor == x->anchor && t->off == x->off && t->vg == x->vg && t->v.kind == V_ORIG &&
	       t->v.reg == x->v.reg;
}

static bool facts_lost(const struct ts_arch *a, const struct ts_state *x, const struct ts_state *y,
		       const struct ts_state *m, char *why, size_t len)
{
	if (ts_state_cfa_known(a, x) && ts_state_cfa_known(a, y) && !ts_state_cfa_known(a, m)) {
		struct trustack_row rx, ry; /* the rules, for the message */
		ts_state_row(a, x, &rx);
		ts_state_row(a, y, &ry);
		snprintf(why, len, "cfa %s%+d vs %s%+d", a->reg_name(rx.cfa_reg), rx.cfa_offset,
			 a->reg_name(ry.cfa_reg), ry.cfa_offset);
		return true;
	}
	/* Saved registers can only be lost if the meet dropped a place holding a caller's value:
	 * check that cheaply before computing locations. */
	bool dropped = false;
	for (unsigned r = 0; r < a->nregs && !dropped; r++)
		dropped = x->regs[r].kind == V_ORIG && m->regs[r].kind != V_ORIG;
	for (int i = 0; i < x->nslots && !dropped; i++) {
		if (x->slots[i].v.kind != V_ORIG)
			continue;
		/* the meet keeps the slots it keeps in their order: most are at the same index */
		bool kept = i < m->nslots && orig_slot_kept(&x->slots[i], &m->slots[i]);
		for (int j = 0; j < m->nslots && !kept; j++)
			kept = orig_slot_kept(&x->slots[i], &m->slots[j]);
		dropped = !kept;
	}
	if (!dropped)
		return false;
	for (unsigned r = 0; r < a->nregs; r++) {
		if (!((a->callee_saved >> r) & 1) && r != a->ra)
			continue;
		struct trustack_loc lx = ts_state_loc(a, x, r), ly = ts_state_loc(a, y, r), lm = ts_state_loc(a, m, r);
		if (lx.kind && ly.kind && !lm.kind) {
			snprintf(why, len, "%s saved differently (%d%+d vs %d%+d)", a->reg_name(r), lx.kind, lx.offset,
				 ly.kind, ly.offset);
			return true;
		}
	}
	return false;
}

static void replay(struct ts_unit *u, int32_t from, int32_t to, struct ts_state *s);

/* A branch into an instruction just past prefixes that do not change its effect: the same
 * instruction, as far as the stack is concerned. Returns its index, or -1. */
static long past_prefixes(const struct ts_unit *u, uint64_t target)
{
	for (unsigned back = 1; back <= 4 && back <= target; back++) {
		long i = insn_index(u, target - back);
		if (i < 0)
			continue;
		size_t avail;
		const uint8_t *p = ts_image_bytes(u->img, target - back, &avail);
		if (p && avail >= back && u->insns[i].len > back && u->a->skippable_prefixes(p, back))
			return i;
		return -1;
	}
	return -1;
}

/* Do two states disagree on the return address's signing state? Then why says how. */
static bool sign_states_differ(const struct ts_state *x, const struct ts_state *y, char *why, size_t len)
{
	if (x->ra_sign == y->ra_sign &&
	    (x->ra_sign == TS_RS_NONE ||
	     (x->ra_sign_mod == y->ra_sign_mod && (x->ra_sign_mod != TS_RSM_SP || x->ra_sign_sp == y->ra_sign_sp))))
		return false;
	static const char *const state[] = { "unsigned", "signed with key A", "signed with key B" };
	if (x->ra_sign != y->ra_sign)
		snprintf(why, len, "return address %s on one path, %s on another", state[x->ra_sign], state[y->ra_sign]);
	else
		snprintf(why, len, "return address signed with different modifiers");
	return true;
}

/* Control reaches instruction t with state s. */
static void edge(struct ts_unit *u, uint64_t from_addr, uint64_t target, const struct ts_state *s,
		 enum edge_kind kind)
{
	long t = insn_index(u, target);
	if (t < 0 && u->a->skippable_prefixes)
		t = past_prefixes(u, target);
	if (t < 0) {
		warn(u, from_addr, TRUSTACK_W_DECODE_ERROR,
		     "branch to 0x%llx, which is not an instruction boundary",
		     (unsigned long long)ts_image_report_addr(u->img, target, NULL));
		return;
	}
	if (TS_GROW(u->elog, u->nelog, u->capelog, 64)) {
		u->err = -TRUSTACK_E_NOMEM;
		return;
	}
	u->elog[u->nelog++] = (struct ts_edge_rec){ u->walk_at, (int32_t)t, u->walk_id };
	if (u->leader[t] < 0 && u->wstart[t] >= 0) {
		/* Reached before by a straight run: rebuild its state and make it a join point. The
		 * rest of that run now follows from here, so later walks from t own it (otherwise
		 * every instruction of a loop body would become a join point of its own). It is
		 * walked from its own state even if this edge changes nothing there: the rows and
		 * warnings of its run must come from a walk of t (the run's owner may have changed
		 * state since it stepped them, and a loop's back edge ends the walk under way before
		 * the rest of the run). */
		struct ts_state r;
		int32_t old = u->wstart[t];
		replay(u, old, (int32_t)t, &r);
		u->leader[t] = new_state(u, &r);
		if (u->leader[t] < 0)
			return;
		for (size_t j = (size_t)t; j < u->n && u->wstart[j] == old && (j == (size_t)t || u->leader[j] < 0); j++)
			u->wstart[j] = (int32_t)t;
		push_work(u, (int32_t)t);
	}
	if (u->leader[t] < 0) {
		u->leader[t] = new_state(u, s);
		push_work(u, (int32_t)t);
		return;
	}
	int32_t st = u->leader[t];
	if (u->spare < 0 && (u->spare = new_room(u)) < 0)
		return;
	struct ts_state *cur = state_of(u, st);
	if (cur->soft && !s->soft) {
		*cur = *s; /* a real path replaces what only a soft path brought */
		u->versions[st]++;
		u->start_changed |= t == u->walk_start;
		push_work(u, (int32_t)t);
		return;
	}
	if (s->soft && !cur->soft)
		return; /* ... and a soft path never widens a real one (libpython PyOS_AfterFork_Child:
			 * the stack pointer of the code after a call to Py_ExitStatusException, as if
			 * it returned, would make a loop's stack pointer unknown) */
	/* A walk sends each other edge once: only the targets of one indirect jump repeat (a
	 * table's cases share a target), and only their meets are worth remembering. */
	bool memo = kind == EDGE_INDIRECT;
	struct ts_edge_key key = { .from = from_addr, .target = (int32_t)t, .start = u->walk_start,
				   .start_version = u->walk_version, .target_version = u->versions[st],
				   .kind = (uint8_t)kind };
	if (memo && ts_edge_memo_has(&u->memo, &key))
		return; /* this very meet changed nothing before */
	char why[96];
	if (sign_states_differ(cur, s, why, sizeof(why))) {
		/* as a stack mismatch: one report, the first state kept */
		if (!s->soft && !cur->soft)
			warn(u, target, TRUSTACK_W_RA_SIGN_MISMATCH, "signing state mismatch: %s", why);
		return;
	}
	/* the met state is written into the spare room only if the meet changes something, and
	 * then takes the place of cur (no copy back) */
	struct ts_state *m = &u->states[u->spare];
	if (!ts_state_meet(u->a, m, cur, s, (uint32_t)t, u->scratch)) {
		if (memo)
			ts_edge_memo_add(&u->memo, &key);
		return;
	}
	if (facts_lost(u->a, cur, s, m, why, sizeof(why))) {
		if (!s->soft && !cur->soft)
			warn(u, target, TRUSTACK_W_STACK_MISMATCH, "stack state mismatch: %s", why);
		return; /* keep the first state: one report, no cascade (a soft path just ends) */
	}
	uint32_t was = u->room[st];
	u->room[st] = (uint32_t)u->spare;
	u->spare = (int32_t)was;
	u->versions[st]++;
	u->start_changed |= t == u->walk_start;
	push_work(u, (int32_t)t);
}

/* ---- one instruction ----------------------------------------------------------------------- */

enum step { STEP_NEXT, STEP_END };

enum { CM_TARGET = 1, CM_NORETURN = 2, CM_CLOBBERS = 4 }; /* struct ts_call_memo.known */

static bool fp_written(const struct ts_arch *a, const struct ts_insn *in)
{
	for (unsigned k = 0; k < in->nuops; k++)
		if ((ts_uop_writes(&in->uops[k]) >> a->fp) & 1)
			return true;
	return false;
}

static bool realigns_sp(const struct ts_arch *a, const struct ts_insn *in)
{
	for (unsigned k = 0; k < in->nuops; k++)
		if ((in->uops[k].kind == TS_UOP_ANDI || in->uops[k].kind == TS_UOP_ANDR) && in->uops[k].dst == a->sp)
			return true;
	return false;
}

static const char *name_at(const struct ts_unit *u, uint64_t addr)
{
	const char *n = ts_image_target_name(u->img, addr);
	return n ? n : "?";
}

/* Is the indirect target a call through a GOT slot of a named function? */
static const char *indirect_name(const struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	if (in->treg == TS_REG_NONE && in->tmem.abs)
		return ts_image_got_name(u->img, (uint64_t)in->tmem.disp);
	if (in->treg != TS_REG_NONE && s->regs[in->treg].kind == V_CONST)
		return ts_image_target_name(u->img, (uint64_t)s->regs[in->treg].off);
	return NULL;
}

/*
 * Has the path installed another execution context: a stack pointer that is not this frame's
 * and every callee-saved register (the frame pointer too) replaced? That is what longjmp and
 * setcontext are for (`mov oRSP(%rdx),%rsp; mov oRBX(%rdx),%rbx; ...; jmp *%rcx`, or `push %rcx;
 * ret` on the new stack). From there on the code runs on someone else's frame: nothing of this
 * function's is left to check, and its rows stay undefined (an unwinder stops there). A stack
 * pointer loaded by mistake (a typo for another register) leaves the callee-saved registers
 * alone and is still reported.
 */
static bool context_installed(const struct ts_arch *a, const struct ts_state *s)
{
	if (s->regs[a->sp].kind == V_CFA || s->regs[a->sp].kind == V_ALN || s->regs[a->sp].kind == V_VLA)
		return false;
	for (unsigned r = 0; r < a->nregs; r++) {
		if (!((a->callee_saved >> r) & 1) || r == a->sp)
			continue;
		if (s->regs[r].kind == V_ORIG && s->regs[r].reg == r)
			return false;
		if (s->regs[r].kind == V_CFA || s->regs[r].kind == V_ALN || s->regs[r].kind == V_VLA)
			return false; /* still pointing into this frame: not another context */
	}
	return true;
}

static void sibling_call(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s, const char *what)
{
	if (in->flow == TS_FLOW_JUMP_IND && context_installed(u->a, s))
		return; /* longjmp's jump into the context it installed */
	char why[96];
	if (!ts_state_frame_intact(u->a, s, 0, why, sizeof(why)))
		warn(u, in->addr, TRUSTACK_W_SIBLING_CALL_MODIFIED_FRAME,
		     "sibling call to %s with modified stack frame: %s", what, why);
	else if (s->ra_sign != TS_RS_NONE)
		warn(u, in->addr, TRUSTACK_W_RA_SIGN_MISMATCH,
		     "sibling call to %s with the return address signed, not authenticated", what);
}

static bool table_target(const struct ts_unit *u, struct ts_val v, uint32_t e, uint64_t *target)
{
	uint64_t raw, ea = (uint64_t)v.off + (uint64_t)e * v.esize;
	if (!ts_image_read(u->img, ea, v.esize, &raw))
		return false;
	if (v.kind == V_JTSUM) {
		int64_t d = (int64_t)raw;
		if (v.esize < 8 && (v.flags & TS_VF_SEXT)) {
			unsigned sh = 64 - 8u * v.esize;
			d = (int64_t)(raw << sh) >> sh;
		}
		*target = (uint64_t)v.aux + ((uint64_t)d << v.reg); /* wraps: an entry may be any 8 bytes */
		if (v.flags & TS_VF_SELFREL)
			*target = ea + (uint64_t)d; /* relative to the entry itself */
	} else {
		*target = raw;
	}
	return true;
}

/* ---- branch target identification (arm64 BTI) ------------------------------------------------ */

/*
 * In a file marked for BTI (img->bti, lib/elf/landing.c) its code runs from guarded pages: an
 * indirect jump must land on a landing pad for jumps (bti j, bti jc), or, through a register
 * whose branches every pad accepts (ts_arch.bti_jump_any_pad: arm64 x16, x17), on one for calls
 * too. The jump `in` reaches code of this unit at target; reported at the target, once per walk
 * (a table names a case again and again).
 */
static bool has_jump_pad(const struct ts_unit *u, const struct ts_insn *in, uint64_t target)
{
	if (!u->img->bti)
		return true;
	long t = insn_index(u, target);
	if (t < 0)
		return true; /* not an instruction boundary: edge() reports it */
	uint16_t pads = TS_IF_BTI_J;
	if (in->treg < 64 && ((u->a->bti_jump_any_pad >> in->treg) & 1))
		pads |= TS_IF_BTI_C;
	return (u->insns[t].flags & pads) != 0;
}

static void check_jump_pad(struct ts_unit *u, const struct ts_insn *in, uint64_t target)
{
	if (has_jump_pad(u, in, target))
		return;
	for (size_t k = u->nwarns; k-- > 0 && u->warns[k].walk == u->walk_id;)
		if (u->warns[k].addr == target && u->warns[k].kind == TRUSTACK_W_MISSING_LANDING_PAD)
			return;
	warn(u, target, TRUSTACK_W_MISSING_LANDING_PAD,
	     "target of the indirect jump at 0x%llx without a landing pad for jumps (bti j)",
	     (unsigned long long)ts_image_report_addr(u->img, in->addr, NULL));
}

/* A jump through a register to code of this unit: the edge, and the landing pad it needs. */
static void jump_edge(struct ts_unit *u, const struct ts_insn *in, uint64_t target, const struct ts_state *s)
{
	check_jump_pad(u, in, target);
	edge(u, in->addr, target, s, EDGE_INDIRECT);
}

/*
 * An indirect tail call to a function of this file whose address the register holds on every path
 * here (`adrp x1, f; add x1, x1, :lo12:f; br x1`): the callee's first instruction must accept the
 * jump. Through a register whose branches every pad accepts (x16, x17) any pad does; through
 * another only one for jumps (bti j, bti jc): a function's usual bti c (or paciasp) traps. The
 * callee is another unit's, so this is reported at the jump. (Compilers tail-call through x16 or
 * x17 when BTI is on, for this reason.)
 */
static void check_tail_pad(struct ts_unit *u, const struct ts_insn *in, uint64_t target)
{
	const struct ts_image *img = u->img;
	if (!img->bti || in->treg >= 64)
		return;
	int g = ts_image_func_at(img, target);
	size_t avail;
	const uint8_t *code = g >= 0 && img->funcs[g].addr == target ? ts_image_bytes(img, target, &avail) : NULL;
	struct ts_insn t;
	if (!code || !u->a->decode(img->dec, code, avail, target, &t))
		return;
	bool any = (u->a->bti_jump_any_pad >> in->treg) & 1;
	if (t.flags & (any ? TS_IF_BTI_C | TS_IF_BTI_J : TS_IF_BTI_J))
		return;
	warn(u, in->addr, TRUSTACK_W_MISSING_LANDING_PAD,
	     "indirect tail call through %s to %s, which does not start with a landing pad for this jump (%s)",
	     u->a->reg_name(in->treg), img->funcs[g].name, any ? "bti c or bti j" : "bti j");
}

/* In a file marked for BTI, a function entered through a register (exported or global, or its
 * address taken: ts_image_indirect_entry) must start with a landing pad for calls (bti c, bti jc,
 * or paciasp/pacibsp, which are one). A static function only called directly needs none. */
static void check_entry_pad(struct ts_unit *u, const struct ts_func *fn, long e)
{
	if (!u->img->bti || (u->insns[e].flags & TS_IF_BTI_C) || !ts_image_indirect_entry(u->img, fn))
		return;
	warn(u, fn->addr, TRUSTACK_W_MISSING_LANDING_PAD,
	     "%s is entered through a register (%s) but does not start with a landing pad (bti c)", fn->name,
	     fn->flags & (TS_FUNC_GLOBAL | TS_FUNC_WEAK) ? "exported or global" : "its address is taken");
}

/* An entry 0 of a self-relative table points at itself, into data: a place holder for an index
 * the code never uses (glibc's arm64 memcpy branches away on index 0 first). */
static bool unused_entry(const struct ts_unit *u, struct ts_val v, uint32_t e, uint64_t target)
{
	(void)u;
	return (v.flags & TS_VF_SELFREL) && target == (uint64_t)v.off + (uint64_t)e * v.esize;
}

/* A table entry may also be a tail call: the start of another function. */
static bool function_start(const struct ts_unit *u, uint64_t addr)
{
	int g = ts_image_func_at(u->img, addr);
	return g >= 0 && u->img->funcs[g].addr == addr && !(u->img->funcs[g].flags & TS_FUNC_FRAGMENT);
}

/*
 * Follow every entry of a jump table, or report it: a table is never partly followed. When no
 * compare bounds the index (only its width, or nothing at all: clang's switches over enums,
 * where the type is the bound), the table ends at the first entry that is not code of the
 * function: the real entries come first, so none is dropped (one that is not code itself
 * would leave its case unreached, and reported).
 */
/*
 * The lowest address above table base that the function loads with a RIP-relative lea, or
 * UINT64_MAX. Compilers emit the jump tables of one function back to back; a table whose bound
 * is only the index' width or a mask must end where the next one begins, or the next table's
 * entries (relative to their own base) would be read as cases landing on arbitrary
 * instructions (LLVM's DIEValue::sizeOf: six inlined switches over a 16-bit index; an
 * `and $0x7f` over an enum of 82 values).
 */
/* An address an instruction computes, as a table base could be: a RIP-relative lea, or on a
 * machine that builds addresses from a page and an offset (arm64 `adrp x0, page; add x0, x0,
 * #lo12`) the pair's sum; a page alone is no table's address (it would cut the tables that lie
 * in the rest of that page short). */
static bool table_address(const struct ts_arch *a, const struct ts_uop *o, struct ts_page_pairs *pp, uint64_t *t)
{
	if (a->lea_pages)
		return ts_uop_address(a, o, pp, t);
	*t = (uint64_t)o->mem.disp;
	return o->kind == TS_UOP_LEA && o->mem.abs && o->mem.base == TS_REG_NONE && o->mem.index == TS_REG_NONE;
}

static uint64_t next_table_base(struct ts_unit *u, uint64_t base)
{
	/* The addresses the unit's instructions compute, sorted, kept until the unit grows (a
	 * fragment adopted): jump tables are met on every walk of their run, and a scan of the
	 * whole unit each time cost 2% of the analysis of libLLVM. */
	if (u->nlea_for != u->n) {
		u->nlea = 0;
		struct ts_page_pairs pp = { .paged = 0 };
		for (size_t i = 0; i < u->n; i++) {
			const struct ts_insn *x = &u->insns[i];
			for (unsigned k = 0; k < x->nuops; k++) {
				uint64_t t;
				if (!table_address(u->a, &x->uops[k], &pp, &t))
					continue;
				if (TS_GROW(u->lea, u->nlea, u->caplea, 64)) {
					u->err = -TRUSTACK_E_NOMEM;
					return UINT64_MAX;
				}
				u->lea[u->nlea++] = t;
			}
		}
		ts_sort_u64(u->lea, u->nlea);
		u->nlea_for = u->n;
	}
	size_t lo = 0, hi = u->nlea; /* the first address above base */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (u->lea[mid] <= base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->nlea ? u->lea[lo] : UINT64_MAX;
}

/*
 * The same for the tables of the functions that follow this one: compilers emit read-only data
 * in function order, so the table after this one may belong to a neighbour, which loads its base
 * with its own lea (libLLVM: an `and $0x7f` bound over an enum of 100 values ran into the next
 * function's table). The next few functions in address order are decoded (leas in full, the rest
 * by length).
 */
#define NEAR_FUNCS 8

/* The addresses function g loads with a lea, sorted, as {count, address...}: NULL when out of
 * memory. Each function's list is made once per image and shared by the threads (libc's units
 * with jump tables decoded their neighbours again and again: a third of its analysis). */
static const uint64_t *func_leas(const struct ts_image *img, size_t g, uint64_t **own)
{
	*own = NULL;
	uint64_t *have = img->lea_memo ? atomic_load(&img->lea_memo[g]) : NULL;
	if (have)
		return have;
	const struct ts_func *f = &img->funcs[g];
	size_t n = 0, cap = 0; /* v[0] is the count: the addresses are v[1..n] */
	uint64_t *v = NULL;
	if (TS_GROW(v, 0, cap, 9))
		return NULL;
	size_t avail;
	const uint8_t *code = ts_image_bytes(img, f->addr, &avail);
	uint64_t size = !code ? 0 : f->size < avail ? f->size : avail;
	struct ts_page_pairs pp = { .paged = 0 };
	for (uint64_t off = 0; off < size;) {
		unsigned scan = TS_SCAN_ADDRESS;
		unsigned len = img->arch->length ? img->arch->length(img->dec, code + off, size - off, &scan) : 0;
		struct ts_insn in;
		in.nuops = 0;
		if (!img->arch->length || (scan & TS_SCAN_ADDRESS))
			len = img->arch->decode(img->dec, code + off, size - off, f->addr + off, &in);
		for (unsigned q = 0; q < in.nuops; q++) {
			uint64_t t;
			if (!table_address(img->arch, &in.uops[q], &pp, &t))
				continue;
			if (TS_GROW(v, 1 + n, cap, 9)) {
				free(v);
				return NULL;
			}
			v[1 + n++] = t;
		}
		off += len ? len : 1;
	}
	v[0] = n;
	ts_sort_u64(v + 1, n);
	uint64_t *expect = NULL;
	if (img->lea_memo && atomic_compare_exchange_strong(&img->lea_memo[g], &expect, v))
		return v;
	*own = v; /* no memo, or another thread was first: this copy is the caller's to free */
	return v;
}

static uint64_t next_table_base_near(struct ts_unit *u, uint64_t base)
{
	if (u->near_base == base && base)
		return u->near_next;
	const struct ts_image *img = u->img;
	uint64_t best = UINT64_MAX;
	for (size_t g = (size_t)u->func + 1, k = 0; g < img->nfuncs && k < NEAR_FUNCS; g++, k++) {
		uint64_t *own;
		const uint64_t *leas = func_leas(img, g, &own);
		if (!leas) {
			u->err = -TRUSTACK_E_NOMEM;
			return UINT64_MAX;
		}
		size_t lo = 0, hi = (size_t)leas[0]; /* the first address above base */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (leas[1 + mid] <= base)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < leas[0] && leas[1 + lo] < best)
			best = leas[1 + lo];
		free(own);
	}
	u->near_base = base;
	u->near_next = best;
	return best;
}

static bool ends_run(const struct ts_insn *in);

/* Do the bytes from `from` up to and including the instruction at `to` decode as padding only
 * (nops, traps), or is there nothing at `to` (the end of the section)? */
static bool padding_up_to(const struct ts_unit *u, uint64_t from, uint64_t to)
{
	const struct ts_image *img = u->img;
	for (uint64_t at = from; at <= to;) {
		size_t avail;
		const uint8_t *code = ts_image_bytes(img, at, &avail);
		if (!code || !avail)
			return at == to;
		struct ts_insn x;
		x.nuops = 0;
		unsigned len = img->arch->decode(img->dec, code, avail, at, &x);
		if (!len || !(x.flags & (TS_IF_NOP | TS_IF_TRAP)))
			return false;
		if (at == to)
			return true;
		at += len;
	}
	return false; /* `to` lies inside an instruction */
}

/*
 * A table entry pointing just past the end of one of the unit's ranges whose last instruction
 * ends its path (a return, a jump, a trap), into the padding before whatever comes next: the
 * label compilers give a case they know cannot happen (clang's empty block for
 * llvm_unreachable after the final ret; gcc's label after a cold part that ends in ud2).
 * Nothing is there to run: the case is not followed, and it is neither a tail call nor a
 * table leading outside the function.
 */
#define PAD_MAX 64 /* the largest function alignment compilers use */

/* The last instruction of a range: does its path end there? A return, a jump, a trap, or a call
 * the compiler knew never returns (libLLVM-15's fde@0x38c5c30 ends in
 * `call std::__throw_length_error`, with the impossible case's label right after it). */
static bool ends_path(const struct ts_unit *u, const struct ts_insn *in)
{
	if (ends_run(in))
		return true;
	return in->flow == TS_FLOW_CALL &&
	       ts_noreturn_call(u->img, in->target, ts_image_target_name(u->img, in->target)) == TS_NORETURN_KNOWN;
}
static bool impossible_case(const struct ts_unit *u, uint64_t target)
{
	if (ts_image_func_at(u->img, target) >= 0)
		return false; /* code of some function (a tail call goes to a function's start) */
	for (size_t r = 0; r < u->nranges; r++) {
		const struct ts_range *rg = &u->ranges[r];
		if (rg->borrowed || target < rg->end || target - rg->end >= PAD_MAX)
			continue;
		size_t end = r + 1 < u->nranges ? u->ranges[r + 1].first : u->n;
		if (end > rg->first && ends_path(u, &u->insns[end - 1]) && padding_up_to(u, rg->end, target))
			return true;
	}
	return false;
}

/* In a table without a bound compare, an impossible case (the padding after the final ret) is
 * not where the table ends: clang puts llvm_unreachable's label among the real cases of a switch
 * over an enum (libLLVM-15's fde@0x369ec10: entry 1 of two tables, eight cases after it were
 * left unreached). Entry 0 must still be code: a table is recognised by its first entry. */
static bool implicit_impossible_case(const struct ts_unit *u, uint32_t e, uint64_t target)
{
	return e > 0 && impossible_case(u, target);
}

/* A function split out of code without symbols or FDEs (TS_FUNC_GLUED) may share blocks with
 * the entry points around it: a table's case there is code of its own too (hand-written
 * x86inc tables, indexed by tzcnt of a width without a compare). */
static bool glued_mid(const struct ts_unit *u)
{
	return (u->img->funcs[u->func].flags & TS_FUNC_GLUED) != 0;
}

static void jump_table(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s, struct ts_val v)
{
	if (v.flags & TS_VF_OFFSET_ENTRY) {
		/* a dispatch through a table of offsets whose address was lost on the way here:
		 * neither a tail call nor a reason to call its cases dead (abandons_path) */
		warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
		     "jump through a table of offsets whose address the analysis lost (at a join or a call)");
		return;
	}
	if ((v.flags & TS_VF_WITHBASE) && in_unit(u, (uint64_t)v.aux))
		jump_edge(u, in, (uint64_t)v.aux, s);
	else if (v.flags & TS_VF_WITHBASE)
		sibling_call(u, in, s, name_at(u, (uint64_t)v.aux));
	if (!v.count) {
		warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
		     "jump table at 0x%llx with no known bound on the index",
		     (unsigned long long)ts_image_report_addr(u->img, (uint64_t)v.off, NULL));
		return;
	}
	uint32_t count = v.count;
	{
		/* also for a bound from a mask (and $0x7f): an upper bound, not the table's size */
		uint64_t next = next_table_base(u, (uint64_t)v.off);
		uint64_t near = next_table_base_near(u, (uint64_t)v.off);
		if (near < next)
			next = near;
		if (next != UINT64_MAX && v.esize && (next - (uint64_t)v.off) / v.esize < count)
			count = (uint32_t)((next - (uint64_t)v.off) / v.esize);
	}
	for (uint32_t e = 0; e < count; e++) {
		uint64_t target;
		bool readable = table_target(u, v, e, &target);
		if (readable && unused_entry(u, v, e, target))
			continue;
		/* a direct jump into the middle of FDE-only code is believed; a table entry is not,
		 * since past the end of a table with an implicit bound lies anything */
		bool ok;
		if (v.flags & TS_VF_IMPLICIT)
			/* without a visible bound only an instruction of the function is a case:
			 * past the end of the table lies anything; in a file marked for BTI only one
			 * with a landing pad, which the compiler put on every real case (clang -O0's
			 * `subs x8, x8, #12` bound is not seen, and the next function's table
			 * follows: its entries land on this function's code too) */
			ok = readable && ((adopt(u, target, glued_mid(u)) && insn_index(u, target) >= 0 &&
					   (e == 0 || has_jump_pad(u, in, target))) ||
					  implicit_impossible_case(u, e, target));
		else
			ok = readable && (adopt(u, target, false) || function_start(u, target) ||
					  impossible_case(u, target));
		if (ok)
			continue;
		if ((v.flags & TS_VF_IMPLICIT) && e > 0) {
			count = e;
			break;
		}
		uint64_t ea = (uint64_t)v.off + (uint64_t)e * v.esize;
		/* the first entry names a function: a function's start, an external function (its
		 * extern or PLT address), or a slot a dynamic relocation fills with a symbol */
		bool names_function = (readable && (function_start(u, target) || ts_image_target_name(u->img, target))) ||
				      ts_image_got_name(u->img, ea);
		if (e == 0 && (v.flags & TS_VF_IMPLICIT) && names_function) {
			/* not a switch: a pointer to a function loaded from an array (of structures,
			 * perhaps) and jumped to, i.e. an indirect tail call */
			sibling_call(u, in, s, "an indirect target");
			return;
		}
		if (e == 0 && (v.flags & TS_VF_IMPLICIT))
			warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
			     "jump table at 0x%llx with no known bound: not one entry leads into the function",
			     (unsigned long long)ts_image_report_addr(u->img, (uint64_t)v.off, NULL));
		else if (!readable)
			warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP, "jump table entry %u at 0x%llx is not readable", e,
			     (unsigned long long)ts_image_report_addr(u->img, ea, NULL));
		else
			warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
			     "jump table entry %u leads outside the function (0x%llx): table only partly resolved", e,
			     (unsigned long long)ts_image_report_addr(u->img, target, NULL));
		return;
	}
	for (uint32_t e = 0; e < count; e++) {
		uint64_t target;
		table_target(u, v, e, &target);
		if (unused_entry(u, v, e, target))
			continue;
		if (in_unit(u, target))
			jump_edge(u, in, target, s);
		else if (!impossible_case(u, target))
			sibling_call(u, in, s, name_at(u, target));
	}
}

/*
 * A jump to base + k * stride, k bounded: into an array of equal-sized blocks of code, every
 * one of which must be an instruction of the function (or the jump is reported). A bound
 * from the index' width alone ends the array at the first block that is not.
 */
static void strided_jump(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s, struct ts_val v)
{
	for (uint32_t k = 0; k <= v.count; k++) {
		uint64_t target = (uint64_t)v.off + (uint64_t)k * v.esize;
		if (in_unit(u, target) && insn_index(u, target) >= 0) {
			jump_edge(u, in, target, s);
			continue;
		}
		if ((v.flags & TS_VF_IMPLICIT) && k > 0)
			return;
		warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
		     "computed jump into blocks of %u bytes: block %u (0x%llx) is not an instruction of the function",
		     v.esize, k, (unsigned long long)ts_image_report_addr(u->img, target, NULL));
		return;
	}
}

/*
 * GNU C's computed goto (goto *p, p = &&label): an indirect jump whose target we do not know,
 * with a modified frame (so no tail call), in a function whose labels are stored in data. It
 * may go to any of them, as the compiler also assumes.
 */
static bool computed_goto(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	/* with the frame as at entry it is a tail call (address-taken labels also include
	 * absolute switch tables, which must not become targets of an ordinary tail call) */
	char why[96];
	if (ts_state_frame_intact(u->a, s, 0, why, sizeof(why)))
		return false;
	bool any = false;
	for (size_t r = 0; r < u->nranges; r++) {
		const uint64_t *refs;
		size_t n = ts_image_code_refs(u->img, u->ranges[r].start, u->ranges[r].end, &refs);
		for (size_t k = 0; k < n; k++) {
			if (refs[k] == u->img->funcs[u->func].addr)
				continue; /* a pointer to the function itself */
			jump_edge(u, in, refs[k], s);
			any = true;
		}
	}
	return any;
}

/* A direct call to a function known never to return, as a trap after a call that never returns
 * (glibc's arm64 _start: `bl __libc_start_main; bl abort`, where x86-64 has `hlt`). */
static bool trap_call(const struct ts_unit *u, const struct ts_insn *in)
{
	if (in->flow != TS_FLOW_CALL)
		return false;
	const char *name = ts_image_target_name(u->img, in->target);
	return name && ts_noreturn_call(u->img, in->target, name) == TS_NORETURN_KNOWN;
}

/* What a call does to the caller's state before the callee runs, as uops: the machine either
 * pushes the return address (x86-64: sp -= 8, a store of a value we do not track) or writes it
 * into its link register (arm64, s390x: the register gets a new value). */
static void call_hands_over_ra(const struct ts_arch *a, struct ts_insn *out)
{
	memset(out, 0, sizeof(*out));
	if (a->call_ra == TS_CALL_LINK_REG) {
		out->nuops = 1;
		out->uops[0] = (struct ts_uop){ .kind = TS_UOP_CLOBBER, .dst = a->ra, .src = TS_REG_NONE };
		return;
	}
	out->nuops = 2;
	out->uops[0] = (struct ts_uop){ .kind = TS_UOP_ADDI, .dst = a->sp, .src = a->sp, .imm = -(int64_t)a->ra_size };
	out->uops[1] = (struct ts_uop){ .kind = TS_UOP_STORE, .src = TS_REG_NONE,
					.mem = { .base = a->sp, .index = TS_REG_NONE, .scale = 1, .size = a->ra_size } };
}

/* Does the frame pointer hold the caller's value ("may": in a loop whose first round starts with
 * the caller's frame pointer, the loop head's state only knows "the caller's or something
 * else")? */
static bool fp_may_be_callers(const struct ts_arch *a, const struct ts_state *s)
{
	struct ts_val orig = { .kind = V_ORIG, .reg = a->fp };
	return s->fp_may_orig || !memcmp(&s->regs[a->fp], &orig, sizeof(orig));
}

/*
 * A frame pointer set to an address in the frame of a function that saved a frame record
 * {caller's FP, return address} elsewhere in that frame: a frame set up at the wrong place
 * (`stp x29, x30, [sp, #48]; add x29, sp, #32`), not the frame pointer used as a general
 * register. Its calls are made without a frame record (call-without-frame at each), and the
 * write itself is not fp-scratch. Only on machines whose calls leave the return address in a
 * register: there the record exists only where the code stored both registers; on x86-64 any
 * `push %rbp` at entry sits next to the pushed return address and says nothing of intent.
 */
static bool misplaced_frame(const struct ts_arch *a, const struct ts_state *s)
{
	const struct ts_val *fp = &s->regs[a->fp];
	return a->ra_in_reg && (fp->kind == V_CFA || fp->kind == V_ALN) && ts_state_has_frame_record(a, s);
}

/* The frame-pointer rules at an instruction that writes the frame pointer: report where it stops
 * being what it should be, the write that destroys an established frame (fp-clobbered) or that
 * reuses the caller's frame pointer as a general register (fp-scratch). Later writes of a value
 * that is already neither were reported at that first write. est_before, was_callers: the
 * state before the instruction (fp_may_be_callers); s: after it. */
static void check_fp_write(struct ts_unit *u, const struct ts_insn *in, struct ts_state *s, bool est_before,
			   bool was_callers, bool report)
{
	const struct ts_arch *a = u->a;
	struct ts_val orig = { .kind = V_ORIG, .reg = a->fp };
	bool est = ts_state_frame_established(a, s);
	bool restored = !memcmp(&s->regs[a->fp], &orig, sizeof(orig));
	/* a frame set up at the wrong place, first or again (its calls report it) */
	bool misplaced = !est && !restored && !est_before && (was_callers || s->fp_misplaced) && misplaced_frame(a, s);
	/* the frame pointer loaded with the rest of another context (longjmp) is not a register
	 * used for something else */
	bool context = !est && !restored && !est_before && ts_state_callers_regs_dropped(a, s);
	if (!est && !restored && report && !misplaced && !context) {
		if (est_before)
			warn(u, in->addr, TRUSTACK_W_FP_CLOBBERED, "frame pointer overwritten while it holds the frame");
		else if (was_callers)
			warn(u, in->addr, TRUSTACK_W_FP_SCRATCH,
			     "frame pointer used as a general register in a function without a frame");
	}
	s->fp_may_orig = restored;
	s->fp_misplaced = misplaced;
}

/*
 * Pointer authentication of the return address (arm64 PAC, issue 14): signing it (paciasp,
 * pacibsp, pacia x30, sp) records the key and the modifier, authenticating it (autiasp, retaa)
 * must find it signed with the same key and modifier, stripping it (xpaclri) leaves it
 * unsigned. Other registers' signatures (function pointers, braa's target) are not tracked.
 * Applied before the instruction's other effects: the modifier is the stack pointer it sees.
 */
static void pac_step(struct ts_unit *u, const struct ts_insn *in, struct ts_state *s, bool report)
{
	const struct ts_arch *a = u->a;
	const struct ts_val ra = { .kind = V_ORIG, .reg = a->ra };
	if (memcmp(&s->regs[a->ra], &ra, sizeof(ra)))
		return; /* x30 holds something else than the return address (lost: reported there) */
	uint8_t key = in->flags & TS_IF_PAC_KEY_B ? TS_RS_B : TS_RS_A;
	uint8_t mod = TS_RSM_OTHER;
	int32_t sp_off = 0;
	const struct ts_val *sp = &s->regs[a->sp];
	if (in->pac_mod == TS_REG_NONE) {
		mod = TS_RSM_ZERO;
	} else if (in->pac_mod == a->sp && sp->kind == V_CFA && sp->off >= INT32_MIN && sp->off <= INT32_MAX) {
		mod = TS_RSM_SP;
		sp_off = (int32_t)sp->off;
	}
	if (in->flags & TS_IF_PAC_STRIP) {
		s->ra_sign = TS_RS_NONE;
		return;
	}
	if (in->flags & TS_IF_PAC_SIGN) {
		s->ra_sign = key;
		s->ra_sign_mod = mod;
		s->ra_sign_sp = sp_off;
		return;
	}
	/* authentication */
	const char *bad = NULL;
	if (s->ra_sign == TS_RS_NONE)
		bad = "authenticates a return address that was never signed";
	else if (s->ra_sign != key)
		bad = "authenticates the return address with another key than it was signed with";
	else if (s->ra_sign_mod != TS_RSM_OTHER && mod != TS_RSM_OTHER &&
		 (s->ra_sign_mod != mod || (mod == TS_RSM_SP && s->ra_sign_sp != sp_off)))
		bad = "authenticates the return address with another modifier (stack pointer) than at signing";
	if (bad && report)
		warn(u, in->addr, TRUSTACK_W_RA_SIGN_MISMATCH, "%s", bad);
	s->ra_sign = TS_RS_NONE;
}

/* Does the instruction write register r (a uop with r as its destination)? Only such an
 * instruction can lose a return address held in r: asking first spares the search of every
 * register and slot for another copy (6% of arm64 libc's check when done at every instruction). */
static bool writes_reg(const struct ts_insn *in, unsigned r)
{
	for (unsigned k = 0; k < in->nuops; k++)
		if ((in->uops[k].kind != TS_UOP_STORE && in->uops[k].dst == r) ||
		    (in->uops[k].kind == TS_UOP_SWAP && in->uops[k].src == r))
			return true;
	return false;
}

/*
 * Apply instruction i to s with the stack checks that come with it (the state must be known
 * where the stack is used, realignments must keep the CFA findable, the frame-pointer rules).
 * Returns false when the path ends here.
 */
static bool apply_checked(struct ts_unit *u, int32_t i, struct ts_state *s, bool report)
{
	const struct ts_arch *a = u->a;
	const struct ts_insn *in = &u->insns[i];
	bool uses_stack = (in->flags & TS_IF_STACK) || in->flow == TS_FLOW_CALL || in->flow == TS_FLOW_CALL_IND ||
			  in->flow == TS_FLOW_RET || in->flow == TS_FLOW_RET_COND;
	/* only stack instructions and realignments need to know whether the CFA is known */
	bool realign = realigns_sp(a, in);
	bool cfa_before = (uses_stack || realign) && ts_state_cfa_known(a, s);
	if (uses_stack && !cfa_before && context_installed(a, s)) {
		/* on another context's stack (setcontext's `push %rcx; ret`): the rest of the run is
		 * not this function's to check, and not unreachable either */
		u->insns[i].flags |= TS_IF_DEAD_AFTER;
		return false;
	}
	if (uses_stack && !cfa_before) {
		if (report)
			warn(u, in->addr, TRUSTACK_W_UNDEFINED_STACK, "stack used while its state is unknown");
		return false;
	}
	/* the frame before the instruction matters only to one that writes the frame pointer */
	bool writes_fp = fp_written(a, in);
	bool fp_est_before = writes_fp && ts_state_frame_established(a, s);
	bool fp_was_callers = writes_fp && fp_may_be_callers(a, s);
	/* a machine whose calls write the return address into a register: a call, or any write
	 * of that register, while it holds the only copy loses the caller. (Computed on replays
	 * too: the loss is part of the state, s->ra_lost.) */
	bool lr_only = a->call_ra == TS_CALL_LINK_REG && in->flow == TS_FLOW_NEXT && writes_reg(in, a->ra) &&
		       ts_state_ra_only_in_reg(a, s);
	if ((in->flags & (TS_IF_PAC_SIGN | TS_IF_PAC_AUTH | TS_IF_PAC_STRIP)) && !(in->flags & TS_IF_PAC_DATA) &&
	    in->pac_reg == a->ra)
		pac_step(u, in, s, report);
	bool chain_check = u->rules == TRUSTACK_RULES_BACKCHAIN && a->backchain;
	enum ts_backchain bc_before = chain_check ? ts_state_backchain(a, s) : TS_BC_UNKNOWN;
	int64_t sp_before = s->regs[a->sp].off;
	enum ts_apply_problem prob = ts_state_apply(a, u->img, s, in);
	if (bc_before == TS_BC_STORED && s->regs[a->sp].kind == V_CFA && s->regs[a->sp].off == sp_before &&
	    (ts_state_backchain(a, s) == TS_BC_WRONG || ts_state_backchain(a, s) == TS_BC_END)) {
		/* the chain overwritten in place by something known not to be it, the frame still
		 * live (an unknown value may be a copy of it: not reported here) */
		if (report)
			warn(u, in->addr, TRUSTACK_W_BACKCHAIN_CLOBBERED,
			     "back chain at 0(%s) overwritten while the frame is live", a->reg_name(a->sp));
		s->bc_lost = true;
	}
	if (lr_only && in->flow == TS_FLOW_NEXT && !ts_state_ra_only_in_reg(a, s)) {
		/* zero is the end-of-chain marker (AAPCS64; _start's `mov x30, #0`), not a loss */
		/* neither is the link register loaded with the rest of another context (longjmp,
		 * setcontext: every callee-saved register of the caller already dropped) */
		struct ts_val ra = { .kind = V_ORIG, .reg = a->ra }, zero = { .kind = V_CONST };
		if (memcmp(&s->regs[a->ra], &ra, sizeof(ra)) && memcmp(&s->regs[a->ra], &zero, sizeof(zero)) &&
		    !ts_state_callers_regs_dropped(a, s)) {
			if (report)
				warn(u, in->addr, TRUSTACK_W_LR_CLOBBERED,
				     "link register overwritten while it holds the only copy of the return address");
			s->ra_lost = true;
		}
	}
	if (prob == TS_AP_UNSUPPORTED) {
		if (report)
			warn(u, in->addr, TRUSTACK_W_UNSUPPORTED_STACK_OP, "unsupported stack pointer modification");
		return false;
	}
	if (cfa_before && realign && !ts_state_cfa_known(a, s)) {
		if (report)
			warn(u, in->addr, TRUSTACK_W_UNSUPPORTED_REALIGN,
			     "stack realigned without a frame pointer or DRAP register holding the CFA");
		return false;
	}
	if (writes_fp)
		check_fp_write(u, in, s, fp_est_before, fp_was_callers, report);
	return true;
}

/* A direct jump, or a conditional jump's taken edge with its state. */
static inline __attribute__((always_inline)) void jump_to(struct ts_unit *u, const struct ts_insn *in,
							  const struct ts_state *s, enum edge_kind kind)
{
	if (adopt_with(u, in->target, true, true))
		edge(u, in->addr, in->target, s, kind);
	else
		sibling_call(u, in, s, name_at(u, in->target));
}

/* An indirect jump: a jump table, an array of code blocks, a label, a computed goto, or a tail
 * call. */
static void step_jump_ind(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	struct ts_val v;
	if (in->treg != TS_REG_NONE) {
		v = s->regs[in->treg];
	} else {
		struct ts_state t = *s;
		struct ts_insn ld = { .nuops = 1 };
		ld.uops[0] = (struct ts_uop){ .kind = TS_UOP_LOAD, .dst = 32, .src = TS_REG_NONE, .mem = in->tmem };
		ld.uops[0].mem.size = 8;
		ts_state_apply(u->a, u->img, &t, &ld);
		v = t.regs[32];
	}
	if (v.kind == V_JTSUM || (v.kind == V_JTENT && v.esize == 8)) {
		jump_table(u, in, s, v);
	} else if (v.kind == V_STRIDED) {
		strided_jump(u, in, s, v);
	} else if (v.kind == V_CONST && in_unit(u, (uint64_t)v.off)) {
		/* a jump to a label whose address a lea put into the register on every path
		 * here: glibc's vfprintf `goto *(&&do_form_unknown + 0)`, the computed goto
		 * to the label every label-offset table is relative to */
		jump_edge(u, in, (uint64_t)v.off, s);
	} else if (v.kind == V_JTENT) {
		warn(u, in->addr, TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP, "indirect jump through an unrecognised table");
	} else if (!computed_goto(u, in, s)) {
		const char *n = indirect_name(u, in, s);
		if (v.kind == V_CONST)
			check_tail_pad(u, in, (uint64_t)v.off);
		sibling_call(u, in, s, n ? n : "an indirect target");
	}
}

/*
 * A call. A direct call's target, its name and whether it is code of this unit, whether it
 * returns and what it changes are the same on every walk: found once (searches of the image's
 * functions and inferences), kept per instruction in callm[i]. `in` is a copy: taking in a
 * fragment grows the arrays (vec.h), so callm[i] is looked up again after every call that may.
 */
/* The memo of direct call i (NULL for an indirect call), its target's name and place filled in. */
static struct ts_call_memo *call_memo(struct ts_unit *u, int32_t i, const struct ts_insn *in)
{
	if (in->flow != TS_FLOW_CALL)
		return NULL;
	if (u->callm[i].known & CM_TARGET)
		return &u->callm[i];
	const char *target_name = ts_image_target_name(u->img, in->target);
	bool local = in_unit(u, in->target); /* may take in a fragment: callm moves (vec.h) */
	struct ts_call_memo *cm = &u->callm[i];
	cm->name = target_name;
	cm->local = local;
	cm->known = CM_TARGET;
	return cm;
}

/* Whether call i (memo cm, NULL: indirect, to name) returns, and how we know. */
static enum ts_noreturn call_returns(struct ts_unit *u, int32_t i, const struct ts_insn *in, struct ts_call_memo *cm,
				     const char *name)
{
	if (!cm)
		return name ? ts_noreturn_call(u->img, 0, name) : TS_RETURNS;
	if (!(cm->known & CM_NORETURN)) {
		cm->nr = (uint8_t)ts_noreturn_call(u->img, in->target, name);
		cm->known |= CM_NORETURN;
	}
	return (enum ts_noreturn)cm->nr;
}

/*
 * --rules=backchain (s390x -mbackchain): a function that has allocated a frame stores the
 * caller's stack pointer at 0(%r15) before it calls anything, since the callee or anything it
 * calls may walk the chain. A frame without it makes a walk skip the function's caller (and read
 * a return address from the wrong save area). Zero, the end of the chain, is right only in the
 * outermost frame (_start).
 */
static void check_chain_at_call(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s, const char *name)
{
	const struct ts_arch *a = u->a;
	enum ts_backchain bc = ts_state_backchain(a, s);
	if (bc == TS_BC_MISSING || bc == TS_BC_WRONG || (bc == TS_BC_END && !u->fp_exempt))
		warn(u, in->addr, TRUSTACK_W_BACKCHAIN_MISSING, "call to %s with a frame allocated and %s at 0(%s)",
		     name ? name : "an indirect target", bc == TS_BC_END ? "zero (the end of the chain)" : "no back chain",
		     a->reg_name(a->sp));
}

/*
 * A call to a TLS descriptor's resolver (`adrp x0, :tlsdesc:v; ldr x1, [x0, ...]; add x0, ...;
 * blr x1`; x86-64 `call *(%rax)`): by the TLSDESC ABI it changes only the register the offset
 * comes back in, and compilers keep values in other caller-saved registers across it (clang
 * keeps a jump table's base in x15). Known from the call's TLSDESC_CALL relocation in an object,
 * from the descriptor's GOT slot the target was loaded from in a linked file.
 */
static bool tlsdesc_call(const struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	if (in->flow != TS_FLOW_CALL_IND || !u->img->ntlsdesc)
		return false;
	if (ts_image_tlsdesc(u->img, in->addr))
		return true;
	if (in->treg != TS_REG_NONE)
		return in->treg < TS_MAX_REGS && s->regs[in->treg].kind == V_SYM && (s->regs[in->treg].flags & TS_VF_TLSDESC);
	struct ts_val slot = ts_state_addr(s, &in->tmem);
	return slot.kind == V_CONST && ts_image_tlsdesc(u->img, (uint64_t)slot.off);
}

/*
 * Is call i the last instruction of its range, or followed only by padding? For a call through
 * a pointer whose callee we cannot name, that is the compiler saying the callee never returns:
 * it laid out nothing to return to (libtk's Tk_3DBorderGC ends in `call *0x20(%rdx)`,
 * Tcl_Panic through Tcl's stub table). A direct call is judged by its callee instead.
 */
static bool ends_function(const struct ts_unit *u, int32_t i)
{
	for (size_t k = (size_t)i; !u->last[k]; k++)
		if (!(u->insns[k + 1].flags & (TS_IF_NOP | TS_IF_TRAP)))
			return false;
	return true;
}

static enum step step_call(struct ts_unit *u, int32_t i, const struct ts_insn *in, struct ts_state *s, bool report)
{
	const struct ts_arch *a = u->a;
	/* the call's own uops are applied by now and leave the link register alone: whether it
	 * still holds the only copy of the return address is as before the instruction */
	bool lr_only = a->call_ra == TS_CALL_LINK_REG && ts_state_ra_only_in_reg(a, s);
	struct ts_call_memo *cm = call_memo(u, i, in);
	const char *name = cm ? cm->name : indirect_name(u, in, s);
	if (cm && cm->local) {
		/* an intra-function call (retpoline-style thunks): the return address handed
		 * over as the machine does it, and a jump */
		struct ts_insn call;
		call_hands_over_ra(a, &call);
		ts_state_apply(a, u->img, s, &call);
		if (report)
			edge(u, in->addr, in->target, s, EDGE_CALL);
		return STEP_END;
	}
	/* every frameless call is reported, except where the frame pointer holds something
	 * else than the caller's on every path: the fp-clobbered/fp-scratch report explains
	 * those calls */
	if (report && !ts_state_frame_established(a, s) && (fp_may_be_callers(a, s) || s->fp_misplaced))
		warn(u, in->addr, TRUSTACK_W_CALL_WITHOUT_FRAME, "call to %s without frame pointer save/setup",
		     name ? name : "an indirect target");
	if (report && u->rules == TRUSTACK_RULES_BACKCHAIN && a->backchain && !s->bc_lost)
		check_chain_at_call(u, in, s, name);
	uint64_t lp = ts_image_landing_pad(u->img, in->addr);
	if (lp && report) {
		/* an exception thrown through this call resumes at the landing pad with the
		 * frame as after a return (the unwinder restores the callee-saved registers) */
		struct ts_state t = *s;
		ts_state_after_call(a, &t, a->call_clobbered);
		/* with the arguments pushed for the call popped (DW_CFA_GNU_args_size) */
		uint64_t args = ts_image_args_size(u->img, in->addr);
		struct ts_val *sp = &t.regs[a->sp];
		if (args && args < 0x10000 && (sp->kind == V_CFA || sp->kind == V_ALN))
			sp->off += (int64_t)args;
		if (in_unit(u, lp))
			edge(u, in->addr, lp, &t, EDGE_LANDING);
	}
	if (cm)
		cm = &u->callm[i]; /* the landing pad's edge may have taken in a fragment */
	enum ts_noreturn nr = call_returns(u, i, in, cm, name);
	if (nr == TS_RETURNS && !cm && !name && ends_function(u, i))
		nr = TS_NORETURN_KNOWN;
	/* What follows a call that never returns. When only we inferred that, the compiler
	 * may not have known (an interposable callee, a callee it did not analyse) and
	 * laid out code after the call that it considers reachable: go on as if the call
	 * returned, on a soft path (state.h): it reports nothing and gives way to real ones.
	 * After a call the compiler knew never returns, only the lone jump unoptimised
	 * code ends a block with is expected. */
	if (lr_only && nr == TS_RETURNS) { /* a call that never returns needs no way back */
		if (report)
			warn(u, in->addr, TRUSTACK_W_LR_CLOBBERED,
			     "call to %s while the link register holds the only copy of the return address",
			     name ? name : "an indirect target");
		s->ra_lost = true;
	}
	const struct ts_insn *next = !u->last[i] ? &u->insns[i + 1] : NULL;
	if (nr == TS_NORETURN_KNOWN && next && (next->flow == TS_FLOW_JUMP || trap_call(u, next)))
		u->insns[i].flags |= TS_IF_DEAD_AFTER;
	if (nr == TS_NORETURN_KNOWN)
		return STEP_END;
	uint64_t clobbers = tlsdesc_call(u, in, s) ? a->tlsdesc_clobbered : a->call_clobbered;
	if (cm) {
		if (!(cm->known & CM_CLOBBERS)) {
			cm->clobbers = ts_call_clobbers(u->img, in->target);
			cm->known |= CM_CLOBBERS;
		}
		clobbers = cm->clobbers;
	}
	ts_state_after_call(a, s, clobbers);
	if (nr == TS_NORETURN_INFERRED)
		s->soft = true;
	return STEP_NEXT;
}

/* A return through the link register that holds a jump-table target instead: gcc's s390x code,
 * with %r14 saved, reuses it for a switch (`larl %r14,T; agf %r14,0(%r14,%r5); br %r14`). */
static bool table_through_ra(const struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	const struct ts_arch *a = u->a;
	if (a->call_ra != TS_CALL_LINK_REG || in->treg != a->ra)
		return false;
	const struct ts_val *v = &s->regs[a->ra];
	return v->kind == V_JTSUM || v->kind == V_JTENT || v->kind == V_STRIDED;
}

/* An indirect jump to the caller's return address, held in another register than the link
 * register, is a return (machines whose calls leave it in a register: gcc's unoptimised s390x
 * epilogues load it into %r4 and `br %r4`). */
static bool jumps_to_ra(const struct ts_arch *a, const struct ts_insn *in, const struct ts_state *s)
{
	if (a->call_ra != TS_CALL_LINK_REG || in->treg >= a->nregs || in->treg == a->ra)
		return false;
	const struct ts_val *v = &s->regs[in->treg];
	return v->kind == V_ORIG && v->reg == a->ra;
}

/* The rules at a return: the frame as at entry, the return address not left signed. */
static void check_return(struct ts_unit *u, const struct ts_insn *in, const struct ts_state *s)
{
	char why[96];
	const struct ts_arch *a = u->a;
	struct ts_state via;
	if (a->call_ra == TS_CALL_LINK_REG && in->treg < a->nregs && in->treg != a->ra) {
		/* `ret x15`: the return address is taken from that register (glibc's rawmemchr
		 * keeps it in x15 around its call) */
		via = *s;
		via.regs[a->ra] = s->regs[in->treg];
		s = &via;
	}
	if (!ts_state_frame_intact(a, s, 0, why, sizeof(why)))
		warn(u, in->addr, TRUSTACK_W_RETURN_MODIFIED_FRAME, "return with modified stack frame: %s", why);
	else if (s->ra_sign != TS_RS_NONE) /* retaa authenticated it (pac_step) */
		warn(u, in->addr, TRUSTACK_W_RA_SIGN_MISMATCH, "return with the return address signed, not authenticated");
}

/*
 * Apply instruction i to s, checking the rules when report is set, and send the state along
 * its branch edges. Returns whether the straight run continues to i+1.
 */
static enum step step(struct ts_unit *u, int32_t i, struct ts_state *s, bool report)
{
	const struct ts_insn *in = &u->insns[i];
	if (in->flow == TS_FLOW_INVALID) {
		if (report)
			warn(u, in->addr, TRUSTACK_W_DECODE_ERROR, "cannot decode instruction");
		return STEP_END;
	}
	if (!apply_checked(u, i, s, report))
		return STEP_END;
	if (in->flow == TS_FLOW_NEXT)
		return STEP_NEXT;
	/* Edges may add fragments to the unit, which moves the array (vec.h): a branch goes on with
	 * a copy. Only of what precedes the uops, which are applied by now (the whole record is 4
	 * times larger, and copying it cost 2% of the analysis). */
	struct ts_insn copy;
	memcpy(&copy, in, offsetof(struct ts_insn, uops));
	copy.nuops = 0;
	in = &copy;
	switch (in->flow) {
	case TS_FLOW_RET:
		if (report && table_through_ra(u, in, s))
			step_jump_ind(u, in, s); /* s390x: `br %r14` with %r14 reused for a switch */
		else if (report)
			check_return(u, in, s);
		return STEP_END;
	case TS_FLOW_RET_COND: /* s390x `ber %r14`: a return, and the path goes on */
		if (report)
			check_return(u, in, s);
		return STEP_NEXT;
	case TS_FLOW_JCC: {
		if (!ts_state_refine_may_change(s, in, true)) {
			/* the taken edge knows nothing s does not: sent as it is, before the
			 * fall-through's refinement (a state is 2 KB, most edges need no copy) */
			if (report)
				jump_to(u, in, s, EDGE_TAKEN);
			ts_state_refine(u->a, s, in, false);
			return STEP_NEXT;
		}
		struct ts_state taken = *s;
		ts_state_refine(u->a, &taken, in, true);
		ts_state_refine(u->a, s, in, false);
		if (report)
			jump_to(u, in, &taken, EDGE_TAKEN);
		return STEP_NEXT;
	}
	case TS_FLOW_JUMP:
		if (report)
			jump_to(u, in, s, EDGE_JUMP);
		return STEP_END;
	case TS_FLOW_JUMP_IND:
		if (report && jumps_to_ra(u->a, in, s))
			check_return(u, in, s); /* s390x -O0: `lg %r4,..; lmg ..; br %r4` */
		else if (report)
			step_jump_ind(u, in, s);
		return STEP_END;
	case TS_FLOW_CALL:
	case TS_FLOW_CALL_IND:
		return step_call(u, i, in, s, report);
	default: /* TS_FLOW_STOP */
		return STEP_END;
	}
}

/* Rebuild the state at instruction `to` by replaying the straight run from leader `from`. */
static void replay(struct ts_unit *u, int32_t from, int32_t to, struct ts_state *s)
{
	ts_state_copy(s, state_of(u, u->leader[from]));
	for (int32_t i = from; i < to; i++)
		step(u, i, s, false);
}

int ts_unit_state_at(struct ts_unit *u, size_t i, struct ts_state *s)
{
	if (i >= u->n || u->row[i] < 0)
		return -1;
	int32_t from = u->wstart[i];
	if (from < 0 || (size_t)from >= u->n || u->leader[from] < 0)
		return -1;
	replay(u, from, (int32_t)i, s);
	return 0;
}

static bool row_material(uint8_t kind)
{
	return kind == V_CFA || kind == V_ALN || kind == V_ORIG;
}

/*
 * Can instruction in leave the unwind row as it was? The row is made of the registers that hold
 * the CFA, an address in a realigned frame or a caller's value, and of the stack slots
 * (ts_state_row): an instruction that writes no memory and only other registers keeps it. Asked
 * with the state before the step and again after it (what a register holds then), so that
 * computing the row again can be skipped (most instructions keep it).
 */
static uint64_t keeps_row_regs(const struct ts_arch *a, const struct ts_insn *in)
{
	uint64_t regs = 0;
	/* A conditional jump's refinement of the fall-through bounds values with an identity
	 * (ts_state_refine), which is not what rows are made of, except after a compare of two
	 * 64-bit registers: it may set the stack pointer (a stack probe's loop ends when %rsp
	 * equals %r11). */
	if (in->flow == TS_FLOW_JCC)
		regs |= ROWREGS_CMP;
	else if (in->flow != TS_FLOW_NEXT)
		return ROWREGS_NEVER;
	if (in->flags & (TS_IF_PAC_SIGN | TS_IF_PAC_AUTH | TS_IF_PAC_STRIP))
		return ROWREGS_NEVER; /* may change the return address's signing state, part of the row */
	for (unsigned k = 0; k < in->nuops; k++) {
		const struct ts_uop *o = &in->uops[k];
		if (o->kind == TS_UOP_STORE || o->kind == TS_UOP_SWAP || o->kind == TS_UOP_ANDI ||
		    o->kind == TS_UOP_UNSUPPORTED || o->kind == TS_UOP_STM || o->kind == TS_UOP_LDM ||
		    o->kind == TS_UOP_ANDR)
			return ROWREGS_NEVER;
		if (o->dst >= a->nregs)
			continue; /* the decoder's scratch register */
		if (o->dst == a->sp || o->dst == a->fp)
			return ROWREGS_NEVER;
		regs |= 1ull << o->dst;
	}
	return regs;
}

/* keeps_row_regs of instruction i, worked out once (each instruction is stepped twice on average,
 * and asked twice per step). */
static inline __attribute__((always_inline)) bool keeps_row(struct ts_unit *u, int32_t i, const struct ts_state *s)
{
	uint64_t regs = u->rowregs[i];
	if (regs == ROWREGS_UNKNOWN)
		regs = u->rowregs[i] = keeps_row_regs(u->a, &u->insns[i]);
	if (regs == ROWREGS_NEVER)
		return false;
	if ((regs & ROWREGS_CMP) && s->cmp_kind == TS_CMP_RR && s->cmp_width == 8)
		return false;
	regs &= ~ROWREGS_CMP;
	for (; regs; regs &= regs - 1)
		if (row_material(s->regs[__builtin_ctzll(regs)].kind))
			return false;
	return true;
}

/* Walk the straight run starting at leader i. */
static void walk(struct ts_unit *u, int32_t i)
{
	struct ts_state s;
	ts_state_copy(&s, state_of(u, u->leader[i]));
	int32_t start = i;
	u->walk_start = start;
	u->walk_version = u->versions[u->leader[i]];
	u->start_changed = false;
	int32_t same_row = -1; /* the row of instruction i when the one before kept it */
	u->walk_id++;
	if (TS_GROW(u->wend, u->walk_id, u->capwend, 64)) {
		u->err = -TRUSTACK_E_NOMEM;
		return;
	}
	for (;;) {
		if (i != start && ((u->wstart[i] >= 0 && u->wstart[i] != start) || u->leader[i] >= 0 ||
				   u->latch[i] >= i)) {
			/* joins a run walked before, or a join point, or a loop head (a join point as
			 * soon as its jump back is walked): merge there */
			u->walk_at = i - 1;
			edge(u, u->insns[i - 1].addr, u->insns[i].addr, &s, EDGE_NEXT);
			return;
		}
		/* rows and warnings come from every walk; those of the last walk to step an
		 * instruction are kept (final_reach) */
		if (same_row >= 0) {
			u->row[i] = same_row;
		} else {
			struct trustack_row r;
			ts_state_row(u->a, &s, &r);
			u->row[i] = intern_row(u, &r);
		}
		bool keeps = keeps_row(u, i, &s);
		u->wid[i] = u->walk_id;
		u->wend[u->walk_id] = i;
		u->walk_at = i;
		u->wstart[i] = start;
		u->quiet = s.soft;
		enum step st = step(u, i, &s, true);
		u->quiet = false;
		if (st == STEP_END)
			return;
		if (u->start_changed)
			return; /* an edge of this instruction changed the state the walk started from
				 * (a loop's back edge to its own head, gcc's rotated loops): the walk
				 * from the new state, scheduled by edge(), steps this run again and goes
				 * on past it. Going on with the old state walked the code after every
				 * such loop twice, and only the later walk's rows and warnings count. */
		same_row = keeps && keeps_row(u, i, &s) ? u->row[i] : -1;
		if (u->wstart[i] != start)
			return; /* an edge of this very instruction made a join point upstream: the walk
				 * from there owns the rest of this run now (a loop's back edge; edge()
				 * scheduled it, nothing past i was walked yet) */
		if (u->last[i]) {
			const struct ts_insn *in = &u->insns[i];
			uint64_t next = in->addr + in->len;
			if (s.soft)
				return; /* the end of a function that ends in a call that never returns */
			int g = ts_image_func_at(u->img, next);
			if (g >= 0)
				warn(u, in->addr, TRUSTACK_W_FALLS_THROUGH, "falls through to next function %s()",
				     u->img->funcs[g].name);
			else
				warn(u, in->addr, TRUSTACK_W_FALLS_THROUGH, "runs past the end of the function");
			return;
		}
		i++;
	}
}

static bool ends_run(const struct ts_insn *in)
{
	return in->flow == TS_FLOW_RET || in->flow == TS_FLOW_JUMP || in->flow == TS_FLOW_JUMP_IND ||
	       in->flow == TS_FLOW_STOP;
}

/* Does instruction i follow (across padding) a call we inferred never returns? */
static bool follows_dead_call(const struct ts_unit *u, size_t i)
{
	while (i > 0 && !u->last[i - 1]) {
		const struct ts_insn *p = &u->insns[i - 1];
		if (!(p->flags & (TS_IF_NOP | TS_IF_TRAP)))
			return u->row[i - 1] >= 0 && (p->flags & TS_IF_DEAD_AFTER);
		i--;
	}
	return false;
}

/* Is instruction i a jump back to a trap just before it (glibc's abort: `hlt; jmp .-1`, the
 * `for (;;) ABORT_INSTRUCTION;` that follows a trap that cannot return)? */
static bool loops_on_trap(const struct ts_unit *u, size_t i)
{
	const struct ts_insn *in = &u->insns[i];
	if (in->flow != TS_FLOW_JUMP || in->target >= in->addr || i == 0)
		return false;
	bool trap = false;
	for (size_t k = i; k-- > 0 && u->insns[k].addr >= in->target;) {
		if (!(u->insns[k].flags & (TS_IF_NOP | TS_IF_TRAP)) || u->last[k])
			return false;
		trap |= (u->insns[k].flags & TS_IF_TRAP) != 0;
		if (u->insns[k].addr == in->target)
			return trap;
	}
	return false;
}

/* Does instruction i start the straight run right after a reached trap? The compiler laid it out
 * as reachable: clang -O0 after __builtin_trap on arm64 (`brk #1; b next`), and a trap written
 * as inline assembly, which the compiler believes falls through (glibc's _exit: `svc` exit;
 * `brk #1000`, then the loop back to the `svc`). */
static bool follows_trap(const struct ts_unit *u, size_t i)
{
	if (i == 0 || u->last[i - 1])
		return false;
	const struct ts_insn *p = &u->insns[i - 1];
	return p->flow == TS_FLOW_STOP && (p->flags & TS_IF_TRAP) && u->row[i - 1] >= 0;
}

/* Is instruction i the template an execute instruction of the unit runs out of line (s390x
 * `exrl %r1,tmpl` with `tmpl: mvc 0(1,%r2),0(%r3)` after the function's code)? Templates are
 * never executed in line. At most 64 execute instructions a unit are looked at. */
static bool exec_template(const struct ts_unit *u, size_t i, const uint64_t *targets, size_t ntargets)
{
	for (size_t k = 0; k < ntargets; k++)
		if (targets[k] == u->insns[i].addr)
			return true;
	return false;
}

/* Is instruction i the `call runtime.deferreturn` that starts a Go function's recovery block?
 * After a deferred call recovers from a panic, Go's runtime resumes the function there (the PC
 * is in the function's pclntab data, not in its code): an entry no jump shows, with the body's
 * frame set up. Not followed (its state is not known here), not reported as unreachable. */
static bool go_recovery_entry(const struct ts_unit *u, size_t i)
{
	const struct ts_insn *in = &u->insns[i];
	if (!u->img->go || in->flow != TS_FLOW_CALL)
		return false;
	const char *name = ts_image_target_name(u->img, in->target);
	return name && !strcmp(name, "runtime.deferreturn");
}

static void find_unreachable(struct ts_unit *u)
{
	enum { NONE, REPORTED, EXCUSED } block = NONE;
	uint64_t exec[64];
	size_t nexec = 0;
	for (size_t i = 0; i < u->n && nexec < 64; i++)
		if (u->insns[i].flow == TS_FLOW_NEXT && u->insns[i].target)
			exec[nexec++] = u->insns[i].target;
	size_t r = 0;
	for (size_t i = 0; i < u->n; i++) {
		while (r + 1 < u->nranges && i >= u->ranges[r + 1].first)
			r++;
		if (u->ranges[r].borrowed)
			continue;
		const struct ts_insn *in = &u->insns[i];
		bool padding = (in->flags & (TS_IF_NOP | TS_IF_TRAP)) != 0 || (nexec && exec_template(u, i, exec, nexec));
		if (u->row[i] >= 0 || padding) {
			block = NONE;
		} else if (block == NONE && (follows_dead_call(u, i) || loops_on_trap(u, i) || follows_trap(u, i) ||
					     go_recovery_entry(u, i))) {
			/* the straight run after a call we inferred never returns: dead, but what a
			 * compiler emits when it cannot know (cli_exit() calls exit() without being
			 * declared noreturn), so not a defect of the code */
			block = EXCUSED;
		} else if (block == NONE) {
			if (in->flow == TS_FLOW_INVALID)
				warn(u, in->addr, TRUSTACK_W_DECODE_ERROR, "cannot decode instruction (not reached)");
			else
				warn(u, in->addr, TRUSTACK_W_UNREACHABLE, "unreachable instruction");
			block = REPORTED;
		}
		if (u->last[i] || (block == EXCUSED && ends_run(in)))
			block = NONE;
	}
}

/* Reach what the edges walk w sent from instructions [from, to] lead to. */
static void reach_edges(struct ts_unit *u, uint32_t w, int32_t from, int32_t to)
{
	size_t lo = 0, hi = u->nelog; /* the log is in walk order: the first edge of walk w */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (u->elog[mid].walk < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < u->nelog && u->elog[k].walk == w; k++) {
		const struct ts_edge_rec *r = &u->elog[k];
		if (r->from < from || r->from > to || u->dirty[r->to])
			continue;
		u->dirty[r->to] = 1;
		push_work(u, r->to);
	}
}

/*
 * What is reached, and so what is reported, follows from the final states only: from the
 * entries along the edges the last walk of each instruction sent (that walk was from its
 * leader's final state). Code only an early round reached (a jump table resolved under a state
 * that did not last) keeps no row and no warning, so the result does not depend on the order
 * of the walks. Consecutive instructions the same walk stepped are one straight run. dirty[]
 * marks what is reached; work[] holds the runs to follow.
 */
static void final_reach(struct ts_unit *u, long e, const uint64_t *alt, size_t nalt)
{
	memset(u->dirty, 0, u->n);
	u->nwork = 0;
	push_work(u, (int32_t)e);
	for (size_t k = 0; k < nalt; k++) {
		long x = insn_index(u, alt[k]);
		if (x >= 0 && !u->dirty[x]) {
			u->dirty[x] = 1;
			push_work(u, (int32_t)x);
		}
	}
	while (u->nwork && !u->err) {
		int32_t x = u->work[--u->nwork], end = x;
		uint32_t w = u->wid[x];
		if (!w)
			continue; /* never stepped: no state reached it */
		/* walk w went on from x to wend[w]; a later walk that stepped one of those goes on
		 * from there (the join a loop's back edge made) */
		while (end < u->wend[w] && !u->dirty[end + 1]) {
			if (u->wid[end + 1] != w) {
				push_work(u, end + 1);
				break;
			}
			u->dirty[++end] = 1;
		}
		reach_edges(u, w, x, end);
	}
	for (size_t i = 0; i < u->n; i++)
		if (!u->dirty[i])
			u->row[i] = -1;
	size_t k = 0;
	for (size_t i = 0; i < u->nwarns; i++) {
		const struct ts_uwarn *w = &u->warns[i];
		if (w->insn >= 0 && (!u->dirty[w->insn] || u->wid[w->insn] != w->walk))
			continue; /* from a walk whose state did not last, or of code not reached */
		u->warns[k++] = *w;
	}
	u->nwarns = k;
}

/*
 * Code the program's authors cannot change, so the frame-pointer rules skip it (the stack
 * rules still apply): the C library's start-up code linked into every program (_start must
 * clear the frame pointer, the psABI's end-of-chain marker; _init/_fini come from crti.o,
 * built without frames), and clang's __clang_call_terminate, which clang emits without a
 * frame even with -fno-omit-frame-pointer (it calls __cxa_begin_catch, then std::terminate).
 */
static bool fp_rules_exempt(const char *name)
{
	return !strcmp(name, "_start") || !strcmp(name, "_init") || !strcmp(name, "_fini") ||
	       !strcmp(name, "__clang_call_terminate");
}

int ts_unit_analyse(struct ts_unit *u, const struct ts_image *img, int f, enum trustack_rules rules)
{
	u->img = img;
	u->a = ts_image_func_arch(img, (size_t)f);
	u->rules = rules;
	u->fp_exempt = fp_rules_exempt(img->funcs[f].name);
	if (!u->scratch && !(u->scratch = calloc(1, sizeof(*u->scratch))))
		return -TRUSTACK_E_NOMEM;
	u->func = f;
	u->n = u->nstates = u->nroom = u->nrows = u->nwork = u->nwarns = u->nranges = u->nat = u->nelog = 0;
	u->spare = -1;
	u->walk_id = 0;
	u->walk_at = -1;
	u->nlea_for = (size_t)-1;
	u->near_base = 0;
	ts_edge_memo_clear(&u->memo);
	u->err = 0;
	const struct ts_func *fn = &img->funcs[f];
	int rc = decode_range(u, fn->addr, fn->size);
	/* gcc .cold fragments belong to this unit */
	for (int32_t g = fn->first_part; !rc && g >= 0; g = img->funcs[g].next_part)
		rc = decode_range(u, img->funcs[g].addr, img->funcs[g].size);
	if (rc)
		return rc;
	if (!u->n)
		return 0;
	long e = insn_index(u, fn->addr);
	if (e < 0)
		return 0;
	struct ts_state entry;
	/* a fragment is analysed as its own unit only from its CFI's entry state (driver.c); a
	 * function a lazy PLT enters from the state the PLT leaves (fragments.c) */
	const struct ts_entry_hint *hint = img->nhints ? ts_image_entry_hint(img, fn->addr) : NULL;
	if (hint)
		ts_state_entry_hint(u->a, hint, &entry);
	else
		ts_state_entry(u->a, &entry);
	u->leader[e] = new_state(u, &entry);
	push_work(u, (int32_t)e);
	/* further entry points of hand-written code known only from an FDE (fragments.c) */
	const uint64_t *alt;
	size_t nalt = ts_image_alt_entries(img, fn->addr, fn->addr + fn->size, &alt);
	for (size_t k = 0; k < nalt; k++) {
		long x = insn_index(u, alt[k]);
		if (x < 0 || u->leader[x] >= 0)
			continue;
		u->leader[x] = new_state(u, &entry);
		push_work(u, (int32_t)x);
	}
	/* Walk until the states converge. Every walk records rows and warnings; a state seen on
	 * an early round (a loop taken once) is not the final one and rules checked against it
	 * would be wrong, but each leader's last walk is from its final state, and final_reach
	 * keeps only what those walks found. */
	while (u->nwork && !u->err) {
		int32_t i = pop_work(u);
		/* A leader pushed again before its earlier entry came up was walked then, with the
		 * state it still has: walking it again would send the same states along the same
		 * edges (16% of the pops on SQLite). */
		if (!u->dirty[i])
			continue;
		u->dirty[i] = 0;
		walk(u, i);
	}
	u->walk_at = -1; /* what follows is the unit's, not an instruction's */
	if (!u->err)
		final_reach(u, e, alt, nalt);
	if (!u->err)
		check_entry_pad(u, fn, e);
	bool abandoned = false;
	for (size_t i = 0; i < u->nwarns && !u->err; i++)
		abandoned |= abandons_path(u->warns[i].kind);
	if (!u->err && !abandoned)
		find_unreachable(u);
	return u->err;
}

void ts_unit_free(struct ts_unit *u)
{
	free(u->insns);
	free(u->last);
	free(u->dirty);
	free(u->row);
	free(u->wstart);
	free(u->leader);
	free(u->latch);
	free(u->callm);
	free(u->wid);
	free(u->rowregs);
	free(u->wend);
	free(u->elog);
	free(u->ranges);
	free(u->at);
	free(u->lea);
	free(u->scratch);
	free(u->states);
	free(u->versions);
	free(u->room);
	ts_edge_memo_free(&u->memo);
	free(u->rows);
	free(u->work);
	free(u->warns);
	memset(u, 0, sizeof(*u));
}
