/*
 * a64_features.c - code that makes arm64 compilers emit what the decoder must know: atomics
 * (LSE inline with -march=armv8.1-a and later, libgcc's outline atomics with -moutline-atomics),
 * variable-length stack allocation, large frames, SVE loops and vector-length-sized locals,
 * jump tables, calls through pointers (BTI landing pads), leaf and non-leaf functions (PAC).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

long counter;
long acounter;

long bump(long v)
{
	__atomic_fetch_add(&counter, v, __ATOMIC_SEQ_CST);
	long old = 5;
	__atomic_compare_exchange_n(&counter, &old, v, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	__atomic_exchange_n(&acounter, v, __ATOMIC_RELEASE);
	__atomic_fetch_or(&acounter, 3, __ATOMIC_RELAXED);
	return __atomic_fetch_and(&counter, ~v, __ATOMIC_SEQ_CST);
}

__int128 wide;
int bump128(__int128 a, __int128 b)
{
	return __atomic_compare_exchange_n(&wide, &a, b, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void consume(char *p, size_t n);

void vla(size_t n)
{
	char buf[n];
	memset(buf, 1, n);
	consume(buf, n);
}

void big_frame(void)
{
	char buf[70000];
	memset(buf, 2, sizeof(buf));
	consume(buf, sizeof(buf));
}

void saxpy(float *restrict y, const float *restrict x, float a, int n)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

long sum_bytes(const unsigned char *p, long n)
{
	long s = 0;
	for (long i = 0; i < n; i++)
		s += p[i] * (i & 7);
	return s;
}

int dispatch(int op, int a, int b)
{
	switch (op) {
	case 0: return a + b;
	case 1: return a - b;
	case 2: return a * b;
	case 3: return b ? a / b : 0;
	case 4: return a << (b & 31);
	case 5: return a >> (b & 31);
	case 6: return a & b;
	case 7: return a | b;
	case 8: return a ^ b;
	case 9: return ~a;
	default: return -1;
	}
}

static int twice(int v) { return 2 * v; }
static int thrice(int v) { return 3 * v; }
int (*volatile pick[2])(int) = { twice, thrice };

int indirect(int i, int v) { return pick[i & 1](v) + 1; }

double sum_va(int n, ...)
{
	va_list ap;
	double s = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		s += va_arg(ap, double);
	va_end(ap);
	return s;
}

int leaf(int a) { return a * 7 + 1; }
