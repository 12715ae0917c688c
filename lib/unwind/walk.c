/*
 * walk.c - trustack_unwind(): from a register set to frames and a verdict.
 *
 * One loop serves the table modes (fp-validated, orc, sframe, auto): find the module of the pc,
 * recognise a signal trampoline by its bytes, check that a return address follows a call, look
 * up the row (at pc - 1 for return addresses, at pc for the innermost frame and one interrupted
 * by a signal), apply it, and check that the stack pointer rises and stays in the thread's
 * stack. The walk is reliable only when it stops at a row marked outermost with the frame chain
 * ended (frame pointer 0). The plain fp mode is the baseline every frame-pointer profiler uses.
 *
 * Async-signal-safe: no allocation, no locks, no system calls; memory is read through the
 * callback, or with direct loads after a bounds check (the stack) or a module-range check (code).
 */
#include <string.h>

#include "unwind/uwint.h"

struct walk {
	const struct trustack_unwinder *u;
	const struct ts_uw_module *last; /* the module of the previous frame: most callers share it */
	uint64_t lo, hi; /* readable stack: [lo, hi); hi == 0: no bounds (callback mode only) */
	bool direct;
};

/* Only in sanitizer builds: the attribute keeps the readers from being inlined into the walk */
#if defined(__SANITIZE_ADDRESS__)
#define TS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TS_ASAN 1
#endif
#endif
#ifdef TS_ASAN
#define TS_NO_ASAN __attribute__((no_sanitize_address))
#else
#define TS_NO_ASAN inline __attribute__((always_inline))
#endif

/* A stack word. Direct loads only inside the bounds: another frame's slots are no business of
 * AddressSanitizer's (they may be in an instrumented function's redzone bookkeeping). */
static TS_NO_ASAN bool rd_stack(const struct walk *w, uint64_t addr, uint64_t *v)
{
	if (w->hi && (addr < w->lo || w->hi - addr < 8 || addr > w->hi))
		return false;
	if (w->direct) {
		if (!w->hi)
			return false;
		__builtin_memcpy(v, (const void *)(uintptr_t)addr, 8);
		return true;
	}
	return w->u->opts.read_mem(w->u->opts.ctx, addr, v, 8) == 0;
}

/* Code bytes of module m: direct loads only inside its executable range. */
static TS_NO_ASAN bool rd_code(const struct walk *w, const struct ts_uw_module *m, uint64_t addr, void *buf,
			       unsigned n)
{
	if (addr < m->start || addr > m->end || m->end - addr < n)
		return false;
	if (w->direct) {
		if (n == 8) {
			__builtin_memcpy(buf, (const void *)(uintptr_t)addr, 8);
			return true;
		}
		const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
		uint8_t *o = buf;
		for (unsigned i = 0; i < n; i++)
			o[i] = p[i];
		return true;
	}
	return w->u->opts.read_mem(w->u->opts.ctx, addr, buf, n) == 0;
}

static bool is_sigreturn(const struct walk *w, const struct ts_uw_module *m, uint64_t pc)
{
	const struct ts_uw_arch *a = m->arch;
	if (m->sig_scanned) {
		uint64_t va = pc - m->bias;
		for (unsigned i = 0; i < m->nsig; i++)
			if (m->sig[i] == va)
				return true;
		return false;
	}
	uint8_t b[16];
	if (!a->sigret_len || !rd_code(w, m, pc, b, a->sigret_len))
		return false;
	return memcmp(b, a->sigret, a->sigret_len) == 0;
}

static bool after_call(const struct walk *w, const struct ts_uw_module *m, uint64_t pc)
{
	const struct ts_uw_arch *a = m->arch;
	uint8_t b[16];
	if (pc < a->call_window || !rd_code(w, m, pc - a->call_window, b, a->call_window))
		return false;
	/* the most common call form first, without the indirect call */
	if (a->call_fast_back && b[a->call_window - a->call_fast_back] == a->call_fast_byte)
		return true;
	return a->after_call(b);
}

static bool intact_frame(const struct ts_urow *r, const struct ts_uw_arch *a)
{
	return r->cfa_kind == a->frame.cfa_kind && r->cfa_reg == a->frame.cfa_reg &&
	       r->cfa_off == a->frame.cfa_offset && r->ra_kind == a->frame.ra.kind &&
	       r->ra_off == a->frame.ra.offset && r->fp_kind == a->frame.fp.kind && r->fp_off == a->frame.fp.offset;
}

#define BIT(n) (1ull << (n))

/*
 * The memo's packed step (uwint.h): bits 0-7 module index, 8-12 CFA register, 13-14 fp rule
 * (0 undefined, 1 same, 2 at CFA+off), 15 outermost, 16-31 CFA offset, 32-39 RA offset (RA at
 * CFA+off), 40-55 fp offset, 56 always set (an empty slot never matches). Only return addresses
 * that passed every check (in a module, not a trampoline, after a call) with an analysis row of
 * this simple shape are memoised; everything else takes the full path every time.
 */
static inline uint64_t memo_hash(uint64_t pc)
{
	return (pc * 0x9e3779b97f4a7c15ull) >> (64 - TS_UW_MEMO_BITS);
}

static bool memo_pack(const struct ts_uw_module *m, const struct ts_urow *r, uint64_t *d)
{
	uint64_t fpk;
	if (m->index > 255 || (r->flags & (TS_UROW_UNRELIABLE | TS_UROW_SIGNAL)))
		return false;
	if (r->flags & TS_UROW_OUTERMOST) {
		*d = BIT(56) | BIT(15) | (uint64_t)m->index;
		return true;
	}
	if (r->cfa_kind != TRUSTACK_CFA_REG || r->cfa_reg > 31 || r->cfa_off != (int16_t)r->cfa_off ||
	    r->ra_kind != TRUSTACK_LOC_AT_CFA || r->ra_off != (int8_t)r->ra_off || r->fp_off != (int16_t)r->fp_off)
		return false;
	switch (r->fp_kind) {
	case TRUSTACK_LOC_UNDEFINED: fpk = 0; break;
	case TRUSTACK_LOC_SAME: fpk = 1; break;
	case TRUSTACK_LOC_AT_CFA: fpk = 2; break;
	default: return false;
	}
	*d = BIT(56) | (uint64_t)m->index | (uint64_t)r->cfa_reg << 8 | fpk << 13 |
	     (uint64_t)(uint16_t)r->cfa_off << 16 | (uint64_t)(uint8_t)r->ra_off << 32 |
	     (uint64_t)(uint16_t)r->fp_off << 40;
	return true;
}

static void memo_unpack(uint64_t d, struct ts_urow *r)
{
	static const uint8_t fpkind[4] = { TRUSTACK_LOC_UNDEFINED, TRUSTACK_LOC_SAME, TRUSTACK_LOC_AT_CFA,
					   TRUSTACK_LOC_UNDEFINED };
	memset(r, 0, sizeof(*r));
	if (d & BIT(15)) {
		r->flags = TS_UROW_OUTERMOST;
		return;
	}
	r->cfa_kind = TRUSTACK_CFA_REG;
	r->cfa_reg = (uint8_t)(d >> 8 & 31);
	r->fp_kind = fpkind[d >> 13 & 3];
	r->cfa_off = (int16_t)(uint16_t)(d >> 16);
	r->ra_kind = TRUSTACK_LOC_AT_CFA;
	r->ra_off = (int8_t)(uint8_t)(d >> 32);
	r->fp_off = (int16_t)(uint16_t)(d >> 40);
}

static inline bool memo_get(const struct trustack_unwinder *u, uint64_t pc, uint64_t *d)
{
	struct ts_uw_memo_slot *sl = &u->memo[memo_hash(pc)];
	uint64_t k = __atomic_load_n(&sl->key, __ATOMIC_RELAXED);
	uint64_t v = __atomic_load_n(&sl->data, __ATOMIC_RELAXED);
	if ((k ^ v) != pc || !(v & BIT(56)) || (v & 0xff) >= u->nmods)
		return false;
	*d = v;
	return true;
}

static inline void memo_put(const struct trustack_unwinder *u, uint64_t pc, uint64_t d)
{
	struct ts_uw_memo_slot *sl = &u->memo[memo_hash(pc)];
	__atomic_store_n(&sl->data, d, __ATOMIC_RELAXED);
	__atomic_store_n(&sl->key, pc ^ d, __ATOMIC_RELAXED);
}

struct regs {
	uint64_t r[TRUSTACK_MAX_REGS];
	uint64_t valid;
};

static inline bool get(const struct regs *s, unsigned reg, uint64_t *v)
{
	if (reg >= TRUSTACK_MAX_REGS || !(s->valid & BIT(reg)))
		return false;
	*v = s->r[reg];
	return true;
}

/* A saved value's location. Returns 0 or the verdict; *known false for LOC_UNDEFINED. */
static int locate(const struct walk *w, const struct regs *s, uint8_t kind, uint8_t reg, int32_t off, uint64_t cfa,
		  unsigned own, uint64_t *v, bool *known)
{
	uint64_t base;
	*known = true;
	switch (kind) {
	case TRUSTACK_LOC_SAME:
		return get(s, own, v) ? 0 : TRUSTACK_UNWIND_LOST_REGISTER;
	case TRUSTACK_LOC_AT_CFA:
		return rd_stack(w, cfa + (int64_t)off, v) ? 0 : TRUSTACK_UNWIND_BAD_READ;
	case TRUSTACK_LOC_IN_REG:
		return get(s, reg, v) ? 0 : TRUSTACK_UNWIND_LOST_REGISTER;
	case TRUSTACK_LOC_AT_REG:
		if (!get(s, reg, &base))
			return TRUSTACK_UNWIND_LOST_REGISTER;
		return rd_stack(w, base + (int64_t)off, v) ? 0 : TRUSTACK_UNWIND_BAD_READ;
	default:
		*known = false;
		return 0;
	}
}

static void frame_init(struct trustack_frame *f, uint64_t pc, uint64_t sp, bool exact)
{
	f->pc = pc;
	f->sp = sp;
	f->cfa = 0;
	f->module = -1;
	f->flags = exact ? TRUSTACK_FRAME_EXACT : 0;
	f->source = TRUSTACK_SRC_NONE;
}

static inline const struct ts_uw_module *module_of(struct walk *w, uint64_t pc)
{
	const struct ts_uw_module *m = w->last;
	if (m && pc >= m->start && pc < m->end)
		return m;
	m = ts_uw_find_module(w->u, pc);
	if (m)
		w->last = m;
	return m;
}

static bool sp_ok(const struct walk *w, uint64_t sp)
{
	return !w->hi || (sp >= w->lo && sp <= w->hi);
}

/* The baseline: follow saved frame pointers until one is zero, trusting every link. */
static void fp_walk(struct walk *w, const struct trustack_regs *regs, bool exact0, struct trustack_frame *frames,
		    size_t max, struct trustack_unwind_result *res)
{
	uint64_t pc = regs->pc, fp = regs->fp, sp = regs->sp;
	size_t n = 0;
	int v = TRUSTACK_UNWIND_RELIABLE;
	for (;;) {
		if (n == max) {
			v = TRUSTACK_UNWIND_TRUNCATED;
			break;
		}
		struct trustack_frame *f = &frames[n++];
		frame_init(f, pc, sp, n == 1 && exact0);
		const struct ts_uw_module *m = module_of(w, pc);
		f->module = m ? m->index : -1;
		f->source = TRUSTACK_SRC_FP;
		if (fp == 0)
			break;
		uint64_t next, ra;
		/* a frame record lies at or above the stack pointer: the chain must rise */
		if (fp < sp || !rd_stack(w, fp, &next) || !rd_stack(w, fp + 8, &ra)) {
			v = fp < sp ? TRUSTACK_UNWIND_SP_NOT_RISING : TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		f->cfa = fp + 16;
		sp = fp + 16, pc = ra, fp = next;
	}
	res->count = n;
	res->verdict = v;
	res->lost_at = v == TRUSTACK_UNWIND_TRUNCATED ? n : n - 1;
}

static inline bool is_elf(const struct ts_uw_module *m)
{
	return m->kind == TRUSTACK_MODULE_FILE || m->kind == TRUSTACK_MODULE_VDSO;
}

int trustack_unwind(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, const struct trustack_regs *regs,
		    struct trustack_frame *frames, size_t max, struct trustack_unwind_result *res)
{
	return trustack_unwind_ex(u, mode, regs, NULL, frames, max, res);
}

int trustack_unwind_ex(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
		       const struct trustack_regs *regs, const struct trustack_unwind_start *start,
		       struct trustack_frame *frames, size_t max, struct trustack_unwind_result *res)
{
	if (res) {
		res->count = 0;
		res->verdict = TRUSTACK_UNWIND_NOT_RUN;
		res->lost_at = 0;
	}
	if (!u || !regs || !res || (!frames && max) || (unsigned)mode >= TRUSTACK_UNWIND__MODES ||
	    (!u->direct && !u->opts.read_mem))
		return -TRUSTACK_E_ARG;

	struct trustack_unwind_start st = { 0 };
	if (start)
		memcpy(&st, start, start->sz < sizeof(st) ? start->sz : sizeof(st));
	bool exact = !(st.flags & TRUSTACK_START_PC_IS_RA);
	struct walk w = { .u = u, .direct = u->direct, .lo = st.stack_lo, .hi = st.stack_hi };
	if (!w.lo && !w.hi)
		w.lo = u->stack_lo, w.hi = u->stack_hi;
	/* direct loads: below the live stack pointer nothing is guaranteed to be mapped */
	if (w.direct && regs->sp > w.lo)
		w.lo = regs->sp;
	if (w.direct && (!w.hi || !sp_ok(&w, regs->sp))) {
		/* not on a stack we know: reading it could fault */
		if (max) {
			frame_init(&frames[0], regs->pc, regs->sp, exact);
			const struct ts_uw_module *m = ts_uw_find_module(u, regs->pc);
			frames[0].module = m ? m->index : -1;
			res->count = 1;
		}
		res->verdict = TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
		return 0;
	}
	if (mode == TRUSTACK_UNWIND_FP) {
		fp_walk(&w, regs, exact, frames, max, res);
		return 0;
	}

	struct regs s;
	unsigned nr = regs->nregs < TRUSTACK_MAX_REGS ? regs->nregs : TRUSTACK_MAX_REGS;
	s.valid = (st.flags & TRUSTACK_START_VALID_MASK) ? st.valid : BIT(nr) - 1;
	s.valid &= BIT(TRUSTACK_MAX_REGS) - 1;
	memcpy(s.r, regs->r, sizeof(s.r));
	uint64_t pc = regs->pc;
	size_t n = 0;
	int v = TRUSTACK_UNWIND_RELIABLE;
	const struct ts_uw_arch *a = NULL;
	bool lean = u->memo && (mode == TRUSTACK_UNWIND_ORC || mode == TRUSTACK_UNWIND_AUTO ||
				mode == TRUSTACK_UNWIND_FP_VALIDATED);
	bool fpv_mode = mode == TRUSTACK_UNWIND_FP_VALIDATED;
	for (;;) {
		/*
		 * The lean path: a return address the memo knows (every check passed before), with a
		 * CFA on sp or fp. Anything unusual - a miss, an outermost row, a bound or a read that
		 * fails - leaves it before the frame is written, and the full path below decides.
		 */
		while (lean && !exact && a && n < max) {
			uint64_t d, base, ra, fpv = s.r[a->fp];
			if (!memo_get(u, pc, &d) || (d & BIT(15)))
				break;
			unsigned reg = (unsigned)(d >> 8 & 31);
			uint64_t sp = s.r[a->sp];
			/* fp-validated: only the intact frame-pointer frame */
			if (fpv_mode && (reg != a->frame.cfa_reg || (int16_t)(d >> 16) != a->frame.cfa_offset ||
					 (int8_t)(d >> 32) != a->frame.ra.offset || (d >> 13 & 3) != 2 ||
					 (int16_t)(d >> 40) != a->frame.fp.offset))
				break;
			bool fpk = s.valid & BIT(a->fp);
			if (reg == a->sp)
				base = sp;
			else if (reg == a->fp && fpk)
				base = fpv;
			else
				break;
			uint64_t cfa = base + (int64_t)(int16_t)(d >> 16);
			if (cfa <= sp || !sp_ok(&w, sp) || !sp_ok(&w, cfa) ||
			    !rd_stack(&w, cfa + (int64_t)(int8_t)(d >> 32), &ra))
				break;
			unsigned fr = (unsigned)(d >> 13 & 3);
			if (fr == 2) {
				if (!rd_stack(&w, cfa + (int64_t)(int16_t)(d >> 40), &fpv))
					break;
				fpk = true;
			} else if (fr == 0) {
				fpk = false;
			}
			struct trustack_frame *f = &frames[n++];
			f->pc = pc;
			f->sp = sp;
			f->cfa = cfa;
			f->module = (int32_t)(d & 0xff);
			f->flags = 0;
			f->source = fpv_mode ? TRUSTACK_SRC_FP : TRUSTACK_SRC_ANALYSIS;
			s.valid = BIT(a->sp) | (fpk ? BIT(a->fp) : 0);
			s.r[a->sp] = cfa;
			s.r[a->fp] = fpv;
			pc = ra;
		}
		if (n == max) {
			v = TRUSTACK_UNWIND_TRUNCATED;
			break;
		}
		/* a return address seen before: its checks passed and its row is in the memo */
		struct ts_urow mrow;
		const struct ts_urow *row = NULL;
		uint64_t md;
		const struct ts_uw_module *m;
		if (!exact && a && u->memo && mode != TRUSTACK_UNWIND_SFRAME && memo_get(u, pc, &md)) {
			m = &u->mods[md & 0xff];
			memo_unpack(md, &mrow);
			row = &mrow;
			w.last = m;
		} else {
			m = module_of(&w, pc);
		}
		if (!a && m)
			a = m->arch;
		if (!a) { /* the first pc tells the architecture; until then sp/fp are unknown */
			frame_init(&frames[n++], pc, regs->sp, exact);
			v = pc ? TRUSTACK_UNWIND_UNKNOWN_CODE : TRUSTACK_UNWIND_NO_OUTERMOST;
			break;
		}
		if (n == 0) {
			s.r[a->sp] = regs->sp, s.r[a->fp] = regs->fp;
			s.valid |= BIT(a->sp) | BIT(a->fp);
		}
		uint64_t sp = s.r[a->sp];
		struct trustack_frame *f = &frames[n++];
		frame_init(f, pc, sp, exact);
		if (!m) {
			v = pc ? TRUSTACK_UNWIND_UNKNOWN_CODE : TRUSTACK_UNWIND_NO_OUTERMOST;
			break;
		}
		f->module = m->index;
		if (!is_elf(m)) {
			v = m->kind == TRUSTACK_MODULE_UPROBES ? TRUSTACK_UNWIND_UPROBES : TRUSTACK_UNWIND_UNKNOWN_CODE;
			break;
		}
		if (m->arch != a) {
			v = TRUSTACK_UNWIND_UNKNOWN_CODE;
			break;
		}
		if (!sp_ok(&w, sp)) {
			v = TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
			break;
		}

		/* a signal trampoline: the interrupted registers are in the signal frame */
		if (!row && is_sigreturn(&w, m, pc)) {
			struct regs t = { .valid = 0 };
			uint64_t ipc = 0;
			bool ok = true;
			for (unsigned i = 0; i < a->nsigregs && ok; i++) {
				uint64_t val;
				ok = rd_stack(&w, sp + a->sigregs[i].off, &val);
				if (a->sigregs[i].reg == a->ra)
					ipc = val;
				else if (a->sigregs[i].reg < TRUSTACK_MAX_REGS)
					t.r[a->sigregs[i].reg] = val, t.valid |= BIT(a->sigregs[i].reg);
			}
			f->flags |= TRUSTACK_FRAME_SIGNAL;
			f->source = TRUSTACK_SRC_SIGNAL;
			if (!ok || !(t.valid & BIT(a->sp))) {
				v = TRUSTACK_UNWIND_SIGNAL_FRAME;
				break;
			}
			if (t.r[a->sp] <= sp) {
				v = TRUSTACK_UNWIND_SP_NOT_RISING;
				break;
			}
			f->cfa = t.r[a->sp];
			s = t;
			pc = ipc;
			exact = true;
			continue;
		}

		uint8_t src = TRUSTACK_SRC_ANALYSIS;
		uint64_t va = pc - m->bias - !exact;
		if (row) {
			/* from the memo */
		} else if (!exact && !after_call(&w, m, pc)) {
			v = TRUSTACK_UNWIND_RA_NOT_AFTER_CALL;
			break;
		} else if (mode == TRUSTACK_UNWIND_SFRAME) {
			row = ts_uw_table_lookup(&m->sf, va);
			src = TRUSTACK_SRC_SFRAME;
		} else {
			row = ts_uw_table_lookup(&m->ana, va);
			uint64_t d;
			if (!exact && row && u->memo && memo_pack(m, row, &d))
				memo_put(u, pc, d);
			if (mode == TRUSTACK_UNWIND_AUTO && m->sframe_trusted &&
			    (!row || (row->flags & TS_UROW_UNRELIABLE))) {
				const struct ts_urow *r2 = ts_uw_table_lookup(&m->sf, va);
				if (r2 && !(r2->flags & TS_UROW_UNRELIABLE))
					row = r2, src = TRUSTACK_SRC_SFRAME;
			}
		}
		if (!row || (row->flags & TS_UROW_UNRELIABLE)) {
			bool plt = false;
			for (unsigned i = 0; i < m->nplt; i++)
				plt |= va >= m->plt_lo[i] && va < m->plt_hi[i];
			v = plt ? TRUSTACK_UNWIND_PLT : row ? TRUSTACK_UNWIND_UNRELIABLE_ROW : TRUSTACK_UNWIND_NO_TABLE_ROW;
			break;
		}
		if (row->flags & TS_UROW_SIGNAL) { /* a trampoline the bytes did not confirm */
			v = TRUSTACK_UNWIND_SIGNAL_FRAME;
			break;
		}
		if (row->flags & TS_UROW_OUTERMOST) {
			/* the end, if the frame chain ends here too (the psABI's zero frame pointer) */
			uint64_t fpv;
			bool fpk = get(&s, a->fp, &fpv);
			if ((mode == TRUSTACK_UNWIND_FP_VALIDATED && !fpk) || (fpk && fpv != 0))
				v = TRUSTACK_UNWIND_NO_OUTERMOST;
			else
				f->source = TRUSTACK_SRC_OUTERMOST;
			break;
		}
		if (mode == TRUSTACK_UNWIND_FP_VALIDATED) {
			if (!exact && !intact_frame(row, a)) {
				v = TRUSTACK_UNWIND_PROLOGUE_EPILOGUE;
				break;
			}
			src = TRUSTACK_SRC_FP;
		}

		/* apply the row */
		uint64_t cfa, base, ra, fpv = 0;
		bool known, fpk;
		if (!get(&s, row->cfa_reg, &base)) {
			v = TRUSTACK_UNWIND_LOST_REGISTER;
			break;
		}
		if (row->cfa_kind == TRUSTACK_CFA_REG) {
			cfa = base + (int64_t)row->cfa_off;
		} else if (row->cfa_kind == TRUSTACK_CFA_DEREF) {
			if (!rd_stack(&w, base + (int64_t)row->cfa_off, &cfa)) {
				v = TRUSTACK_UNWIND_BAD_READ;
				break;
			}
		} else {
			v = TRUSTACK_UNWIND_UNRELIABLE_ROW;
			break;
		}
		f->cfa = cfa;
		if (cfa <= sp) {
			v = TRUSTACK_UNWIND_SP_NOT_RISING;
			break;
		}
		if (!sp_ok(&w, cfa)) {
			v = TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
			break;
		}
		int e;
		if (row->ra_kind == TRUSTACK_LOC_AT_CFA) /* the common case, inline */
			e = rd_stack(&w, cfa + (int64_t)row->ra_off, &ra) ? 0 : TRUSTACK_UNWIND_BAD_READ;
		else if ((e = locate(&w, &s, row->ra_kind, row->ra_reg, row->ra_off, cfa, a->ra, &ra, &known)) == 0 &&
			 !known)
			e = TRUSTACK_UNWIND_NO_OUTERMOST;
		if (e) {
			v = e;
			break;
		}
		fpk = true;
		if (row->fp_kind == TRUSTACK_LOC_AT_CFA)
			e = rd_stack(&w, cfa + (int64_t)row->fp_off, &fpv) ? 0 : TRUSTACK_UNWIND_BAD_READ;
		else if (row->fp_kind == TRUSTACK_LOC_SAME && (s.valid & BIT(a->fp)))
			fpv = s.r[a->fp];
		else
			e = locate(&w, &s, row->fp_kind, row->fp_reg, row->fp_off, cfa, a->fp, &fpv, &fpk);
		if (e) {
			v = e;
			break;
		}
		f->source = src;
		s.valid = BIT(a->sp) | (fpk ? BIT(a->fp) : 0);
		s.r[a->sp] = cfa;
		s.r[a->fp] = fpv;
		pc = ra;
		exact = false;
	}
	res->count = n;
	res->verdict = v;
	res->lost_at = v == TRUSTACK_UNWIND_TRUNCATED ? n : n - 1;
	return 0;
}
