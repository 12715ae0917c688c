/* Corpus program: recursion (direct, mutual, tail-recursive), callbacks through function
 * pointers, a small tree with an explicit free walk, static functions that get inlined or
 * cloned (.isra/.constprop/.part), and code that gcc splits into .cold sections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { int key; struct node *left, *right; };

static struct node *insert(struct node *t, int key)
{
    if (!t) {
        t = malloc(sizeof *t);
        if (!t) {
            perror("malloc");
            exit(1);
        }
        t->key = key;
        t->left = t->right = NULL;
        return t;
    }
    if (key < t->key)
        t->left = insert(t->left, key);
    else if (key > t->key)
        t->right = insert(t->right, key);
    return t;
}

typedef void (*visit_fn)(int key, void *ctx);

static void walk(const struct node *t, visit_fn fn, void *ctx)
{
    if (!t)
        return;
    walk(t->left, fn, ctx);
    fn(t->key, ctx);
    walk(t->right, fn, ctx); /* tail call */
}

static void free_tree(struct node *t)
{
    while (t) {
        struct node *r = t->right;
        free_tree(t->left);
        free(t);
        t = r;
    }
}

static void sum_cb(int key, void *ctx) { *(long *)ctx += key; }
static void print_cb(int key, void *ctx) { (void)ctx; printf("%d ", key); }

static int is_odd(unsigned n);
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

__attribute__((noinline)) long gcd(long a, long b) { return b == 0 ? a : gcd(b, a % b); }

__attribute__((noinline)) unsigned long fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* Unlikely error path: gcc moves it to a .text.unlikely "foo.cold" fragment at -O2. */
__attribute__((noinline)) int parse_digits(const char *s, long *out)
{
    long v = 0;
    for (; *s; s++) {
        if (__builtin_expect(*s < '0' || *s > '9', 0)) {
            fprintf(stderr, "bad digit '%c' in input\n", *s);
            fflush(stderr);
            return -1;
        }
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

__attribute__((noinline)) void permute(char *s, int k, int n, long *count)
{
    if (k == n) {
        (*count)++;
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n, count);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

int main(int argc, char **argv)
{
    struct node *t = NULL;
    long sum = 0, perms = 0, num = 0;
    for (int i = 0; i < 32; i++)
        t = insert(t, (i * 37 + argc) % 101);
    walk(t, sum_cb, &sum);
    walk(t, print_cb, NULL);
    putchar('\n');
    free_tree(t);
    char s[] = "abcde";
    permute(s, 0, (int)strlen(s), &perms);
    if (parse_digits(argc > 1 ? argv[1] : "1234", &num) != 0)
        return 1;
    printf("%ld %ld %ld %d %ld %lu\n", sum, perms, num, is_even((unsigned)sum), gcd(sum, 84), fib(20));
    return 0;
}
