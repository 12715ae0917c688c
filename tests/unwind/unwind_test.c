/*
 * unwind_test.c - the unwinder against oracles we did not write, in one process per build
 * variant (compiler x optimisation x frame pointers; suite_unwind.sh builds them).
 *
 * Oracle: glibc's backtrace() (libgcc's DWARF unwinder over the compiler's CFI, which also
 * knows signal frames), called from the same function as our trace, so both lists agree from
 * frame 1 on when both are right. Per scenario and mode:
 *   - a reliable trace must equal the oracle frame for frame, to the last one (else FAIL:
 *     false-reliable), for every mode but fp (whose false-reliable traces are only counted);
 *   - in the validated modes every frame before the one where the trace was lost must match too;
 *   - orc and auto must be reliable on these ordinary stacks (the unwinder must also work).
 * Scenarios: recursion, deep stack (truncation), SIGPROF at arbitrary instructions (through the
 * signal frame, and from the ucontext), setjmp/longjmp, tail calls, alloca/VLA, realignment,
 * C++ exceptions (unwind_cxx.cc), threads (clone3 outermost), qsort callbacks (frames in libc),
 * and random corruption of a stack snapshot. At every point the fast path is also compared with
 * the full path (unwind_same.c).
 *
 * Output: PASS/FAIL lines prefixed with the variant name (argv[1]), and INFO lines with counts.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "trustack.h"
#include "unwind_same.h"

#define NOINLINE __attribute__((noinline))
#define MAXF 2100

static const char *variant = "?";
static struct trustack_unwinder *U;
static int failures;

/* per mode: traces checked, reliable and right, unreliable, false-reliable (reliable, wrong) */
struct tally {
	unsigned long traces, good, unrel, falserel, prefix_bad;
	unsigned long plt_short; /* the oracle stopped in a PLT stub, ours went on correctly (arm64) */
	unsigned long why[TRUSTACK_UNWIND__VERDICTS];
};

static void fail(const char *scen, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *scen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL %s/%s: ", variant, scen);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

static bool validated(int mode)
{
	return mode != TRUSTACK_UNWIND_FP;
}

/*
 * Compare ours[from..) with truth[tfrom..). Returns true when a reliable trace equals the truth
 * completely; records into t. first_bad gets the first index (in ours) that differs.
 */
static void judge(struct tally *t, int mode, const struct trustack_frame *fr, const struct trustack_unwind_result *r,
		  size_t from, void *const *truth, size_t nt, size_t tfrom, char *why, size_t whylen)
{
	size_t bad = (size_t)-1;
	for (size_t i = from; i < r->count; i++) {
		size_t k = tfrom + (i - from);
		if (k >= nt || fr[i].pc != (uint64_t)(uintptr_t)truth[k]) {
			bad = i;
			break;
		}
	}
	bool complete = bad == (size_t)-1 && r->count - from == nt - tfrom;
	t->traces++;
	why[0] = 0;
	if (r->verdict == TRUSTACK_UNWIND_RELIABLE) {
		if (complete) {
			t->good++;
		} else {
			t->falserel++;
			int k = snprintf(why, whylen, "%s: reliable but %s at frame %zu (ours %zu frames, truth %zu):",
					 trustack_unwind_mode__name(mode), bad == (size_t)-1 ? "shorter/longer" : "different",
					 bad == (size_t)-1 ? r->count : bad, r->count - from, nt - tfrom);
			/* the first pcs of both, for the record */
			for (size_t i = from; i < r->count && i < from + 6 && k > 0 && (size_t)k < whylen; i++)
				k += snprintf(why + k, whylen - (size_t)k, " %llx", (unsigned long long)fr[i].pc);
			if (k > 0 && (size_t)k < whylen)
				k += snprintf(why + k, whylen - (size_t)k, " | truth");
			for (size_t i = tfrom; i < nt && i < tfrom + 6 && k > 0 && (size_t)k < whylen; i++)
				k += snprintf(why + k, whylen - (size_t)k, " %p", truth[i]);
		}
	} else {
		t->unrel++;
		t->why[r->verdict < TRUSTACK_UNWIND__VERDICTS ? r->verdict : 0]++;
		/* frames before the loss come from validated rules: they must be right */
		if (validated(mode) && bad != (size_t)-1 && bad < r->lost_at) {
			t->prefix_bad++;
			snprintf(why, whylen, "%s: %s at frame %zu, but frame %zu already differs (pc %#llx, truth %p)",
				 trustack_unwind_mode__name(mode), trustack_unwind_verdict__name(r->verdict), r->lost_at,
				 bad, (unsigned long long)fr[bad].pc,
				 tfrom + (bad - from) < nt ? truth[tfrom + (bad - from)] : NULL);
		}
	}
}

/*
 * Where the oracle's list reaches ra (the return address into our caller, which the program
 * knows itself from __builtin_return_address): backtrace() may add frames of its own first
 * (AddressSanitizer intercepts it). Returns nb when ra is not among the first entries.
 */
static size_t align_at(void *const *bt, size_t nb, void *ra)
{
	for (size_t k = 0; k < nb && k < 4; k++)
		if (bt[k] == ra)
			return k;
	return nb;
}

/* ---- checking at a point: every mode against backtrace() ---------------------------------- */

static uint64_t thr_lo, thr_hi; /* the current thread's stack, set by each thread (test only) */
static __thread uint64_t tls_lo, tls_hi;

NOINLINE static void check_point(const char *scen, bool must_orc)
{
	static void *bt[MAXF];
	static struct trustack_frame fr[MAXF];
	int nb = backtrace(bt, MAXF);
	size_t j = align_at(bt, (size_t)(nb > 0 ? nb : 0), __builtin_return_address(0));
	if (nb < 0 || nb >= MAXF || j >= (size_t)nb) {
		fail(scen, "backtrace() returned %d frames without our caller", nb);
		return;
	}
	char buf[512];
	int ok = 1;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		struct trustack_unwind_result r;
		struct tally t = { 0 };
		trustack_unwind_self(U, mode, fr, MAXF, &r, tls_lo, tls_hi);
		judge(&t, mode, fr, &r, 1, bt, (size_t)nb, j, buf, sizeof(buf));
		same_self(mode, MAXF, tls_lo, tls_hi);
		if (mode == TRUSTACK_UNWIND_FP) {
			if (t.falserel)
				printf("INFO %s/%s: fp false-reliable (%s)\n", variant, scen, buf);
			continue;
		}
		if (t.falserel || t.prefix_bad) {
			fail(scen, "%s", buf);
			ok = 0;
		} else if (must_orc && (mode == TRUSTACK_UNWIND_ORC || mode == TRUSTACK_UNWIND_AUTO) &&
			   r.verdict != TRUSTACK_UNWIND_RELIABLE) {
			const char *mod = r.lost_at < r.count && fr[r.lost_at].module >= 0
						  ? trustack_unwinder__module_name(U, (size_t)fr[r.lost_at].module, 0, 0, 0)
						  : "?";
			fail(scen, "%s: unreliable (%s) at frame %zu pc %#llx in %s", trustack_unwind_mode__name(mode),
			     trustack_unwind_verdict__name(r.verdict), r.lost_at,
			     r.lost_at < r.count ? (unsigned long long)fr[r.lost_at].pc : 0ull, mod);
			ok = 0;
		}
	}
	if (ok)
		printf("PASS %s/%s\n", variant, scen);
}

/*
 * A hazard on the stack: no validated mode may call the trace reliable, frames before the loss
 * must still match the oracle (which may itself stop early there), and orc/auto must name
 * the expected reason.
 */
NOINLINE static void check_hazard(const char *scen, enum trustack_unwind_verdict want)
{
	static void *bt[MAXF];
	static struct trustack_frame fr[MAXF];
	int nb = backtrace(bt, MAXF);
	size_t j = align_at(bt, (size_t)(nb > 0 ? nb : 0), __builtin_return_address(0));
	char buf[512];
	int ok = 1;
	for (int mode = 1; mode < TRUSTACK_UNWIND__MODES; mode++) {
		struct trustack_unwind_result r;
		struct tally t = { 0 };
		trustack_unwind_self(U, mode, fr, MAXF, &r, tls_lo, tls_hi);
		judge(&t, mode, fr, &r, 1, bt, (size_t)nb, j, buf, sizeof(buf));
		if (r.verdict == TRUSTACK_UNWIND_RELIABLE) {
			fail(scen, "%s: reliable through the hazard", trustack_unwind_mode__name(mode));
			ok = 0;
		} else if (t.prefix_bad) {
			fail(scen, "%s", buf);
			ok = 0;
		} else if ((mode == TRUSTACK_UNWIND_ORC || mode == TRUSTACK_UNWIND_AUTO) && r.verdict != want) {
			fail(scen, "%s: %s at frame %zu, want %s", trustack_unwind_mode__name(mode),
			     trustack_unwind_verdict__name(r.verdict), r.lost_at, trustack_unwind_verdict__name(want));
			ok = 0;
		}
	}
	if (ok)
		printf("PASS %s/%s\n", variant, scen);
}

/* ---- scenarios --------------------------------------------------------------------------- */

volatile unsigned sink;
static int quiet_vla; /* the signal test's busy loop calls vla() too */

NOINLINE static int recurse(int n, const char *scen)
{
	if (n == 0) {
		check_point(scen, true);
		return 1;
	}
	int r = recurse(n - 1, scen);
	sink += r;
	return r + 1;
}

/* deep: the buffer too small must say truncated, never reliable */
NOINLINE static int deep(int n)
{
	if (n == 0) {
		static struct trustack_frame fr[64];
		struct trustack_unwind_result r;
		check_point("deep-1000", true);
		int bad = 0;
		for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
			trustack_unwind_self(U, mode, fr, 64, &r, 0, 0);
			same_self(mode, 64, 0, 0);
			/* the modes with rules for every frame here must run out of room; none may
			 * call a cut trace reliable */
			bool must = mode == TRUSTACK_UNWIND_ORC || mode == TRUSTACK_UNWIND_AUTO;
			if (!validated(mode)) {
				if (r.verdict == TRUSTACK_UNWIND_RELIABLE)
					printf("INFO %s/deep-truncated: fp calls a cut trace of %zu frames reliable\n",
					       variant, r.count);
				continue;
			}
			if (r.verdict == TRUSTACK_UNWIND_RELIABLE || r.count > 64 ||
			    (must && (r.verdict != TRUSTACK_UNWIND_TRUNCATED || r.count != 64))) {
				fail("deep-truncated", "%s: %s with %zu frames (want truncated, 64)",
				     trustack_unwind_mode__name(mode), trustack_unwind_verdict__name(r.verdict), r.count);
				bad = 1;
			}
		}
		if (!bad)
			printf("PASS %s/deep-truncated\n", variant);
		return 1;
	}
	int r = deep(n - 1);
	sink += r;
	return r + 1;
}

static jmp_buf jb;
NOINLINE static void jumper(int n)
{
	if (n <= 0)
		longjmp(jb, 1);
	if (n < 1000)
		jumper(n - 1);
	sink++;
}

NOINLINE static void after_longjmp(void)
{
	if (setjmp(jb) == 0) {
		jumper(5);
		return;
	}
	check_point("setjmp-longjmp", true);
}

NOINLINE static int tail_target(int x)
{
	check_point("tail-call", true);
	return x + sink;
}

NOINLINE int tail_caller(int x);
NOINLINE int tail_caller(int x)
{
	return tail_target(x * 3); /* a sibling call at -O2 */
}

NOINLINE static int vla(int n)
{
	char a[n];
	memset(a, n, (size_t)n);
	char *b = __builtin_alloca((size_t)n * 3);
	memset(b, 1, (size_t)n * 3);
	if (!quiet_vla)
		check_point("alloca-vla", true);
	return a[n - 1] + b[n];
}

NOINLINE static int realign(int n)
{
	_Alignas(64) char buf[256];
	memset(buf, n, sizeof(buf));
	__asm__ volatile("" ::"r"(buf) : "memory");
	check_point("realign", true);
	return buf[n & 255];
}

/* force_align_arg_pointer: realignment through a DRAP register (an x86 attribute: elsewhere the
 * function is an ordinary one with an over-aligned local) */
#if defined(__x86_64__)
#define FORCE_ALIGN __attribute__((force_align_arg_pointer))
#else
#define FORCE_ALIGN
#endif
FORCE_ALIGN NOINLINE static int realign_drap(int n)
{
	_Alignas(32) char buf[64];
	char *v = __builtin_alloca((size_t)n);
	memset(buf, n, sizeof(buf));
	memset(v, 0, (size_t)n);
	__asm__ volatile("" ::"r"(buf), "r"(v) : "memory");
	/* not required to be reliable: gcc's DRAP code defeats the analysis today (a 16-byte store
	 * through the realigned frame loses the saved frame pointer: `trustack check` reports
	 * undefined-stack here), so only "never false-reliable" is checked */
	check_point("realign-drap", false);
	return buf[n & 63] + v[0];
}

static int cmp_calls;
NOINLINE static int cmp_int(const void *a, const void *b)
{
	if (cmp_calls++ == 3)
		check_point("qsort-callback", true);
	return *(const int *)a - *(const int *)b;
}

NOINLINE static void sort_some(void)
{
	int v[64];
	for (int i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	cmp_calls = 0;
	qsort(v, 64, sizeof(v[0]), cmp_int);
}

static void *thread_main(void *arg)
{
	trustack_stack_bounds__self(&tls_lo, &tls_hi);
	recurse(4, "thread");
	return arg;
}

/*
 * A return address no call instruction put there: fake_ra_entry pushes the address of a label
 * that follows a jmp, then jumps to fn, which returns to that label.
 */
void fake_ra_entry(void (*fn)(void));
#if defined(__x86_64__)
__asm__(".text\n"
	".globl fake_ra_entry\n"
	".type fake_ra_entry,@function\n"
	"fake_ra_entry:\n"
	"push %rbp\n"
	"mov %rsp,%rbp\n"
	"lea 1f(%rip),%rax\n"
	"push %rax\n"
	"jmp *%rdi\n"
	"1: pop %rbp\n"
	"ret\n"
	".size fake_ra_entry,.-fake_ra_entry\n");
#elif defined(__aarch64__)
/* arm64: x30 set to a label that follows a `br`, not a call */
__asm__(".text\n"
	".globl fake_ra_entry\n"
	".type fake_ra_entry,%function\n"
	"fake_ra_entry:\n"
	"stp x29, x30, [sp, #-16]!\n"
	"mov x29, sp\n"
	"adr x30, 1f\n"
	"br x0\n"
	"1: ldp x29, x30, [sp], #16\n"
	"ret\n"
	".size fake_ra_entry,.-fake_ra_entry\n");
#elif defined(__s390x__)
/* s390x: r14 set to a label that follows a `br`, not a call, in an ordinary -mbackchain frame */
__asm__(".text\n"
	".globl fake_ra_entry\n"
	".type fake_ra_entry,@function\n"
	"fake_ra_entry:\n"
	"stmg %r14,%r15,112(%r15)\n"
	"lgr %r1,%r15\n"
	"aghi %r15,-160\n"
	"stg %r1,0(%r15)\n"
	"larl %r14,1f\n"
	"br %r2\n"
	"1: lmg %r14,%r15,272(%r15)\n"
	"br %r14\n"
	".size fake_ra_entry,.-fake_ra_entry\n");
#endif

NOINLINE static void fake_ra_target(void)
{
	check_hazard("ra-not-after-call", TRUSTACK_UNWIND_RA_NOT_AFTER_CALL);
}

/* Anonymous executable memory (a JIT's code) calling fn: x86-64 push %rbp; mov %rsp,%rbp;
 * call *%rdi; pop %rbp; ret; arm64 stp x29, x30, [sp, #-16]!; mov x29, sp; blr x0;
 * ldp x29, x30, [sp], #16; ret; s390x stmg %r14,%r15,112(%r15); lgr %r1,%r15;
 * aghi %r15,-160; stg %r1,0(%r15); basr %r14,%r2; lmg %r14,%r15,272(%r15); br %r14 */
static void (*jit_code)(void (*fn)(void));

NOINLINE static void jit_target(void)
{
	check_hazard("jit-anon-exec", TRUSTACK_UNWIND_UNKNOWN_CODE);
}

static void make_jit(void)
{
#if defined(__aarch64__)
	static const uint32_t code[] = { 0xa9bf7bfd, 0x910003fd, 0xd63f0000, 0xa8c17bfd, 0xd65f03c0 };
#elif defined(__s390x__)
	static const uint8_t code[] = { 0xeb, 0xef, 0xf0, 0x70, 0x00, 0x24, 0xb9, 0x04, 0x00, 0x1f, 0xa7, 0xfb,
					0xff, 0x60, 0xe3, 0x10, 0xf0, 0x00, 0x00, 0x24, 0x0d, 0xe2, 0xeb, 0xef,
					0xf1, 0x10, 0x00, 0x04, 0x07, 0xfe };
#else
	static const uint8_t code[] = { 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd7, 0x5d, 0xc3 };
#endif
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	memcpy(p, code, sizeof(code));
	__builtin___clear_cache((char *)p, (char *)p + sizeof(code));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0)
		jit_code = (void (*)(void (*)(void)))p;
}

/* The API's edges: bad arguments, an empty buffer, registers on no known stack, names. */
static void api_edges(void)
{
	struct trustack_unwind_result r;
	struct trustack_frame fr[4];
	struct trustack_regs regs = { 0 };
	int bad = 0;
	bad |= trustack_unwind(NULL, TRUSTACK_UNWIND_ORC, &regs, fr, 4, &r) != -TRUSTACK_E_ARG;
	bad |= trustack_unwind(U, (enum trustack_unwind_mode)99, &regs, fr, 4, &r) != -TRUSTACK_E_ARG;
	bad |= trustack_unwind(U, TRUSTACK_UNWIND_ORC, &regs, NULL, 4, &r) != -TRUSTACK_E_ARG;
	bad |= r.verdict != TRUSTACK_UNWIND_NOT_RUN;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		/* pc 0, sp 0: not on a stack we know - reading there could fault */
		bad |= trustack_unwind(U, mode, &regs, fr, 4, &r) != 0 || r.verdict != TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS;
		/* no room at all: truncated, never reliable */
		bad |= trustack_unwind_self(U, mode, fr, 0, &r, 0, 0) != 0 || r.verdict != TRUSTACK_UNWIND_TRUNCATED ||
		       r.count != 0;
		enum trustack_unwind_mode back;
		bad |= trustack_unwind_mode__parse(trustack_unwind_mode__name(mode), &back) != 0 || (int)back != mode;
	}
	for (int v = 0; v < TRUSTACK_UNWIND__VERDICTS; v++)
		for (int w = 0; w < v; w++)
			bad |= !trustack_unwind_verdict__name(v) || !strcmp(trustack_unwind_verdict__name(v),
									   trustack_unwind_verdict__name(w));
	bad |= trustack_unwind_verdict__name(TRUSTACK_UNWIND__VERDICTS) != NULL;
	if (bad)
		fail("api-edges", "an argument check, an empty buffer or a name is wrong");
	else
		printf("PASS %s/api-edges\n", variant);
}

/* C++: defined in unwind_cxx.cc */
extern void cxx_scenarios(void (*check)(const char *scen, bool must));

/* ---- signals: SIGPROF at arbitrary instructions ------------------------------------------ */

/* the register a call writes the return address into (arm64 x30, s390x r14) */
#if defined(__s390x__)
#define LINK_REG 14
#else
#define LINK_REG 30
#endif

/*
 * On arm64 (and s390x) binutils gives .plt no CFI, so libgcc's unwinder (the oracle) ends a trace at a pc in
 * a PLT stub. The stub has not touched x30: the interrupted x30 is then the true return address,
 * an oracle for the next frame. plt_lo/hi: every loaded module's .plt, at run time.
 */
static uint64_t plt_lo[32], plt_hi[32];
static unsigned nplt;

static int plt_of(struct dl_phdr_info *info, size_t size, void *ctx)
{
	const char *path = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	if (fd < 0 || nplt == sizeof(plt_lo) / sizeof(plt_lo[0]))
		goto out;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum)
		goto out;
	Elf64_Shdr sh[256], *str;
	unsigned n = eh.e_shnum < 256 ? eh.e_shnum : 256;
	if (pread(fd, sh, n * sizeof(sh[0]), (off_t)eh.e_shoff) != (ssize_t)(n * sizeof(sh[0])) || eh.e_shstrndx >= n)
		goto out;
	str = &sh[eh.e_shstrndx];
	for (unsigned i = 0; i < n; i++) {
		char name[8] = "";
		if (pread(fd, name, 5, (off_t)(str->sh_offset + sh[i].sh_name)) == 5 && !memcmp(name, ".plt", 5) &&
		    nplt < sizeof(plt_lo) / sizeof(plt_lo[0])) {
			plt_lo[nplt] = info->dlpi_addr + sh[i].sh_addr;
			plt_hi[nplt++] = info->dlpi_addr + sh[i].sh_addr + sh[i].sh_size;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return 0;
}

static bool in_plt(uint64_t pc)
{
	for (unsigned i = 0; i < nplt; i++)
		if (pc >= plt_lo[i] && pc < plt_hi[i])
			return true;
	return false;
}

/*
 * A false-reliable judgement that is the oracle's shortness: its last frame is the interrupted
 * pc, in a PLT stub (arm64), ours equal it to there and go on with x30 as the next frame. The
 * frames beyond that one have no oracle here; the trace is counted apart, not as correct.
 */
static bool oracle_short_in_plt(const struct trustack_frame *fr, const struct trustack_unwind_result *r, size_t from,
				void *const *truth, size_t nt, size_t tfrom, const struct trustack_regs *uc)
{
#if defined(__aarch64__) || defined(__s390x__)
	size_t m = nt - tfrom;
	if (!nt || tfrom >= nt || !in_plt((uint64_t)(uintptr_t)truth[nt - 1]) || (uint64_t)(uintptr_t)truth[nt - 1] != uc->pc ||
	    r->count <= from + m)
		return false;
	for (size_t i = 0; i < m; i++)
		if (fr[from + i].pc != (uint64_t)(uintptr_t)truth[tfrom + i])
			return false;
	return fr[from + m].pc == uc->r[LINK_REG];
#else
	(void)fr, (void)r, (void)from, (void)truth, (void)nt, (void)tfrom, (void)uc;
	return false;
#endif
}

/* judge(), with the arm64 PLT case counted apart */
static void judge_sig(struct tally *t, int mode, const struct trustack_frame *fr, const struct trustack_unwind_result *r,
		      size_t from, void *const *truth, size_t nt, size_t tfrom, char *why, size_t whylen,
		      const struct trustack_regs *uc)
{
	unsigned long before = t->falserel;
	judge(t, mode, fr, r, from, truth, nt, tfrom, why, whylen);
	if (t->falserel != before && oracle_short_in_plt(fr, r, from, truth, nt, tfrom, uc)) {
		t->falserel--;
		t->plt_short++;
		why[0] = 0;
	}
}

static struct tally sig_tally[TRUSTACK_UNWIND__MODES], uc_tally[TRUSTACK_UNWIND__MODES];
static char sig_first_fail[TRUSTACK_UNWIND__MODES][400];
static volatile int in_test;

/* the pc the sample being judged interrupted (for a crash report: the oracle, libgcc, may fault) */
static volatile uint64_t last_sig_pc;

static void on_prof(int sig, siginfo_t *si, void *ucv)
{
	static void *bt[MAXF];
	static struct trustack_frame fr[MAXF];
	if (!in_test)
		return;
	{
		struct trustack_regs r0;
		trustack_regs__from_ucontext(&r0, ucv);
		last_sig_pc = r0.pc;
	}
	int nb = backtrace(bt, MAXF);
	last_sig_pc = 0;
	/* our caller is the signal trampoline */
	size_t j = align_at(bt, (size_t)(nb > 0 ? nb : 0), __builtin_return_address(0));
	char buf[400];
	struct trustack_regs regs;
	trustack_regs__from_ucontext(&regs, ucv);
	/* the interrupted pc's position in the oracle */
	size_t tk = 0;
	while (tk < (size_t)nb && (uint64_t)(uintptr_t)bt[tk] != regs.pc)
		tk++;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		struct trustack_unwind_result r;
		trustack_unwind_self(U, mode, fr, MAXF, &r, 0, 0);
		judge_sig(&sig_tally[mode], mode, fr, &r, 1, bt, (size_t)nb, j, buf, sizeof(buf), &regs);
		same_self(mode, MAXF, 0, 0);
		same_regs("signal-from-ucontext", mode, &regs, NULL, MAXF);
		if (buf[0] && !sig_first_fail[mode][0])
			snprintf(sig_first_fail[mode], sizeof(sig_first_fail[mode]), "%s", buf);
		if (tk < (size_t)nb) {
			trustack_unwind(U, mode, &regs, fr, MAXF, &r);
			judge_sig(&uc_tally[mode], mode, fr, &r, 0, bt, (size_t)nb, tk, buf, sizeof(buf), &regs);
		}
	}
}

/*
 * A handler installed without SA_SIGINFO: on s390x the kernel (and QEMU) build the older signal
 * frame then, returned through `svc 119` with the registers at another place than the rt frame's;
 * elsewhere it is the same rt frame. The trace from the handler must go through it.
 */
static void on_usr1(int sig)
{
	(void)sig;
	check_point("signal-without-siginfo", true);
}

NOINLINE static void raise_usr1(void)
{
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	sink++;
}

/* busy code with many prologues, epilogues, leaf functions, PLT calls */
NOINLINE static int leaf(int x)
{
	return x * 7 + 1;
}
NOINLINE static int mid(int x)
{
	char b[32];
	memset(b, 'a' + (x & 7), sizeof(b) - 1);
	b[31] = 0;
	return leaf(x) + b[3] + (int)strlen(b + 20 + (x & 3));
}
NOINLINE static int busy_rec(int n, int x)
{
	if (n == 0)
		return mid(x);
	return busy_rec(n - 1, x + 1) + leaf(x);
}

static void signal_test(double secs)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGPROF, &sa, NULL);
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	in_test = 1;
	quiet_vla = 1;
	setitimer(ITIMER_PROF, &it, NULL);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 1000; i++)
			sink += busy_rec(i & 15, i);
		vla(16 + (sink & 15));
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	in_test = 0;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_PROF, &off, NULL);
	const char *names[2] = { "signal-through-frame", "signal-from-ucontext" };
	struct tally *ts[2] = { sig_tally, uc_tally };
	for (int k = 0; k < 2; k++) {
		int bad = 0;
		for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
			struct tally *t = &ts[k][mode];
			printf("INFO %s/%s %s: %lu traces, %lu reliable-correct, %lu unreliable, %lu false-reliable",
			       variant, names[k], trustack_unwind_mode__name(mode), t->traces, t->good, t->unrel, t->falserel);
			for (int v = 1; v < TRUSTACK_UNWIND__VERDICTS; v++)
				if (t->why[v])
					printf(" %s=%lu", trustack_unwind_verdict__name(v), t->why[v]);
			if (t->plt_short)
				printf(" (reliable, the oracle stopped in a PLT stub, the caller checked against x30: %lu)",
				       t->plt_short);
			printf("\n");
			if (validated(mode) && (t->falserel || t->prefix_bad)) {
				fail(names[k], "%s: %lu false-reliable, %lu wrong frames before the loss; first: %s",
				     trustack_unwind_mode__name(mode), t->falserel, t->prefix_bad,
				     k == 0 ? sig_first_fail[mode] : "");
				bad = 1;
			}
		}
		if (ts[k][TRUSTACK_UNWIND_ORC].traces == 0) {
			fail(names[k], "no samples");
			bad = 1;
		}
		/* the unwinder must also work through signal frames: orc and auto reliable (and right)
		 * at 90% of the samples at least (all of them, on x86-64, in every run so far);
		 * TS_UNWIND_MUST_ALL: at every sample but those in a PLT stub the table has no row
		 * for (verdict plt: s390x's PLT rows are not built yet) - the s390x suite */
		static const int must[] = { TRUSTACK_UNWIND_ORC, TRUSTACK_UNWIND_AUTO };
		bool all = getenv("TS_UNWIND_MUST_ALL") != NULL;
		for (int i = 0; i < 2; i++) {
			const struct tally *t = &ts[k][must[i]];
			unsigned long ok = t->good + t->plt_short;
			if (t->traces && (all ? ok + t->why[TRUSTACK_UNWIND_PLT] < t->traces : ok * 10 < t->traces * 9)) {
				fail(names[k], "%s: only %lu of %lu traces reliable", trustack_unwind_mode__name(must[i]),
				     t->good, t->traces);
				bad = 1;
			}
		}
		if (!bad)
			printf("PASS %s/%s\n", variant, names[k]);
	}
}

/* ---- corruption of a stack snapshot ------------------------------------------------------ */

static uint8_t *snap;
static uint64_t snap_lo, snap_hi;

/* a copy of live stack memory, other frames' AddressSanitizer redzones included */
__attribute__((no_sanitize_address)) static void raw_copy(uint8_t *dst, uint64_t src, size_t len)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)src;
	for (size_t i = 0; i < len; i++)
		dst[i] = p[i];
}

static int snap_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	if (addr >= snap_lo && addr + len <= snap_hi) {
		memcpy(buf, snap + (addr - snap_lo), len);
		return 0;
	}
	/* code bytes: the walk only asks for them inside a module's executable range */
	raw_copy(buf, addr, len);
	return 0;
}

/*
 * A corruption no unwinder can see: the first frame that differs came from a return-address
 * slot the corruption rewrote, and the new value is itself a return address (the bytes before it
 * are a call). The corrupted stack is then one a real execution could have left (the function
 * returning to another of its call sites); only a shadow stack would know. Such traces are
 * counted apart; every other reliable-and-different trace fails the test.
 */
#if defined(__aarch64__) || defined(__s390x__)
/* pc is in the code of a module the unwinder knows (a corrupted value may point anywhere) */
static bool in_code(uint64_t pc)
{
	for (size_t i = 0; i < trustack_unwinder__module_count(U); i++) {
		uint64_t lo, hi;
		trustack_unwinder__module_name(U, i, &lo, &hi, NULL);
		if (pc >= lo + 8 && pc < hi)
			return true;
	}
	return false;
}

static bool after_call(uint64_t pc)
{
	if (!in_code(pc))
		return false;
#if defined(__aarch64__)
	uint32_t w;
	raw_copy((uint8_t *)&w, pc - 4, 4);
	return (w & 0xfc000000u) == 0x94000000u || (w & 0xfffffc1fu) == 0xd63f0000u; /* bl, blr */
#else
	uint8_t b[6];
	raw_copy(b, pc - 6, 6);
	return (b[0] == 0xc0 && b[1] == 0xe5) || (b[2] == 0xa7 && b[3] == 0xe5) || /* brasl, bras %r14 */
	       (b[4] == 0x0d && (b[5] >> 4) == 14);                               /* basr %r14,%rN */
#endif
}

/* arm64 and s390x: the slot is in a callee's frame record or the caller's save area, wherever
 * it is: any rewritten word that now holds that pc */
static bool indistinguishable(const uint8_t *orig, const struct trustack_frame *truth, size_t nt,
			      const struct trustack_frame *got, size_t ng)
{
	size_t i = 0;
	while (i < nt && i < ng && truth[i].pc == got[i].pc)
		i++;
	if (i == 0 || i >= nt || i >= ng || !after_call(got[i].pc))
		return false;
	for (uint64_t a = snap_lo; a + 8 <= snap_hi; a += 8) {
		uint64_t was, now;
		memcpy(&was, orig + (a - snap_lo), 8);
		memcpy(&now, snap + (a - snap_lo), 8);
		if (was != now && now == got[i].pc)
			return true;
	}
	return false;
}
#else
static bool after_call(uint64_t pc)
{
	uint8_t b[8];
	raw_copy(b, pc - 7, 7);
	return b[2] == 0xe8 ||                                   /* call rel32 */
	       (b[5] == 0xff && (b[6] & 0x38) == 0x10 && (b[6] >> 6) == 3) || /* call *%reg */
	       (b[4] == 0x41 && b[5] == 0xff && (b[6] & 0x38) == 0x10) ||      /* call *%r8-15 */
	       (b[1] == 0xff && (b[2] & 0x38) == 0x10) ||                      /* call *disp32(...) */
	       (b[4] == 0xff && (b[5] & 0x38) == 0x10);                        /* call *disp8(...) */
}

static bool indistinguishable(const uint8_t *orig, const struct trustack_frame *truth, size_t nt,
			      const struct trustack_frame *got, size_t ng)
{
	size_t i = 0;
	while (i < nt && i < ng && truth[i].pc == got[i].pc)
		i++;
	if (i == 0 || i >= nt || i >= ng)
		return false;
	/* frame i's pc was read from the slot just below frame i's stack pointer */
	uint64_t slot = truth[i].sp - 8;
	if (slot < snap_lo || slot + 8 > snap_hi)
		return false;
	uint64_t was, now;
	memcpy(&was, orig + (slot - snap_lo), 8);
	memcpy(&now, snap + (slot - snap_lo), 8);
	return was != now && now == got[i].pc && after_call(now);
}
#endif

NOINLINE static void corruption_at(int iters)
{
	static void *bt[MAXF];
	static struct trustack_frame fr[MAXF], truth[MAXF];
	struct trustack_regs regs;
	struct trustack_unwind_result r, rt;
	int nb = backtrace(bt, MAXF);
	/* registers as at the return from this call, then the stack above them copied */
	trustack_unwind_self(U, TRUSTACK_UNWIND_ORC, truth, MAXF, &rt, 0, 0);
	ucontext_t uc;
	getcontext(&uc);
	trustack_regs__from_ucontext(&regs, &uc);
#if defined(__s390x__)
	/* glibc's s390x getcontext stores the general registers, not the PSW: the pc it returns
	 * to is r14 */
	regs.pc = regs.r[14];
#endif
	uint64_t hi = 0, lo = 0;
	trustack_stack_bounds__self(&lo, &hi);
	snap_lo = regs.sp & ~7ull;
	snap_hi = hi;
	size_t len = snap_hi - snap_lo;
	snap = malloc(len);
	uint8_t *orig = malloc(len);
	raw_copy(orig, snap_lo, len);
	memcpy(snap, orig, len);
	same_set_read_mem(snap_read, NULL);
	struct trustack_unwind_start st = { .sz = sizeof(st), .stack_lo = snap_lo, .stack_hi = snap_hi };
	static struct trustack_frame base[MAXF];
	struct trustack_unwind_result rb;
	trustack_unwind_ex(U, TRUSTACK_UNWIND_ORC, &regs, &st, base, MAXF, &rb);
	char buf[400];
	/* base[0] is the getcontext return point, bt[0] the backtrace one: compare from 1 */
	struct tally tb = { 0 };
	size_t j = align_at(bt, (size_t)(nb > 0 ? nb : 0), __builtin_return_address(0));
	judge(&tb, TRUSTACK_UNWIND_ORC, base, &rb, 1, bt, (size_t)nb, j, buf, sizeof(buf));
	if (rb.verdict != TRUSTACK_UNWIND_RELIABLE || tb.good != 1) {
		fail("corruption", "the uncorrupted snapshot: %s %s", trustack_unwind_verdict__name(rb.verdict), buf);
		same_set_read_mem(NULL, NULL);
		free(snap), free(orig);
		return;
	}
	unsigned seed = 12345;
	unsigned long rel_ok[TRUSTACK_UNWIND__MODES] = { 0 }, rel_bad[TRUSTACK_UNWIND__MODES] = { 0 }, total = 0;
	unsigned long rel_alt[TRUSTACK_UNWIND__MODES] = { 0 };
	size_t used = (size_t)(base[rb.count - 1].sp - snap_lo) + 64;
	if (used > len)
		used = len;
	for (int it = 0; it < iters; it++) {
		memcpy(snap, orig, used);
		int nc = 1 + (int)(rand_r(&seed) % 4);
		char what[256] = "";
		size_t wl = 0;
		for (int c = 0; c < nc; c++) {
			size_t at = rand_r(&seed) % used;
			int kind = (int)(rand_r(&seed) % 3);
			switch (kind) {
			case 0: snap[at] ^= (uint8_t)(1 + rand_r(&seed) % 255); break;
			case 1: if (at + 8 <= used) memset(snap + at, 0, 8); break;
			default: if (at + 8 <= used) { uint64_t v = snap_lo + rand_r(&seed) % used; memcpy(snap + at, &v, 8); } break;
			}
			if (wl < sizeof(what) - 40)
				wl += (size_t)snprintf(what + wl, sizeof(what) - wl, " %s@sp+%zu",
						       kind == 0 ? "flip" : kind == 1 ? "zero" : "stackaddr", at);
		}
		for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
			trustack_unwind_ex(U, mode, &regs, &st, fr, MAXF, &r);
			same_regs("corruption", mode, &regs, &st, MAXF);
			total++;
			if (r.verdict != TRUSTACK_UNWIND_RELIABLE)
				continue;
			bool same = r.count == rb.count;
			for (size_t i = 0; same && i < r.count; i++)
				same = fr[i].pc == base[i].pc;
			if (same) {
				rel_ok[mode]++;
				continue;
			}
			if (indistinguishable(orig, base, rb.count, fr, r.count)) {
				rel_alt[mode]++;
				continue;
			}
			rel_bad[mode]++;
			if (validated(mode)) {
				/* what went wrong, for the record: the corruption and both traces */
				printf("INFO %s/corruption %s: reliable and wrong after%s:\n  truth:", variant,
				       trustack_unwind_mode__name(mode), what);
				for (size_t i = 0; i < rb.count; i++)
					printf(" %llx", (unsigned long long)base[i].pc);
				printf("\n  ours: ");
				for (size_t i = 0; i < r.count; i++)
					printf(" %llx", (unsigned long long)fr[i].pc);
				printf("\n");
			}
		}
	}
	same_set_read_mem(NULL, NULL);
	int bad = 0;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		printf("INFO %s/corruption %s: %d corrupted snapshots, %lu reliable and right, %lu reliable and wrong,"
		       " %lu reliable on a return address rewritten to another call site\n",
		       variant, trustack_unwind_mode__name(mode), iters, rel_ok[mode], rel_bad[mode], rel_alt[mode]);
		if (validated(mode) && rel_bad[mode]) {
			fail("corruption", "%s: %lu reliable traces differ from the truth", trustack_unwind_mode__name(mode),
			     rel_bad[mode]);
			bad = 1;
		}
	}
	if (!bad)
		printf("PASS %s/corruption\n", variant);
	free(snap), free(orig);
}

NOINLINE static void corruption(int depth, int iters)
{
	if (depth == 0) {
		corruption_at(iters);
		return;
	}
	corruption(depth - 1, iters);
	sink++;
}

static void cxx_check(const char *scen, bool must)
{
	check_point(scen, must);
}

/* A crash says where (pc, the faulting address, frame 0's return address), then ends the run. */
static void on_crash(int sig, siginfo_t *si, void *ucv)
{
	struct trustack_regs r;
	trustack_regs__from_ucontext(&r, ucv);
	char b[256];
	int n = snprintf(b, sizeof(b),
			 "FAIL %s/crash: signal %d at pc %#llx, address %p, sp %#llx; in a SIGPROF sample at pc %#llx\n",
			 variant, sig, (unsigned long long)r.pc, si->si_addr, (unsigned long long)r.sp,
			 (unsigned long long)last_sig_pc);
	if (n > 0)
		(void)!write(1, b, (size_t)n);
	_exit(3);
}

int main(int argc, char **argv)
{
	variant = argc > 1 ? argv[1] : "default";
	double secs = argc > 2 ? atof(argv[2]) : 1.0;
	int iters = argc > 3 ? atoi(argv[3]) : 300;
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction crash = { .sa_sigaction = on_crash, .sa_flags = SA_SIGINFO };
	if (!getenv("TS_NO_CRASH_HANDLER")) sigaction(SIGSEGV, &crash, NULL);
	sigaction(SIGBUS, &crash, NULL);
	void *warm[4];
	backtrace(warm, 4); /* loads libgcc_s now, before the unwinder takes the module list */
	make_jit(); /* before the unwinder reads /proc/self/maps */
	dl_iterate_phdr(plt_of, NULL);
	char err[256];
	/* TS_UNWIND_NO_ANALYSIS: every table must come from the cache (a suite that built them
	 * beforehand checks that they are loaded) */
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .threads = 2, .no_cache = getenv("TS_UNWIND_NO_CACHE") != NULL,
					    .no_analysis = getenv("TS_UNWIND_NO_ANALYSIS") != NULL };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = trustack_unwinder__from_self(&o, &U, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc) {
		printf("FAIL %s/setup: from_self: %s (%s)\n", variant, trustack_strerror(rc), err);
		return 1;
	}
	printf("INFO %s/setup: %zu modules prepared in %.2f s\n", variant, trustack_unwinder__module_count(U),
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	trustack_stack_bounds__self(&thr_lo, &thr_hi);
	/* the same address space without the memo: every frame through the full path */
	struct trustack_unwinder *S = NULL;
	o.no_memo = true;
	rc = trustack_unwinder__from_self(&o, &S, err, sizeof(err));
	if (rc) {
		printf("FAIL %s/setup: from_self (no_memo): %s (%s)\n", variant, trustack_strerror(rc), err);
		return 1;
	}
	same_init(U, S);

	api_edges();
	recurse(10, "recursion");
	deep(1000);
	after_longjmp();
	sink += tail_caller(3);
	sink += vla(40);
	sink += realign(9);
	sink += realign_drap(24);
	sort_some();
	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);
	cxx_scenarios(cxx_check);
	raise_usr1();
	fake_ra_entry(fake_ra_target);
	if (jit_code)
		jit_code(jit_target);
	else
		printf("SKIP %s/jit-anon-exec: no executable anonymous memory\n", variant);
	signal_test(secs);
	corruption(5, iters);
	failures += same_report(variant);
	trustack_unwinder__free(U);
	trustack_unwinder__free(S);
	return failures ? 1 : 0;
}
