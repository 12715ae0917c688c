/* Corpus program: unusual stack frames. VLAs and alloca, frames larger than 32 KiB (and larger
 * than a page, for -fstack-clash-protection probes), over-aligned locals that force stack
 * realignment, variadic functions, and recursion. */
#include <alloca.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cacheline { long v[8]; } __attribute__((aligned(64)));

__attribute__((noinline)) void touch(void *p, size_t n)
{
    /* keep the compiler from optimising the buffers away */
    __asm__ volatile("" : : "r"(p), "r"(n) : "memory");
}

__attribute__((noinline)) long vla_sum(int n)
{
    long buf[n];
    for (int i = 0; i < n; i++)
        buf[i] = i * 3;
    touch(buf, sizeof buf);
    long s = 0;
    for (int i = 0; i < n; i++)
        s += buf[i];
    return s;
}

/* VLA plus an over-aligned local: frame pointer + realignment + dynamic allocation. */
__attribute__((noinline)) long vla_aligned(int n)
{
    struct cacheline cl;
    char buf[n];
    memset(buf, 1, n);
    memset(&cl, 0, sizeof cl);
    cl.v[0] = n;
    touch(buf, n);
    touch(&cl, sizeof cl);
    return cl.v[0] + buf[n - 1];
}

__attribute__((noinline)) long alloca_loop(int n)
{
    long s = 0;
    for (int i = 1; i <= n; i++) {
        char *p = alloca(i * 16);
        memset(p, i, i * 16);
        touch(p, i * 16);
        s += p[i];
    }
    return s;
}

/* 40 KiB frame: larger than 32 KiB and than several pages. */
__attribute__((noinline)) long big_frame(int seed)
{
    char big[40 * 1024];
    memset(big, seed, sizeof big);
    touch(big, sizeof big);
    return big[seed & 0x3fff] + big[sizeof big - 1];
}

/* ~1 MiB frame: stack-clash protection emits a probing loop for this one. */
__attribute__((noinline)) long huge_frame(int seed)
{
    char huge[1 << 20];
    huge[0] = (char)seed;
    huge[sizeof huge - 1] = (char)(seed + 1);
    touch(huge, sizeof huge);
    return huge[0] + huge[sizeof huge - 1];
}

/* Over-aligned local forces "and $-64,%rsp" realignment (with a frame pointer at every -O). */
__attribute__((noinline)) long aligned_local(long x)
{
    struct cacheline a, b;
    for (int i = 0; i < 8; i++) {
        a.v[i] = x + i;
        b.v[i] = x * i;
    }
    touch(&a, sizeof a);
    touch(&b, sizeof b);
    return a.v[3] + b.v[7];
}

__attribute__((noinline)) double vsum(int count, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++) {
        if (i & 1)
            s += va_arg(ap, double);
        else
            s += va_arg(ap, int);
    }
    va_end(ap);
    return s;
}

/* Variadic wrapper forwarding a va_list. */
__attribute__((noinline, format(printf, 2, 3))) int logf_to(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, 128, fmt, ap);
    va_end(ap);
    return n;
}

/* Non-tail recursion with a sizeable frame. */
__attribute__((noinline)) long ackermann_ish(long m, long n)
{
    char pad[256];
    touch(pad, sizeof pad);
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann_ish(m - 1, 1);
    return ackermann_ish(m - 1, ackermann_ish(m, n - 1));
}

int main(int argc, char **argv)
{
    char msg[128];
    (void)argv;
    long r = vla_sum(argc + 10) + vla_aligned(argc + 5) + alloca_loop(argc + 3) + big_frame(argc) +
             huge_frame(argc) + aligned_local(argc) + ackermann_ish(2, argc);
    double d = vsum(4, 1, 2.5, 3, 4.5);
    logf_to(msg, "%ld %.1f", r, d);
    puts(msg);
    return 0;
}
