/*
 * proc_tool.c - drives the process-access API for tests/proc/suite_proc.sh.
 *
 *   proc_tool snap PID        one snapshot: threads, skipped threads, modules, stats
 *   proc_tool loop PID        snapshots until killed (the SIGKILL test)
 *   proc_tool intr PID        snapshots with our own SIGINT handler installed (so SIGINT does
 *                             not end us): after the snapshot that SIGINT interrupted, check
 *                             that no thread of PID is left in a tracing stop, print the result
 *   proc_tool churn PID N     N snapshots; any error fails; counts skipped threads
 *   proc_tool chain PROBE N -- PROG ARGS
 *                             single-step PROG; at each entry of the function at address PROBE
 *                             (tests/proc/chain_prog.c's probe) compare the true chain with the
 *                             list the program keeps (rdi, rsi; rdx is a tag) and print it; every
 *                             N steps check that every live entry's slot still holds its address
 * Errors: "error CODE MESSAGE" and exit 2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trustack.h"

static const char *kind_names[] = { "file", "vdso", "uprobes", "vsyscall", "anon", "other" };

static int snap(int pid, struct trustack_proc **p, struct trustack_proc_stats *st, unsigned flags)
{
	char err[512];
	struct trustack_proc_opts o = { .sz = sizeof(o), .flags = flags };
	int rc = trustack_proc__snapshot(pid, &o, p, st, err, sizeof(err));
	if (rc)
		printf("error %d %s: %s\n", -rc, trustack_strerror(rc), err);
	return rc;
}

static void print(struct trustack_proc *p, const struct trustack_proc_stats *st)
{
	for (size_t i = 0; i < trustack_proc__thread_count(p); i++) {
		const struct trustack_proc_thread *t = trustack_proc__thread(p, i);
		uint64_t top = 0;
		int r = trustack_proc__read(p, t->regs.sp, &top, 8);
		printf("thread %d pc=0x%llx sp=0x%llx r12=0x%llx stack=0x%llx+%zu top=%s0x%llx stop_ns=%llu sig=%d "
		       "gstop=%d comm=%s\n",
		       t->tid, (unsigned long long)t->regs.pc, (unsigned long long)t->regs.sp,
		       (unsigned long long)t->regs.r[12], (unsigned long long)t->stack_start, t->stack_len,
		       r ? "unreadable:" : "", (unsigned long long)top, (unsigned long long)t->stop_ns, t->pending_signal,
		       t->group_stopped, t->comm);
	}
	for (size_t i = 0; i < trustack_proc__skipped_count(p); i++) {
		const struct trustack_proc_skipped *s = trustack_proc__skipped(p, i);
		printf("skipped %d %s\n", s->tid, s->reason);
	}
	for (size_t i = 0; i < trustack_proc__module_count(p); i++) {
		const struct trustack_module *m = trustack_proc__module(p, i);
		char id[80] = "-";
		for (unsigned k = 0; k < m->build_id_len; k++)
			sprintf(id + 2 * k, "%02x", m->build_id[k]);
		printf("module %s 0x%llx-0x%llx bias=%s0x%llx exec=%zu buildid=%s path=%s%s\n", kind_names[m->kind],
		       (unsigned long long)m->start, (unsigned long long)m->end, m->bias_known ? "" : "?",
		       (unsigned long long)m->bias, m->nexec, id, m->path, m->deleted ? " (deleted)" : "");
	}
	printf("stats threads=%zu total_ns=%llu stopped_ns=%llu max_stop_ns=%llu stack_bytes=%llu scans=%u\n",
	       trustack_proc__thread_count(p), (unsigned long long)st->total_ns, (unsigned long long)st->stopped_ns,
	       (unsigned long long)st->max_stop_ns, (unsigned long long)st->stack_bytes, st->scans);
}

static volatile sig_atomic_t got_int;
static void on_int(int sig)
{
	(void)sig;
	got_int = 1;
}

/* Threads of pid in a stop ('t' tracing stop or 'T'). */
static int stopped_threads(int pid)
{
	char fn[64];
	snprintf(fn, sizeof(fn), "/proc/%d/task", pid);
	DIR *d = opendir(fn);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t k = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[k] = 0;
		char *q = strrchr(buf, ')');
		if (q && (q[2] == 't' || q[2] == 'T'))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

struct chain_ctx {
	uint64_t probe, every_inv;
	unsigned long probes, bad, inv_checks, inv_bad;
};

static int on_step(const struct trustack_step_point *pt, void *arg)
{
	struct chain_ctx *c = arg;
	if (c->every_inv && pt->step % c->every_inv == 0) {
		c->inv_checks++;
		for (size_t i = 0; i < pt->depth; i++) {
			uint64_t v;
			if (pt->read(pt->read_ctx, pt->chain[i].slot, &v, 8) || v != pt->chain[i].ra) {
				if (c->inv_bad++ < 5)
					printf("invariant step=%llu tid=%d entry %zu slot=0x%llx ra=0x%llx holds 0x%llx\n",
					       (unsigned long long)pt->step, pt->tid, i,
					       (unsigned long long)pt->chain[i].slot, (unsigned long long)pt->chain[i].ra,
					       (unsigned long long)v);
				break;
			}
		}
	}
	if (pt->regs->pc != c->probe)
		return 0;
	c->probes++;
	uint64_t list_addr = pt->regs->r[5], depth = pt->regs->r[4], tag = pt->regs->r[1], top = 0;
	uint64_t list[256];
	const char *why = NULL;
	if (depth > 256 || pt->read(pt->read_ctx, list_addr, list, depth * 8))
		why = "cannot read the program's list";
	else if (pt->depth < depth + 1)
		why = "chain shorter than the program's list";
	else if (pt->read(pt->read_ctx, pt->regs->sp, &top, 8) || pt->chain[0].slot != pt->regs->sp ||
		 pt->chain[0].ra != top)
		why = "innermost entry is not probe's return address";
	size_t bad_at = 0;
	for (size_t i = 0; !why && i < depth; i++)
		if (pt->chain[1 + i].ra != list[depth - 1 - i])
			why = "differs from the program's list", bad_at = 1 + i;
	printf("probe tag=%llu tid=%d depth=%llu tail=%zu %s", (unsigned long long)tag, pt->tid,
	       (unsigned long long)depth, pt->depth - 1 - (size_t)depth, why ? "MISMATCH" : "ok");
	if (why) {
		c->bad++;
		printf(" (%s, entry %zu)", why, bad_at);
	}
	printf(" chain");
	for (size_t i = 0; i < pt->depth; i++) {
		printf(" 0x%llx", (unsigned long long)pt->chain[i].ra);
		if (pt->chain[i].kind == TRUSTACK_CHAIN_SIGNAL)
			printf(" sig:0x%llx", (unsigned long long)pt->chain[i].ipc);
	}
	printf("\n");
	return 0;
}

static int chain_cmd(int argc, char **argv)
{
	struct chain_ctx c = { .probe = strtoull(argv[2], NULL, 0), .every_inv = strtoull(argv[3], NULL, 0) };
	int i = 4;
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	struct trustack_trace_opts o = { .sz = sizeof(o), .every = 1 };
	struct trustack_trace_stats st;
	char err[512];
	int rc = trustack_trace__run(argv + i, &o, on_step, &c, &st, err, sizeof(err));
	if (rc) {
		printf("error %d %s: %s\n", -rc, trustack_strerror(rc), err);
		return 2;
	}
	printf("trace steps=%llu calls=%llu returns=%llu signals=%llu threads=%llu max_depth=%zu exit=%d probes=%lu "
	       "mismatches=%lu invariant_checks=%lu invariant_violations=%lu\n",
	       (unsigned long long)st.steps, (unsigned long long)st.calls, (unsigned long long)st.returns,
	       (unsigned long long)st.signals, (unsigned long long)st.threads, st.max_depth, st.exit_status, c.probes,
	       c.bad, c.inv_checks, c.inv_bad);
	return c.bad || c.inv_bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "chain"))
		return argc > 4 ? chain_cmd(argc, argv) : 2;
	int pid = atoi(argv[2]);
	struct trustack_proc *p;
	struct trustack_proc_stats st;
	if (!strcmp(argv[1], "snap")) {
		if (snap(pid, &p, &st, 0))
			return 2;
		print(p, &st);
		trustack_proc__close(p);
		return 0;
	}
	if (!strcmp(argv[1], "loop")) {
		for (;;) {
			if (snap(pid, &p, &st, TRUSTACK_PROC_NO_MODULE_INFO))
				return 2;
			trustack_proc__close(p);
		}
	}
	if (!strcmp(argv[1], "intr")) {
		struct sigaction sa = { .sa_handler = on_int };
		sigaction(SIGINT, &sa, NULL);
		printf("ready\n");
		fflush(stdout);
		for (;;) {
			int rc = snap(pid, &p, &st, TRUSTACK_PROC_NO_MODULE_INFO);
			if (rc == -TRUSTACK_E_INTR || got_int) {
				if (!rc)
					trustack_proc__close(p);
				/* the target was resumed before the call returned: nothing may be stopped now */
				int n = stopped_threads(pid);
				printf("interrupted rc=%d stopped_threads=%d\n", -rc, n);
				return n ? 1 : 0;
			}
			if (rc)
				return 2;
			trustack_proc__close(p);
		}
	}
	if (!strcmp(argv[1], "churn")) {
		int n = argc > 3 ? atoi(argv[3]) : 100, skipped = 0;
		for (int i = 0; i < n; i++) {
			if (snap(pid, &p, &st, TRUSTACK_PROC_NO_MODULE_INFO))
				return 2;
			skipped += (int)trustack_proc__skipped_count(p);
			for (size_t k = 0; k < trustack_proc__skipped_count(p); k++)
				if (i < 3 || skipped < 5)
					printf("skipped %s\n", trustack_proc__skipped(p, k)->reason);
			trustack_proc__close(p);
		}
		printf("churn snapshots=%d skipped=%d\n", n, skipped);
		return 0;
	}
	return 2;
}
