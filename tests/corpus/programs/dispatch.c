/* Corpus program: dense switch statements (jump tables), a computed-goto interpreter,
 * function-pointer tables, qsort/bsearch callbacks and tail calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_DUP, OP_SWAP, OP_DROP, OP_NEG, OP_JZ, OP_JMP, OP_PRINT, OP_HALT };

/* A dense switch: compilers turn this into an indirect jump through a table. */
__attribute__((noinline)) const char *op_name(int op)
{
    switch (op) {
    case OP_PUSH: return "push";
    case OP_ADD: return "add";
    case OP_SUB: return "sub";
    case OP_MUL: return "mul";
    case OP_DIV: return "div";
    case OP_DUP: return "dup";
    case OP_SWAP: return "swap";
    case OP_DROP: return "drop";
    case OP_NEG: return "neg";
    case OP_JZ: return "jz";
    case OP_JMP: return "jmp";
    case OP_PRINT: return "print";
    case OP_HALT: return "halt";
    default: return "?";
    }
}

/* A switch whose cases do real work (table of code addresses, not of values). */
__attribute__((noinline)) long run_switch(const int *code, int n)
{
    long st[64];
    int sp = 0, pc = 0;
    while (pc < n) {
        int op = code[pc++];
        switch (op) {
        case OP_PUSH: st[sp++] = code[pc++]; break;
        case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
        case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
        case OP_DIV: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; break;
        case OP_DUP: st[sp] = st[sp - 1]; sp++; break;
        case OP_SWAP: { long t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
        case OP_DROP: sp--; break;
        case OP_NEG: st[sp - 1] = -st[sp - 1]; break;
        case OP_JZ: { int tgt = code[pc++]; if (st[--sp] == 0) pc = tgt; } break;
        case OP_JMP: pc = code[pc]; break;
        case OP_PRINT: printf("%ld\n", st[sp - 1]); break;
        case OP_HALT: return sp ? st[sp - 1] : 0;
        default: fprintf(stderr, "bad op %d\n", op); return -1;
        }
    }
    return sp ? st[sp - 1] : 0;
}

/* The same interpreter with GNU computed goto (indirect jumps through a local label table). */
__attribute__((noinline)) long run_goto(const int *code, int n)
{
    static void *labels[] = { &&l_push, &&l_add, &&l_sub, &&l_mul, &&l_div, &&l_dup, &&l_swap,
                              &&l_drop, &&l_neg, &&l_jz, &&l_jmp, &&l_print, &&l_halt };
    long st[64];
    int sp = 0, pc = 0;
#define NEXT do { if (pc >= n || (unsigned)code[pc] > OP_HALT) goto out; goto *labels[code[pc++]]; } while (0)
    NEXT;
l_push: st[sp++] = code[pc++]; NEXT;
l_add: sp--; st[sp - 1] += st[sp]; NEXT;
l_sub: sp--; st[sp - 1] -= st[sp]; NEXT;
l_mul: sp--; st[sp - 1] *= st[sp]; NEXT;
l_div: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; NEXT;
l_dup: st[sp] = st[sp - 1]; sp++; NEXT;
l_swap: { long t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } NEXT;
l_drop: sp--; NEXT;
l_neg: st[sp - 1] = -st[sp - 1]; NEXT;
l_jz: { int tgt = code[pc++]; if (st[--sp] == 0) pc = tgt; } NEXT;
l_jmp: pc = code[pc]; NEXT;
l_print: printf("%ld\n", st[sp - 1]); NEXT;
l_halt:
out:
#undef NEXT
    return sp ? st[sp - 1] : 0;
}

/*
 * The same again in the shape of glibc's vfprintf: a position-independent table of label
 * offsets (&&l - &&base, no relocations), one shared dispatch whose out-of-range case jumps to
 * the base label itself, so the target register meets "a table entry plus the base" and "the
 * base" at the jump; the stack frame is large.
 */
__attribute__((noinline)) long run_offsets(const int *code, int n)
{
#define REF(l) (int)(&&l - &&o_bad)
    static const int offs[] = { REF(o_push), REF(o_add), REF(o_sub), REF(o_mul), REF(o_div), REF(o_dup),
                                REF(o_swap), REF(o_drop), REF(o_neg), REF(o_jz), REF(o_jmp), REF(o_print),
                                REF(o_halt) };
#undef REF
    long st[64];
    volatile char scratch[512];
    int sp = 0, pc = 0;
    scratch[0] = 0;
#define NEXT do { if (pc >= n) goto o_halt; unsigned c_ = (unsigned)code[pc++]; \
                  goto *(&&o_bad + (c_ <= OP_HALT ? offs[c_] : 0)); } while (0)
    NEXT;
o_push: st[sp++] = code[pc++]; NEXT;
o_add: sp--; st[sp - 1] += st[sp]; NEXT;
o_sub: sp--; st[sp - 1] -= st[sp]; NEXT;
o_mul: sp--; st[sp - 1] *= st[sp]; NEXT;
o_div: sp--; st[sp - 1] = st[sp] ? st[sp - 1] / st[sp] : 0; NEXT;
o_dup: st[sp] = st[sp - 1]; sp++; NEXT;
o_swap: { long t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } NEXT;
o_drop: sp--; NEXT;
o_neg: st[sp - 1] = -st[sp - 1]; NEXT;
o_jz: { int tgt = code[pc++]; if (st[--sp] == 0) pc = tgt; } NEXT;
o_jmp: pc = code[pc]; NEXT;
o_print: printf("%ld\n", st[sp - 1]); NEXT;
o_bad: scratch[1] = (char)pc; fprintf(stderr, "bad op at %d\n", pc - 1); return -1;
o_halt:
#undef NEXT
    return sp ? st[sp - 1] + scratch[0] : 0;
}

typedef long (*binop)(long, long);
static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long maxl(long a, long b) { return a > b ? a : b; }
static const binop binops[] = { add, sub, mul, maxl };

/* Indirect call through a table, in tail position (becomes an indirect jmp at -O2). */
__attribute__((noinline)) long apply(unsigned which, long a, long b)
{
    return binops[which % 4](a, b);
}

/* Direct tail calls between functions. */
__attribute__((noinline)) long fold(const long *v, int n, unsigned which, long acc);
__attribute__((noinline)) long fold_step(const long *v, int n, unsigned which, long acc)
{
    if (n == 0)
        return acc;
    return fold(v + 1, n - 1, which, apply(which, acc, v[0]));
}
__attribute__((noinline)) long fold(const long *v, int n, unsigned which, long acc)
{
    return fold_step(v, n, which, acc);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    static const int prog[] = { OP_PUSH, 6, OP_PUSH, 7, OP_MUL, OP_DUP, OP_PUSH, 2, OP_SUB, OP_ADD,
                                OP_PUSH, 0, OP_JZ, 15, OP_NEG, OP_HALT };
    int n = sizeof prog / sizeof prog[0];
    long a = run_switch(prog, n), b = run_goto(prog, n), c = run_offsets(prog, n);
    long v[16];
    for (int i = 0; i < 16; i++)
        v[i] = (i * 7919 + argc) % 31;
    qsort(v, 16, sizeof v[0], cmp_long);
    long key = v[5];
    long *hit = bsearch(&key, v, 16, sizeof v[0], cmp_long);
    const char *names[] = { "zeta", "alpha", "mu", op_name(argc), op_name(argc + 3) };
    qsort(names, 5, sizeof names[0], cmp_str);
    printf("%ld %ld %ld %s %ld\n", a, b, fold(v, 16, (unsigned)argc, 0), names[0], hit ? *hit : -1);
    (void)argv;
    return a == b && b == c ? 0 : 1;
}
