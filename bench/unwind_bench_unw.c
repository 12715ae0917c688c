/*
 * unwind_bench_unw.c - libunwind (nongnu) at the same depth as unwind_bench.c: unw_backtrace()
 * (its fast path, a per-thread cache of frame kinds) and the unw_getcontext/unw_step loop.
 * A separate binary: -lunwind exports a weak backtrace() that replaces glibc's.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAXF 512
static int reps;
volatile unsigned sink;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static size_t step_loop(void)
{
	unw_context_t ctx;
	unw_cursor_t cur;
	size_t n = 0;
	unw_getcontext(&ctx);
	unw_init_local(&cur, &ctx);
	while (n < MAXF && unw_step(&cur) > 0)
		n++;
	return n + 1;
}

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
	static void *bt[MAXF];
	size_t n = 0;
	double ns;
	MEASURE((size_t)unw_backtrace(bt, MAXF), n);
	printf("libunwind-unw_backtrace %zu %.1f %.2f -\n", n, ns, ns / (double)n);
	reps = reps / 50 + 1;
	MEASURE(step_loop(), n);
	printf("libunwind-unw_step %zu %.1f %.2f -\n", n, ns, ns / (double)n);
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
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	descend(depth);
	return 0;
}
