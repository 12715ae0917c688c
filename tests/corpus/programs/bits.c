/* Corpus program: assorted code shapes: sparse and dense switches over strings' bytes,
 * a state machine, a static constructor/destructor, thread-local storage, atomics,
 * 128-bit arithmetic, a callback registered with atexit, and large structs passed/returned by value. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct big { long v[24]; };

static _Thread_local int tls_counter;
static atomic_long hits;

__attribute__((constructor)) static void init_hook(void) { atomic_store(&hits, 1); }
__attribute__((destructor)) static void fini_hook(void) { tls_counter = 0; }
static void at_exit_cb(void) { fflush(stdout); }

__attribute__((noinline)) struct big make_big(long seed)
{
    struct big b;
    for (int i = 0; i < 24; i++)
        b.v[i] = seed * i;
    return b;
}

__attribute__((noinline)) long sum_big(struct big b)
{
    long s = 0;
    for (int i = 0; i < 24; i++)
        s += b.v[i];
    return s;
}

/* Tokenizer state machine: switch in a loop, with sparse case labels. */
__attribute__((noinline)) int count_tokens(const char *s)
{
    enum { START, WORD, NUMBER, SPACE } st = START;
    int tokens = 0;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case 0:
            return tokens + (st == WORD || st == NUMBER);
        case ' ': case '\t': case '\n': case '\r':
            if (st == WORD || st == NUMBER)
                tokens++;
            st = SPACE;
            break;
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            if (st != WORD && st != NUMBER)
                st = NUMBER;
            break;
        case '(': case ')': case '[': case ']': case '{': case '}': case ';': case ',':
            tokens += 1 + (st == WORD || st == NUMBER);
            st = START;
            break;
        default:
            if (st == NUMBER)
                tokens++;
            st = WORD;
            break;
        }
        tls_counter++;
    }
}

__attribute__((noinline)) unsigned __int128 mulwide(unsigned long a, unsigned long b)
{
    return (unsigned __int128)a * b;
}

__attribute__((noinline)) long sparse(long x)
{
    switch (x) {
    case 1: return 11;
    case 100: return 22;
    case 1000: return 33;
    case 10000: return 44;
    case 100000: return 55;
    case -7: return 66;
    default: return x;
    }
}

int main(int argc, char **argv)
{
    atexit(at_exit_cb);
    const char *text = argc > 1 ? argv[1] : "int main(void) { return f(1, 22) + x3; }";
    int n = count_tokens(text);
    atomic_fetch_add(&hits, n);
    unsigned __int128 w = mulwide((unsigned long)-1, (unsigned long)argc + 1);
    long s = sum_big(make_big(argc));
    printf("%d %ld %lu %ld %ld %d\n", n, (long)atomic_load(&hits), (unsigned long)(w >> 64), s,
           sparse(argc * 100), tls_counter);
    return strlen(text) > 0 ? 0 : 1;
}
