/*
 * snapshot.c - trustack_proc__snapshot: every thread's registers and stack top at one moment.
 *
 * The order of work is chosen so the target is stopped for the shortest time: /proc/PID/maps is
 * read before anything stops (to size the stack copies), then all threads are stopped, each one's
 * registers and stack are read with two system calls, every thread is resumed, and only then do
 * we do anything slow (ELF headers and build-ids of the modules, thread names).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arch/arch.h"
#include "common/err.h"
#include "common/opts.h"
#include "proc/proc.h"
#include "proc/seize.h"
#include "common/vec.h"

#define DEFAULT_STACK_MAX (1u << 20)
#define UNMAPPED_SP_COPY (64u << 10) /* sp outside every known mapping: copy this much */

/* State letter of /proc/PID[/task/TID]/stat, 0 when it cannot be read. */
static char proc_state(int pid, int tid)
{
	char fn[64], buf[512];
	if (tid)
		snprintf(fn, sizeof(fn), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(fn, sizeof(fn), "/proc/%d/stat", pid);
	if (!ts_proc_read_text(fn, buf, sizeof(buf)))
		return 0;
	char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Has task tid of pid exited (gone, or a zombie)? ptrace refuses an exiting task with EPERM,
 * which must not be reported as a permission problem. */
static bool task_exited(int pid, int tid)
{
	char st = proc_state(pid, tid);
	return !st || st == 'Z' || st == 'X';
}

/* A kernel thread (PF_KTHREAD in the flags of /proc/PID/stat): no user space to look at. */
static bool kernel_thread(int pid)
{
	char fn[64], buf[512];
	snprintf(fn, sizeof(fn), "/proc/%d/stat", pid);
	if (!ts_proc_read_text(fn, buf, sizeof(buf)))
		return false;
	const char *p = strrchr(buf, ')');
	unsigned long flags = 0;
	/* after the name: state ppid pgrp session tty_nr tpgid flags */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & 0x00200000; /* PF_KTHREAD */
}

/* The tids in /proc/PID/task, or -1 when the process is gone. */
static long list_tasks(int pid, int **out, size_t *n, size_t *cap)
{
	char fn[64];
	snprintf(fn, sizeof(fn), "/proc/%d/task", pid);
	DIR *d = opendir(fn);
	if (!d)
		return -1;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long t = strtol(e->d_name, &end, 10);
		if (*end || t <= 0)
			continue;
		if (TS_GROW(*out, *n, *cap, 64)) {
			closedir(d);
			return -2;
		}
		(*out)[(*n)++] = (int)t;
	}
	closedir(d);
	return (long)*n;
}

/* Why PTRACE_SEIZE said EPERM, as precisely as /proc lets us tell. */
static void explain_eperm(int pid, char *errbuf, size_t errlen)
{
	char fn[64], line[256];
	snprintf(fn, sizeof(fn), "/proc/%d/status", pid);
	FILE *f = fopen(fn, "re");
	long tracer = 0;
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
				break;
		fclose(f);
	}
	if (tracer > 0) {
		snprintf(errbuf, errlen, "process %d is already traced by process %ld", pid, tracer);
		return;
	}
	int scope = -1;
	f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	static const char *const why[] = {
		"classic ptrace permissions: same user and not setuid, or CAP_SYS_PTRACE",
		"only descendants can be traced: run as root, or sysctl kernel.yama.ptrace_scope=0",
		"only processes with CAP_SYS_PTRACE can trace",
		"ptrace is disabled until reboot",
	};
	if (scope >= 0 && scope <= 3)
		snprintf(errbuf, errlen, "not permitted to trace process %d: kernel.yama.ptrace_scope is %d (%s)",
			 pid, scope, why[scope]);
	else
		snprintf(errbuf, errlen,
			 "not permitted to trace process %d: it belongs to another user, is setuid, or we lack "
			 "CAP_SYS_PTRACE",
			 pid);
}

/* The registers of a ptrace-stopped thread, as the machine we run on lays them out. */
static int read_regs(const struct ts_arch *host, int tid, struct trustack_regs *r)
{
	return host->host->ptrace_regs(tid, r);
}

/* Copy the top of a stopped thread's stack: from the red zone below sp to the end of the
 * mapping holding sp, at most max bytes. */
static void copy_stack(int pid, const struct ts_maps *maps, struct trustack_proc_thread *th, uint8_t **copy,
		       size_t max, uint64_t red_zone)
{
	uint64_t sp = th->regs.sp, lo = sp >= red_zone ? sp - red_zone : 0, hi;
	const struct ts_map *m = ts_maps_find(maps, sp);
	if (m) {
		if (lo < m->start)
			lo = m->start;
		hi = m->end;
	} else {
		hi = sp + UNMAPPED_SP_COPY;
	}
	if (hi - lo > max) {
		hi = lo + max;
		th->stack_truncated = true;
	}
	*copy = malloc(hi - lo ? hi - lo : 1);
	if (!*copy)
		return;
	ssize_t r = ts_vm_read(pid, lo, *copy, hi - lo);
	th->stack_start = lo;
	th->stack_len = r > 0 ? (size_t)r : 0;
	th->stack = *copy;
}

static int cmp_tid(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void read_comm(int pid, struct trustack_proc_thread *th)
{
	char fn[64];
	snprintf(fn, sizeof(fn), "/proc/%d/task/%d/comm", pid, th->tid);
	int fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, th->comm, sizeof(th->comm) - 1);
	close(fd);
	if (n > 0) {
		th->comm[n] = 0;
		char *nl = strchr(th->comm, '\n');
		if (nl)
			*nl = 0;
	}
}

/* Thread i of s is stopped: its registers and stack top into p's next thread. */
static void take_thread(struct trustack_proc *p, struct ts_seize_set *s, size_t i, const struct ts_arch *host,
			size_t stack_max)
{
	struct ts_seized *t = &s->v[i];
	struct trustack_proc_thread *th = &p->threads[p->nthreads];
	memset(th, 0, sizeof(*th));
	p->stacks[p->nthreads] = NULL;
	th->tid = t->tid;
	if (read_regs(host, t->tid, &th->regs) < 0) {
		t->reason = "exited during the snapshot";
		return; /* killed while stopped (SIGKILL wakes a ptrace stop) */
	}
	copy_stack(p->pid, &p->maps, th, &p->stacks[p->nthreads], stack_max, host->red_zone);
	th->pending_signal = t->pending_signal;
	th->group_stopped = t->group_stopped;
	p->nthreads++;
}

/* One thread at a time (TRUSTACK_PROC_ONE_AT_A_TIME): where each is taken as soon as it stops.
 * The next thread is interrupted before the one before it is copied (ahead), so that it comes
 * to its stop meanwhile instead of after: at most two threads are stopped at once. */
struct take_each {
	struct trustack_proc *p;
	const struct ts_arch *host;
	size_t stack_max, cap_threads, cap_stacks;
	long ahead; /* seized and interrupted, not yet taken; -1: none */
};

/* Wait for seized thread i, take it and let it go at once. Returns 0, -2 when we were
 * interrupted, or -TRUSTACK_E_NOMEM (the thread is let go in every case but a timeout: then it
 * is still seized, and let_go() waits for it once more). */
static int take_one(struct take_each *e, struct ts_seize_set *s, size_t i, unsigned timeout_ms)
{
	int w = ts_seize_wait(s, i, ts_now_ns() + (uint64_t)timeout_ms * 1000000u, true);
	if (w != 1)
		return w == -2 ? -2 : 0;
	struct trustack_proc *p = e->p;
	int rc = 0;
	if (TS_GROW(p->threads, p->nthreads, e->cap_threads, 16) || TS_GROW(p->stacks, p->nthreads, e->cap_stacks, 16))
		rc = -TRUSTACK_E_NOMEM;
	else
		take_thread(p, s, i, e->host, e->stack_max);
	ts_seize_release_one(s, i);
	return rc;
}

/* Stop every thread (rescanning until no new one appears); with each, take each thread and
 * let it go before the next is stopped. Returns 0, or a negative error (with the message set)
 * when the very first thread cannot be seized or memory runs out. */
static int stop_all(struct ts_seize_set *s, unsigned timeout_ms, unsigned *scans, struct take_each *each,
		    char *errbuf, size_t errlen)
{
	int *tids = NULL;
	size_t ntids = 0, cap = 0;
	int rc = 0;
	for (;;) {
		long r = list_tasks(s->pid, &tids, &ntids, &cap);
		if (r == -2) {
			rc = ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
			break;
		}
		if (r < 0)
			break; /* the process is gone: nothing captured, reported by the caller */
		(*scans)++;
		size_t first_new = s->n;
		bool any_new = false;
		for (size_t k = 0; k < ntids; k++) {
			bool added;
			long i = ts_seize_add(s, tids[k], &added);
			if (i < 0) {
				rc = ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
				goto out;
			}
			if (!added)
				continue;
			any_new = true;
			int e = ts_seize_one(s, (size_t)i);
			if (e == -EPERM && task_exited(s->pid, tids[k])) {
				s->v[i].reason = "exited during the snapshot";
				continue;
			}
			if (e == -EPERM && s->n == 1) {
				explain_eperm(s->pid, errbuf, errlen);
				rc = -TRUSTACK_E_PERM;
				goto out;
			}
			if (s->interrupted)
				goto out;
			if (!each || e)
				continue;
			long prev = each->ahead;
			each->ahead = i;
			int t = prev >= 0 ? take_one(each, s, (size_t)prev, timeout_ms) : 0;
			if (t == -2)
				goto out;
			if (t) {
				rc = ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
				goto out;
			}
		}
		if (each && each->ahead >= 0) {
			int t = take_one(each, s, (size_t)each->ahead, timeout_ms);
			each->ahead = -1;
			if (t == -2)
				goto out;
			if (t) {
				rc = ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
				goto out;
			}
		}
		if (!any_new)
			break;
		uint64_t deadline = ts_now_ns() + (uint64_t)timeout_ms * 1000000u;
		for (size_t i = first_new; i < s->n && !each; i++) {
			if (s->v[i].state != TS_SZ_SEIZED)
				continue;
			int w = ts_seize_wait(s, i, deadline, true);
			if (w == -2)
				goto out;
		}
		if (*scans > 1000)
			break; /* threads created faster than we can stop them: take what we have */
	}
out:
	free(tids);
	return rc;
}

/* After an interruption or error: every thread that was seized must be let go. */
static void let_go(struct ts_seize_set *s, unsigned timeout_ms)
{
	uint64_t deadline = ts_now_ns() + (uint64_t)timeout_ms * 1000000u;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].state == TS_SZ_SEIZED)
			ts_seize_wait(s, i, deadline, false);
	ts_seize_release(s);
}

/* Is pid a process worth stopping? 0, or the error (message set). */
static int check_target(int pid, const char *pidbuf, char *errbuf, size_t errlen)
{
	char st = proc_state(pid, 0);
	if (!st)
		return ts_fail(errbuf, errlen, TRUSTACK_E_NOPROC, "no such process: %s", pidbuf);
	if (kernel_thread(pid))
		return ts_fail(errbuf, errlen, TRUSTACK_E_UNSUPPORTED,
			    "process %s is a kernel thread: it has no user-space stack to show", pidbuf);
	if (st == 'Z' || st == 'X') {
		int *t = NULL;
		size_t n = 0, c = 0;
		long r = list_tasks(pid, &t, &n, &c);
		free(t);
		if (r <= 1) /* a zombie leader with live threads is a process still worth looking at */
			return ts_fail(errbuf, errlen, TRUSTACK_E_ZOMBIE,
				    "process %s is a zombie (exited, not yet reaped by its parent)", pidbuf);
	}
	return 0;
}

/* A new snapshot object with the target's maps, read before anything stops (they size the
 * stack copies). */
static int open_target(int pid, const char *pidbuf, struct trustack_proc **out, char *errbuf, size_t errlen)
{
	struct trustack_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	p->pid = pid;
	p->memfd = -1;
	int rc = ts_maps_read(pid, &p->maps);
	if (rc) {
		free(p);
		if (rc == -TRUSTACK_E_PERM && task_exited(pid, 0))
			return ts_fail(errbuf, errlen, TRUSTACK_E_NOPROC, "process %s exited during the snapshot", pidbuf);
		if (rc == -TRUSTACK_E_PERM) { /* the same permission check as ptrace's */
			if (errbuf && errlen)
				explain_eperm(pid, errbuf, errlen);
			return rc;
		}
		return ts_fail(errbuf, errlen, -rc, "cannot read /proc/%s/maps", pidbuf);
	}
	*out = p;
	return 0;
}

/* What the stopped phase measured. */
struct stop_times {
	uint64_t t_stop, t_resumed;
	unsigned scans;
};

/*
 * The only phase with the target stopped: stop every thread, read each one's registers and
 * stack top (two system calls), let every thread go. Returns 0 or the error (message set); s
 * keeps what happened to each thread.
 */
static int capture(struct trustack_proc *p, struct ts_seize_set *s, const struct ts_arch *host,
		   const struct trustack_proc_opts *o, size_t stack_max, unsigned timeout_ms, struct stop_times *tm,
		   char *errbuf, size_t errlen)
{
	ts_seize_init(s, p->pid);
	if (!(o->flags & TRUSTACK_PROC_NO_SIGNAL_GUARD))
		ts_seize_guard(s);
	tm->t_stop = ts_now_ns();
	/* short sleeps while a thread comes to its stop must be short: the default timer slack
	 * (50 us) alone would be a quarter of one thread's stop budget */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (slack > 1000)
		prctl(PR_SET_TIMERSLACK, 1000ul, 0, 0, 0);
	struct take_each each = { .p = p, .host = host, .stack_max = stack_max, .ahead = -1 };
	bool one = o->flags & TRUSTACK_PROC_ONE_AT_A_TIME;
	int rc = stop_all(s, timeout_ms, &tm->scans, one ? &each : NULL, errbuf, errlen);
	size_t nstopped = 0;
	for (size_t i = 0; i < s->n && !one; i++)
		nstopped += s->v[i].state == TS_SZ_STOPPED;
	if (!rc && !s->interrupted && nstopped) {
		p->threads = calloc(nstopped, sizeof(*p->threads));
		p->stacks = calloc(nstopped, sizeof(*p->stacks));
		if (!p->threads || !p->stacks)
			rc = ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	}
	for (size_t i = 0; i < s->n && !one && !rc && !s->interrupted && p->threads; i++)
		if (s->v[i].state == TS_SZ_STOPPED)
			take_thread(p, s, i, host, stack_max);
	let_go(s, timeout_ms);
	if (slack > 1000)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	tm->t_resumed = ts_now_ns();
	ts_seize_unguard(s);
	return rc;
}

/* After the stop: an error when nothing was captured, else each thread's stop time and every
 * listed thread that was not captured, with its reason. */
static int record_outcome(struct trustack_proc *p, const struct ts_seize_set *s, const char *pidbuf,
			  uint64_t *max_stop, uint64_t *stack_bytes, char *errbuf, size_t errlen)
{
	if (s->interrupted)
		return ts_fail(errbuf, errlen, TRUSTACK_E_INTR, "interrupted by signal %s; the target was resumed",
			    strsignal(s->interrupted));
	if (!p->nthreads) {
		bool perm = false;
		for (size_t i = 0; i < s->n; i++)
			perm |= s->v[i].reason && !strcmp(s->v[i].reason, "not permitted to trace it") &&
				!task_exited(p->pid, s->v[i].tid);
		return ts_fail(errbuf, errlen, perm ? TRUSTACK_E_PERM : TRUSTACK_E_NOPROC,
			    perm ? "not permitted to trace any thread of process %s"
				 : "process %s exited during the snapshot",
			    pidbuf);
	}
	for (size_t k = 0; k < p->nthreads; k++) {
		struct trustack_proc_thread *th = &p->threads[k];
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].tid == th->tid && s->v[i].t_detach)
				th->stop_ns = s->v[i].t_detach - s->v[i].t_interrupt;
		if (th->stop_ns > *max_stop)
			*max_stop = th->stop_ns;
		*stack_bytes += th->stack_len;
	}
	p->skipped = calloc(s->n, sizeof(*p->skipped));
	for (size_t i = 0; p->skipped && i < s->n; i++) {
		const struct ts_seized *t = &s->v[i];
		bool captured = false;
		for (size_t k = 0; k < p->nthreads; k++)
			captured |= p->threads[k].tid == t->tid;
		if (captured)
			continue;
		const char *why = t->state == TS_SZ_SEIZED ? "did not stop within the timeout (uninterruptible "
							     "sleep?); it stays attached until it stops"
				  : t->reason ? t->reason : "exited during the snapshot";
		p->skipped[p->nskipped].tid = t->tid;
		p->skipped[p->nskipped].reason = why;
		p->nskipped++;
	}
	return 0;
}

/* Leader first, the rest by tid; stacks move with their thread. */
static void order_threads(struct trustack_proc *p)
{
	if (p->nthreads < 2)
		return;
	for (size_t k = 0; k < p->nthreads; k++)
		p->threads[k].stack = (const uint8_t *)p->stacks[k];
	struct pair {
		struct trustack_proc_thread th;
		uint8_t *copy;
	} *tmp = malloc(p->nthreads * sizeof(*tmp));
	if (!tmp)
		return;
	for (size_t k = 0; k < p->nthreads; k++)
		tmp[k].th = p->threads[k], tmp[k].copy = p->stacks[k];
	qsort(tmp, p->nthreads, sizeof(*tmp), cmp_tid); /* tid is the first member */
	size_t w = 0;
	for (size_t k = 0; k < p->nthreads; k++)
		if (tmp[k].th.tid == p->pid)
			p->threads[w] = tmp[k].th, p->stacks[w++] = tmp[k].copy;
	for (size_t k = 0; k < p->nthreads; k++)
		if (tmp[k].th.tid != p->pid)
			p->threads[w] = tmp[k].th, p->stacks[w++] = tmp[k].copy;
	free(tmp);
}

/* The slow work, with the target running again: thread names, the maps again when a thread
 * runs on a stack or code we have not seen (created after we read them), the modules. */
static int describe(struct trustack_proc *p, unsigned flags)
{
	for (size_t k = 0; k < p->nthreads; k++)
		read_comm(p->pid, &p->threads[k]);
	bool stale = false;
	for (size_t k = 0; k < p->nthreads; k++)
		stale |= !ts_maps_find(&p->maps, p->threads[k].regs.sp) || !ts_maps_find(&p->maps, p->threads[k].regs.pc);
	if (stale) {
		struct ts_maps fresh;
		if (!ts_maps_read(p->pid, &fresh)) {
			ts_maps_free(&p->maps);
			p->maps = fresh;
		}
	}
	if (ts_modules_build(&p->maps, &p->mods))
		return -TRUSTACK_E_NOMEM;
	if (!(flags & TRUSTACK_PROC_NO_MODULE_INFO))
		ts_modules_identify(p->pid, &p->maps, &p->mods);
	return 0;
}

int trustack_proc__snapshot(int pid, const struct trustack_proc_opts *opts, struct trustack_proc **out,
			    struct trustack_proc_stats *stats, char *errbuf, size_t errlen)
{
	uint64_t t0 = ts_now_ns();
	struct trustack_proc_opts o;
	int optrc = TS_OPTS_LOAD(o, opts); /* opts NULL: the defaults */
	size_t stack_max = o.stack_max ? o.stack_max : DEFAULT_STACK_MAX;
	unsigned timeout_ms = o.stop_timeout_ms ? o.stop_timeout_ms : 2000;
	if (errbuf && errlen)
		errbuf[0] = 0;
	*out = NULL;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (optrc)
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "bad options (sz)%s", "");
	if (pid <= 0)
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "invalid process id %s", "");
	const struct ts_arch *host = ts_arch_native();
	if (!host || !host->host)
		return ts_fail(errbuf, errlen, TRUSTACK_E_UNSUPPORTED, "%s",
			    "process snapshots are not supported on this machine yet");
	char pidbuf[24];
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	struct trustack_proc *p = NULL;
	int rc = check_target(pid, pidbuf, errbuf, errlen);
	if (rc || (rc = open_target(pid, pidbuf, &p, errbuf, errlen)))
		return rc;
	struct ts_seize_set s;
	struct stop_times tm = { 0 };
	uint64_t max_stop = 0, stack_bytes = 0;
	rc = capture(p, &s, host, &o, stack_max, timeout_ms, &tm, errbuf, errlen);
	if (!rc)
		rc = record_outcome(p, &s, pidbuf, &max_stop, &stack_bytes, errbuf, errlen);
	ts_seize_fini(&s);
	if (rc) {
		trustack_proc__close(p);
		return rc;
	}
	order_threads(p);
	if (describe(p, o.flags)) {
		trustack_proc__close(p);
		return ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	}
	if (stats) {
		stats->total_ns = ts_now_ns() - t0;
		stats->stopped_ns = tm.t_resumed - tm.t_stop;
		stats->max_stop_ns = max_stop;
		stats->stack_bytes = stack_bytes;
		stats->scans = tm.scans;
	}
	*out = p;
	return 0;
}

void trustack_proc__close(struct trustack_proc *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->nthreads; k++)
		free(p->stacks[k]);
	free(p->stacks);
	free(p->threads);
	free(p->skipped);
	ts_maps_free(&p->maps);
	ts_modules_free(&p->mods);
	if (p->core_free)
		p->core_free(p->core);
	if (p->memfd >= 0)
		close(p->memfd);
	free(p);
}

int trustack_proc__pid(const struct trustack_proc *p)
{
	return p->pid;
}

const struct trustack_core_info *trustack_proc__core(const struct trustack_proc *p)
{
	return p ? p->core_info : NULL;
}

size_t trustack_proc__thread_count(const struct trustack_proc *p)
{
	return p->nthreads;
}

const struct trustack_proc_thread *trustack_proc__thread(const struct trustack_proc *p, size_t i)
{
	return i < p->nthreads ? &p->threads[i] : NULL;
}

size_t trustack_proc__skipped_count(const struct trustack_proc *p)
{
	return p->nskipped;
}

const struct trustack_proc_skipped *trustack_proc__skipped(const struct trustack_proc *p, size_t i)
{
	return i < p->nskipped ? &p->skipped[i] : NULL;
}

size_t trustack_proc__module_count(const struct trustack_proc *p)
{
	return p->mods.n;
}

const struct trustack_module *trustack_proc__module(const struct trustack_proc *p, size_t i)
{
	return i < p->mods.n ? &p->mods.v[i] : NULL;
}

const struct trustack_module *trustack_proc__module_at(const struct trustack_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->mods.n;
	while (lo < hi) { /* modules are ascending and do not overlap */
		size_t mid = lo + (hi - lo) / 2;
		const struct trustack_module *m = &p->mods.v[mid];
		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else {
			for (size_t k = 0; k < m->nexec; k++)
				if (addr >= m->exec[k].start && addr < m->exec[k].end)
					return m;
			return NULL;
		}
	}
	return NULL;
}

int trustack_proc__read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct trustack_proc *p = ctx;
	if (!len)
		return 0;
	if (p->core_read)
		return p->core_read(p->core, addr, buf, len);
	/* the copy first: stack contents as they were while the thread was stopped */
	for (size_t n = 0; n < p->nthreads; n++) {
		size_t k = (p->last_hit + n) % p->nthreads;
		const struct trustack_proc_thread *th = &p->threads[k];
		if (addr >= th->stack_start && addr - th->stack_start <= th->stack_len &&
		    len <= th->stack_len - (addr - th->stack_start)) {
			memcpy(buf, th->stack + (addr - th->stack_start), len);
			p->last_hit = k;
			return 0;
		}
	}
	ssize_t r = ts_vm_read(p->pid, addr, buf, len);
	if (r == (ssize_t)len)
		return 0;
	/* pages process_vm_readv cannot read (execute-only code): /proc/PID/mem reads through them */
	if (p->memfd < 0) {
		char fn[64];
		snprintf(fn, sizeof(fn), "/proc/%d/mem", p->pid);
		p->memfd = open(fn, O_RDONLY | O_CLOEXEC);
		if (p->memfd < 0)
			return -TRUSTACK_E_IO;
	}
	if (addr > INT64_MAX)
		return -TRUSTACK_E_IO;
	r = pread(p->memfd, buf, len, (off_t)addr);
	return r == (ssize_t)len ? 0 : -TRUSTACK_E_IO;
}
