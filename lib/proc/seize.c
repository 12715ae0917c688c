/*
 * seize.c - holding a process's threads stopped, and letting them go on every path.
 *
 * PTRACE_SEIZE + PTRACE_INTERRUPT rather than PTRACE_ATTACH: no SIGSTOP is sent, so the target
 * never sees a job-control stop it did not ask for, and a thread that is already stopped by job
 * control stays stopped after we detach. If we die, the kernel detaches every tracee and they
 * continue; if we are interrupted by SIGINT/SIGTERM/SIGHUP, the guard's handler detaches the
 * stopped threads before the signal takes its usual action.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/proc.h"
#include "proc/seize.h"
#include "common/vec.h"

static const int guarded_signals[3] = { SIGINT, SIGTERM, SIGHUP };

/*
 * The one process-wide pointer of the library: the seize set the signal handler must release.
 * A signal handler gets no context argument, so the set it must detach has to be reachable from
 * a global; it is installed only while threads are held (a few milliseconds) and one snapshot
 * at a time holds it (a second concurrent snapshot runs without the guard).
 */
static struct ts_seize_set *volatile ts_guarded_set;

uint64_t ts_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void guard_handler(int sig)
{
	int saved_errno = errno;
	struct ts_seize_set *s = ts_guarded_set;
	if (!s) {
		errno = saved_errno;
		return;
	}
	if ((int)syscall(SYS_gettid) != s->tracer_tid) {
		/* only the tracing thread can detach: hand the signal over to it */
		syscall(SYS_tgkill, getpid(), s->tracer_tid, sig);
		errno = saved_errno;
		return;
	}
	for (sig_atomic_t i = 0; i < s->published; i++) {
		struct ts_seized *t = &s->v[i];
		if (t->state == TS_SZ_STOPPED) {
			ptrace(PTRACE_DETACH, t->tid, 0, (void *)(long)t->pending_signal);
			t->state = TS_SZ_DETACHED;
		}
	}
	s->interrupted = sig;
	/* the signal's own action next: back to the previous disposition and raise it again (it is
	 * blocked while we run, so it arrives when this handler returns) */
	for (int k = 0; k < 3; k++)
		if (guarded_signals[k] == sig)
			sigaction(sig, &s->old[k], NULL);
	raise(sig);
	errno = saved_errno;
}

void ts_seize_init(struct ts_seize_set *s, int pid)
{
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->tracer_tid = (int)syscall(SYS_gettid);
}

void ts_seize_fini(struct ts_seize_set *s)
{
	ts_seize_unguard(s);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

bool ts_seize_guard(struct ts_seize_set *s)
{
	if (!__sync_bool_compare_and_swap(&ts_guarded_set, NULL, s))
		return false;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_handler;
	sigemptyset(&sa.sa_mask);
	for (int k = 0; k < 3; k++)
		sigaddset(&sa.sa_mask, guarded_signals[k]);
	for (int k = 0; k < 3; k++)
		sigaction(guarded_signals[k], &sa, &s->old[k]);
	s->guarded = true;
	return true;
}

void ts_seize_unguard(struct ts_seize_set *s)
{
	if (!s->guarded)
		return;
	/* restore the previous actions with the signals blocked, so none lands between */
	sigset_t set, old;
	sigemptyset(&set);
	for (int k = 0; k < 3; k++)
		sigaddset(&set, guarded_signals[k]);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (!s->interrupted)
		for (int k = 0; k < 3; k++)
			sigaction(guarded_signals[k], &s->old[k], NULL);
	ts_guarded_set = NULL;
	s->guarded = false;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

long ts_seize_add(struct ts_seize_set *s, int tid, bool *added)
{
	*added = false;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].tid == tid)
			return (long)i;
	if (s->n == s->cap) {
		/* the handler may be reading v: block the guarded signals while it moves */
		sigset_t set, old;
		sigemptyset(&set);
		for (int k = 0; k < 3; k++)
			sigaddset(&set, guarded_signals[k]);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		int grown = TS_GROW(s->v, s->n, s->cap, 64);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (grown)
			return -1;
	}
	struct ts_seized *t = &s->v[s->n];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->state = TS_SZ_NEW;
	s->n++;
	s->published = (sig_atomic_t)s->n;
	*added = true;
	return (long)(s->n - 1);
}

int ts_seize_one(struct ts_seize_set *s, size_t i)
{
	struct ts_seized *t = &s->v[i];
	t->t_interrupt = ts_now_ns();
	if (ptrace(PTRACE_SEIZE, t->tid, 0, 0) < 0) {
		int e = errno;
		t->state = TS_SZ_GONE;
		t->reason = e == ESRCH ? "exited during the snapshot" : e == EPERM ? "not permitted to trace it"
										       : "could not be seized";
		return -e;
	}
	t->state = TS_SZ_SEIZED;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0) {
		/* only possible when it died between the two calls: the wait below sees it */
	}
	return 0;
}

int ts_seize_wait(struct ts_seize_set *s, size_t i, uint64_t deadline_ns, bool stop_on_intr)
{
	struct ts_seized *t = &s->v[i];
	for (unsigned spin = 0;; spin++) {
		int st;
		pid_t r = waitpid(t->tid, &st, __WALL | WNOHANG);
		if (r == t->tid) {
			if (WIFEXITED(st) || WIFSIGNALED(st)) {
				t->state = TS_SZ_GONE;
				t->reason = "exited during the snapshot";
				return -1;
			}
			if (WIFSTOPPED(st)) {
				int sig = WSTOPSIG(st), event = st >> 16;
				if (event == PTRACE_EVENT_STOP) {
					/* our interrupt (SIGTRAP), or a job-control stop in effect */
					t->group_stopped = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
							   sig == SIGTTOU;
				} else if (event == 0) {
					/* a signal on its way in: it must reach the thread after we go */
					t->pending_signal = sig;
				}
				t->state = TS_SZ_STOPPED;
				return 1;
			}
			continue;
		}
		if (r < 0) {
			if (errno == EINTR && !(stop_on_intr && s->interrupted))
				continue;
			if (errno == EINTR)
				return -2;
			t->state = TS_SZ_GONE;
			t->reason = "exited during the snapshot";
			return -1;
		}
		if (stop_on_intr && s->interrupted)
			return -2;
		if (ts_now_ns() >= deadline_ns)
			return 0;
		/* sleep rather than sched_yield(): a task waking from a sleep gets the CPU back
		 * promptly, a yielding one can queue behind every runnable task of a busy machine */
		struct timespec d = { 0, spin < 20 ? 5000 : 50000 };
		nanosleep(&d, NULL);
	}
}

void ts_seize_release_one(struct ts_seize_set *s, size_t i)
{
	struct ts_seized *t = &s->v[i];
	if (t->state != TS_SZ_STOPPED)
		return;
	ptrace(PTRACE_DETACH, t->tid, 0, (void *)(long)t->pending_signal);
	t->t_detach = ts_now_ns();
	t->state = TS_SZ_DETACHED;
}

void ts_seize_release(struct ts_seize_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		ts_seize_release_one(s, i);
}
