/* Corpus program: paths that never return (exit, abort, assert, longjmp, _exit, a noreturn
 * function of our own, __builtin_unreachable, __builtin_trap) and setjmp. */
#include <assert.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static jmp_buf env;

__attribute__((noreturn, noinline)) void die(const char *msg, int code)
{
    fprintf(stderr, "fatal: %s\n", msg);
    exit(code);
}

__attribute__((noinline)) int checked_div(int a, int b)
{
    if (b == 0)
        die("division by zero", 3);
    return a / b;
}

__attribute__((noinline)) int must_be_positive(int x)
{
    if (x < 0)
        abort();
    return x * 2;
}

__attribute__((noinline)) int asserted(int x)
{
    assert(x != 42 && "x must not be 42");
    return x + 1;
}

__attribute__((noinline)) void bail_out(int depth)
{
    if (depth > 3)
        longjmp(env, depth);
    if (depth < 1000)
        bail_out(depth + 1);
}

__attribute__((noinline)) int classify(unsigned x)
{
    switch (x & 3) {
    case 0: return 10;
    case 1: return 20;
    case 2: return 30;
    case 3: return 40;
    }
    __builtin_unreachable();
}

__attribute__((noinline)) int trap_if_odd(int x)
{
    if (x & 1)
        __builtin_trap();
    return x / 2;
}

__attribute__((noinline)) void quit_now(int code)
{
    fflush(stdout);
    _exit(code);
}

/* A noreturn call as the last thing in a function that itself is not declared noreturn. */
__attribute__((noinline)) void usage(void)
{
    fputs("usage: noreturn [n]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    volatile int rounds = 0;
    int v;
    if (argc > 2)
        usage();
    if ((v = setjmp(env)) != 0) {
        rounds++;
        if (rounds < 3)
            bail_out(v - 3);
    } else {
        bail_out(0);
    }
    int n = argc > 1 ? atoi(argv[1]) : 8;
    printf("%d %d %d %d %d\n", checked_div(100, n), must_be_positive(n), asserted(n),
           classify((unsigned)n), trap_if_odd(n));
    if (n == 7)
        quit_now(0);
    return 0;
}
