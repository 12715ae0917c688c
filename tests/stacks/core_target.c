/*
 * core_target.c - a multi-threaded program that dies the way the core suite asks
 * (tests/stacks/suite_core.sh): `core_target MODE TIDFILE`.
 *
 * Three parked threads sit at known depths of a recursion (park_thread), then one more thread,
 * "crasher", recurses 12 deep and dies:
 *   segv     a write to address 16 (SIGSEGV, si_addr 16) in crash_here
 *   abort    abort() in crash_here
 *   plt      strlen(NULL) through the PLT: SIGSEGV inside libc
 *   handler  raise(SIGUSR1) at the bottom; the handler recurses 4 deep and calls abort()
 *   park     nothing dies: prints "ready" and waits (for gcore)
 * TIDFILE receives the crasher's tid before it dies (the oracle of "the crashing thread first").
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t ready;
static volatile int sink;
static char *volatile nothing; /* NULL, out of the optimiser's sight */
static const char *mode, *tidfile;

__attribute__((noinline)) static void park_thread(int depth)
{
	if (depth) {
		park_thread(depth - 1);
		sink++;
		return;
	}
	pthread_barrier_wait(&ready);
	for (;;)
		pause();
}

static void *parked(void *arg)
{
	park_thread((int)(long)arg);
	return NULL;
}

__attribute__((noinline)) void crash_here(int how)
{
	if (how == 's')
		*(volatile int *)(nothing + 16) = 1;
	else if (how == 'p')
		sink += (int)strlen(nothing);
	else
		abort();
	sink++;
}

__attribute__((noinline)) void recurse(int depth, int how)
{
	if (depth) {
		recurse(depth - 1, how);
		sink++;
		return;
	}
	if (how == 'h')
		raise(SIGUSR1);
	else
		crash_here(how);
}

static void on_usr1(int sig)
{
	(void)sig;
	recurse(4, 'a');
}

static pthread_barrier_t joining;

static void *crasher(void *arg)
{
	(void)arg;
	/* the main thread is in pthread_join before this one dies: its stack is a known one */
	pthread_barrier_wait(&joining);
	usleep(100 * 1000);
	FILE *f = fopen(tidfile, "w");
	if (f) {
		fprintf(f, "%ld\n", (long)syscall(SYS_gettid));
		fclose(f);
	}
	recurse(12, mode[0] == 'h' ? 'h' : mode[0] == 'p' ? 'p' : mode[0] == 's' ? 's' : 'a');
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: core_target segv|abort|plt|handler|park TIDFILE\n");
		return 2;
	}
	mode = argv[1], tidfile = argv[2];
	signal(SIGUSR1, on_usr1);
	pthread_barrier_init(&ready, NULL, 4);
	pthread_t t[4];
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, parked, (void *)(3 + 2 * i));
	pthread_barrier_wait(&ready);
	if (!strcmp(mode, "park")) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	pthread_barrier_init(&joining, NULL, 2);
	pthread_create(&t[3], NULL, crasher, NULL);
	pthread_barrier_wait(&joining);
	pthread_join(t[3], NULL);
	return 0;
}
