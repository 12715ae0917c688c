/* a64-work.c - a small arm64 workload for bench/a64-ground-truth.sh: recursion, library calls
 * (qsort with a callback, memset, strlen) and a signal handler, for ITER rounds (argv[1]). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned sink;

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

__attribute__((noinline)) static int rec(int n)
{
	char b[32];
	memset(b, 'a' + (n & 7), sizeof(b) - 1);
	b[31] = 0;
	return n ? rec(n - 1) + (int)strlen(b + (n & 7)) : 1;
}

static void on_usr1(int sig)
{
	sink += (unsigned)sig;
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 100;
	signal(SIGUSR1, on_usr1);
	for (int i = 0; i < iters; i++) {
		int v[32];
		for (int k = 0; k < 32; k++)
			v[k] = (k * 37 + i) % 32;
		qsort(v, 32, sizeof(v[0]), cmp);
		sink += (unsigned)(rec(8) + v[i & 31]);
		if (i % 16 == 0)
			raise(SIGUSR1);
	}
	return 0;
}
