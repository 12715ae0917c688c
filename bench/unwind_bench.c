/*
 * unwind_bench.c - in-process unwinding cost at a fixed depth: every trustack mode, a plain
 * frame-pointer loop, and glibc's backtrace() (libgcc's DWARF unwinder). Each trustack mode twice:
 * full frame records (trustack_unwind_self) and return addresses only (trustack_unwind_self_pcs).
 * libunwind is measured by unwind_bench_unw.c in a separate binary: linking -lunwind replaces
 * glibc's backtrace().
 *
 *   unwind_bench DEPTH REPS   prints one line per method:
 *   METHOD FRAMES NS_PER_TRACE NS_PER_FRAME VERDICT
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustack.h"

#define MAXF 512
static struct trustack_unwinder *U;
static int reps;
static const char *only; /* run just this method (profiling) */
static uint64_t slo, shi;  /* the stack bounds passed (0, 0: the unwinder's own) */
volatile unsigned sink;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void report(const char *name, size_t frames, double ns, const char *verdict)
{
	printf("%s %zu %.1f %.2f %s\n", name, frames, ns, frames ? ns / (double)frames : 0.0, verdict);
}

/* The plain loop every frame-pointer profiler has: no tables, no checks but a rising chain. */
__attribute__((noinline)) static size_t fp_loop(uint64_t *pcs, size_t max)
{
	uint64_t *fp = __builtin_frame_address(0);
	size_t n = 0;
	while (fp && n < max) {
		uint64_t *next = (uint64_t *)fp[0];
		pcs[n++] = fp[1];
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

/* best of 5 runs of reps traces: the least disturbed figure on a shared machine */
#define MEASURE(expr, frames_out)                                                                          \
	do {                                                                                               \
		double best = 1e300;                                                                       \
		for (int run = 0; run < 5; run++) {                                                        \
			double t0 = now();                                                                 \
			for (int i = 0; i < reps; i++)                                                     \
				frames_out = (expr);                                                       \
			double t = (now() - t0) / reps;                                                    \
			best = t < best ? t : best;                                                        \
		}                                                                                          \
		ns = best;                                                                                 \
	} while (0)

__attribute__((noinline)) static void measure(void)
{
	static struct trustack_frame fr[MAXF];
	static uint64_t pcs[MAXF];
	static void *bt[MAXF];
	struct trustack_unwind_result r;
	size_t n = 0;
	double ns;
	if (!only || !strcmp(only, "plain-fp-loop")) {
		MEASURE(fp_loop(pcs, MAXF), n);
		report("plain-fp-loop", n, ns, "-");
	}
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		char name[64];
		snprintf(name, sizeof(name), "trustack-%s", trustack_unwind_mode__name(mode));
		if (only && strcmp(only, name))
			continue;
		MEASURE((trustack_unwind_self(U, mode, fr, MAXF, &r, slo, shi), r.count), n);
		report(name, n, ns, trustack_unwind_verdict__name(r.verdict));
	}
	/* the form a profiler keeps: return addresses and the verdict, no frame records */
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		char name[64];
		snprintf(name, sizeof(name), "trustack-%s-pcs", trustack_unwind_mode__name(mode));
		if (only && strcmp(only, name))
			continue;
		MEASURE((trustack_unwind_self_pcs(U, mode, pcs, MAXF, &r, slo, shi), r.count), n);
		report(name, n, ns, trustack_unwind_verdict__name(r.verdict));
	}
	if (only && strcmp(only, "glibc-backtrace"))
		return;
	int reps0 = reps;
	reps = reps / 20 + 1; /* backtrace() is ~50x slower */
	MEASURE((size_t)backtrace(bt, MAXF), n);
	report("glibc-backtrace", n, ns, "-");
	reps = reps0;
}

__attribute__((noinline)) static void descend(int depth)
{
	if (depth <= 1)
		measure();
	else
		descend(depth - 1);
	sink++;
}

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 64;
	reps = argc > 2 ? atoi(argv[2]) : 20000;
	only = argc > 3 ? argv[3] : NULL;
	void *warm[2];
	backtrace(warm, 2); /* loads libgcc_s before the unwinder lists the modules */
	char err[256];
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .threads = 2 };
	if (trustack_unwinder__from_self(&o, &U, err, sizeof(err))) {
		fprintf(stderr, "unwind_bench: %s\n", err);
		return 2;
	}
	/* under valgrind the [stack] mapping is not the program's stack: ask pthread instead */
	if (getenv("UNWIND_BENCH_PTHREAD_BOUNDS"))
		trustack_stack_bounds__self(&slo, &shi);
	descend(depth);
	trustack_unwinder__free(U);
	return 0;
}
