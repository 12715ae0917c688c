/*
 * noreturn.c - which calls never return.
 *
 * Four sources, in order: a list of userspace functions that never return (libc, libstdc++,
 * the C++ ABI), the names DWARF marks DW_AT_noreturn, inference inside the file (a function
 * none of whose paths reaches a return or a tail call to a function that returns), and the
 * compiler's layout (a callee that ends two or more functions: nothing was emitted after it).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/unit.h"

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
	return img->nnoreturn_names &&
	       bsearch(name, img->noreturn_names, img->nnoreturn_names, sizeof(char *), cmp_name);
}

/* Reachability from the function start, without state: does any path return? */
static bool infer_returns(const struct ts_image *img, int f, int depth);

static bool func_noreturn(const struct ts_image *img, int f, int depth)
{
	_Atomic uint8_t *memo = &img->noreturn_memo[f];
	uint8_t m = atomic_load(memo);
	if (m == 1 || m == 3)
		return false; /* returns, or being computed (recursion: assume it returns) */
	if (m == 2)
		return true;
	const struct ts_func *fn = &img->funcs[f];
	if ((fn->flags & TS_FUNC_WEAK) || depth > 8)
		return false; /* a weak definition may be replaced by one that returns */
	if (name_noreturn(img, fn->name)) {
		atomic_store(memo, 2);
		return true;
	}
	uint8_t expect = 0;
	if (!atomic_compare_exchange_strong(memo, &expect, 3))
		return expect == 2;
	bool nr = !infer_returns(img, f, depth);
	atomic_store(memo, nr ? 2 : 1);
	return nr;
}

static enum ts_noreturn noreturn_call(const struct ts_image *img, uint64_t target, const char *name, int depth);

enum ts_noreturn ts_noreturn_call(const struct ts_image *img, uint64_t target, const char *name)
{
	return noreturn_call(img, target, name, 0);
}

/* depth: how many calls deep the inference already is (bounded: a long chain of calls must
 * not exhaust the stack; beyond the bound a callee counts as returning) */
static enum ts_noreturn noreturn_call(const struct ts_image *img, uint64_t target, const char *name, int depth)
{
	if (name && name_noreturn(img, name))
		return TS_NORETURN_KNOWN;
	int f = ts_image_func_at(img, target);
	if (f >= 0 && img->funcs[f].addr == target && func_noreturn(img, f, depth))
		return name_noreturn(img, img->funcs[f].name) ? TS_NORETURN_KNOWN : TS_NORETURN_INFERRED;
	/* a call through the PLT to a function defined in this very file (an interposable
	 * symbol of a shared library): its code is here to look at */
	if (name && (f < 0 || img->funcs[f].addr != target)) {
		int d = ts_image_func_by_name(img, name);
		if (d >= 0 && !(img->funcs[d].flags & TS_FUNC_WEAK) && func_noreturn(img, d, depth))
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

/*
 * Reachability from the function start without state: does any path return? Jumps into the
 * function's fragments are followed; a jump to another function's start is a tail call that
 * returns if that function does; an indirect jump may be a tail call, so it returns.
 */
static bool infer_returns(const struct ts_image *img, int f, int depth)
{
	const struct ts_func *fn = &img->funcs[f];
	struct addr_set seen = { 0 };
	uint64_t *work = malloc(sizeof(uint64_t) * 64);
	size_t nwork = 0, capwork = 64;
	bool returns = false;
	if (!work)
		return true;
	work[nwork++] = fn->addr;
	while (nwork && !returns) {
		uint64_t a = work[--nwork];
		int g = -1;
		while (!returns) {
			g = ts_image_func_at_near(img, a, g); /* one search per run, not per instruction */
			if (!part_of(img, f, g)) {
				if (g < 0 || img->funcs[g].addr != a || !func_noreturn(img, g, depth + 1))
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
			if (in.flow == TS_FLOW_RET || in.flow == TS_FLOW_JUMP_IND) {
				returns = true;
				break;
			}
			if (in.flow == TS_FLOW_CALL) {
				if (noreturn_call(img, in.target, ts_image_target_name(img, in.target), depth + 1))
					break;
			} else if (in.flow == TS_FLOW_CALL_IND) {
				const char *n = (in.treg == TS_REG_NONE && in.tmem.abs) ?
							ts_image_got_name(img, (uint64_t)in.tmem.disp) : NULL;
				if (n && name_noreturn(img, n))
					break;
			}
			if (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC) {
				if (in.target == fn->addr) {
					/* a loop back to the entry: the entry is already being walked */
				} else {
					if (nwork == capwork) {
						uint64_t *w = realloc(work, sizeof(uint64_t) * capwork * 2);
						if (!w) {
							returns = true;
							break;
						}
						work = w;
						capwork *= 2;
					}
					work[nwork++] = in.target;
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
	free(work);
	return returns;
}
