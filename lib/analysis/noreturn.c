/*
 * noreturn.c - which calls never return.
 *
 * Four sources, in order: a list of userspace functions that never return (libc, libstdc++,
 * the C++ ABI), the names DWARF marks DW_AT_noreturn, inference inside the file (a function
 * none of whose paths reaches a return or a tail call to a function that returns), and the
 * compiler's layout (a callee that ends two or more functions: nothing was emitted after it).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/unit.h"
#include "common/vec.h"

/* Sorted in strcmp order: looked up by binary search (every call site asks). */
static const char *const known_noreturn[] = {
	"_Exit", "_Unwind_Resume", "_ZSt9terminatev", "__assert_fail", "__assert_perror_fail",
	"__chk_fail", "__clang_call_terminate", "__cxa_bad_cast", "__cxa_bad_typeid",
	"__cxa_begin_catch_noreturn", "__cxa_call_terminate", "__cxa_call_unexpected",
	"__cxa_deleted_virtual", "__cxa_pure_virtual", "__cxa_rethrow", "__cxa_throw",
	"__cxa_throw_bad_array_new_length", "__fortify_fail", "__libc_dynarray_at_failure", "__libc_fatal", "__libc_longjmp",
	"__libc_siglongjmp", "__libc_start_main", "__longjmp_chk", "__malloc_assert",
	"__stack_chk_fail", "__stack_chk_fail_local", "__ubsan_handle_builtin_unreachable",
	"__ubsan_handle_missing_return", "_dl_fatal_printf", "_dl_reloc_bad_type", "_dl_signal_error", "_dl_signal_exception", "_exit", "_longjmp", "abort", "err",
	"errx", "exit", "longjmp", "pthread_exit", "quick_exit", "siglongjmp", "thrd_exit", "verr",
	"verrx",
};

/* Go's runtime functions that never return and that Go's compiler knows never return (the
 * panics it calls for failed index, slice, conversion and division checks, runtime.throw,
 * gopanic, panicwrap, block: cmd/compile's ssagen), asked only in
 * a Go program (image.h): Go lays out its stack-growth block (`call runtime.morestack_noctxt;
 * jmp entry`) right after such a call, and a panic taken for a call that returns falls into
 * it. Sorted in strcmp order. */
static const char *const go_noreturn[] = {
	"runtime.block", "runtime.goPanicIndex", "runtime.goPanicIndexU", "runtime.goPanicSlice3Acap",
	"runtime.goPanicSlice3AcapU", "runtime.goPanicSlice3Alen", "runtime.goPanicSlice3AlenU",
	"runtime.goPanicSlice3B", "runtime.goPanicSlice3BU", "runtime.goPanicSlice3C",
	"runtime.goPanicSlice3CU", "runtime.goPanicSliceAcap", "runtime.goPanicSliceAcapU",
	"runtime.goPanicSliceAlen", "runtime.goPanicSliceAlenU", "runtime.goPanicSliceB",
	"runtime.goPanicSliceBU", "runtime.goPanicSliceConvert", "runtime.gopanic", "runtime.panicIndex",
	"runtime.panicIndexU", "runtime.panicSlice3Acap", "runtime.panicSlice3AcapU",
	"runtime.panicSlice3Alen", "runtime.panicSlice3AlenU", "runtime.panicSlice3B",
	"runtime.panicSlice3BU", "runtime.panicSlice3C", "runtime.panicSlice3CU",
	"runtime.panicSliceAcap", "runtime.panicSliceAcapU", "runtime.panicSliceAlen",
	"runtime.panicSliceAlenU", "runtime.panicSliceB", "runtime.panicSliceBU",
	"runtime.panicSliceConvert", "runtime.panicdivide", "runtime.panicdottypeE",
	"runtime.panicdottypeI", "runtime.panicfloat", "runtime.panicmakeslicecap",
	"runtime.panicmakeslicelen", "runtime.panicmem", "runtime.panicmemAddr",
	"runtime.panicnildottype", "runtime.panicoverflow", "runtime.panicrangestate",
	"runtime.panicshift", "runtime.panicunsafeslicelen", "runtime.panicunsafeslicenilptr",
	"runtime.panicunsafestringlen", "runtime.panicunsafestringnilptr", "runtime.panicwrap",
	"runtime.throw",
};

static int cmp_name(const void *k, const void *e)
{
	return strcmp((const char *)k, *(char *const *)e);
}

static bool in_list(const char *name)
{
	if (bsearch(name, known_noreturn, sizeof(known_noreturn) / sizeof(known_noreturn[0]), sizeof(char *),
		    cmp_name))
		return true;
	/* libstdc++'s std::__throw_* helpers: _ZSt19__throw_logic_errorPKc, ... */
	if (!strncmp(name, "_ZSt", 4) && strstr(name, "__throw_"))
		return true;
	return false;
}

static bool name_noreturn(const struct ts_image *img, const char *name)
{
	char base[256];
	const char *at = strchr(name, '@'); /* versioned names: exit@GLIBC_2.2.5 */
	if (at && (size_t)(at - name) < sizeof(base)) {
		memcpy(base, name, (size_t)(at - name));
		base[at - name] = 0;
		name = base;
	}
	if (in_list(name))
		return true;
	if (img->go && bsearch(name, go_noreturn, sizeof(go_noreturn) / sizeof(go_noreturn[0]), sizeof(char *), cmp_name))
		return true;
	return img->nnoreturn_names &&
	       bsearch(name, img->noreturn_names, img->nnoreturn_names, sizeof(char *), cmp_name);
}

/*
 * The inference gives the same answers whatever the order the threads ask in (driver.c): an
 * answer is a function of the callee and of how many calls deep in a chain of inferences it is
 * asked, nothing else. Chains are cut at a depth bound, where a callee counts as returning (a
 * long or recursive chain must not exhaust the stack); a function's direct call to itself counts
 * as returning too, which is what unrolling it to the bound gives. Nothing marks an answer as
 * being computed: two threads asking at once both compute it, and store the same answer.
 *
 * Whether f returns, asked at depth d, can only change one way with d: a callee that returns
 * lets more of f's paths on, and the cut (the deepest answer) is "returns", so an answer of
 * "returns" at depth d holds at every greater depth and "never returns" at every smaller one.
 * Each answer also comes with the depths its callees' answers hold at, shifted by one: where
 * they all hold, so does f's (an answer no cut reached holds at every depth). The memo keeps,
 * per function, the least depth it is known to return from and the greatest it is known never
 * to return up to; a recursion unrolled once to the bound then serves every depth.
 */
#define NR_MAX_DEPTH 8
#define NR_RET_FROM(m) ((m) & 0x0f)  /* 1 + the least depth it returns from, 0: none known */
#define NR_NORET_UPTO(m) ((m) >> 4)  /* 1 + the greatest depth it never returns up to, 0: none
				      * (NR_MAX_DEPTH + 2: at every depth, the cut's too) */

/* The depths an answer holds at: [lo, hi], each within 0..NR_MAX_DEPTH. */
struct nr_span {
	int lo, hi;
};

/* A callee's answer, asked at depth + 1, narrows the span of the caller's at depth. */
static void nr_narrow(struct nr_span *s, bool callee_noreturn, struct nr_span callee)
{
	if (callee_noreturn) {
		if (callee.hi - 1 < s->hi)
			s->hi = callee.hi - 1;
	} else if (callee.lo - 1 > s->lo) {
		s->lo = callee.lo - 1;
	}
}

/* Reachability from the function start, without state: does any path return? */
static bool infer_returns(const struct ts_image *img, int f, int depth, struct nr_span *span);

static void nr_remember(_Atomic uint8_t *memo, bool noreturn, struct nr_span span)
{
	uint8_t m = atomic_load_explicit(memo, memory_order_relaxed), n;
	do {
		unsigned from = NR_RET_FROM(m), upto = NR_NORET_UPTO(m);
		if (noreturn && upto < (unsigned)span.hi + 1)
			upto = (unsigned)span.hi + 1;
		else if (!noreturn && (!from || from > (unsigned)span.lo + 1))
			from = (unsigned)span.lo + 1;
		n = (uint8_t)(upto << 4 | from);
	} while (n != m && !atomic_compare_exchange_weak_explicit(memo, &m, n, memory_order_relaxed,
								  memory_order_relaxed));
}

/* Does function f never return, asked depth calls deep; *span: the depths the answer holds at. */
static bool func_noreturn(const struct ts_image *img, int f, int depth, struct nr_span *span)
{
	const struct ts_func *fn = &img->funcs[f];
	_Atomic uint8_t *memo = &img->noreturn_memo[f];
	uint8_t m = atomic_load_explicit(memo, memory_order_relaxed);
	*span = (struct nr_span){ 0, NR_MAX_DEPTH + 1 };
	if (NR_RET_FROM(m) && (unsigned)depth + 1 >= NR_RET_FROM(m)) {
		span->lo = (int)NR_RET_FROM(m) - 1;
		return false;
	}
	if ((unsigned)depth + 1 <= NR_NORET_UPTO(m)) {
		span->hi = (int)NR_NORET_UPTO(m) - 1;
		return true;
	}
	/* what the name or the symbol says holds at every depth */
	if (fn->flags & TS_FUNC_WEAK) {
		nr_remember(memo, false, *span); /* a weak definition may be replaced by one that returns */
		return false;
	}
	if (name_noreturn(img, fn->name)) {
		nr_remember(memo, true, *span);
		return true;
	}
	if (depth > NR_MAX_DEPTH) {
		span->lo = NR_MAX_DEPTH + 1; /* the cut */
		return false;
	}
	*span = (struct nr_span){ 0, NR_MAX_DEPTH };
	bool nr = !infer_returns(img, f, depth, span);
	nr_remember(memo, nr, *span);
	return nr;
}

static enum ts_noreturn noreturn_call(const struct ts_image *img, uint64_t target, const char *name, int caller,
				      int depth, struct nr_span *span);

enum ts_noreturn ts_noreturn_call(const struct ts_image *img, uint64_t target, const char *name)
{
	struct nr_span span = { 0, NR_MAX_DEPTH };
	return noreturn_call(img, target, name, -1, 0, &span);
}

/* Does function f never return, asked from the inference for function caller (-1: from the
 * analysis) depth calls deep? Its own recursive calls count as returning (above). */
static bool callee_noreturn(const struct ts_image *img, int f, int caller, int depth, struct nr_span *span)
{
	if (f == caller)
		return false;
	struct nr_span s;
	bool nr = func_noreturn(img, f, depth, &s);
	nr_narrow(span, nr, s);
	return nr;
}

/* depth: how many calls deep the inference is; span: the caller's (narrowed by what is asked) */
static enum ts_noreturn noreturn_call(const struct ts_image *img, uint64_t target, const char *name, int caller,
				      int depth, struct nr_span *span)
{
	if (name && name_noreturn(img, name))
		return TS_NORETURN_KNOWN;
	int f = ts_image_func_at(img, target);
	if (f >= 0 && img->funcs[f].addr == target && callee_noreturn(img, f, caller, depth, span))
		return name_noreturn(img, img->funcs[f].name) ? TS_NORETURN_KNOWN : TS_NORETURN_INFERRED;
	/* a call through the PLT to a function defined in this very file (an interposable
	 * symbol of a shared library): its code is here to look at */
	if (name && (f < 0 || img->funcs[f].addr != target)) {
		int d = ts_image_func_by_name(img, name);
		if (d >= 0 && !(img->funcs[d].flags & TS_FUNC_WEAK) && callee_noreturn(img, d, caller, depth, span))
			return TS_NORETURN_INFERRED;
	}
	/* the compiler's layout: calls to it end two or more functions */
	if (target && ts_image_tail_call_count(img, target) >= 2)
		return TS_NORETURN_INFERRED;
	return TS_RETURNS;
}

/* A set of addresses (open addressing), for the reachability walk below. */
struct addr_set {
	uint64_t *slot;
	size_t cap, n;
};

static bool set_add(struct addr_set *s, uint64_t a)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *n = calloc(cap, sizeof(uint64_t));
		if (!n)
			return false;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = (size_t)(s->slot[i] * 0x9e3779b97f4a7c15ull) & (cap - 1);
			while (n[h])
				h = (h + 1) & (cap - 1);
			n[h] = s->slot[i];
		}
		free(s->slot);
		s->slot = n;
		s->cap = cap;
	}
	size_t h = (size_t)(a * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
	while (s->slot[h]) {
		if (s->slot[h] == a)
			return false;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = a;
	s->n++;
	return true;
}

/* Is code of function g (ts_image_func_at) code that belongs to function f: its body or a
 * fragment (.cold) it may enter? */
static bool part_of(const struct ts_image *img, int f, int g)
{
	if (g < 0)
		return false;
	if (g == f)
		return true;
	return (img->funcs[g].flags & TS_FUNC_FRAGMENT) && (img->funcs[g].parent == f || img->funcs[g].parent == -1);
}

/* A call or tail call whose answer the reachability walk below has put off. */
struct pending {
	uint64_t target;
	int func;      /* for a tail call: the function it goes to */
	uint64_t next; /* where the path goes on if the call returns; 0 for a tail call */
	uint64_t end;  /* the end of the code the call is in */
};

struct paths {
	uint64_t *work; /* addresses to go on from */
	size_t nwork, capwork;
	struct pending *later;
	size_t nlater, caplater, done;
};

static bool push_work(struct paths *p, uint64_t a)
{
	if (TS_GROW(p->work, p->nwork, p->capwork, 64))
		return false;
	p->work[p->nwork++] = a;
	return true;
}

static bool put_off(struct paths *p, struct pending x)
{
	if (TS_GROW(p->later, p->nlater, p->caplater, 16))
		return false;
	p->later[p->nlater++] = x;
	return true;
}

/*
 * Did the straight run [from, to) replace the stack pointer with a value from another register or
 * from memory, not one computed from the stack or frame pointer? Then an indirect jump at its
 * end goes on another stack: into the context the function installed (glibc's __longjmp: `ldr
 * x5, [x0, #104]; ...; mov sp, x5; ...; br x30`), never back to its caller's frame. (A context
 * switch that saved the caller's context comes back only when someone installs that one again:
 * such a call is inferred not to return, and the code after it is then analysed on a soft path.)
 * Decoded only at an indirect jump, so the pass stays a length-only one elsewhere.
 */
static bool stack_switched(const struct ts_image *img, uint64_t from, uint64_t to)
{
	const struct ts_arch *a = img->arch;
	bool switched = false;
	for (uint64_t x = from; x < to;) {
		size_t avail;
		const uint8_t *code = ts_image_bytes(img, x, &avail);
		struct ts_insn in;
		unsigned len = code ? a->decode(img->dec, code, to - x < avail ? to - x : avail, x, &in) : 0;
		if (!len)
			return false;
		for (unsigned k = 0; k < in.nuops; k++) {
			const struct ts_uop *u = &in.uops[k];
			if (u->dst != a->sp)
				continue;
			if ((u->kind == TS_UOP_MOV && u->src != a->sp && u->src != a->fp) ||
			    (u->kind == TS_UOP_LOAD && u->mem.base != a->sp))
				switched = true;
			else if (u->kind == TS_UOP_MOV) /* back on this frame (`mov sp, x29`) */
				switched = false;
		}
		x += len;
	}
	return switched;
}

/*
 * Reachability from the function start without state: does any path return? Jumps into the
 * function's fragments are followed; a jump to another function's start is a tail call that
 * returns if that function does; an indirect jump may be a tail call, so it returns. Whether a
 * callee returns is asked only once no path is left that needs no such answer: most functions
 * show a return without one, and each question may start an inference of its own. The answer
 * does not depend on that order (reachability), only the work does.
 */
static bool infer_returns(const struct ts_image *img, int f, int depth, struct nr_span *span)
{
	const struct ts_func *fn = &img->funcs[f];
	struct addr_set seen = { 0 };
	struct paths p = { 0 };
	bool returns = !push_work(&p, fn->addr); /* out of memory: assume it returns */
	while (!returns) {
		if (!p.nwork) {
			if (p.done == p.nlater)
				break;
			/* no path left that needs no answer: ask about the first call put off */
			struct pending x = p.later[p.done++];
			if (!x.next) {
				returns = !callee_noreturn(img, x.func, f, depth + 1, span);
			} else if (!noreturn_call(img, x.target, ts_image_target_name(img, x.target), f, depth + 1,
						  span)) {
				if (x.next >= x.end)
					returns = true; /* runs off the end: be conservative */
				else if (!push_work(&p, x.next))
					returns = true;
			}
			continue;
		}
		uint64_t a = p.work[--p.nwork], run = a;
		int g = -1;
		while (!returns) {
			g = ts_image_func_at_near(img, a, g); /* one search per run, not per instruction */
			if (!part_of(img, f, g)) {
				if (g < 0 || img->funcs[g].addr != a)
					returns = true;
				else if (!put_off(&p, (struct pending){ .target = a, .func = g }))
					returns = true;
				break;
			}
			if (!set_add(&seen, a))
				break; /* visited (or out of memory: then this path counts as ending) */
			size_t avail;
			const uint8_t *code = ts_image_bytes(img, a, &avail);
			uint64_t end = img->funcs[g].addr + img->funcs[g].size;
			struct ts_insn in;
			size_t room = end - a < avail ? end - a : avail;
			/* only where control goes matters here: the length alone for instructions that
			 * fall through (most), a full decode for the others */
			unsigned scan = TS_SCAN_FLOW;
			unsigned len = code && img->arch->length ? img->arch->length(img->dec, code, room, &scan) : 0;
			if (!code)
				len = 0;
			else if (scan & TS_SCAN_FLOW)
				len = img->arch->decode(img->dec, code, room, a, &in);
			else
				in.flow = TS_FLOW_NEXT;
			if (!len || in.flow == TS_FLOW_STOP)
				break;
			if (in.flow == TS_FLOW_JUMP_IND && stack_switched(img, run, a))
				break; /* into another context */
			if (in.flow == TS_FLOW_RET || in.flow == TS_FLOW_RET_COND || in.flow == TS_FLOW_JUMP_IND) {
				returns = true;
				break;
			}
			if (in.flow == TS_FLOW_CALL) {
				if (!put_off(&p, (struct pending){ .target = in.target, .next = a + len, .end = end }))
					returns = true;
				break;
			} else if (in.flow == TS_FLOW_CALL_IND) {
				const char *n = (in.treg == TS_REG_NONE && in.tmem.abs) ?
							ts_image_got_name(img, (uint64_t)in.tmem.disp) : NULL;
				if (n && name_noreturn(img, n))
					break;
			}
			if (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC) {
				/* a loop back to the entry: the entry is already being walked */
				if (in.target != fn->addr && !push_work(&p, in.target)) {
					returns = true;
					break;
				}
				if (in.flow == TS_FLOW_JUMP)
					break;
			}
			a += len;
			if (a >= end) {
				returns = true; /* runs off the end: be conservative */
				break;
			}
		}
	}
	free(seen.slot);
	free(p.work);
	free(p.later);
	return returns;
}
