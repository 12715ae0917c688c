/*
 * remote_test.c - the remote face: a child stops in a known call chain (recursion, then a
 * blocking read in libc), after sending its own backtrace() (libgcc over the compiler's CFI) to
 * the parent. The parent takes a lib/proc snapshot, builds an unwinder with
 * trustack_unwinder__from_proc and unwinds the child's thread in every mode. Rules as in
 * unwind_test.c: a reliable trace must end with exactly the child's own list from its caller on;
 * orc and auto must be reliable. A second child blocks in a signal handler (through the
 * signal frame, remote). Output: PASS/FAIL lines.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trustack.h"

#define MAXF 256
#define NOINLINE __attribute__((noinline))

static int to_parent[2], block_pipe[2];
volatile unsigned sink;

/* the child: its own trace, then block in read() until killed */
NOINLINE static void bottom(void)
{
	void *bt[MAXF];
	int nb = backtrace(bt, MAXF), j = 0;
	/* from our caller on (backtrace() may add frames of its own: ASan's interceptor); the
	 * entry before it is sent too, as a placeholder for our own frame */
	while (j < nb && bt[j] != __builtin_return_address(0))
		j++;
	if (j == 0 || j == nb)
		_exit(4);
	j--;
	nb -= j;
	if (write(to_parent[1], &nb, sizeof(nb)) != sizeof(nb) ||
	    write(to_parent[1], bt + j, sizeof(bt[0]) * (size_t)nb) != (ssize_t)(sizeof(bt[0]) * (size_t)nb))
		_exit(3);
	char c;
	for (;;)
		if (read(block_pipe[0], &c, 1) <= 0)
			pause();
}

NOINLINE static void rec(int n)
{
	if (n <= 0)
		bottom();
	else if (n < 100)
		rec(n - 1);
	sink++;
}

static void on_usr1(int sig)
{
	rec(2); /* blocks inside the handler */
}

static int check_child(const char *name, pid_t pid)
{
	int nb = 0;
	void *bt[MAXF];
	if (read(to_parent[0], &nb, sizeof(nb)) != sizeof(nb) || nb <= 1 || nb > MAXF ||
	    read(to_parent[0], bt, sizeof(bt[0]) * (size_t)nb) != (ssize_t)(sizeof(bt[0]) * (size_t)nb)) {
		printf("FAIL remote/%s: no trace from the child\n", name);
		return 1;
	}
	usleep(50000); /* let it reach read() */
	char err[256];
	struct trustack_proc *p;
	int rc = trustack_proc__snapshot(pid, NULL, &p, NULL, err, sizeof(err));
	if (rc) {
		printf("SKIP remote/%s: snapshot: %s\n", name, err);
		return 0;
	}
	struct trustack_unwinder *u;
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .threads = 2 };
	rc = trustack_unwinder__from_proc(p, &o, &u, err, sizeof(err));
	if (rc) {
		printf("FAIL remote/%s: from_proc: %s\n", name, err);
		trustack_proc__close(p);
		return 1;
	}
	int bad = 0;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		struct trustack_frame fr[MAXF];
		struct trustack_unwind_result r;
		trustack_unwind_proc_thread(u, mode, p, 0, fr, MAXF, &r);
		/* the child's list from its caller on (bt[1..]) must be the end of ours */
		size_t want = (size_t)nb - 1, same = 0;
		while (same < want && same < r.count && fr[r.count - 1 - same].pc == (uint64_t)(uintptr_t)bt[nb - 1 - same])
			same++;
		bool equal = same == want;
		if (mode == TRUSTACK_UNWIND_FP)
			continue; /* the baseline: counted in unwind_test, not judged */
		if (r.verdict == TRUSTACK_UNWIND_RELIABLE && !equal) {
			printf("FAIL remote/%s: %s: reliable but differs from the child's own trace (%zu of %zu frames agree)\n",
			       name, trustack_unwind_mode__name(mode), same, want);
			bad = 1;
		}
		if ((mode == TRUSTACK_UNWIND_ORC || mode == TRUSTACK_UNWIND_AUTO) && r.verdict != TRUSTACK_UNWIND_RELIABLE) {
			printf("FAIL remote/%s: %s: %s at frame %zu (pc %#llx)\n", name, trustack_unwind_mode__name(mode),
			       trustack_unwind_verdict__name(r.verdict), r.lost_at,
			       r.lost_at < r.count ? (unsigned long long)fr[r.lost_at].pc : 0ull);
			bad = 1;
		}
	}
	trustack_unwinder__free(u);
	trustack_proc__close(p);
	if (!bad)
		printf("PASS remote/%s\n", name);
	return bad;
}

static pid_t spawn(int in_handler)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (in_handler) {
			signal(SIGUSR1, on_usr1);
			raise(SIGUSR1);
		}
		rec(4);
		_exit(0);
	}
	return pid;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(to_parent) || pipe(block_pipe))
		return 2;
	int bad = 0;
	const char *names[2] = { "blocked-in-read", "blocked-in-signal-handler" };
	for (int k = 0; k < 2; k++) {
		pid_t pid = spawn(k);
		bad |= check_child(names[k], pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return bad;
}
