/*
 * prof_c.c - the C program the perf suite profiles: a recursion of a few depths that ends in a
 * busy leaf (in leaf.c, built separately so it can be compiled without a frame pointer while
 * this file keeps one), calls into libc (memcpy, qsort with a callback) and a signal handler
 * that does some work of its own. It runs for argv[1] milliseconds of CPU time.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

unsigned long leaf_work(unsigned long x); /* leaf.c */

static volatile unsigned long sink;
static char bufa[4096], bufb[4096];

__attribute__((noinline)) static unsigned long recurse(int depth, unsigned long x)
{
	if (depth == 0)
		return leaf_work(x);
	unsigned long r = recurse(depth - 1, x + (unsigned long)depth);
	sink += r; /* not a tail call */
	return r;
}

static int cmp(const void *a, const void *b)
{
	return (int)(*(const unsigned char *)a) - (int)(*(const unsigned char *)b);
}

__attribute__((noinline)) static void libc_work(void)
{
	memcpy(bufb, bufa, sizeof(bufa));
	qsort(bufb, 512, 1, cmp);
	bufa[sink % sizeof(bufa)]++;
}

static void on_alarm(int sig)
{
	(void)sig;
	sink += leaf_work(sink);
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 300;
	signal(SIGALRM, on_alarm);
	unsigned long i = 0;
	while (cpu_ms() < ms) {
		sink += recurse((int)(i % 40), i);
		if (i % 8 == 0)
			libc_work();
		if (i % 64 == 0)
			raise(SIGALRM);
		i++;
	}
	return 0; /* perf record exits with the program's status */
}
