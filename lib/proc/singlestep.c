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
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "arch/arch.h"
#include "proc/proc.h"
#include "proc/shadow.h"
#include "common/vec.h"

#if defined(__x86_64__)

/* What a step needs to know about an instruction. */
struct insn_class {
	uint64_t pc;   /* key; 0 = empty slot */
	uint8_t len;
	uint8_t call;
	uint8_t ret;
};

struct class_cache {
	struct insn_class *v;
	size_t mask, n;
};

struct thread {
	int tid;
	bool started;         /* has had its first stop */
	struct ts_shadow shadow;
	struct trustack_regs regs;
	/* the instruction stepped last */
	bool stepped;
	uint64_t prev_pc, prev_sp;
	struct insn_class prev;
	/* a signal handed to the thread at the last resume */
	int inject;
	uint64_t inject_sp;
};

struct tracer {
	int pid;
	const struct ts_arch *arch;
	struct ts_decoder *dec;
	struct class_cache cache;
	struct thread *th;
	size_t nth, capth;
	struct trustack_chain_entry *chain;
	size_t chain_cap;
	struct trustack_trace_stats st;
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
		size_t h = hash_pc(c->v[i].pc) & (ncap - 1);
		while (v[h].pc)
			h = (h + 1) & (ncap - 1);
		v[h] = c->v[i];
	}
	free(c->v);
	c->v = v, c->mask = ncap - 1;
	return 0;
}

/* Classify the instruction at pc (code is assumed not to change while the program runs). */
static int classify(struct tracer *t, uint64_t pc, struct insn_class *out)
{
	if (!t->cache.v || t->cache.n * 2 > t->cache.mask) {
		int rc = cache_grow(&t->cache);
		if (rc)
			return rc;
	}
	size_t h = hash_pc(pc) & t->cache.mask;
	while (t->cache.v[h].pc) {
		if (t->cache.v[h].pc == pc) {
			*out = t->cache.v[h];
			return 0;
		}
		h = (h + 1) & t->cache.mask;
	}
	uint8_t buf[16];
	ssize_t n = ts_vm_read(t->pid, pc, buf, sizeof(buf));
	if (n <= 0) { /* execute-only page: ptrace reads through it */
		for (int k = 0; k < 2; k++) {
			errno = 0;
			long w = ptrace(PTRACE_PEEKTEXT, t->pid, (void *)(uintptr_t)(pc + 8 * (unsigned)k), 0);
			if (errno)
				break;
			memcpy(buf + 8 * k, &w, 8);
			n = 8 * (k + 1);
		}
	}
	struct insn_class c = { .pc = pc };
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

static int get_regs(int tid, struct trustack_regs *r)
{
	struct user_regs_struct u;
	struct iovec iov = { &u, sizeof(u) };
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	ts_regs_from_user(&u, r);
	return 0;
}

/*
 * After a signal was handed to the thread: did the kernel build a handler frame? The frame
 * starts with the handler's return address (the restorer) at sp, then the ucontext, whose saved
 * rsp is the stack pointer the thread had when the signal came.
 */
static bool check_signal_frame(struct tracer *t, struct thread *th)
{
	uint64_t sp = th->regs.sp, ra;
	ucontext_t uc;
	if (sp >= th->inject_sp || ts_vm_read(t->pid, sp, &ra, 8) != 8 ||
	    ts_vm_read(t->pid, sp + 8, &uc, sizeof(uc)) != (ssize_t)sizeof(uc))
		return false;
	if ((uint64_t)uc.uc_mcontext.gregs[REG_RSP] != th->inject_sp)
		return false;
	uint64_t ipc = (uint64_t)uc.uc_mcontext.gregs[REG_RIP];
	uint64_t lo = 0, hi = 0, ss = (uint64_t)(uintptr_t)uc.uc_stack.ss_sp;
	bool on_alt = ss && sp >= ss && sp < ss + uc.uc_stack.ss_size;
	bool was_on_alt = ss && th->inject_sp >= ss && th->inject_sp < ss + uc.uc_stack.ss_size;
	if (on_alt && !was_on_alt)
		lo = ss, hi = ss + uc.uc_stack.ss_size;
	ts_shadow_adjust(&th->shadow, th->inject_sp); /* what the interrupted code had */
	if (ts_shadow_push_signal(&th->shadow, ra, sp, ipc, (uint64_t)uc.uc_mcontext.gregs[REG_RSP], lo, hi) == 0)
		t->st.signals++;
	return true;
}

static int report(struct tracer *t, struct thread *th, trustack_step_fn fn, void *ctx)
{
	if (TS_RESERVE(t->chain, th->shadow.n, t->chain_cap, 64))
		return -TRUSTACK_E_NOMEM;
	ts_shadow_chain(&th->shadow, t->chain);
	struct trustack_step_point pt = {
		.pid = t->pid,
		.tid = th->tid,
		.step = t->st.steps,
		.regs = &th->regs,
		.chain = t->chain,
		.depth = th->shadow.n,
		.read = read_mem,
		.read_ctx = &t->pid,
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
		if (th->prev.ret)
			t->st.returns++;
		if (th->prev.call && sp == th->prev_sp - 8) {
			uint64_t ra = th->prev_pc + th->prev.len, top;
			if (ts_vm_read(t->pid, sp, &top, 8) == 8 && top == ra) {
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
	int rc = classify(t, th->regs.pc, &th->prev);
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

/* The child: stop so the parent can set options, then exec; exec errors go back through
 * a close-on-exec pipe. */
static void child(char *const argv[], int errfd, bool quiet)
{
	setpgid(0, 0); /* the tracer waits for this process group only */
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
	execvp(argv[0], argv);
	int e = errno;
	if (write(errfd, &e, sizeof(e)) < 0) {
	}
	_exit(127);
}

static int trace_loop(struct tracer *t, const struct trustack_trace_opts *o, trustack_step_fn fn, void *ctx)
{
	uint64_t every = o->every ? o->every : 1;
	for (;;) {
		int st;
		pid_t tid = waitpid(-t->pid, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			return 0; /* no traced thread left */
		}
		struct thread *th = find_thread(t, tid, !WIFEXITED(st) && !WIFSIGNALED(st));
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (th)
				drop_thread(t, th);
			if (tid == t->pid) {
				t->st.exit_status = st;
				/* the other threads are gone with the process; reap what is left */
				while (waitpid(-t->pid, &st, __WALL) > 0) {
				}
				return 0;
			}
			continue;
		}
		if (!th)
			return fail(t, TRUSTACK_E_NOMEM, "%s", "out of memory");
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st), event = st >> 16;
		if (get_regs(tid, &th->regs) < 0)
			continue; /* killed meanwhile: its exit is reported next */
		if (!th->started) {
			/* a thread's first stop (auto-attached clone: SIGSTOP): nothing has run yet */
			th->started = true;
			if (resume(t, th, 0))
				return fail(t, TRUSTACK_E_SYS, "%s", "ptrace failed");
			continue;
		}
		if (event) {
			/* clone/exec events: the system call is still in progress, its step trap follows */
			if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0 && errno != ESRCH)
				return fail(t, TRUSTACK_E_SYS, "%s", "ptrace failed");
			continue;
		}
		if (sig != SIGTRAP) {
			/* a signal for the program: hand it over on the next step */
			if (th->inject)
				check_signal_frame(t, th); /* a second signal right after a first */
			if (resume(t, th, sig))
				return fail(t, TRUSTACK_E_SYS, "%s", "ptrace failed");
			continue;
		}
		int rc = after_step(t, th);
		if (rc)
			return fail(t, -rc, "%s", "out of memory");
		if (t->st.steps % every == 0 && th->stepped) {
			rc = report(t, th, fn, ctx);
			if (rc < 0)
				return fail(t, -rc, "%s", "out of memory");
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
			return fail(t, TRUSTACK_E_SYS, "%s", "ptrace failed");
	}
}

int trustack_trace__run(char *const argv[], const struct trustack_trace_opts *opts, trustack_step_fn on_step,
			void *ctx, struct trustack_trace_stats *stats, char *errbuf, size_t errlen)
{
	struct trustack_trace_opts o = { 0 };
	if (opts)
		memcpy(&o, opts, opts->sz && opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	struct tracer t = { .arch = &ts_arch_x86_64, .err = errbuf, .errlen = errlen };
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (!argv || !argv[0])
		return fail(&t, TRUSTACK_E_ARG, "%s", "no program to run");
	t.dec = t.arch->decoder_new();
	if (!t.dec)
		return fail(&t, TRUSTACK_E_NOMEM, "%s", "out of memory");
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		t.arch->decoder_free(t.dec);
		return fail(&t, TRUSTACK_E_SYS, "%s", "pipe failed");
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]), close(pfd[1]);
		t.arch->decoder_free(t.dec);
		return fail(&t, TRUSTACK_E_SYS, "%s", "fork failed");
	}
	if (pid == 0)
		child(argv, pfd[1], o.quiet);
	close(pfd[1]);
	setpgid(pid, pid); /* also from here, so waiting on the group cannot race the child */
	t.pid = pid;
	int rc = 0, st;
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
		rc = fail(&t, TRUSTACK_E_SYS, "%s", "the program did not start under ptrace");
		goto out;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0,
	       (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC));
	ptrace(PTRACE_CONT, pid, 0, 0);
	/* the exec event, or the child's exit when exec failed */
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st) || (st >> 16) != PTRACE_EVENT_EXEC) {
		int e = 0;
		if (read(pfd[0], &e, sizeof(e)) == sizeof(e))
			rc = fail(&t, TRUSTACK_E_NOTFOUND, "cannot execute %s", argv[0]);
		else
			rc = fail(&t, TRUSTACK_E_SYS, "%s", "the program did not reach exec");
		goto out;
	}
	struct thread *th = find_thread(&t, pid, true);
	if (!th) {
		rc = fail(&t, TRUSTACK_E_NOMEM, "%s", "out of memory");
		goto out;
	}
	th->started = true;
	if (get_regs(pid, &th->regs) < 0 || resume(&t, th, 0)) {
		rc = fail(&t, TRUSTACK_E_SYS, "%s", "ptrace failed");
		goto out;
	}
	rc = trace_loop(&t, &o, on_step, ctx);
	if (rc > 0)
		rc = 0;
out:
	close(pfd[0]);
	if (t.nth || rc) { /* stopped early: the program goes (its threads with it) */
		kill(pid, SIGKILL);
		int s2;
		while (waitpid(-pid, &s2, __WALL) > 0)
			if (s2 && (WIFEXITED(s2) || WIFSIGNALED(s2)))
				t.st.exit_status = t.st.exit_status ? t.st.exit_status : s2;
	}
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

#else
int trustack_trace__run(char *const argv[], const struct trustack_trace_opts *opts, trustack_step_fn on_step,
			void *ctx, struct trustack_trace_stats *stats, char *errbuf, size_t errlen)
{
	(void)argv, (void)opts, (void)on_step, (void)ctx, (void)stats;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "single-stepping is x86-64 only for now");
	return -TRUSTACK_E_UNSUPPORTED;
}
#endif
