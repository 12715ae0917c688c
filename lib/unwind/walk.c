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
#include <stddef.h>
#include <string.h>

#include "common/opts.h"
#include "unwind/uwint.h"

struct walk {
	const struct trustack_unwinder *u;
	const struct ts_uw_module *last; /* the module of the previous frame: most callers share it */
	uint64_t lo, hi; /* readable stack: [lo, hi); hi == 0: no bounds (callback mode only) */
	uint64_t ra_keep; /* the bits of a return address that are the address (~ the PAC bits) */
	bool direct;
	bool swap; /* callback mode: the target's words are of the other byte order (s390x under
		    * QEMU's user mode on x86-64) */
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

/* A word of the target through the callback, in host order. */
static inline bool rd_word(const struct walk *w, uint64_t addr, uint64_t *v)
{
	if (w->u->opts.read_mem(w->u->opts.ctx, addr, v, 8))
		return false;
	if (w->swap)
		*v = __builtin_bswap64(*v);
	return true;
}

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
	return rd_word(w, addr, v);
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

/*
 * Which of arch a's signal trampolines starts at pc (module m): 1 its first, 2 its second
 * (a->sigret2: s390x's sigreturn beside rt_sigreturn), 0 none.
 */
static int tramp_bytes(const struct walk *w, const struct ts_uw_module *m, const struct ts_uw_arch *a, uint64_t pc)
{
	uint8_t b[16];
	if (a->sigret_len && rd_code(w, m, pc, b, a->sigret_len) && memcmp(b, a->sigret, a->sigret_len) == 0)
		return 1;
	if (a->sigret2 && rd_code(w, m, pc, b, a->sigret2->len) && memcmp(b, a->sigret2->bytes, a->sigret2->len) == 0)
		return 2;
	return 0;
}

static int is_sigreturn(const struct walk *w, const struct ts_uw_module *m, uint64_t pc)
{
	const struct ts_uw_arch *a = m->arch;
	if (m->sig_scanned) {
		/* the scan lists the first trampoline's places only (an arch with a second one is
		 * never marked scanned) */
		uint64_t va = pc - m->bias;
		for (unsigned i = 0; i < m->nsig; i++)
			if (m->sig[i] == va)
				return 1;
		return 0;
	}
	return tramp_bytes(w, m, a, pc);
}

/*
 * A signal trampoline in anonymous executable memory (QEMU's user mode maps its own page with
 * arm64's `mov x8, #139; svc #0`, or s390x's `svc 173` / `svc 119`, as there is no vDSO),
 * recognised by the bytes of the walk's machine a: what runs at pc restores the interrupted
 * registers from the frame at sp, wherever the bytes are. Any other code there stays unknown.
 */
static int is_anon_sigreturn(const struct walk *w, const struct ts_uw_module *m, const struct ts_uw_arch *a,
			     uint64_t pc)
{
	if (m->kind != TRUSTACK_MODULE_ANON_EXEC || !a)
		return 0;
	return tramp_bytes(w, m, a, pc);
}

/* Where the signal frame of trampoline kind k (is_sigreturn) keeps the registers. */
static const struct ts_uw_sigreg *sig_layout(const struct ts_uw_arch *a, int k, unsigned *n)
{
	if (k == 2) {
		*n = a->sigret2->nregs;
		return a->sigret2->regs;
	}
	*n = a->nsigregs;
	return a->sigregs;
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

/*
 * Is the row the arch's intact frame: the CFA on the frame pointer, the caller's fp and the return
 * address in the frame record at fp? Compared relative to fp, not to the CFA: on arm64 gcc puts
 * the record at the bottom of the frame (CFA = x29 + the frame's size), clang at the top; on
 * x86-64 the return address fixes the record's place (CFA = rbp + 16).
 */
static bool intact_frame(const struct ts_urow *r, const struct ts_uw_arch *a)
{
	/* the back chain (s390x): the return address in its slot of the caller's save area; the
	 * chain itself is compared with the row's CFA when the row is applied (unwind_core) */
	if (a->backchain)
		return r->cfa_kind == TRUSTACK_CFA_REG && r->ra_kind == TRUSTACK_LOC_AT_CFA &&
		       r->ra_off == a->cfa_sp + a->bc_ra;
	return r->cfa_kind == a->frame.cfa_kind && r->cfa_reg == a->frame.cfa_reg && r->ra_kind == a->frame.ra.kind &&
	       (int64_t)r->cfa_off + r->ra_off == (int64_t)a->frame.cfa_offset + a->frame.ra.offset &&
	       r->fp_kind == a->frame.fp.kind &&
	       (int64_t)r->cfa_off + r->fp_off == (int64_t)a->frame.cfa_offset + a->frame.fp.offset;
}

/*
 * May the caller's stack pointer equal this frame's? Only where nothing was pushed for the call:
 * an exact frame (frame 0, or one a signal interrupted) whose return address is still in a
 * register (arm64's x30 in a leaf or a prologue: CFA = sp), or, where the callee saves its
 * registers in a save area its caller provides (s390x: cfa_sp), one that has not allocated its
 * frame yet (r14 already stored at CFA - 48 by `stmg`, r15 not lowered). The caller's frame is
 * then a return-address frame, whose return address comes from memory and must rise: no loop.
 */
static inline bool sp_may_stay(const struct ts_urow *row, bool exact, const struct ts_uw_arch *a)
{
	return exact && (row->ra_kind == TRUSTACK_LOC_SAME || row->ra_kind == TRUSTACK_LOC_IN_REG || a->cfa_sp);
}

#define BIT(n) (1ull << (n))

/*
 * The memo's packed step (uwint.h), laid out for the lean step's chain of dependent operations:
 * bits 0-15 the RA's offset from the CFA's base register (one sign extension), 16-31 the CFA's
 * offset from it, 32-47 the fp slot's offset from it (the RA's when the fp rule is not "at CFA",
 * so the lean step may read it unconditionally: the same, checked, slot), 48 always set (an
 * empty slot never matches), 49 CFA on sp (else on fp), 50-51 fp rule (0 undefined, 1 same,
 * 2 at CFA+off), 52 outermost, 53 "simple sp frame" (below), 56-63 module index. Only return
 * addresses that passed every check (in a module, not a trampoline, after a call) with a row of
 * this simple shape are memoised; everything else takes the full path every time.
 *
 * A simple sp frame (bit 53) is the common row of code without frame pointers: the CFA on sp at
 * a positive offset, the return address and the fp slot (when fp is saved; else fp "same") at or
 * above sp and below the CFA. Its slots are then inside the stack whenever the CFA is: the lean
 * walk checks one bound per such frame.
 */
static inline uint64_t memo_hash(uint64_t pc)
{
	/* the pc's low bits: return addresses differ there, and an `and` is the shortest step on
	 * the lean step's chain (pc -> slot -> offsets -> the next pc) */
	return pc & (TS_UW_MEMO_SLOTS - 1);
}

/*
 * A slot's key is pc ^ memo_mix(step). A reader racing a writer (another thread, or a signal
 * handler interrupting memo_put) may see one entry's key with another's step: with the key
 * pc ^ step, that pair matches pc1 ^ step1 ^ step0, which differs from pc1 only in the few bits
 * where two steps differ - a nearby return address could take a wrong row. Mixed by a bijective
 * multiply, a torn pair matches only a pseudo-random 64-bit value, no return address.
 */
static inline uint64_t memo_mix(uint64_t d)
{
	return d * 0xff51afd7ed558ccdull;
}

#define MEMO_VALID BIT(48)
#define MEMO_ON_SP BIT(49)
#define MEMO_FPR(d) ((unsigned)((d) >> 50 & 3))
#define MEMO_OUTERMOST BIT(52)
#define MEMO_SP_SIMPLE BIT(53)
#define MEMO_FP_AT BIT(51) /* MEMO_FPR(d) == 2 in a simple sp frame (1 is the only other) */
#define MEMO_MOD(d) ((uint32_t)((d) >> 56))

static bool fits16(int64_t v)
{
	return v == (int16_t)v;
}

static bool memo_pack(const struct ts_uw_module *m, const struct ts_urow *r, uint64_t *d)
{
	uint64_t fpk;
	int64_t fpoff;
	const struct ts_uw_arch *a = m->arch;
	/* the lean path takes the CFA as the caller's sp: not where they differ (s390x) */
	if (m->index > 255 || !a || a->cfa_sp || (r->flags & (TS_UROW_UNRELIABLE | TS_UROW_SIGNAL)))
		return false;
	if (r->flags & TS_UROW_OUTERMOST) {
		*d = MEMO_VALID | MEMO_OUTERMOST | (uint64_t)m->index << 56;
		return true;
	}
	int64_t raoff = (int64_t)r->cfa_off + r->ra_off;
	if (r->cfa_kind != TRUSTACK_CFA_REG || (r->cfa_reg != a->sp && r->cfa_reg != a->fp) || !fits16(r->cfa_off) ||
	    r->ra_kind != TRUSTACK_LOC_AT_CFA || !fits16(raoff))
		return false;
	switch (r->fp_kind) {
	case TRUSTACK_LOC_UNDEFINED: fpk = 0, fpoff = raoff; break;
	case TRUSTACK_LOC_SAME: fpk = 1, fpoff = raoff; break;
	case TRUSTACK_LOC_AT_CFA: fpk = 2, fpoff = (int64_t)r->cfa_off + r->fp_off; break;
	default: return false;
	}
	if (!fits16(fpoff))
		return false;
	bool simple = r->cfa_reg == a->sp && fpk != 0 && raoff >= 0 && raoff + 8 <= r->cfa_off && fpoff >= 0 &&
		      fpoff + 8 <= r->cfa_off;
	*d = (uint64_t)(uint16_t)raoff | (uint64_t)(uint16_t)r->cfa_off << 16 | (uint64_t)(uint16_t)fpoff << 32 |
	     MEMO_VALID | (r->cfa_reg == a->sp ? MEMO_ON_SP : 0) | fpk << 50 | (simple ? MEMO_SP_SIMPLE : 0) |
	     (uint64_t)m->index << 56;
	return true;
}

/* The row a packed step stands for (the fields the walk reads; a is the module's arch). */
static void memo_unpack(uint64_t d, const struct ts_uw_arch *a, struct ts_urow *r)
{
	static const uint8_t fpkind[4] = { TRUSTACK_LOC_UNDEFINED, TRUSTACK_LOC_SAME, TRUSTACK_LOC_AT_CFA,
					   TRUSTACK_LOC_UNDEFINED };
	memset(r, 0, sizeof(*r));
	if (d & MEMO_OUTERMOST) {
		r->flags = TS_UROW_OUTERMOST;
		return;
	}
	int32_t cfaoff = (int16_t)(uint16_t)(d >> 16);
	r->cfa_kind = TRUSTACK_CFA_REG;
	r->cfa_reg = (d & MEMO_ON_SP) ? a->sp : a->fp;
	r->fp_kind = fpkind[MEMO_FPR(d)];
	r->cfa_off = cfaoff;
	r->ra_kind = TRUSTACK_LOC_AT_CFA;
	r->ra_off = (int16_t)(uint16_t)d - cfaoff;
	if (r->fp_kind == TRUSTACK_LOC_AT_CFA)
		r->fp_off = (int16_t)(uint16_t)(d >> 32) - cfaoff;
}

static inline bool memo_get(const struct ts_uw_memo *memo, size_t nmods, uint64_t pc, uint64_t *d)
{
	size_t i = memo_hash(pc);
	uint64_t k = __atomic_load_n(&memo->key[i], __ATOMIC_RELAXED);
	uint64_t v = __atomic_load_n(&memo->data[i], __ATOMIC_RELAXED);
	if ((k ^ memo_mix(v)) != pc || !(v & MEMO_VALID) || MEMO_MOD(v) >= nmods)
		return false;
	*d = v;
	return true;
}

/* rec: pc's word for the frame-record set (memo_rec_word), or 0 */
static inline __attribute__((always_inline)) void memo_put(struct ts_uw_memo *memo, uint64_t pc, uint64_t d,
							    uint64_t rec)
{
	size_t i = memo_hash(pc);
	__atomic_store_n(&memo->data[i], d, __ATOMIC_RELAXED);
	__atomic_store_n(&memo->ra_off[i], (int16_t)(uint16_t)d, __ATOMIC_RELAXED);
	__atomic_store_n(&memo->key[i], pc ^ memo_mix(d), __ATOMIC_RELAXED);
	if (rec)
		__atomic_store_n(&memo->rec[i], rec, __ATOMIC_RELAXED);
}

/* The packed step of arch a's intact frame-pointer frame, module bits (56-63) zero. */
static uint64_t memo_frame_bits(const struct ts_uw_arch *a)
{
	int64_t c = a->frame.cfa_offset;
	return (uint64_t)(uint16_t)(c + a->frame.ra.offset) | (uint64_t)(uint16_t)c << 16 |
	       (uint64_t)(uint16_t)(c + a->frame.fp.offset) << 32 | MEMO_VALID | 2ull << 50;
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

/* A stack word by a direct load, after the caller checked the bounds (see rd_stack). */
static TS_NO_ASAN uint64_t ld_stack(uint64_t addr)
{
	uint64_t v;
	__builtin_memcpy(&v, (const void *)(uintptr_t)addr, 8);
	return v;
}

/* A stack word the caller checked the bounds of: a direct load, or the callback. */
static inline bool rd_checked(const struct walk *w, uint64_t addr, uint64_t *v)
{
	if (w->direct) {
		*v = ld_stack(addr);
		return true;
	}
	return rd_word(w, addr, v);
}

/*
 * Where the walk writes: full frame records, or (pcs-only) just each frame's pc. The core is
 * instantiated once for each with a constant pcs_only, so neither pays for the other.
 */
struct out {
	struct trustack_frame *frames;
	uint64_t *pcs;
	struct trustack_frame scratch; /* pcs-only: the frame record being built */
};

static inline __attribute__((always_inline)) struct trustack_frame *out_frame(struct out *o, bool pcs_only, size_t n,
									      uint64_t pc)
{
	if (pcs_only) {
		o->pcs[n] = pc;
		return &o->scratch;
	}
	return &o->frames[n];
}

/* The word frame_tail() stores: module, flags 0, source. */
static inline uint64_t frame_tail_word(int32_t module, uint8_t src)
{
	return (uint64_t)(uint32_t)module | (uint64_t)src << 40;
}

/* A frame record's module, flags and source (and the padding after them) in one store. */
static inline void frame_tail_store(struct trustack_frame *f, uint64_t t)
{
	_Static_assert(offsetof(struct trustack_frame, flags) == offsetof(struct trustack_frame, module) + 4 &&
			       offsetof(struct trustack_frame, source) == offsetof(struct trustack_frame, module) + 5 &&
			       sizeof(struct trustack_frame) >= offsetof(struct trustack_frame, module) + 8,
		       "frame record layout");
	__builtin_memcpy(&f->module, &t, 8);
}

static inline void frame_tail(struct trustack_frame *f, int32_t module, uint8_t src)
{
	frame_tail_store(f, frame_tail_word(module, src));
}

/* The lean walk's output for one frame: its pc, or its whole record (tail: frame_tail_word). */
static inline __attribute__((always_inline)) void lean_record(bool pcs_only, uint64_t *pcs,
							       struct trustack_frame *frames, size_t n, uint64_t pc,
							       uint64_t sp, uint64_t cfa, uint64_t tail)
{
	if (pcs_only) {
		pcs[n] = pc;
		return;
	}
	struct trustack_frame *f = &frames[n];
	f->pc = pc;
	f->sp = sp;
	f->cfa = cfa;
	frame_tail_store(f, tail);
}

/* The baseline: follow saved frame pointers until one is zero, trusting every link. */
static inline __attribute__((always_inline)) void fp_walk(struct walk *w, const struct trustack_regs *regs, bool exact0,
							   struct out *o, bool pcs_only, bool direct, size_t max,
							   struct trustack_unwind_result *res)
{
	uint64_t pc = regs->pc, fp = regs->fp, sp = regs->sp, keep = w->ra_keep;
	/* the frame record [fp, fp + 16) inside [lo, hi): one unsigned compare (no bounds: any) */
	uint64_t lo = w->hi ? w->lo : 0, span = w->hi ? w->hi - w->lo : UINT64_MAX;
	bool none = span < 16;
	span = none ? 0 : span - 16;
	size_t n = 0;
	int v = TRUSTACK_UNWIND_RELIABLE;
	/* the last module found, in locals: most callers are in the callee's module */
	uint64_t mlo = 0, mhi = 0;
	int32_t midx = -1;
	for (;;) {
		if (n == max) {
			v = TRUSTACK_UNWIND_TRUNCATED;
			break;
		}
		struct trustack_frame *f = out_frame(o, pcs_only, n, pc);
		n++;
		if (!pcs_only) {
			if (pc - mlo >= mhi - mlo) {
				const struct ts_uw_module *m = ts_uw_find_module(w->u, pc);
				midx = m ? m->index : -1;
				mlo = m ? m->start : 0, mhi = m ? m->end : 0;
			}
			f->pc = pc;
			f->sp = sp;
			f->cfa = 0;
			frame_tail(f, midx, TRUSTACK_SRC_FP);
			if (n == 1 && exact0)
				f->flags = TRUSTACK_FRAME_EXACT;
		}
		if (fp == 0)
			break;
		uint64_t next, ra;
		/* a frame record lies at or above the stack pointer: the chain must rise */
		if (fp < sp) {
			v = TRUSTACK_UNWIND_SP_NOT_RISING;
			break;
		}
		if (none || fp - lo > span) {
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (direct) {
			next = ld_stack(fp);
			ra = ld_stack(fp + 8);
		} else if (!rd_checked(w, fp, &next) || !rd_checked(w, fp + 8, &ra)) {
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (!pcs_only)
			f->cfa = fp + 16;
		sp = fp + 16, pc = ra & keep, fp = next;
	}
	res->count = n;
	res->verdict = v;
	res->lost_at = v == TRUSTACK_UNWIND_TRUNCATED ? n : n - 1;
}

/*
 * The back-chain baseline (s390x -mbackchain), the kernel's unwind_bc.c in user space: the word
 * at sp is the caller's sp (0: the first frame, the end), the return address into the caller is
 * at that value + bc_ra (r14's slot of the save area the callee stored it in). Nothing is
 * checked but bounds, alignment and a rising chain: a frame whose chain is not stored (a
 * prologue, a leaf, code built without -mbackchain) makes the walk skip its caller or read
 * garbage, and the trace may still end at a zero chain (its false-reliable count is the
 * evidence for backchain-validated).
 */
static inline __attribute__((always_inline)) void bc_walk(struct walk *w, const struct ts_uw_arch *a,
							   const struct trustack_regs *regs, bool exact0, struct out *o,
							   bool pcs_only, bool direct, size_t max,
							   struct trustack_unwind_result *res)
{
	uint64_t pc = regs->pc, sp = regs->sp, keep = w->ra_keep;
	/* a word [x, x + 8) inside [lo, hi): one unsigned compare of x - lo (no bounds: any) */
	uint64_t lo = w->hi ? w->lo : 0, span = w->hi ? w->hi - w->lo : UINT64_MAX;
	bool none = span < 8;
	span = none ? 0 : span - 8;
	size_t n = 0;
	int v = TRUSTACK_UNWIND_RELIABLE;
	for (;;) {
		if (n == max) {
			v = TRUSTACK_UNWIND_TRUNCATED;
			break;
		}
		struct trustack_frame *f = out_frame(o, pcs_only, n, pc);
		n++;
		if (!pcs_only) {
			const struct ts_uw_module *m = ts_uw_find_module(w->u, pc);
			f->pc = pc;
			f->sp = sp;
			f->cfa = 0;
			frame_tail(f, m ? m->index : -1, TRUSTACK_SRC_FP);
			if (n == 1 && exact0)
				f->flags = TRUSTACK_FRAME_EXACT;
		}
		uint64_t next, ra;
		if (none || sp - lo > span) {
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (direct)
			next = ld_stack(sp);
		else if (!rd_checked(w, sp, &next)) {
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (next == 0)
			break; /* the first frame's zero back chain */
		if (next <= sp) {
			v = TRUSTACK_UNWIND_SP_NOT_RISING;
			break;
		}
		uint64_t slot = next + (int64_t)a->bc_ra;
		if ((next & 7) || slot < next || slot - lo > span) { /* the ABI's 8-byte aligned sp */
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (direct)
			ra = ld_stack(slot);
		else if (!rd_checked(w, slot, &ra)) {
			v = TRUSTACK_UNWIND_BAD_READ;
			break;
		}
		if (!pcs_only)
			f->cfa = next - (int64_t)a->cfa_sp;
		sp = next, pc = ra & keep;
	}
	res->count = n;
	res->verdict = v;
	res->lost_at = v == TRUSTACK_UNWIND_TRUNCATED ? n : n - 1;
}

static inline bool is_elf(const struct ts_uw_module *m)
{
	return m->kind == TRUSTACK_MODULE_FILE || m->kind == TRUSTACK_MODULE_VDSO;
}

/*
 * The lean path: return addresses the memo knows (every check passed before: in a module, not
 * a trampoline, after a call), with a CFA on sp or a known fp, taken with sp, fp and pc in
 * registers. It writes exactly the frame the full path would write and leaves - before writing
 * - at anything else: a miss, an outermost row, a bound or a read that fails, so the full path
 * decides every verdict.
 *
 * The intact frame-pointer frame (the memo's step equals the arch's frame row) is taken from
 * fp alone: the caller's fp and return address are loads from fp, issued without waiting for
 * the memo slot, whose check is a branch the CPU predicts. So a frame costs one dependent load,
 * as in a plain frame-pointer loop; every other row needs the slot's offsets first.
 */
struct lean_state {
	uint64_t pc, sp, fp;
	bool fpk; /* fp's value is known */
	bool ended; /* the walk ended at an outermost row, with this verdict */
	int verdict;
	size_t n;
};

/*
 * The frame record the inner loop knows at compile time: CFA = fp + 16, the caller's fp at
 * CFA - 16 and the return address at CFA - 8 (x86-64's push %rbp; mov %rsp,%rbp, and arm64's
 * record at the top of the frame). An arch whose intact frame is another shape takes the
 * generic step for every frame.
 */
#define REC_CFA 16
#define REC_RA 8 /* from fp */

static bool frame_is_record(const struct ts_uw_arch *a)
{
	return a->frame.cfa_kind == TRUSTACK_CFA_REG && a->frame.cfa_reg == a->fp && a->frame.cfa_offset == REC_CFA &&
	       a->frame.ra.kind == TRUSTACK_LOC_AT_CFA && a->frame.ra.offset == REC_RA - REC_CFA &&
	       a->frame.fp.kind == TRUSTACK_LOC_AT_CFA && a->frame.fp.offset == -REC_CFA;
}

/*
 * The frame-record set (struct ts_uw_memo.rec): one word per slot, pc | (module + 1) << 56,
 * saying "pc's row is the intact frame record above, in that module". One word, so no torn
 * read can pair one pc with another's fact, and the frame-pointer loop's check is a load, an
 * xor and a test. A pc's row never changes while the memo lives (it is cleared when a module
 * is added), so an entry stays true until another pc takes its slot. Returns 0 for a step that
 * is not the record (or a module index or pc too large for the word).
 */
#define REC_LOW (BIT(56) - 1)
static uint64_t memo_rec_word(const struct ts_uw_module *m, uint64_t pc, uint64_t d)
{
	if (!frame_is_record(m->arch) || ((d ^ memo_frame_bits(m->arch)) << 8) || m->index >= 255 || (pc >> 56))
		return 0;
	return pc | (uint64_t)(m->index + 1) << 56;
}

static inline __attribute__((always_inline)) void lean_walk(const struct walk *w, const struct ts_uw_memo *memo,
							     const struct ts_uw_arch *a, bool fpv_mode, uint8_t src,
							     struct lean_state *ls, struct out *o, bool pcs_only,
							     bool direct, size_t max)
{
	uint64_t pc = ls->pc, sp = ls->sp, fp = ls->fp, keep = w->ra_keep;
	bool fpk = ls->fpk;
	size_t n = ls->n;
	/* bounds as lo + an unsigned span: "lo <= x <= hi - k" is one compare of x - lo */
	const uint64_t lo = w->hi ? w->lo : 0, hi = w->hi ? w->hi : UINT64_MAX;
	if (hi - lo < 64 || sp - lo > hi - lo)
		return;
	const uint64_t span = hi - lo;
	/* the frame-record set serves an arch whose intact frame is the record above */
	const bool frame_rec = frame_is_record(a);
	/* simple sp frames check only "CFA <= hi": sp + a 16-bit offset must not wrap; they take a
	 * return address's slot from its low bits as read, before the PAC strip (which leaves them) */
	const bool sp_frames = !fpv_mode && hi < (UINT64_MAX >> 1) &&
			       (keep & (TS_UW_MEMO_SLOTS - 1)) == TS_UW_MEMO_SLOTS - 1;
	uint64_t *pcs = o->pcs;
	struct trustack_frame *frames = o->frames;
	for (;;) {
		/*
		 * Consecutive intact frame records: the caller's fp and return address are loads
		 * from fp, issued without waiting for pc's word in the frame-record set, whose check
		 * is a branch the CPU predicts - one dependent load per frame, as in a plain
		 * frame-pointer loop. A pc the set does not know goes to the memo below.
		 */
		uint64_t k = 0, d = 0;
		if (fpk && frame_rec) {
			const uint64_t fhi = hi - REC_CFA;
			/* x for a record of the module the last frame was in (a genuine word: module 0 to
			 * begin with), and its frame records' tail: one compare per frame */
			uint64_t tag = BIT(56), tail = frame_tail_word(0, src);
			while (n < max) {
				uint64_t x = __atomic_load_n(&memo->rec[memo_hash(pc)], __ATOMIC_RELAXED) ^ pc;
				/* a pc with its top byte set (a corrupted return address: 0xa3005555...) would
				 * xor into the word's module byte and pass for another module's record */
				if (__builtin_expect((x != tag) | (pc >> 56 != 0), 0)) {
					if ((x & REC_LOW) || !x || (pc >> 56))
						break; /* not a record the set knows: the memo below */
					tag = x;
					tail = frame_tail_word((int32_t)(x >> 56) - 1, src);
				}
				uint64_t cfa = fp + REC_CFA, ra, nfp;
				/* the record [fp, fp + 16) inside the stack at or above the callee's sp (sp
				 * is at least lo; a record below sp, where the CFA would still rise, is
				 * left to the full path) */
				if (__builtin_expect(fp < sp, 0))
					goto out;
				if (__builtin_expect(fp > fhi, 0))
					goto out;
				if (direct) {
					ra = ld_stack(fp + REC_RA);
					nfp = ld_stack(fp);
				} else if (!rd_checked(w, fp + REC_RA, &ra) || !rd_checked(w, fp, &nfp)) {
					goto out;
				}
				lean_record(pcs_only, pcs, frames, n, pc, sp, cfa, tail);
				n++;
				sp = cfa;
				fp = nfp;
				pc = ra & keep;
			}
		}
		if (n >= max)
			break;
		size_t i = memo_hash(pc);
		k = __atomic_load_n(&memo->key[i], __ATOMIC_RELAXED);
		d = __atomic_load_n(&memo->data[i], __ATOMIC_RELAXED);
		/* fp-validated takes only the intact frame, and the outermost one */
		if ((k ^ memo_mix(d)) != pc || (fpv_mode && !(d & MEMO_OUTERMOST)))
			break;
		/*
		 * Consecutive simple sp frames (memo_pack), code without frame pointers: the chain
		 * from one return address to the next is its slot (an `and` of the value read), the
		 * RA's offset (a load with its sign extension) and the RA (a load at sp + offset).
		 * The CFA within the stack is the one bound (the slots lie between sp and the CFA);
		 * everything else is a predicted branch off that chain. The same frames, checks and
		 * results as the generic step below, which they specialise.
		 */
		if (fpk && sp_frames && (d & MEMO_SP_SIMPLE)) {
			int64_t raoff = (int16_t)(uint16_t)d;
			for (;;) {
				if (n >= max)
					goto out;
				uint64_t cfa = sp + (int64_t)(int16_t)(d >> 16);
				if (cfa > hi)
					goto out;
				uint64_t ra, t = fp;
				if (direct) {
					ra = ld_stack(sp + raoff);
					t = ld_stack(sp + (int64_t)(int16_t)(d >> 32));
				} else if (!rd_checked(w, sp + raoff, &ra) ||
					   ((d & MEMO_FP_AT) && !rd_checked(w, sp + (int64_t)(int16_t)(d >> 32), &t))) {
					goto out;
				}
				fp = (d >> 51 & 1) ? t : fp; /* MEMO_FP_AT */
				lean_record(pcs_only, pcs, frames, n, pc, sp, cfa, frame_tail_word((int32_t)MEMO_MOD(d), src));
				n++;
				sp = cfa;
				size_t j = memo_hash(ra); /* pc's slot: the strip leaves these bits */
				pc = ra & keep;
				raoff = __atomic_load_n(&memo->ra_off[j], __ATOMIC_RELAXED);
				k = __atomic_load_n(&memo->key[j], __ATOMIC_RELAXED);
				d = __atomic_load_n(&memo->data[j], __ATOMIC_RELAXED);
				if ((k ^ memo_mix(d)) != pc)
					goto out;
				/* another row, or ra_off from another writer than data: the steps below */
				if (!(d >> 53 & 1) || raoff != (int16_t)(uint16_t)d) /* MEMO_SP_SIMPLE */
					break;
			}
			if (n >= max)
				break;
		}
		if ((d & (MEMO_VALID | MEMO_OUTERMOST)) == (MEMO_VALID | MEMO_OUTERMOST)) {
			/*
			 * The outermost frame, as the full path ends there (row_ends_walk): reliable
			 * when the frame chain ends too (fp not known to be non-zero; fp-validated: known
			 * zero), else no-outermost. Its module as the full path checks it.
			 */
			uint32_t mi = MEMO_MOD(d);
			if (mi >= w->u->nmods || w->u->mods[mi].arch != a)
				break;
			bool end = fpk ? fp == 0 : !fpv_mode;
			if (pcs_only) {
				pcs[n] = pc;
			} else {
				struct trustack_frame *f = &frames[n];
				f->pc = pc;
				f->sp = sp;
				f->cfa = 0;
				frame_tail(f, (int32_t)mi, end ? TRUSTACK_SRC_OUTERMOST : TRUSTACK_SRC_NONE);
			}
			n++;
			ls->ended = true;
			ls->verdict = end ? TRUSTACK_UNWIND_RELIABLE : TRUSTACK_UNWIND_NO_OUTERMOST;
			break;
		}
		/*
		 * One frame of any other memoised row, branch-light: the CFA on sp or a known fp, the
		 * RA and the fp slot (the RA's again when fp is not saved) read unconditionally.
		 */
		unsigned fr = MEMO_FPR(d);
		bool on_sp = (d & MEMO_ON_SP) != 0;
		/* the full path decides: outermost, a rule on an unknown fp (CFA, or "same") */
		if ((d & (MEMO_VALID | MEMO_OUTERMOST)) != MEMO_VALID || (!fpk && (!on_sp || fr == 1)) || fr == 3)
			break;
		uint64_t base = on_sp ? sp : fp;
		uint64_t cfa = base + (int64_t)(int16_t)(d >> 16);
		uint64_t rat = base + (int64_t)(int16_t)d, fpat = base + (int64_t)(int16_t)(d >> 32);
		if (cfa <= sp || cfa - lo > span || rat - lo > span - 8 || fpat - lo > span - 8)
			break;
		uint64_t ra, t;
		if (direct) {
			ra = ld_stack(rat);
			t = ld_stack(fpat);
		} else if (!rd_checked(w, rat, &ra) || (fr == 2 && !rd_checked(w, fpat, &t))) {
			break;
		}
		uint64_t nfp = fr == 2 ? t : fp;
		fpk = fr != 0;
		lean_record(pcs_only, pcs, frames, n, pc, sp, cfa, frame_tail_word((int32_t)MEMO_MOD(d), src));
		n++;
		sp = cfa;
		fp = nfp;
		pc = ra & keep;
	}
out:
	ls->pc = pc, ls->sp = sp, ls->fp = fp, ls->fpk = fpk, ls->n = n;
}

/*
 * lean_walk once per output form and way of reading, each a function of its own: inlined into
 * the whole walk, its loops shared registers with everything around them (memo base, bounds and
 * masks spilled to the stack, the two ways of reading merged behind a runtime flag).
 */
#define LEAN_WALK_FN(name, pcs_only, direct)                                                                      \
	static __attribute__((noinline)) void name(const struct walk *w, const struct ts_uw_memo *memo,           \
						    const struct ts_uw_arch *a, bool fpv_mode, uint8_t src,       \
						    struct lean_state *ls, struct out *o, size_t max)             \
	{                                                                                                         \
		lean_walk(w, memo, a, fpv_mode, src, ls, o, pcs_only, direct, max);                               \
	}
LEAN_WALK_FN(lean_walk_direct, false, true)
LEAN_WALK_FN(lean_walk_read, false, false)
LEAN_WALK_FN(lean_walk_direct_pcs, true, true)
LEAN_WALK_FN(lean_walk_read_pcs, true, false)


/*
 * Recovering a register the walk does not carry. Between frames the walk keeps only sp and fp
 * (and the pc): nearly every row needs nothing else. A row whose rule names another register
 * (ld.so's lazy-binding trampoline: cfa=rbx+N around its call to _dl_fixup) is rare, so its
 * value is found only then, by replaying the frames walked so far from the start registers with
 * every callee-saved register tracked: through each frame the row says whether the caller's
 * value is still in the register, at CFA + 8 * off, or lost; a signal frame restores them all.
 * The replay is resumed, not restarted, by the next frame that needs it: at most one step per
 * frame in a whole walk. It reads only through the walk's bounds-checked readers and checks that
 * it reproduces the walk (each return address, the stack pointer), so garbage cannot make it
 * disagree with the walk it serves.
 */
struct replay {
	struct regs r;   /* the registers of frame j, as far as known */
	size_t j;        /* frames replayed */
	bool started, exact, broken;
};

/* The row the walk uses at va of module m in this mode (the same choice as unwind_core). */
static const struct ts_urow *replay_row(const struct ts_uw_module *m, enum trustack_unwind_mode mode, uint64_t va)
{
	if (mode == TRUSTACK_UNWIND_SFRAME)
		return ts_uw_table_lookup(&m->sf, va);
	const struct ts_urow *row = ts_uw_table_lookup(&m->ana, va);
	if (mode == TRUSTACK_UNWIND_AUTO && m->sframe_trusted && (!row || (row->flags & TS_UROW_UNRELIABLE))) {
		const struct ts_urow *r2 = ts_uw_table_lookup(&m->sf, va);
		if (r2 && !(r2->flags & TS_UROW_UNRELIABLE))
			row = r2;
	}
	return row;
}

static bool is_elf_module(const struct ts_uw_module *m)
{
	return m->kind == TRUSTACK_MODULE_FILE || m->kind == TRUSTACK_MODULE_VDSO;
}

/* Replay frame rp->j (pc) into its caller's registers, whose pc must be next (wa: the walk's
 * machine). */
static bool replay_step(struct walk *w, enum trustack_unwind_mode mode, struct replay *rp, uint64_t pc,
			uint64_t next, const struct ts_uw_arch *wa)
{
	const struct ts_uw_module *m = ts_uw_find_module(w->u, pc);
	if (!m)
		return false;
	int anon_sig = is_anon_sigreturn(w, m, wa, pc);
	if (!anon_sig && (!is_elf_module(m) || !m->arch))
		return false;
	const struct ts_uw_arch *a = anon_sig ? wa : m->arch;
	struct regs *R = &rp->r, n = { .valid = 0 };
	uint64_t sp, v;
	if (!get(R, a->sp, &sp))
		return false;
	int sk = anon_sig ? anon_sig : is_sigreturn(w, m, pc);
	if (sk) {
		uint64_t ipc = 0;
		unsigned ns;
		const struct ts_uw_sigreg *sr = sig_layout(a, sk, &ns);
		for (unsigned i = 0; i < ns; i++) {
			if (!rd_stack(w, sp + sr[i].off, &v))
				return false;
			if (sr[i].reg == TS_UW_SIG_PC)
				ipc = v;
			else if (sr[i].reg < TRUSTACK_MAX_REGS)
				n.r[sr[i].reg] = v, n.valid |= BIT(sr[i].reg);
		}
		*R = n;
		rp->exact = true;
		return ipc == next;
	}
	const struct ts_urow *row = replay_row(m, mode, pc - m->bias - !rp->exact);
	if (!row || (row->flags & (TS_UROW_UNRELIABLE | TS_UROW_OUTERMOST | TS_UROW_SIGNAL)))
		return false;
	uint64_t base, cfa, ra, fpv = 0;
	bool known, fpk;
	if (!get(R, row->cfa_reg, &base))
		return false;
	if (row->cfa_kind == TRUSTACK_CFA_REG)
		cfa = base + (int64_t)row->cfa_off;
	else if (row->cfa_kind != TRUSTACK_CFA_DEREF || !rd_stack(w, base + (int64_t)row->cfa_off, &cfa))
		return false;
	uint64_t csp = cfa + a->cfa_sp; /* the caller's sp (s390x: CFA - 160) */
	if (csp < sp || (csp == sp && !sp_may_stay(row, rp->exact, a)) ||
	    locate(w, R, row->ra_kind, row->ra_reg, row->ra_off, cfa, a->ra, &ra, &known) || !known ||
	    (ra & w->ra_keep) != next || locate(w, R, row->fp_kind, row->fp_reg, row->fp_off, cfa, a->fp, &fpv, &fpk))
		return false;
	/* the callee-saved registers: still there, saved in this frame, or lost */
	unsigned k = 0;
	for (uint32_t t = a->csr | row->saved; t; t &= t - 1) {
		unsigned r = (unsigned)__builtin_ctz(t);
		if (row->saved >> r & 1) {
			if (k >= TS_UROW_MAX_SAVES)
				return false;
			if (r < TRUSTACK_MAX_REGS && rd_stack(w, cfa + 8 * (int64_t)row->save_off[k], &v))
				n.r[r] = v, n.valid |= BIT(r);
			k++;
		} else if (!(row->lost >> r & 1) && get(R, r, &v)) {
			n.r[r] = v, n.valid |= BIT(r);
		}
	}
	n.r[a->sp] = csp, n.valid |= BIT(a->sp);
	if (fpk)
		n.r[a->fp] = fpv, n.valid |= BIT(a->fp);
	else
		n.valid &= ~BIT(a->fp);
	*R = n;
	rp->exact = false;
	return true;
}

/*
 * The value of register reg in frame k (k frames below it, whose pcs are pcs[0..k], from the
 * start registers s0), or false when some frame between lost it or the replay could not follow
 * the walk. sp is frame k's stack pointer as the walk computed it.
 */
static __attribute__((noinline, cold)) bool recover(struct walk *w, enum trustack_unwind_mode mode,
						     struct replay *rp, const struct trustack_regs *regs,
						     const struct trustack_unwind_start *st, const struct ts_uw_arch *a,
						     const struct out *o, bool pcs_only, size_t k, unsigned reg,
						     uint64_t sp, uint64_t *v)
{
	if (!rp->started) {
		/* the start registers as the walk's frame 0 has them (unwind_core) */
		unsigned nr = regs->nregs < TRUSTACK_MAX_REGS ? regs->nregs : TRUSTACK_MAX_REGS;
		uint64_t valid0 = (st->flags & TRUSTACK_START_VALID_MASK) ? st->valid : BIT(nr) - 1;
		memcpy(rp->r.r, regs->r, sizeof(rp->r.r));
		rp->r.r[a->sp] = regs->sp, rp->r.r[a->fp] = regs->fp;
		rp->r.valid = (valid0 & (BIT(TRUSTACK_MAX_REGS) - 1)) | BIT(a->sp) | BIT(a->fp);
		rp->j = 0;
		rp->exact = !(st->flags & TRUSTACK_START_PC_IS_RA);
		rp->started = true;
		rp->broken = false;
	}
	if (rp->broken || rp->j > k)
		return false;
	for (; rp->j < k; rp->j++) {
		uint64_t pc = pcs_only ? o->pcs[rp->j] : o->frames[rp->j].pc;
		uint64_t next = pcs_only ? o->pcs[rp->j + 1] : o->frames[rp->j + 1].pc;
		if (!replay_step(w, mode, rp, pc, next, a)) {
			rp->broken = true;
			return false;
		}
	}
	uint64_t rsp;
	if (!get(&rp->r, a->sp, &rsp) || rsp != sp)
		return false;
	return get(&rp->r, reg, v);
}

/* locate(), and when the register its rule names is one the walk lost, recover() it first. */
static int locate_rec(struct walk *w, struct regs *s, uint8_t kind, uint8_t reg, int32_t off, uint64_t cfa,
		      unsigned own, uint64_t *v, bool *known, enum trustack_unwind_mode mode, struct replay *rp,
		      const struct trustack_regs *regs, const struct trustack_unwind_start *st,
		      const struct ts_uw_arch *a, const struct out *o, bool pcs_only, size_t k, uint64_t sp)
{
	int e = locate(w, s, kind, reg, off, cfa, own, v, known);
	unsigned need = kind == TRUSTACK_LOC_SAME ? own : reg;
	uint64_t val;
	if (e == TRUSTACK_UNWIND_LOST_REGISTER && need < TRUSTACK_MAX_REGS &&
	    recover(w, mode, rp, regs, st, a, o, pcs_only, k, need, sp, &val)) {
		s->r[need] = val;
		s->valid |= BIT(need);
		e = locate(w, s, kind, reg, off, cfa, own, v, known);
	}
	return e;
}

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* What recover() needs to replay the walk from the start registers (rare: the slow path). */
struct replay_ctx {
	enum trustack_unwind_mode mode;
	struct replay *rp;
	const struct trustack_regs *regs;
	const struct trustack_unwind_start *st;
	const struct out *o;
	bool pcs_only;
};

/*
 * Checks the arguments, loads the start and sets up the walk's bounds. Returns -TRUSTACK_E_ARG,
 * 1 when the walk is over before it began (a direct walk from a stack pointer on no stack we
 * know: reading it could fault; the verdict is in res), or 0.
 */
static ALWAYS_INLINE int unwind_begin(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
				      const struct trustack_regs *regs, const struct trustack_unwind_start *start,
				      struct out *o, bool pcs_only, size_t max, struct trustack_unwind_result *res,
				      struct trustack_unwind_start *st, struct walk *w)
{
	if (res) {
		res->count = 0;
		res->verdict = TRUSTACK_UNWIND_NOT_RUN;
		res->lost_at = 0;
	}
	if (!u || !regs || !res || (!(pcs_only ? (void *)o->pcs : (void *)o->frames) && max) ||
	    (unsigned)mode >= TRUSTACK_UNWIND__MODES || (!u->direct && !u->opts.read_mem))
		return -TRUSTACK_E_ARG;
	if (TS_OPTS_LOAD(*st, start)) /* start NULL: no flags, the unwinder's bounds */
		return -TRUSTACK_E_ARG;
	*w = (struct walk){ .u = u, .direct = u->direct, .lo = st->stack_lo, .hi = st->stack_hi, .ra_keep = ~u->pac_mask };
	if (!w->direct) { /* in process, the target is this machine */
		const struct ts_arch *ta = ts_arch_for_machine(regs->machine);
		w->swap = ta && ta->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	}
	if (!w->lo && !w->hi)
		w->lo = u->stack_lo, w->hi = u->stack_hi;
	/* direct loads: below the live stack pointer nothing is guaranteed to be mapped */
	if (w->direct && regs->sp > w->lo)
		w->lo = regs->sp;
	if (!w->direct || (w->hi && sp_ok(w, regs->sp)))
		return 0;
	if (max) {
		struct trustack_frame *f = out_frame(o, pcs_only, 0, regs->pc);
		frame_init(f, regs->pc, regs->sp, !(st->flags & TRUSTACK_START_PC_IS_RA));
		const struct ts_uw_module *m = ts_uw_find_module(u, regs->pc);
		f->module = m ? m->index : -1;
		res->count = 1;
	}
	res->verdict = TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
	return 1;
}

/* pc is a signal trampoline: the interrupted registers are in the signal frame at sp. Returns 0
 * with *s and *pc those of the interrupted frame, or the verdict. */
static ALWAYS_INLINE int through_signal_frame(const struct walk *w, const struct ts_uw_arch *a, int kind,
					      struct trustack_frame *f, uint64_t sp, struct regs *s, uint64_t *pc)
{
	struct regs t = { .valid = 0 };
	uint64_t ipc = 0;
	bool ok = true;
	unsigned ns;
	const struct ts_uw_sigreg *sr = sig_layout(a, kind, &ns);
	for (unsigned i = 0; i < ns && ok; i++) {
		uint64_t val;
		ok = rd_stack(w, sp + sr[i].off, &val);
		if (sr[i].reg == TS_UW_SIG_PC)
			ipc = val;
		else if (sr[i].reg < TRUSTACK_MAX_REGS)
			t.r[sr[i].reg] = val, t.valid |= BIT(sr[i].reg);
	}
	f->flags |= TRUSTACK_FRAME_SIGNAL;
	f->source = TRUSTACK_SRC_SIGNAL;
	if (!ok || !(t.valid & BIT(a->sp)))
		return TRUSTACK_UNWIND_SIGNAL_FRAME;
	if (t.r[a->sp] <= sp)
		return TRUSTACK_UNWIND_SP_NOT_RISING;
	f->cfa = t.r[a->sp];
	*s = t;
	*pc = ipc;
	return 0;
}

/* The table row of pc (va in module m's link-time addresses) for mode, remembered in the memo
 * when pc is a return address; auto mode falls back on a trusted .sframe. *row may already hold
 * the memo's row. Returns 0 with a usable *row and *src, or the verdict why there is none. */
static ALWAYS_INLINE int find_row(const struct walk *w, enum trustack_unwind_mode mode, const struct ts_uw_module *m,
				  uint64_t pc, uint64_t va, bool exact, struct ts_uw_memo *memo,
				  const struct ts_urow **row, uint8_t *src)
{
	uint64_t d;
	*src = TRUSTACK_SRC_ANALYSIS;
	if (*row) {
		/* from the memo */
		*src = mode == TRUSTACK_UNWIND_SFRAME ? TRUSTACK_SRC_SFRAME : TRUSTACK_SRC_ANALYSIS;
	} else if (!exact && !after_call(w, m, pc)) {
		return TRUSTACK_UNWIND_RA_NOT_AFTER_CALL;
	} else {
		bool sframe = mode == TRUSTACK_UNWIND_SFRAME;
		*row = ts_uw_table_lookup(sframe ? &m->sf : &m->ana, va);
		if (sframe)
			*src = TRUSTACK_SRC_SFRAME;
		if (!exact && *row && memo && memo_pack(m, *row, &d))
			memo_put(memo, pc, d, memo_rec_word(m, pc, d));
		if (mode == TRUSTACK_UNWIND_AUTO && m->sframe_trusted && (!*row || ((*row)->flags & TS_UROW_UNRELIABLE))) {
			const struct ts_urow *r2 = ts_uw_table_lookup(&m->sf, va);
			if (r2 && !(r2->flags & TS_UROW_UNRELIABLE))
				*row = r2, *src = TRUSTACK_SRC_SFRAME;
		}
	}
	if (!*row || ((*row)->flags & TS_UROW_UNRELIABLE)) {
		bool plt = false;
		for (unsigned i = 0; i < m->nplt; i++)
			plt |= va >= m->plt_lo[i] && va < m->plt_hi[i];
		return plt ? TRUSTACK_UNWIND_PLT : *row ? TRUSTACK_UNWIND_UNRELIABLE_ROW : TRUSTACK_UNWIND_NO_TABLE_ROW;
	}
	if ((*row)->flags & TS_UROW_SIGNAL) /* a trampoline the bytes did not confirm */
		return TRUSTACK_UNWIND_SIGNAL_FRAME;
	return 0;
}

/* The caller's CFA from row (into the frame record f too), checked to rise (or stay, when
 * sp_may_stay) and to stay on the stack. Returns 0 or the verdict. */
static ALWAYS_INLINE int caller_cfa(struct walk *w, struct regs *s, const struct ts_urow *row,
				    const struct ts_uw_arch *a, const struct replay_ctx *rc, size_t k, uint64_t sp,
				    bool exact, struct trustack_frame *f, uint64_t *cfa)
{
	uint64_t base;
	if (!get(s, row->cfa_reg, &base) &&
	    !recover(w, rc->mode, rc->rp, rc->regs, rc->st, a, rc->o, rc->pcs_only, k, row->cfa_reg, sp, &base))
		return TRUSTACK_UNWIND_LOST_REGISTER;
	if (row->cfa_kind == TRUSTACK_CFA_REG)
		*cfa = base + (int64_t)row->cfa_off;
	else if (row->cfa_kind == TRUSTACK_CFA_DEREF) {
		if (!rd_stack(w, base + (int64_t)row->cfa_off, cfa))
			return TRUSTACK_UNWIND_BAD_READ;
	} else
		return TRUSTACK_UNWIND_UNRELIABLE_ROW;
	f->cfa = *cfa;
	uint64_t csp = *cfa + a->cfa_sp; /* the caller's sp (s390x: CFA - 160) */
	if (csp < sp || (csp == sp && !sp_may_stay(row, exact, a)))
		return TRUSTACK_UNWIND_SP_NOT_RISING;
	if (!sp_ok(w, csp))
		return TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
	return 0;
}

/* Apply row to frame k (at sp, whose record is f): the caller's sp, fp and pc into *s and *pc.
 * Returns 0 or the verdict. */
static ALWAYS_INLINE int apply_row(struct walk *w, struct regs *s, const struct ts_urow *row, const struct ts_uw_arch *a,
				   const struct replay_ctx *rc, size_t k, uint64_t sp, bool exact, struct trustack_frame *f,
				   uint64_t *pc)
{
	uint64_t cfa, ra, fpv = 0;
	bool known, fpk = true;
	int e = caller_cfa(w, s, row, a, rc, k, sp, exact, f, &cfa);
	if (e)
		return e;
#define REC_ARGS rc->mode, rc->rp, rc->regs, rc->st, a, rc->o, rc->pcs_only, k, sp
	if (row->ra_kind == TRUSTACK_LOC_AT_CFA) /* the common case, inline */
		e = rd_stack(w, cfa + (int64_t)row->ra_off, &ra) ? 0 : TRUSTACK_UNWIND_BAD_READ;
	else if ((e = locate_rec(w, s, row->ra_kind, row->ra_reg, row->ra_off, cfa, a->ra, &ra, &known, REC_ARGS)) == 0 &&
		 !known)
		e = TRUSTACK_UNWIND_NO_OUTERMOST;
	if (e)
		return e;
	if (row->fp_kind == TRUSTACK_LOC_AT_CFA)
		e = rd_stack(w, cfa + (int64_t)row->fp_off, &fpv) ? 0 : TRUSTACK_UNWIND_BAD_READ;
	else if (row->fp_kind == TRUSTACK_LOC_SAME && (s->valid & BIT(a->fp)))
		fpv = s->r[a->fp];
	else
		e = locate_rec(w, s, row->fp_kind, row->fp_reg, row->fp_off, cfa, a->fp, &fpv, &fpk, REC_ARGS);
#undef REC_ARGS
	if (e)
		return e;
	s->valid = BIT(a->sp) | (fpk ? BIT(a->fp) : 0);
	s->r[a->sp] = cfa + a->cfa_sp;
	s->r[a->fp] = fpv;
	*pc = ra & w->ra_keep; /* the PAC bits cleared (arm64), as xpaclri */
	return 0;
}

/* Where the row says the walk ends or fp-validated cannot trust it. Returns 0 to go on, -1
 * for the outermost frame (a reliable end), or the verdict. */
static ALWAYS_INLINE int row_ends_walk(const struct walk *w, enum trustack_unwind_mode mode,
				       const struct ts_urow *row, const struct ts_uw_arch *a, const struct regs *s,
				       bool exact)
{
	if ((row->flags & TS_UROW_OUTERMOST) && a->backchain) {
		/* the end, if the back chain ends here too: the ABI's zero back chain of the first
		 * frame (glibc's _start and clone's child store it before their call) */
		uint64_t bc;
		if (!rd_stack(w, s->r[a->sp], &bc) || bc != 0)
			return TRUSTACK_UNWIND_NO_OUTERMOST;
		return -1;
	}
	if (row->flags & TS_UROW_OUTERMOST) {
		/* the end, if the frame chain ends here too (the psABI's zero frame pointer) */
		uint64_t fpv;
		bool fpk = get(s, a->fp, &fpv);
		if ((mode == TRUSTACK_UNWIND_FP_VALIDATED && !fpk) || (fpk && fpv != 0))
			return TRUSTACK_UNWIND_NO_OUTERMOST;
		return -1;
	}
	if (mode == TRUSTACK_UNWIND_FP_VALIDATED && !exact && !intact_frame(row, a))
		return TRUSTACK_UNWIND_PROLOGUE_EPILOGUE;
	return 0;
}

/*
 * backchain-validated (fp-validated on a back-chain machine): the caller's sp the row gave (csp)
 * must be the back chain stored at the frame's sp. Where it is not - a function built without
 * -mbackchain, or a frame whose chain is not stored yet - the chain walk would have gone wrong.
 */
static ALWAYS_INLINE int chain_agrees(const struct walk *w, uint64_t sp, uint64_t csp)
{
	uint64_t bc;
	if (!rd_stack(w, sp, &bc))
		return TRUSTACK_UNWIND_BAD_READ;
	return bc == csp ? 0 : TRUSTACK_UNWIND_PROLOGUE_EPILOGUE;
}

/* Why frame pc (module m, at sp) cannot be unwound from at all, or 0. */
static ALWAYS_INLINE int frame_unusable(const struct walk *w, const struct ts_uw_module *m,
					const struct ts_uw_arch *a, uint64_t pc, uint64_t sp)
{
	if (!m)
		return pc ? TRUSTACK_UNWIND_UNKNOWN_CODE : TRUSTACK_UNWIND_NO_OUTERMOST;
	if (!is_elf(m))
		return m->kind == TRUSTACK_MODULE_UPROBES ? TRUSTACK_UNWIND_UPROBES : TRUSTACK_UNWIND_UNKNOWN_CODE;
	if (m->arch != a)
		return TRUSTACK_UNWIND_UNKNOWN_CODE;
	if (!sp_ok(w, sp))
		return TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
	return 0;
}

/* The lean path (lean_walk) from frame n while return addresses are in the memo; the walk's
 * state follows it. True when it ended the walk at an outermost row (the verdict in *v). */
static ALWAYS_INLINE bool lean_steps(const struct walk *w, const struct ts_uw_memo *memo,
				     const struct ts_uw_arch *a, bool fpv_mode, uint8_t lean_src, struct out *o,
				     bool pcs_only, size_t max, struct regs *s, uint64_t *pc, size_t *n, int *v)
{
	struct lean_state ls = { .pc = *pc, .sp = s->r[a->sp], .fp = s->r[a->fp], .fpk = (s->valid & BIT(a->fp)) != 0,
				 .n = *n, .ended = false };
	if (pcs_only)
		(w->direct ? lean_walk_direct_pcs : lean_walk_read_pcs)(w, memo, a, fpv_mode, lean_src, &ls, o, max);
	else
		(w->direct ? lean_walk_direct : lean_walk_read)(w, memo, a, fpv_mode, lean_src, &ls, o, max);
	if (ls.ended) {
		*n = ls.n;
		*v = ls.verdict;
		return true;
	}
	if (ls.n != *n) {
		*n = ls.n;
		*pc = ls.pc;
		s->valid = BIT(a->sp) | (ls.fpk ? BIT(a->fp) : 0);
		s->r[a->sp] = ls.sp;
		s->r[a->fp] = ls.fp;
	}
	return false;
}

/*
 * The walk: frame by frame, the lean path while the memo knows the return addresses, else the
 * full one (the module, a signal frame, the row, its application). Every frame's rule must come
 * from a validated source for a reliable verdict.
 */
static ALWAYS_INLINE int unwind_core(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
				     const struct trustack_regs *regs, const struct trustack_unwind_start *start,
				     struct out *o, bool pcs_only, size_t max, struct trustack_unwind_result *res)
{
	struct trustack_unwind_start st;
	struct walk w;
	int begun = unwind_begin(u, mode, regs, start, o, pcs_only, max, res, &st, &w);
	if (begun)
		return begun < 0 ? begun : 0;
	bool exact = !(st.flags & TRUSTACK_START_PC_IS_RA);
	if (mode == TRUSTACK_UNWIND_FP) {
		/* a machine whose frame chain is the back chain (s390x): "fp" walks it */
		const struct ts_uw_arch *ba = ts_uw_arch_for(regs->machine);
		if (ba && ba->backchain) {
			if (w.direct)
				bc_walk(&w, ba, regs, exact, o, pcs_only, true, max, res);
			else
				bc_walk(&w, ba, regs, exact, o, pcs_only, false, max, res);
			return 0;
		}
		if (w.direct)
			fp_walk(&w, regs, exact, o, pcs_only, true, max, res);
		else
			fp_walk(&w, regs, exact, o, pcs_only, false, max, res);
		return 0;
	}

	struct regs s;
	unsigned nr = regs->nregs < TRUSTACK_MAX_REGS ? regs->nregs : TRUSTACK_MAX_REGS;
	s.valid = (st.flags & TRUSTACK_START_VALID_MASK) ? st.valid : BIT(nr) - 1;
	s.valid &= BIT(TRUSTACK_MAX_REGS) - 1; /* s.r: copied when the full path needs it (below) */
	struct replay rp; /* recover()'s: started only when a rule needs a register the walk lost */
	rp.started = false;
	const struct replay_ctx rc = { .mode = mode, .rp = &rp, .regs = regs, .st = &st, .o = o, .pcs_only = pcs_only };
	uint64_t pc = regs->pc;
	size_t n = 0;
	int v = TRUSTACK_UNWIND_RELIABLE;
	const struct ts_uw_arch *a = NULL;
	bool fpv_mode = mode == TRUSTACK_UNWIND_FP_VALIDATED;
	/* the memo of this mode's rows: the analysis' (fp-validated, orc, auto) or the .sframe's */
	struct ts_uw_memo *memo = u->memo ? u->memo + (mode == TRUSTACK_UNWIND_SFRAME) : NULL;
	uint8_t lean_src = fpv_mode ? TRUSTACK_SRC_FP
				    : mode == TRUSTACK_UNWIND_SFRAME ? TRUSTACK_SRC_SFRAME : TRUSTACK_SRC_ANALYSIS;
	/* a return address the memo knows tells the architecture: the lean path from frame 0 */
	uint64_t md;
	if (memo && !exact && memo_get(memo, u->nmods, pc, &md))
		a = u->mods[MEMO_MOD(md)].arch;
	if (a) {
		s.r[a->sp] = regs->sp, s.r[a->fp] = regs->fp;
		s.valid |= BIT(a->sp) | BIT(a->fp);
	}
	for (;;) {
		if (memo && !exact && a && n < max && lean_steps(&w, memo, a, fpv_mode, lean_src, o, pcs_only, max, &s, &pc, &n, &v))
			break;
		if (n == max) {
			v = TRUSTACK_UNWIND_TRUNCATED;
			break;
		}
		if (n == 0) {
			/* the start's registers: only the full path reads more than sp and fp, and
			 * only at frame 0 (after it, sp and fp are the only ones known) */
			memcpy(s.r, regs->r, sizeof(s.r));
			if (a)
				s.r[a->sp] = regs->sp, s.r[a->fp] = regs->fp;
		}
		/* a return address seen before: its checks passed and its row is in the memo */
		struct ts_urow mrow;
		const struct ts_urow *row = NULL;
		const struct ts_uw_module *m;
		if (!exact && a && memo && memo_get(memo, u->nmods, pc, &md)) {
			m = &u->mods[MEMO_MOD(md)];
			memo_unpack(md, m->arch, &mrow);
			row = &mrow;
			w.last = m;
		} else {
			m = module_of(&w, pc);
		}
		if (!a) { /* the first pc tells the architecture; until then sp/fp are unknown */
			a = m ? m->arch : NULL;
			if (!a) {
				frame_init(out_frame(o, pcs_only, n, pc), pc, regs->sp, exact);
				n++;
				v = pc ? TRUSTACK_UNWIND_UNKNOWN_CODE : TRUSTACK_UNWIND_NO_OUTERMOST;
				break;
			}
			s.r[a->sp] = regs->sp, s.r[a->fp] = regs->fp;
			s.valid |= BIT(a->sp) | BIT(a->fp);
		}
		uint64_t sp = s.r[a->sp];
		struct trustack_frame *f = out_frame(o, pcs_only, n, pc);
		n++;
		frame_init(f, pc, sp, exact);
		if (m)
			f->module = m->index;
		int sk;
		if (m && !row && (sk = is_anon_sigreturn(&w, m, a, pc))) {
			if (!sp_ok(&w, sp)) {
				v = TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
				break;
			}
			if ((v = through_signal_frame(&w, a, sk, f, sp, &s, &pc)))
				break;
			exact = true;
			continue;
		}
		if ((v = frame_unusable(&w, m, a, pc, sp)))
			break;
		if (!row && (sk = is_sigreturn(&w, m, pc))) {
			if ((v = through_signal_frame(&w, a, sk, f, sp, &s, &pc)))
				break;
			exact = true;
			continue;
		}
		uint8_t src;
		if ((v = find_row(&w, mode, m, pc, pc - m->bias - !exact, exact, memo, &row, &src)))
			break;
		if ((v = row_ends_walk(&w, mode, row, a, &s, exact))) {
			if (v < 0) {
				f->source = TRUSTACK_SRC_OUTERMOST;
				v = TRUSTACK_UNWIND_RELIABLE;
			}
			break;
		}
		if ((v = apply_row(&w, &s, row, a, &rc, n - 1, sp, exact, f, &pc)))
			break;
		if (fpv_mode && a->backchain && !exact && (v = chain_agrees(&w, sp, s.r[a->sp])))
			break;
		f->source = fpv_mode ? TRUSTACK_SRC_FP : src;
		exact = false;
	}
	res->count = n;
	res->verdict = v;
	res->lost_at = v == TRUSTACK_UNWIND_TRUNCATED ? n : n - 1;
	return 0;
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
	struct out o = { .frames = frames };
	return unwind_core(u, mode, regs, start, &o, false, max, res);
}

int trustack_unwind_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			const struct trustack_regs *regs, const struct trustack_unwind_start *start, uint64_t *pcs,
			size_t max, struct trustack_unwind_result *res)
{
	struct out o = { .pcs = pcs };
	return unwind_core(u, mode, regs, start, &o, true, max, res);
}
