/*
 * stacks_target.c - a multi-threaded process with known answers for `trustack stacks`.
 *
 * Each thread does one thing and says so in LAYOUT ("ROLE TID ..."), from its own knowledge:
 *   syscall  blocked in read() on a pipe nobody writes (libc's read, address from dlsym)
 *   spin     busy in spin_loop()
 *   handler  busy in handler_spin(), called from a SIGUSR1 handler it sent itself (the handler
 *            sets a flag the layout line waits for)
 *   plt      looping on the jump of a PLT stub: the stub's GOT slot is pointed at the stub's own
 *            jump (the stub's link-time address comes from objdump, argv[3]; the target is
 *            built -no-pie so link-time = runtime)
 *   depthN   busy in leaf_spin() called through N functions below check_depth_N(), so a
 *            --check of check_depth_N finds it N+1 frames down
 * Every thread counts its progress in STATUS (rewritten every 10 ms by a heartbeat thread), so a
 * test can see that all threads run again after trustack has looked. With "churn", threads are
 * also created and ended continuously (a thread exiting during a snapshot).
 *
 * usage: stacks_target LAYOUT STATUS PLT_STUB_HEX [churn]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAXT 16
static volatile long counts[MAXT];
static volatile int nthreads;
static volatile long tids[MAXT];
static char roles[MAXT][16];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int in_handler;
static uintptr_t plt_stub;

static int reg(const char *role)
{
	pthread_mutex_lock(&mu);
	int i = nthreads;
	snprintf(roles[i], sizeof(roles[i]), "%s", role);
	tids[i] = syscall(SYS_gettid);
	nthreads = i + 1;
	pthread_mutex_unlock(&mu);
	return i;
}

__attribute__((noinline)) void spin_loop(volatile long *c)
{
	for (;;)
		++*c;
}

__attribute__((noinline)) void handler_spin(volatile long *c)
{
	for (;;)
		++*c;
}

static volatile long *handler_counter;
static void on_usr1(int sig)
{
	(void)sig;
	in_handler = 1;
	handler_spin(handler_counter);
}

__attribute__((noinline)) void leaf_spin(volatile long *c)
{
	for (;;)
		++*c;
	__asm__ volatile("");
}
/* calls that are not tail calls (the asm after each keeps the frame), so every level is a frame */
__attribute__((noinline)) void mid_c(volatile long *c) { leaf_spin(c); __asm__ volatile(""); }
__attribute__((noinline)) void mid_b(volatile long *c) { mid_c(c); __asm__ volatile(""); }
__attribute__((noinline)) void mid_a(volatile long *c) { mid_b(c); __asm__ volatile(""); }
__attribute__((noinline)) void check_depth_0(volatile long *c) { for (;;) ++*c; }
__attribute__((noinline)) void check_depth_3(volatile long *c) { mid_a(c); __asm__ volatile(""); }
__attribute__((noinline)) void never_called(void) { __asm__ volatile("" ::: "memory"); }
/* gives the program a PLT stub for getppid (never called through it otherwise) */
__attribute__((noinline, used)) int plt_user(void) { return (int)getppid(); }

static void *t_syscall(void *a)
{
	(void)a;
	int i = reg("syscall"), fd[2];
	if (pipe(fd))
		return NULL;
	char b;
	for (;;) {
		counts[i]++;
		if (read(fd[0], &b, 1) < 0) /* the heartbeat interrupts it with SIGUSR2 to count */
			continue;
	}
	return NULL;
}

static void *t_spin(void *a)
{
	(void)a;
	spin_loop(&counts[reg("spin")]);
	return NULL;
}

static void *t_handler(void *a)
{
	(void)a;
	handler_counter = &counts[reg("handler")];
	signal(SIGUSR1, on_usr1);
	pthread_kill(pthread_self(), SIGUSR1);
	return NULL;
}

/* The GOT slot of a stub: [endbr64] [bnd] jmp *rel32(%rip); the address of that jmp in *jmp. */
static uintptr_t *stub_slot(uintptr_t stub, uintptr_t *jmp)
{
	const uint8_t *p = (const uint8_t *)stub;
	size_t i = 0;
	if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa)
		i = 4;
	*jmp = stub + i;
	if (p[i] == 0xf2)
		i++;
	if (p[i] != 0xff || p[i + 1] != 0x25)
		return NULL;
	int32_t rel;
	memcpy(&rel, p + i + 2, 4);
	return (uintptr_t *)(stub + i + 6 + (intptr_t)rel);
}

static void *t_plt(void *a)
{
	(void)a;
	reg("plt");
	uintptr_t jmp;
	uintptr_t *slot = stub_slot(plt_stub, &jmp);
	if (!slot) {
		fprintf(stderr, "stacks_target: %#lx is not a PLT stub\n", (unsigned long)plt_stub);
		exit(3);
	}
	*slot = jmp; /* the stub now jumps to itself */
	((void (*)(void))plt_stub)();
	return NULL;
}

static void *t_depth0(void *a)
{
	(void)a;
	check_depth_0(&counts[reg("depth0")]);
	return NULL;
}

static void *t_depth3(void *a)
{
	(void)a;
	check_depth_3(&counts[reg("depth3")]);
	return NULL;
}

static void *t_short(void *a)
{
	(void)a;
	usleep(200);
	return NULL;
}

static void *t_churn(void *a)
{
	(void)a;
	int i = reg("churn");
	for (;;) {
		pthread_t t;
		counts[i]++;
		if (!pthread_create(&t, NULL, t_short, NULL))
			pthread_join(t, NULL);
	}
	return NULL;
}

static void on_usr2(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: stacks_target LAYOUT STATUS PLT_STUB_HEX [churn]\n");
		return 2;
	}
	plt_stub = (uintptr_t)strtoull(argv[3], NULL, 16);
	struct sigaction sa = { .sa_handler = on_usr2 }; /* no SA_RESTART: read() returns EINTR */
	sigaction(SIGUSR2, &sa, NULL);
	reg("main");
	void *(*fns[])(void *) = { t_syscall, t_spin, t_handler, t_plt, t_depth0, t_depth3 };
	int want = 1 + (int)(sizeof(fns) / sizeof(fns[0]));
	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
		pthread_t t;
		pthread_create(&t, NULL, fns[k], NULL);
	}
	if (argc > 4 && !strcmp(argv[4], "churn")) {
		pthread_t t;
		pthread_create(&t, NULL, t_churn, NULL);
		want++;
	}
	while (nthreads < want || !in_handler)
		usleep(1000);
	/* the layout: what each thread is doing, and libc's read for the syscall thread */
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "pid %d\nread %#lx\n", getpid(), (unsigned long)(uintptr_t)dlsym(RTLD_NEXT, "read"));
	for (int i = 0; i < nthreads; i++)
		fprintf(f, "thread %s %ld\n", roles[i], tids[i]);
	fclose(f);
	rename(tmp, argv[1]);
	/* heartbeat: the main thread counts, pokes the syscall thread, writes STATUS */
	int sys_idx = -1;
	for (int i = 0; i < nthreads; i++)
		if (!strcmp(roles[i], "syscall"))
			sys_idx = i;
	for (;;) {
		counts[0]++;
		usleep(10000);
		if (sys_idx >= 0)
			syscall(SYS_tgkill, getpid(), (int)tids[sys_idx], SIGUSR2);
		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
		f = fopen(tmp, "w");
		if (!f)
			continue;
		fprintf(f, "status");
		for (int i = 0; i < nthreads; i++)
			if (strcmp(roles[i], "plt")) /* it loops in the stub and cannot count */
				fprintf(f, " %ld", counts[i]);
		fprintf(f, "\n");
		fclose(f);
		rename(tmp, argv[2]);
	}
}
