/*
 * chain_prog.c - a program that knows its own call chain, for the single-step tracer's test.
 *
 * Every C function records __builtin_return_address(0) on entry in a per-thread list and
 * drops it on exit (the compiler knows where its own return address is, at any -O level: no
 * unwinding is involved). At probe() the list must equal the tracer's chain. Scenarios:
 * recursion, longjmp out of a deep recursion, a tail call from a function with a frame (in
 * assembly, so it is a jmp whatever the compiler), a signal handler interrupting a loop, a
 * handler on a sigaltstack in another thread, and threads. tail of the chain beyond main or the
 * thread's function (libc's start code) is not in the list; the test checks it with gdb.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXD 256
struct rec {
	uintptr_t ra[MAXD];
	long depth;
};
static __thread struct rec R;
#define ENTER() (R.ra[R.depth++] = (uintptr_t)__builtin_return_address(0))
#define LEAVE() (R.depth--)

/* The tracer's test stops at this function's first instruction: rdi = the list, rsi = its
 * length, rdx = which scenario. */
__attribute__((noinline)) void probe(uintptr_t *ra, long depth, long tag)
{
	__asm__ volatile("" : : "r"(ra), "r"(depth), "r"(tag) : "memory");
}
#define PROBE(tag) probe(R.ra, R.depth, tag)

__attribute__((noinline)) int recurse(int n, int tag)
{
	ENTER();
	int r;
	if (n == 0) {
		PROBE(tag);
		r = 0;
	} else {
		r = recurse(n - 1, tag) + 1;
	}
	__asm__ volatile("" : "+r"(r));
	LEAVE();
	return r;
}

static jmp_buf jb;
__attribute__((noinline)) void deep_then_jump(int n)
{
	ENTER();
	if (n == 0)
		longjmp(jb, 1);
	deep_then_jump(n - 1);
	LEAVE();
}

__attribute__((noinline)) void do_longjmp(void)
{
	ENTER();
	volatile long saved = R.depth;
	if (!setjmp(jb))
		deep_then_jump(12);
	R.depth = saved; /* the frames longjmp skipped never ran their LEAVE */
	PROBE(2);
	LEAVE();
}

/* tail_a builds a frame, tears it down and jumps to tail_b: tail_b returns to tail_a's caller. */
__attribute__((noinline, used)) void tail_b(long x)
{
	ENTER();
	PROBE(x);
	LEAVE();
}
void tail_a(long x);
#if defined(__aarch64__) /* tests/unwind/suite_a64verify.sh builds it for arm64 too */
__asm__(".text\n.globl tail_a\n.type tail_a,@function\ntail_a:\n"
	"\tstp x29, x30, [sp, #-64]!\n\tmov x29, sp\n\tstr x0, [sp, #16]\n\tldr x0, [sp, #16]\n"
	"\tldp x29, x30, [sp], #64\n\tb tail_b\n.size tail_a,.-tail_a\n");
#else
__asm__(".text\n.globl tail_a\n.type tail_a,@function\ntail_a:\n"
	"\tpush %rbp\n\tmov %rsp,%rbp\n\tsub $64,%rsp\n\tmovq %rdi,-8(%rbp)\n\tmov -8(%rbp),%rdi\n"
	"\tleave\n\tjmp tail_b\n.size tail_a,.-tail_a\n");
#endif

__attribute__((noinline)) void do_tail(void)
{
	ENTER();
	tail_a(11);
	PROBE(4); /* after the tail-called function returned here */
	LEAVE();
}

static volatile int spinning, got_signal;
__attribute__((noinline)) void spin_until_signal(void)
{
	ENTER();
	spinning = 1;
	while (!got_signal)
		__asm__ volatile("" ::: "memory");
	LEAVE();
}

static void handler(int sig)
{
	ENTER(); /* records the restorer (__restore_rt): the kernel's return address */
	if (sig == SIGUSR1)
		PROBE(5);
	else
		recurse(4, 7);
	got_signal = 1;
	LEAVE();
}

static pthread_t main_thread;
static void *signaller(void *arg)
{
	(void)arg;
	while (!spinning)
		__asm__ volatile("" ::: "memory");
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static volatile int alt_ready, alt_done;
__attribute__((noinline)) void alt_wait(void)
{
	ENTER();
	alt_ready = 1;
	while (!alt_done)
		__asm__ volatile("" ::: "memory");
	LEAVE();
}

static void alt_handler(int sig)
{
	(void)sig;
	ENTER();
	recurse(4, 7);
	alt_done = 1;
	LEAVE();
}

static void *alt_thread(void *arg)
{
	ENTER();
	(void)arg;
	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigaltstack(&ss, NULL);
	alt_wait();
	recurse(3, 8); /* after the handler: the chain is back on the thread's own stack */
	LEAVE();
	return NULL;
}

static void *worker(void *arg)
{
	ENTER();
	recurse((int)(intptr_t)arg, 9);
	LEAVE();
	return NULL;
}

int main(int argc, char **argv)
{
	ENTER();
	(void)argv;
	main_thread = pthread_self();
	recurse(30, 1);
	do_longjmp();
	PROBE(3); /* back in main after the longjmp scenario */
	do_tail();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t t;
	pthread_create(&t, NULL, signaller, NULL);
	spin_until_signal();
	pthread_join(t, NULL);
	PROBE(6);
	if (argc < 2) { /* threads */
		sa.sa_handler = alt_handler;
		sa.sa_flags = SA_ONSTACK;
		sigaction(SIGUSR2, &sa, NULL);
		pthread_t a, w1, w2;
		pthread_create(&a, NULL, alt_thread, NULL);
		while (!alt_ready)
			__asm__ volatile("" ::: "memory");
		pthread_kill(a, SIGUSR2);
		pthread_create(&w1, NULL, worker, (void *)5);
		pthread_create(&w2, NULL, worker, (void *)9);
		pthread_join(a, NULL);
		pthread_join(w1, NULL);
		pthread_join(w2, NULL);
	}
	PROBE(10);
	LEAVE();
	return 0;
}
