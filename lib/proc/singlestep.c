/*
 * singlestep.c - trustack_trace__run: the ground truth for verify-unwind.
 *
 * The program runs under ptrace and every thread is single-stepped. Before each step the
 * instruction at pc is classified (call or not, from the decoder of lib/arch, cached by
 * address); after the step the thread's shadow stack (shadow.h) is updated from what actually
 * happened: a call pushed its return address exactly when the stack pointer went down by 8 and
 * the new top of stack holds pc + length; a signal frame was built exactly when, after we handed
 * a signal to the thread, the saved stack pointer in the frame the kernel wrote equals the stack
 * pointer the thread had. Nothing is inferred from symbols or unwind tables.
 *
 * Processes the program forks are traced too (their chain starts as the parent's: the child
 * returns into the same frames), and so are programs any of them executes (the chain starts
 * empty). A thread that is only ever interrupted by the next signal, never getting back to its
 * own code (a timer firing faster than a single-stepped handler returns), ends the run with an
 * error rather than running forever.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "common/err.h"
#include "common/opts.h"
#include "arch/arch.h"
#include "common/fileio.h"
#include "proc/emustep.h"
#include "proc/proc.h"
#include "proc/shadow.h"
#include "common/vec.h"


/* What a step needs to know about an instruction. */
struct insn_class {
	uint64_t pc;   /* key with space; 0 = empty slot */
	uint32_t space;
	uint8_t len;
	uint8_t call;
	uint8_t ret;
};

struct class_cache {
	struct insn_class *v;
	size_t mask, n;
};

/* A thread is starved (see note_signal) when it entered at least STARVED_SIGNALS signal frames
 * in a row, at most one instruction of its own code apart, for STARVED_NS: long enough for a
 * burst of queued signals to be handled, short enough to say so before anyone gives up. A
 * program that raises signals from its handlers enters them nested, not in a row at the top. */
#define STARVED_SIGNALS 8
#define STARVED_NS (10 * 1000000000ull)

struct thread {
	int tid;
	int tgid;             /* its process; 0 until known (see adopt) */
	uint32_t space;       /* its program image: the same in a forked child, new after exec */
	bool started;         /* has had its first stop */
	bool held;            /* first stop seen before the fork event that made it: wait for it */
	uint64_t fork_sp;     /* the parent's stack pointer at the fork (see start) */
	struct ts_shadow shadow;
	struct trustack_regs regs;
	/* the instruction stepped last */
	bool stepped;
	uint64_t prev_pc, prev_sp;
	struct insn_class prev;
	/* a signal handed to the thread at the last resume */
	int inject;
	uint64_t inject_sp;
	/* starvation: steps outside any handler since the last signal frame; frames in a row */
	uint64_t outside;
	unsigned starved;
	uint64_t starved_since; /* when the run of frames began (ns) */
};

struct tracer {
	int pid;              /* the program's first process */
	const struct ts_arch *arch;
	struct ts_decoder *dec;
	struct class_cache cache;
	struct thread *th;
	size_t nth, capth;
	struct trustack_chain_entry *chain;
	size_t chain_cap;
	struct trustack_trace_stats st;
	uint64_t generation;  /* bumped at every exec: the unwinder's modules are stale */
	uint32_t spaces;      /* program images so far (thread.space) */
	char *err;
	size_t errlen;
};

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	int pid = *(int *)ctx;
	return ts_vm_read(pid, addr, buf, len) == (ssize_t)len ? 0 : -TRUSTACK_E_IO;
}

static uint64_t hash_pc(uint64_t pc)
{
	return (pc * 0x9e3779b97f4a7c15ull) >> 20;
}

static int cache_grow(struct class_cache *c)
{
	size_t ncap = c->v ? (c->mask + 1) * 2 : 1u << 14;
	struct insn_class *v = calloc(ncap, sizeof(*v));
	if (!v)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 0; c->v && i <= c->mask; i++) {
		if (!c->v[i].pc)
			continue;
		size_t h = hash_pc(c->v[i].pc ^ c->v[i].space) & (ncap - 1);
		while (v[h].pc)
			h = (h + 1) & (ncap - 1);
		v[h] = c->v[i];
	}
	free(c->v);
	c->v = v, c->mask = ncap - 1;
	return 0;
}

/* Classify the instruction at pc in th's program image (code is assumed not to change while the
 * program runs; a program executed later has an image of its own). */
static int classify(struct tracer *t, const struct thread *th, uint64_t pc, struct insn_class *out)
{
	if (!t->cache.v || t->cache.n * 2 > t->cache.mask) {
		int rc = cache_grow(&t->cache);
		if (rc)
			return rc;
	}
	size_t h = hash_pc(pc ^ th->space) & t->cache.mask;
	while (t->cache.v[h].pc) {
		if (t->cache.v[h].pc == pc && t->cache.v[h].space == th->space) {
			*out = t->cache.v[h];
			return 0;
		}
		h = (h + 1) & t->cache.mask;
	}
	uint8_t buf[16];
	ssize_t n = ts_vm_read(th->tgid, pc, buf, sizeof(buf));
	if (n <= 0) { /* execute-only page: ptrace reads through it */
		for (int k = 0; k < 2; k++) {
			errno = 0;
			long w = ptrace(PTRACE_PEEKTEXT, th->tid, (void *)(uintptr_t)(pc + 8 * (unsigned)k), 0);
			if (errno)
				break;
			memcpy(buf + 8 * k, &w, 8);
			n = 8 * (k + 1);
		}
	}
	struct insn_class c = { .pc = pc, .space = th->space };
	struct ts_insn insn;
	if (n > 0 && t->arch->decode(t->dec, buf, (size_t)n, pc, &insn)) {
		c.len = insn.len;
		c.call = insn.flow == TS_FLOW_CALL || insn.flow == TS_FLOW_CALL_IND;
		c.ret = insn.flow == TS_FLOW_RET;
	}
	t->cache.v[h] = c;
	t->cache.n++;
	*out = c;
	return 0;
}

/* A number of /proc/TID/status ("Tgid", "PPid"); 0 when it cannot be read. */
static int read_status(int tid, const char *field)
{
	char fn[64], buf[1024];
	snprintf(fn, sizeof(fn), "/proc/%d/status", tid);
	if (!ts_proc_read_text(fn, buf, sizeof(buf)))
		return 0;
	char key[32];
	snprintf(key, sizeof(key), "\n%s:", field);
	const char *p = strstr(buf, key);
	return p ? atoi(p + strlen(key)) : 0;
}

/* Note: creating a thread may move the array; pointers to other threads are then stale. */
static struct thread *find_thread(struct tracer *t, int tid, bool create)
{
	for (size_t i = 0; i < t->nth; i++)
		if (t->th[i].tid == tid)
			return &t->th[i];
	if (!create)
		return NULL;
	if (TS_GROW(t->th, t->nth, t->capth, 16))
		return NULL;
	struct thread *th = &t->th[t->nth++];
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	t->st.threads++;
	return th;
}

static void drop_thread(struct tracer *t, struct thread *th)
{
	ts_shadow_free(&th->shadow);
	*th = t->th[--t->nth];
}

static int get_regs(const struct tracer *t, int tid, struct trustack_regs *r)
{
	return t->arch->host->ptrace_regs(tid, r);
}

/*
 * A signal frame is being entered. When the thread was in its own code (no handler on its chain)
 * and ran at most one instruction of it since the previous frame, it makes no progress: every
 * handler is followed at once by the next signal. Counted here, acted on in the loop.
 */
static void note_signal(struct thread *th)
{
	if (!ts_shadow_in_signal(&th->shadow) && th->outside <= 1) {
		if (!th->starved++)
			th->starved_since = ts_now_ns();
	} else {
		th->starved = 0;
	}
	th->outside = 0;
}

static bool is_starved(const struct thread *th)
{
	return th->starved >= STARVED_SIGNALS && ts_now_ns() - th->starved_since >= STARVED_NS;
}

/*
 * After a signal was handed to the thread: did the kernel build a handler frame? The frame
 * starts with the handler's return address (the restorer) at sp, then the ucontext, whose saved
 * rsp is the stack pointer the thread had when the signal came.
 */
static bool check_signal_frame(struct tracer *t, struct thread *th)
{
	uint64_t sp = th->regs.sp, ra = 0;
	ucontext_t uc;
	struct trustack_regs saved;
	if (sp >= th->inject_sp || ts_vm_read(th->tgid, sp, &ra, t->arch->ra_size) != t->arch->ra_size ||
	    ts_vm_read(th->tgid, sp + t->arch->host->sigframe_uc_off, &uc, sizeof(uc)) != (ssize_t)sizeof(uc))
		return false;
	t->arch->host->ucontext_regs(&uc, &saved);
	if (saved.sp != th->inject_sp)
		return false;
	uint64_t ipc = saved.pc;
	uint64_t lo = 0, hi = 0, ss = (uint64_t)(uintptr_t)uc.uc_stack.ss_sp;
	bool on_alt = ss && sp >= ss && sp < ss + uc.uc_stack.ss_size;
	bool was_on_alt = ss && th->inject_sp >= ss && th->inject_sp < ss + uc.uc_stack.ss_size;
	if (on_alt && !was_on_alt)
		lo = ss, hi = ss + uc.uc_stack.ss_size;
	ts_shadow_adjust(&th->shadow, th->inject_sp); /* what the interrupted code had */
	note_signal(th);
	if (ts_shadow_push_signal(&th->shadow, ra, sp, ipc, saved.sp, lo, hi) == 0)
		t->st.signals++;
	return true;
}

static int report(struct tracer *t, struct thread *th, trustack_step_fn fn, void *ctx)
{
	if (TS_RESERVE(t->chain, th->shadow.n, t->chain_cap, 64))
		return -TRUSTACK_E_NOMEM;
	ts_shadow_chain(&th->shadow, t->chain);
	struct trustack_step_point pt = {
		.pid = th->tgid,
		.tid = th->tid,
		.step = t->st.steps,
		.regs = &th->regs,
		.chain = t->chain,
		.depth = th->shadow.n,
		.read = read_mem,
		.read_ctx = &th->tgid,
		.generation = t->generation,
	};
	t->st.points++;
	t->st.depth_sum += th->shadow.n;
	return fn ? fn(&pt, ctx) : 0;
}

/* A completed step (SIGTRAP stop): update the chain from what happened. */
static int after_step(struct tracer *t, struct thread *th)
{
	if (th->inject) {
		/* a handler frame: the signal went in before any instruction ran; no frame (the
		 * signal was ignored): the instruction ran as a plain step */
		th->stepped = !check_signal_frame(t, th);
		th->inject = 0;
	}
	uint64_t sp = th->regs.sp;
	ts_shadow_adjust(&th->shadow, sp);
	if (th->stepped) {
		t->st.steps++;
		if (!ts_shadow_in_signal(&th->shadow))
			th->outside++;
		if (th->prev.ret)
			t->st.returns++;
		if (th->prev.call && sp == th->prev_sp - t->arch->ra_size) {
			uint64_t ra = th->prev_pc + th->prev.len, top = 0;
			if (ts_vm_read(th->tgid, sp, &top, t->arch->ra_size) == t->arch->ra_size && top == ra) {
				t->st.calls++;
				if (ts_shadow_push_call(&th->shadow, ra, sp))
					return -TRUSTACK_E_NOMEM;
			}
		}
	}
	if (th->shadow.n > t->st.max_depth)
		t->st.max_depth = th->shadow.n;
	return 0;
}

static int resume(struct tracer *t, struct thread *th, int sig)
{
	int rc = classify(t, th, th->regs.pc, &th->prev);
	if (rc)
		return rc;
	th->prev_pc = th->regs.pc, th->prev_sp = th->regs.sp;
	th->stepped = sig == 0;
	th->inject = sig;
	th->inject_sp = th->regs.sp;
	if (ptrace(PTRACE_SINGLESTEP, th->tid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		return -TRUSTACK_E_SYS;
	return 0;
}

static int fail(struct tracer *t, int code, const char *fmt, const char *arg)
{
	if (t->err && t->errlen)
		snprintf(t->err, t->errlen, fmt, arg);
	return -code;
}

static int starved(struct tracer *t, struct thread *th)
{
	if (t->err && t->errlen)
		snprintf(t->err, t->errlen,
			 "no progress: thread %d of process %d entered %u signal handlers in a row over %llu s "
			 "without running its own code in between (a signal, as from an interval timer, comes "
			 "faster than a single-stepped handler returns). Make the program's timer interval "
			 "longer for this run (e.g. setitimer/timer_create at 100 ms or more), or block the signal",
			 th->tid, th->tgid, th->starved,
			 (unsigned long long)((ts_now_ns() - th->starved_since) / 1000000000u));
	return -TRUSTACK_E_UNSUPPORTED;
}

/*
 * A forked child at its first stop. It has its parent's chain only if it runs on the parent's
 * stack where the parent was: fork() and vfork() do, posix_spawn's clone(CLONE_VM|CLONE_VFORK)
 * gives it a stack of its own, where it starts with an empty chain.
 */
static int start(struct tracer *t, struct thread *th)
{
	if (th->regs.sp != th->fork_sp)
		ts_shadow_free(&th->shadow);
	th->started = true;
	return resume(t, th, 0);
}

/*
 * A fork, vfork or clone event in thread th: the new task (its first stop may have come first,
 * then it was held) joins with its process and chain. Returns 0 or a negative TRUSTACK_E_*.
 */
static int adopt(struct tracer *t, int parent_tid, int event)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, parent_tid, 0, &msg) < 0 || !msg)
		return 0; /* the new task is already gone */
	struct thread *kid = find_thread(t, (int)msg, true);
	struct thread *parent = find_thread(t, parent_tid, false); /* after: the array may have moved */
	if (!kid || !parent)
		return -TRUSTACK_E_NOMEM;
	if (kid->started)
		return 0; /* already running on its own (see task_gone) */
	bool new_process = event != PTRACE_EVENT_CLONE;
	kid->tgid = new_process ? kid->tid : read_status(kid->tid, "Tgid");
	if (!kid->tgid)
		kid->tgid = parent->tgid;
	kid->space = parent->space;
	new_process |= kid->tgid != parent->tgid;
	if (new_process)
		t->st.processes++;
	/* a forked child returns into its parent's frames (a clone'd one starts on a new stack) */
	kid->fork_sp = parent->regs.sp;
	if (event != PTRACE_EVENT_CLONE && ts_shadow_copy(&kid->shadow, &parent->shadow))
		return -TRUSTACK_E_NOMEM;
	if (kid->held) {
		kid->held = false;
		return start(t, kid);
	}
	return 0;
}

/* An exec event: the thread runs a new program (whose first instruction is next). Other threads
 * of the process are gone; one that exec'd under another tid now has the leader's. */
static void exec_done(struct tracer *t, int tid)
{
	unsigned long former = 0;
	if (!ptrace(PTRACE_GETEVENTMSG, tid, 0, &former) && (int)former != tid) {
		struct thread *old = find_thread(t, (int)former, false);
		if (old)
			drop_thread(t, old); /* moves the last entry */
	}
	struct thread *th = find_thread(t, tid, false);
	if (th) {
		ts_shadow_free(&th->shadow);
		th->space = ++t->spaces;
	}
	t->generation++;
	t->st.execs++;
}

/* The child: stop so the parent can set options, then exec; exec errors go back through
 * a close-on-exec pipe. */
static void child(const char *path, char *const argv[], int errfd, bool quiet)
{
	setpgid(0, 0); /* a group of its own: a terminal's signals to us are not also its */
	if (quiet) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(126);
	raise(SIGSTOP);
	execv(path, argv); /* never execvp: it hands a file the kernel cannot run to /bin/sh */
	int e = errno;
	if (write(errfd, &e, sizeof(e)) < 0) {
	}
	_exit(127);
}

/* A stop that is not a step's trap: a task's first stop, a ptrace event, a signal for the
 * program. Returns 0 or a negative TRUSTACK_E_*. */
static int other_stop(struct tracer *t, struct thread *th, int sig, int event)
{
	if (!th->started) {
		/* a task's first stop (auto-attached: SIGSTOP): nothing has run yet. One whose
		 * fork/clone event has not come yet waits for it (its process and chain) */
		if (!th->tgid) {
			th->held = true;
			return 0;
		}
		return start(t, th);
	}
	if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
		int tid = th->tid, rc = adopt(t, tid, event);
		if (rc)
			return rc;
		th = find_thread(t, tid, false); /* adopt may have moved the array */
	} else if (event == PTRACE_EVENT_EXEC) {
		int tid = th->tid;
		exec_done(t, tid);
		th = find_thread(t, tid, false);
	}
	if (event) {
		/* the system call is still in progress, its step trap follows */
		if (th && ptrace(PTRACE_SINGLESTEP, th->tid, 0, 0) < 0 && errno != ESRCH)
			return -TRUSTACK_E_SYS;
		return 0;
	}
	/* a signal for the program: hand it over on the next step */
	if (th->inject)
		check_signal_frame(t, th); /* a second signal right after a first */
	return resume(t, th, sig);
}

/* A task exited or was killed. A held child whose parent is no longer one of ours (killed
 * before its fork event was reported) would wait for that event forever: it starts now, as a
 * process of its own with an empty chain. */
static int task_gone(struct tracer *t, int tid, int status)
{
	struct thread *th = find_thread(t, tid, false);
	if (th)
		drop_thread(t, th);
	if (tid == t->pid)
		t->st.exit_status = status; /* the program's own status; its children may run on */
	for (size_t i = 0; i < t->nth; i++) {
		struct thread *h = &t->th[i];
		if (!h->held)
			continue;
		int ppid = read_status(h->tid, "PPid");
		bool ours = false;
		for (size_t k = 0; k < t->nth && !ours; k++)
			ours = t->th[k].tgid && t->th[k].tgid == ppid;
		if (ours)
			continue;
		h->held = false;
		h->tgid = read_status(h->tid, "Tgid");
		h->tgid = h->tgid ? h->tgid : h->tid;
		h->space = ++t->spaces; /* its code is not known to be its parent's */
		h->fork_sp = ~0ull;
		t->st.processes++;
		int rc = start(t, h);
		if (rc)
			return rc;
	}
	return 0;
}

static int trace_loop(struct tracer *t, const struct trustack_trace_opts *o, trustack_step_fn fn, void *ctx)
{
	uint64_t every = o->every ? o->every : 1;
	for (;;) {
		int st;
		/* any tracee: forked children may leave the program's process group */
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* no traced task left */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			int rc = task_gone(t, tid, st);
			if (rc)
				return fail(t, -rc, "%s", rc == -TRUSTACK_E_NOMEM ? "out of memory" : "ptrace failed");
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		struct thread *th = find_thread(t, tid, true);
		if (!th)
			return fail(t, TRUSTACK_E_NOMEM, "%s", "out of memory");
		int sig = WSTOPSIG(st), event = st >> 16;
		if (get_regs(t, tid, &th->regs) < 0)
			continue; /* killed meanwhile: its exit is reported next */
		if (!th->started || event || sig != SIGTRAP) {
			int rc = other_stop(t, th, sig, event);
			if (rc)
				return fail(t, -rc, "%s", rc == -TRUSTACK_E_NOMEM ? "out of memory" : "ptrace failed");
			th = find_thread(t, tid, false);
			if (th && th->starved && is_starved(th))
				return starved(t, th);
			continue;
		}
		int rc = after_step(t, th);
		if (rc)
			return fail(t, -rc, "%s", "out of memory");
		if (th->starved && th->inject == 0 && is_starved(th))
			return starved(t, th);
		if (t->st.steps % every == 0 && th->stepped) {
			rc = report(t, th, fn, ctx);
			if (rc < 0)
				return ts_fail(t->err, t->errlen, -rc, "%s", "out of memory");
			if (rc) {
				t->st.limited = true;
				return 1;
			}
		}
		if (o->max_steps && t->st.steps >= o->max_steps) {
			t->st.limited = true;
			return 1;
		}
		if (resume(t, th, 0))
			return ts_fail(t->err, t->errlen, TRUSTACK_E_SYS, "%s", "ptrace failed");
	}
}

/* Kill every process still traced (the program's, its children's) and reap them all: nothing
 * is left stopped or traced. */
static void kill_all(struct tracer *t)
{
	kill(t->pid, SIGKILL);
	for (size_t i = 0; i < t->nth; i++)
		kill(t->th[i].tgid ? t->th[i].tgid : t->th[i].tid, SIGKILL);
	int s2;
	pid_t w;
	while ((w = waitpid(-1, &s2, __WALL)) > 0 || (w < 0 && errno == EINTR))
		if (w == t->pid && !t->st.exit_status)
			t->st.exit_status = s2;
}

/* The first regular executable file name in a directory of $PATH, malloc'd; NULL if none. */
char *ts_path_search(const char *name)
{
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin"; /* execvp's default, less its "." */
	for (const char *d = dirs;;) {
		const char *end = strchr(d, ':');
		size_t dl = end ? (size_t)(end - d) : strlen(d);
		char *cand;
		/* an empty entry is the current directory */
		if (asprintf(&cand, "%.*s%s%s", (int)dl, d, dl ? "/" : "", name) < 0)
			return NULL;
		struct stat st;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK))
			return cand;
		free(cand);
		if (!end)
			return NULL;
		d = end + 1;
	}
}

/*
 * The file argv0 names, as execvp would find it (PATH when it has no '/'), checked before
 * anything runs: a regular executable file, and an ELF file for our machine or a #! script.
 * Anything else fails now with a message (execvp would hand a file the kernel refuses to
 * /bin/sh, which we would then single-step).
 */
static int find_program(struct tracer *t, const char *argv0, char **out, const struct ts_arch **guest)
{
	*guest = NULL;
	char *path = strchr(argv0, '/') ? strdup(argv0) : ts_path_search(argv0);
	if (!path && !strchr(argv0, '/'))
		return fail(t, TRUSTACK_E_NOTFOUND, "cannot execute %s: not found in PATH", argv0);
	if (!path)
		return fail(t, TRUSTACK_E_NOMEM, "%s", "out of memory");
	char why[160], msg[600];
	unsigned char h[64];
	int fd = ts_open_input(path, NULL, why, sizeof(why));
	int rc = 0;
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "cannot execute %s: %s", path, why);
		rc = fd == -TRUSTACK_E_NOTFOUND ? fd : -TRUSTACK_E_NOTFOUND;
	} else {
		ssize_t n = pread(fd, h, sizeof(h), 0);
		close(fd);
		if (access(path, X_OK)) {
			snprintf(msg, sizeof(msg), "cannot execute %s: %s", path, strerror(errno));
			rc = -TRUSTACK_E_NOTFOUND;
		} else if (n >= 2 && h[0] == '#' && h[1] == '!') {
			rc = 0; /* the kernel runs its interpreter, which we trace */
		} else if (n < (ssize_t)sizeof(Elf64_Ehdr) || memcmp(h, ELFMAG, SELFMAG)) {
			snprintf(msg, sizeof(msg), "cannot execute %s: neither an ELF executable nor a #! script", path);
			rc = -TRUSTACK_E_FORMAT;
		} else {
			const unsigned char *m = h + offsetof(Elf64_Ehdr, e_machine); /* in the file's order */
			unsigned machine = h[EI_DATA] == ELFDATA2MSB ? (unsigned)m[0] << 8 | m[1] : (unsigned)m[1] << 8 | m[0];
			unsigned char data = t->arch->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
			const struct ts_arch *pa = ts_arch_for_machine((uint16_t)machine);
			bool foreign = h[EI_CLASS] != ELFCLASS64 || h[EI_DATA] != data || machine != t->arch->e_machine;
			if (foreign && pa && pa->uw && pa->emu && pa->decode && h[EI_CLASS] == ELFCLASS64 &&
			    h[EI_DATA] == (pa->big_endian ? ELFDATA2MSB : ELFDATA2LSB)) {
				*guest = pa; /* runs under QEMU's user mode, stepped through its gdbstub */
			} else if (foreign) {
				/* a machine we have no emulator for: say so rather than only "no" */
				snprintf(msg, sizeof(msg),
					 "cannot single-step %s: an ELF file for %s (machine %u, %d-bit); verify-unwind runs %s "
					 "programs%s",
					 path, pa ? pa->name : "another machine", machine, h[EI_CLASS] == ELFCLASS64 ? 64 : 32,
					 t->arch->name,
					 pa && pa->uw ? "; ptrace does not reach a program under QEMU's user mode, and "
							"single-stepping one through its gdbstub is not built for it yet "
							"(docs/unwind.md, \"arm64\")"
						      : "");
				rc = -TRUSTACK_E_UNSUPPORTED;
			}
		}
	}
	if (rc) {
		free(path);
		return fail(t, -rc, "%s", msg);
	}
	*out = path;
	return 0;
}

int trustack_trace__run(char *const argv[], const struct trustack_trace_opts *opts, trustack_step_fn on_step,
			void *ctx, struct trustack_trace_stats *stats, char *errbuf, size_t errlen)
{
	struct trustack_trace_opts o;
	int optrc = TS_OPTS_LOAD(o, opts); /* opts NULL: the defaults */
	struct tracer t = { .arch = ts_arch_native(), .err = errbuf, .errlen = errlen };
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (optrc)
		return ts_fail(t.err, t.errlen, TRUSTACK_E_ARG, "%s", "bad options (sz)");
	/* the ground truth is the return address a call pushes: machines with a link register
	 * need another (the callee's save of it) */
	if (!t.arch || !t.arch->host || !t.arch->decode || t.arch->call_ra != TS_CALL_PUSHES_RA)
		return ts_fail(t.err, t.errlen, TRUSTACK_E_UNSUPPORTED, "%s", "single-stepping is not supported on this machine yet");
	if (!argv || !argv[0])
		return fail(&t, TRUSTACK_E_ARG, "%s", "no program to run");
	char *path = NULL;
	const struct ts_arch *guest;
	int rc = find_program(&t, argv[0], &path, &guest);
	if (rc)
		return rc;
	if (guest) {
		struct trustack_trace_stats st = { 0 };
		rc = ts_emu_trace_run(guest, path, argv, &o, on_step, ctx, &st, errbuf, errlen);
		free(path);
		if (stats)
			*stats = st;
		return rc;
	}
	t.dec = t.arch->decoder_new();
	if (!t.dec) {
		free(path);
		return fail(&t, TRUSTACK_E_NOMEM, "%s", "out of memory");
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		free(path);
		t.arch->decoder_free(t.dec);
		return ts_fail(t.err, t.errlen, TRUSTACK_E_SYS, "%s", "pipe failed");
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]), close(pfd[1]);
		free(path);
		t.arch->decoder_free(t.dec);
		return ts_fail(t.err, t.errlen, TRUSTACK_E_SYS, "%s", "fork failed");
	}
	if (pid == 0)
		child(path, argv, pfd[1], o.quiet);
	close(pfd[1]);
	setpgid(pid, pid); /* also from here, so waiting on the group cannot race the child */
	t.pid = pid;
	t.st.processes = 1;
	int st;
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
		rc = ts_fail(t.err, t.errlen, TRUSTACK_E_SYS, "%s", "the program did not start under ptrace");
		goto out;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0,
	       (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			      PTRACE_O_TRACEEXEC));
	ptrace(PTRACE_CONT, pid, 0, 0);
	/* the exec event, or the child's exit when exec failed */
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st) || (st >> 16) != PTRACE_EVENT_EXEC) {
		int e = 0;
		if (read(pfd[0], &e, sizeof(e)) == sizeof(e))
			rc = fail(&t, TRUSTACK_E_NOTFOUND, "cannot execute %s", path);
		else
			rc = ts_fail(t.err, t.errlen, TRUSTACK_E_SYS, "%s", "the program did not reach exec");
		goto out;
	}
	struct thread *th = find_thread(&t, pid, true);
	if (!th) {
		rc = ts_fail(t.err, t.errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
		goto out;
	}
	th->started = true;
	th->tgid = pid;
	th->space = t.spaces = 1;
	if (get_regs(&t, pid, &th->regs) < 0 || resume(&t, th, 0)) {
		rc = ts_fail(t.err, t.errlen, TRUSTACK_E_SYS, "%s", "ptrace failed");
		goto out;
	}
	rc = trace_loop(&t, &o, on_step, ctx);
	if (rc > 0)
		rc = 0;
out:
	close(pfd[0]);
	free(path);
	if (t.nth || rc) /* stopped early: the program goes, its threads and children with it */
		kill_all(&t);
	for (size_t i = 0; i < t.nth; i++)
		ts_shadow_free(&t.th[i].shadow);
	free(t.th);
	free(t.chain);
	free(t.cache.v);
	t.arch->decoder_free(t.dec);
	if (stats)
		*stats = t.st;
	return rc;
}
