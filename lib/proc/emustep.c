/*
 * emustep.c - the ground truth for a program of another machine (an arm64 program on x86-64):
 * it runs under QEMU's user mode (`qemu-aarch64 -g SOCKET`), and is single-stepped through
 * QEMU's gdbstub (gdbstub.h), reading every register after each step (`g`).
 *
 * The chain, for machines whose calls leave the return address in a link register: a call
 * instruction (from lib/arch's decoder) that ran, leaving pc + its length in the link register,
 * pushes that return address with the stack pointer of the call as its slot. Entries whose slot
 * the stack pointer has risen above are gone (a return from a frame, longjmp, an exception); a
 * return instruction leaving at the stack pointer of the call ends the entries there, up to the
 * one it returned to (a callee without a frame returns with the sp of its call). A signal: the
 * stub stops before the signal is delivered; it is handed over with the next step, after which
 * the handler has run its first instruction: the frame QEMU built is found at or above the
 * handler's sp by the interrupted sp and pc it holds. The handler's return to the trampoline
 * consumes the signal entry's return address, the interrupted pc stays until sigreturn.
 *
 * The program's memory: QEMU's user mode on a 64-bit host maps the guest at its own addresses
 * (guest base 0); this is checked at the first stop (the stub's bytes at pc against the
 * emulator process' own), so that the unwinder reads the stack with process_vm_readv and the
 * modules from the emulator's /proc/PID/maps. point.read reads through the stub (`m`), for a
 * caller that wants the stub's view.
 *
 * Never a hang, nothing left behind: every wait on the stub has a deadline (a silent stub is an
 * error naming the emulator); the emulator is killed and reaped on every path out, and dies with
 * us (PR_SET_PDEATHSIG); its socket is unlinked as soon as we are connected. SIGINT, SIGTERM
 * and SIGHUP are held during the run and read from a signalfd that ends every wait: the run is
 * cleaned up, then the signal takes its previous action.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/vec.h"
#include "proc/emustep.h"
#include "proc/gdbstub.h"
#include "proc/proc.h"
#include "proc/shadow.h"

#define GDB_SIGTRAP 5
#define STARVED_SIGNALS 8
#define STARVED_NS (10 * 1000000000ull)
#define SIGFRAME_SCAN 16384 /* bytes above the handler's sp searched for QEMU's signal frame */
#define STUB_TIMEOUT_MS 30000 /* the stub's silence that ends the run (trustack_trace_opts) */
#define CONNECT_MS 20000      /* how long the emulator may take to listen on its socket */
#define MAX_EXTRA 16          /* registers read with `p` besides the `g` reply (ts_arch_emu.nextra) */

enum {
	INSN_OTHER,
	INSN_CALL,
	INSN_RET,
	INSN_RET_COND, /* a return under a condition (s390x `ber %r14`): taken when pc is not the next */
	INSN_JUMP_IND, /* through another register: a return when it lands on the return address */
	INSN_SEQ,      /* falls through to the next instruction */
};

struct ethread {
	long tid;
	char tid_text[40];   /* as the stub names it (thread:...), for vCont */
	struct ts_shadow shadow;
	bool have_prev;
	uint64_t prev_pc, prev_sp;
	uint8_t prev_kind, prev_len; /* the stepped instruction's kind and length (0: not decoded) */
	int inject;          /* the stub's number of a signal handed over with the last step */
	uint64_t inject_sp, inject_pc;
	uint64_t outside;
	bool extra_stale;    /* an instruction that may write an extra register ran since they were read */
	uint64_t extra[MAX_EXTRA];
	unsigned starved;
	uint64_t starved_since;
};

struct emu {
	const struct ts_arch *arch;
	const struct ts_arch_emu *em;
	struct ts_decoder *dec;
	struct ts_gdb *gdb;
	unsigned stub_timeout_ms;
	pid_t qpid;
	struct ethread *th;
	size_t nth, capth;
	struct trustack_regs regs;
	uint8_t *gbuf;
	struct trustack_chain_entry *chain;
	size_t chain_cap;
	struct trustack_trace_stats *st;
	unsigned nextra;     /* extra registers read at points (0: none, or the stub does not give them) */
	/* point.read through the stub: blocks read at this step */
	struct {
		uint64_t key; /* block address + 1; 0: empty */
		uint64_t step;
		uint8_t b[512];
	} rcache[16];
	char unit_reply[256]; /* the stop reply of a sequence run as one unit (run_unit) */
	char *err;
	size_t errlen;
};

/* GDB's signal numbers (the stub's) as this host's, for the exit status */
static int host_signal(int gdb)
{
	static const int map[] = { [1] = SIGHUP, [2] = SIGINT, [3] = SIGQUIT, [4] = SIGILL, [5] = SIGTRAP,
				   [6] = SIGABRT, [8] = SIGFPE, [9] = SIGKILL, [10] = SIGBUS, [11] = SIGSEGV,
				   [12] = SIGSYS, [13] = SIGPIPE, [14] = SIGALRM, [15] = SIGTERM, [16] = SIGURG,
				   [17] = SIGSTOP, [18] = SIGTSTP, [19] = SIGCONT, [20] = SIGCHLD, [21] = SIGTTIN,
				   [22] = SIGTTOU, [23] = SIGIO, [24] = SIGXCPU, [25] = SIGXFSZ, [26] = SIGVTALRM,
				   [27] = SIGPROF, [28] = SIGWINCH, [30] = SIGUSR1, [31] = SIGUSR2, [32] = SIGPWR };
	return gdb > 0 && gdb < (int)(sizeof(map) / sizeof(map[0])) && map[gdb] ? map[gdb] : SIGKILL;
}

static uint64_t word_at(const uint8_t *p, bool big)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[big ? i : 7 - i];
	return v;
}

/* An exchange with the stub failed (rc < 0) while doing what: the error, in words the user can
 * act on. */
static int stub_failed(struct emu *e, int rc, const char *doing)
{
	if (rc == -TRUSTACK_E_INTR)
		return ts_fail(e->err, e->errlen, TRUSTACK_E_INTR, "interrupted by a signal while %s; %s (pid %d) was killed",
			       doing, e->em->qemu, (int)e->qpid);
	if (rc == -TRUSTACK_E_NOMEM)
		return ts_fail(e->err, e->errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	if (e->gdb && ts_gdb_timed_out(e->gdb))
		return ts_fail(e->err, e->errlen, TRUSTACK_E_IO,
			       "%s (pid %d) did not answer through its gdbstub for %.1f s while %s: the emulator hangs, or "
			       "the program waits that long in a system call (--stub-timeout raises the bound); it was killed",
			       e->em->qemu, (int)e->qpid, e->stub_timeout_ms / 1000.0, doing);
	return ts_fail(e->err, e->errlen, TRUSTACK_E_IO, "%s's gdbstub stopped answering while %s (the emulator died?)",
		       e->em->qemu, doing);
}

static int stub_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct emu *e = ctx;
	uint8_t *out = buf;
	while (len) {
		uint64_t blk = addr & ~(uint64_t)511, off = addr - blk;
		size_t slot = (blk >> 9) % 16, take = 512 - off < len ? 512 - off : len;
		if (e->rcache[slot].key != blk + 1 || e->rcache[slot].step != e->st->steps) {
			if (ts_gdb_read(e->gdb, blk, e->rcache[slot].b, 512)) {
				e->rcache[slot].key = 0;
				/* the block's end may be unmapped: the bytes asked for alone */
				return ts_gdb_read(e->gdb, addr, out, len) ? -TRUSTACK_E_IO : 0;
			}
			e->rcache[slot].key = blk + 1, e->rcache[slot].step = e->st->steps;
		}
		memcpy(out, e->rcache[slot].b + off, take);
		out += take, addr += take, len -= take;
	}
	return 0;
}

static struct ethread *find_thread(struct emu *e, long tid)
{
	for (size_t i = 0; i < e->nth; i++)
		if (e->th[i].tid == tid)
			return &e->th[i];
	if (TS_GROW(e->th, e->nth, e->capth, 4))
		return NULL;
	struct ethread *th = &e->th[e->nth++];
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	th->extra_stale = true;
	e->st->threads++;
	return th;
}

/* The instruction at pc (its bytes: buf, n of them; n <= 0: unreadable): its kind, its length
 * into *len (calls of several lengths: s390x); whether it may write an extra register is added
 * to th's extra_stale */
static uint8_t classify_code(struct emu *e, struct ethread *th, const uint8_t *buf, ssize_t n, uint64_t pc,
			     uint8_t *len)
{
	struct ts_insn insn;
	*len = 0;
	if (e->nextra && (n <= 0 || e->em->extra_written(buf, (size_t)n)))
		th->extra_stale = true;
	if (n <= 0 || !e->arch->decode(e->dec, buf, (size_t)n, pc, &insn))
		return INSN_OTHER;
	*len = insn.len;
	if (insn.flow == TS_FLOW_CALL || insn.flow == TS_FLOW_CALL_IND)
		return INSN_CALL;
	/* a jump to the address in the link register is a return (glibc's __longjmp ends so) */
	if (insn.flow == TS_FLOW_RET || (insn.flow == TS_FLOW_JUMP_IND && insn.treg == e->em->ra_reg))
		return INSN_RET;
	if (insn.flow == TS_FLOW_RET_COND)
		return INSN_RET_COND;
	if (insn.flow == TS_FLOW_JUMP_IND)
		return INSN_JUMP_IND;
	return insn.flow == TS_FLOW_NEXT ? INSN_SEQ : INSN_OTHER;
}

static uint8_t classify(struct emu *e, struct ethread *th, uint64_t pc, uint8_t *len)
{
	uint8_t buf[16];
	return classify_code(e, th, buf, ts_vm_read(e->qpid, pc, buf, sizeof(buf)), pc, len);
}

/* A return at sp to pc: entries whose call had this sp end, up to the one returned to. A
 * signal entry there whose return address it is: the handler returned into the trampoline
 * (its slot is moved just below sp: the address is consumed, the entry lives until
 * sigreturn, see ts_shadow_adjust). */
static void returned(struct ts_shadow *s, uint64_t pc, uint64_t sp)
{
	while (s->n && s->v[s->n - 1].e.slot == sp) {
		struct ts_shadow_entry *top = &s->v[s->n - 1];
		if (top->e.kind == TRUSTACK_CHAIN_SIGNAL) {
			if (top->e.ra == pc)
				top->e.slot = sp - 1;
			return;
		}
		s->n--;
		if (top->e.ra == pc)
			return;
	}
}

static void note_signal(struct ethread *th)
{
	if (!ts_shadow_in_signal(&th->shadow) && th->outside <= 1) {
		if (!th->starved++)
			th->starved_since = ts_now_ns();
	} else {
		th->starved = 0;
	}
	th->outside = 0;
}

/*
 * After a step that handed a signal over: did QEMU build a handler frame? It is at or above
 * the handler's sp (the handler has run one instruction, which may have lowered sp) and holds
 * the interrupted sp and pc.
 */
static bool signal_frame(struct emu *e, struct ethread *th)
{
	const struct ts_arch_emu *em = e->em;
	/* the bytes a frame at the scan's last offset is read at */
	uint32_t tail = em->sig_stack_off + 24;
	const uint32_t offs[] = { em->sig_sp_off, em->sig_pc_off, em->sig2_sp_off, em->sig2_pc_off };
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		tail = offs[i] + 8 > tail ? offs[i] + 8 : tail;
	uint8_t *buf = malloc(SIGFRAME_SCAN + tail);
	if (!buf)
		return false;
	uint64_t sp = e->regs.sp;
	ssize_t n = ts_vm_read(e->qpid, sp, buf, SIGFRAME_SCAN + tail);
	bool big = e->arch->big_endian;
	/* The highest match, below the interrupted sp if one is: the saved registers hold other
	 * pairs that may equal (sp, pc), always below the real ones (a frame record at sp and x30
	 * = pc right after a return: x29, x30 just below sp, pc in the frame; found by the
	 * sigreturn workload: the frame taken 16 bytes low, its signal entry lost) */
	uint64_t frame = 0;
	bool first = false; /* the frame is the first layout's (which has uc_stack) */
	for (size_t off = 0; n > 0 && off + tail <= (size_t)n; off += em->sig_align) {
		const uint8_t *f = buf + off;
		bool m1 = word_at(f + em->sig_sp_off, big) == th->inject_sp && word_at(f + em->sig_pc_off, big) == th->inject_pc;
		bool m2 = !m1 && em->sig2_pc_off && word_at(f + em->sig2_sp_off, big) == th->inject_sp &&
			  word_at(f + em->sig2_pc_off, big) == th->inject_pc;
		if ((m1 || m2) && (!frame || frame >= th->inject_sp || sp + off < th->inject_sp)) {
			frame = sp + off;
			first = m1;
		}
	}
	uint64_t ss = 0, ss_size = 0;
	if (frame && first) {
		ss = word_at(buf + (frame - sp) + em->sig_stack_off, big);
		ss_size = word_at(buf + (frame - sp) + em->sig_stack_off + 16, big);
	}
	free(buf);
	if (!frame)
		return false;
	uint64_t lo = 0, hi = 0;
	bool on_alt = ss && frame >= ss && frame < ss + ss_size;
	bool was_on_alt = ss && th->inject_sp >= ss && th->inject_sp < ss + ss_size;
	if (on_alt && !was_on_alt)
		lo = ss, hi = ss + ss_size;
	/* the handler returns to the trampoline through the link register, as QEMU set it (its
	 * first instruction may have signed it) */
	uint64_t ra = e->regs.r[em->ra_reg] & ~em->pac_mask;
	ts_shadow_adjust(&th->shadow, th->inject_sp);
	note_signal(th);
	if (ts_shadow_push_signal(&th->shadow, ra, frame, th->inject_pc, th->inject_sp, lo, hi) == 0)
		e->st->signals++;
	return true;
}

/*
 * Did this step (to pc) leave the restorer, the handler having returned into it (its signal
 * entry on top, the return address consumed: slot below the sp the step began with)? Any step
 * from there that does not go on to the next instruction is sigreturn. The entry ends, whatever
 * sp the interrupted code has come to: QEMU's step over the `svc` also runs the interrupted
 * instruction, which may have pushed below the interrupted sp (found by verify-unwind: a signal
 * at `str x30, [sp, #-16]!` left a stale entry, 10 false-reliable traces in chain_prog). The
 * interrupted pc and sp into *ipc, *isp.
 */
static bool left_restorer(struct emu *e, struct ethread *th, uint64_t pc, uint64_t *ipc, uint64_t *isp)
{
	struct ts_shadow *s = &th->shadow;
	if (!s->n)
		return false;
	const struct ts_shadow_entry *top = &s->v[s->n - 1];
	if (top->e.kind != TRUSTACK_CHAIN_SIGNAL || top->e.slot >= th->prev_sp || pc == th->prev_pc + e->em->call_len)
		return false;
	*ipc = top->e.ipc, *isp = top->isp;
	s->n--;
	return true;
}

/* A completed step of th (registers in e->regs): the chain follows what happened. */
static int after_step(struct emu *e, struct ethread *th)
{
	bool stepped = true;
	if (th->inject) {
		stepped = !signal_frame(e, th);
		th->inject = 0;
	}
	uint64_t sp = e->regs.sp, pc = e->regs.pc, ipc = 0, isp = 0;
	bool sigreturn = stepped && left_restorer(e, th, pc, &ipc, &isp);
	ts_shadow_adjust(&th->shadow, sp);
	if (stepped) {
		e->st->steps++;
		if (!ts_shadow_in_signal(&th->shadow))
			th->outside++;
		uint64_t at = th->prev_pc, before_sp = th->prev_sp;
		uint8_t kind = th->prev_kind, len = th->prev_len;
		if (sigreturn) {
			/* the interrupted instruction, if it ran in this step too, is the step's */
			kind = pc == ipc ? INSN_OTHER : classify(e, th, ipc, &len);
			at = ipc, before_sp = isp;
		} else if (kind == INSN_SEQ && pc != at + len) {
			/* QEMU's step over a system call runs the instruction after it too (the
			 * call ends its translation block with an exception, not the step's
			 * trap): that one is the step's (`svc; ret` in getpid) */
			at += len;
			kind = classify(e, th, at, &len);
		}
		if (kind == INSN_RET_COND && pc != at + len)
			kind = INSN_RET;
		/* a jump to the innermost return address at its call's sp returns, whatever register
		 * holds it (s390x crti's _init: `lg %r4,272(%r15); lmg ...; br %r4`) */
		const struct ts_shadow_entry *top = th->shadow.n ? &th->shadow.v[th->shadow.n - 1] : NULL;
		if (kind == INSN_JUMP_IND && top && top->e.kind != TRUSTACK_CHAIN_SIGNAL && top->e.slot == sp &&
		    top->e.ra == pc)
			kind = INSN_RET;
		if (kind == INSN_RET) {
			e->st->returns++;
			returned(&th->shadow, pc, sp);
		}
		uint64_t ra = at + len;
		if (kind == INSN_CALL && len && e->regs.r[e->em->ra_reg] == ra && sp == before_sp) {
			e->st->calls++;
			if (ts_shadow_push_call(&th->shadow, ra, sp))
				return -TRUSTACK_E_NOMEM;
		}
	}
	if (th->shadow.n > e->st->max_depth)
		e->st->max_depth = th->shadow.n;
	return stepped ? 1 : 0;
}

/* The extra registers (ts_arch_emu.nextra) into e->regs, read again if an instruction may have
 * changed them. A stub that does not give one: they are left out from then on (the unwinder
 * then says lost-register where it needs one, never guesses). */
static void extra_regs(struct emu *e, struct ethread *th)
{
	const struct ts_arch_emu *em = e->em;
	for (unsigned i = 0; th->extra_stale && i < e->nextra; i++) {
		uint8_t b[8];
		if (ts_gdb_reg(e->gdb, em->extra_p[i], b, sizeof(b))) {
			e->nextra = 0;
			return;
		}
		th->extra[i] = word_at(b, e->arch->big_endian);
	}
	th->extra_stale = false;
	for (unsigned i = 0; i < e->nextra; i++) {
		e->regs.r[em->extra_dwarf[i]] = th->extra[i];
		if (e->regs.nregs <= em->extra_dwarf[i])
			e->regs.nregs = (uint8_t)(em->extra_dwarf[i] + 1u);
	}
}

static int report(struct emu *e, struct ethread *th, trustack_step_fn fn, void *ctx)
{
	if (e->nextra)
		extra_regs(e, th);
	if (TS_RESERVE(e->chain, th->shadow.n, e->chain_cap, 64))
		return -TRUSTACK_E_NOMEM;
	ts_shadow_chain(&th->shadow, e->chain);
	struct trustack_step_point pt = {
		.pid = e->qpid,
		.tid = (int)th->tid,
		.step = e->st->steps,
		.regs = &e->regs,
		.chain = e->chain,
		.depth = th->shadow.n,
		.read = stub_read,
		.read_ctx = e,
		.generation = 1,
		.arch = e->arch->name,
		.pac_mask = e->em->pac_mask,
	};
	e->st->points++;
	e->st->depth_sum += th->shadow.n;
	return fn ? fn(&pt, ctx) : 0;
}

/* The guest's addresses are the emulator's (guest base 0): the stub's bytes at pc are the
 * process' own there. */
static int check_identity(struct emu *e)
{
	uint8_t a[16], b[16];
	int rc = ts_gdb_read(e->gdb, e->regs.pc, a, sizeof(a));
	if (rc == -TRUSTACK_E_INTR || ts_gdb_timed_out(e->gdb))
		return stub_failed(e, rc, "reading the program's first instructions");
	if (rc || ts_vm_read(e->qpid, e->regs.pc, b, sizeof(b)) != (ssize_t)sizeof(b) || memcmp(a, b, sizeof(a)))
		return ts_fail(e->err, e->errlen, TRUSTACK_E_UNSUPPORTED,
			       "%s placed the program at other addresses than its own (a guest base): the unwinder "
			       "reads the program's memory and modules in the emulator's process, which needs them at "
			       "the program's addresses",
			       e->em->qemu);
	return 0;
}

/* The stub's reply to a step or to `?`: the next thread to step, or the end. */
/* A completed step of th: the chain follows it, and its point is reported when one is due.
 * 0: go on, 1: the step limit or the callback ended the run, or a negative error. */
static int complete_step(struct emu *e, struct ethread *th, const struct trustack_trace_opts *o, trustack_step_fn fn,
			 void *ctx)
{
	int rc;
	int stepped = after_step(e, th);
	if (stepped < 0)
		return stepped;
	if (th->starved >= STARVED_SIGNALS && ts_now_ns() - th->starved_since >= STARVED_NS)
		return ts_fail(e->err, e->errlen, TRUSTACK_E_UNSUPPORTED,
			       "no progress: thread %ld entered %u signal handlers in a row without running its own "
			       "code in between (a signal comes faster than a single-stepped handler returns). Make "
			       "the program's timer interval longer for this run, or block the signal",
			       th->tid, th->starved);
	uint64_t every = o->every ? o->every : 1;
	if (stepped && e->st->steps % every == 0) {
		rc = report(e, th, fn, ctx);
		if (rc < 0)
			return ts_fail(e->err, e->errlen, -rc, "%s", "out of memory");
		if (rc) {
			e->st->limited = true;
			return 1;
		}
	}
	if (o->max_steps && e->st->steps >= o->max_steps) {
		e->st->limited = true;
		return 1;
	}
	return 0;
}

static int on_stop(struct emu *e, const char *reply, const struct trustack_trace_opts *o, trustack_step_fn fn,
		   void *ctx, struct ethread **next)
{
	struct ts_gdb_stop s;
	*next = NULL;
	if (!ts_gdb_parse_stop(reply, &s))
		return ts_fail(e->err, e->errlen, TRUSTACK_E_IO, "unexpected reply from %s's gdbstub: '%.60s'", e->em->qemu,
			       reply);
	if (s.kind == 'W' || s.kind == 'X') {
		e->st->exit_status = s.kind == 'W' ? (s.value & 0xff) << 8 : host_signal(s.value);
		return 1;
	}
	struct ethread *th = find_thread(e, s.tid);
	if (!th)
		return -TRUSTACK_E_NOMEM;
	const char *t = strstr(reply, "thread:");
	if (t)
		snprintf(th->tid_text, sizeof(th->tid_text), "%.*s", (int)strcspn(t + 7, ";"), t + 7);
	int rc = ts_gdb_regs(e->gdb, e->gbuf, e->em->g_size);
	if (rc)
		return stub_failed(e, rc, "reading the registers");
	e->em->g_regs(e->gbuf, &e->regs);
	if (!e->st->steps && !th->have_prev && (rc = check_identity(e)))
		return rc;
	if (s.value != GDB_SIGTRAP) {
		/* The step may have run its instruction before the signal stopped the thread (pc
		 * moved): that step is the chain's like any other (a `ret` run there and never
		 * followed left its entry behind: arm64's sigreturn workload) */
		if (th->have_prev && !th->inject && e->regs.pc != th->prev_pc) {
			th->have_prev = false;
			rc = complete_step(e, th, o, fn, ctx);
			if (rc)
				return rc;
		}
		/* a signal for the program: handed over with the next step. A second one right
		 * after a first: the first's frame may have been built before any instruction ran */
		if (th->inject)
			signal_frame(e, th);
		th->inject = s.value;
		th->inject_sp = e->regs.sp, th->inject_pc = e->regs.pc;
		*next = th;
		return 0;
	}
	if (th->have_prev) {
		rc = complete_step(e, th, o, fn, ctx);
		if (rc)
			return rc;
	}
	*next = th;
	return 0;
}

/*
 * A sequence that must run without a stop (lib/arch: a load-exclusive to its store-exclusive,
 * whose store fails whenever the emulator stops between them) as one step: a breakpoint at each
 * of its exits, continue, the breakpoints removed. No call or return is inside. 1: run (the stop
 * reply in *reply), 0: the stub refused a breakpoint (step it instead), or a negative error.
 */
static int run_unit(struct emu *e, struct ethread *th, const uint64_t *exits, size_t n, const char **reply)
{
	char cmd[80];
	size_t set = 0;
	int rc = 0;
	for (; set < n; set++) {
		snprintf(cmd, sizeof(cmd), "Z0,%llx,%u", (unsigned long long)exits[set], (unsigned)e->em->call_len);
		rc = ts_gdb_cmd(e->gdb, cmd, reply);
		if (rc < 0)
			return stub_failed(e, rc, "setting a breakpoint");
		if (strcmp(*reply, "OK"))
			break;
	}
	bool ran = set == n;
	if (ran) {
		snprintf(cmd, sizeof(cmd), "vCont;c%s%s", th->tid_text[0] ? ":" : "", th->tid_text);
		rc = ts_gdb_cmd(e->gdb, cmd, reply);
		if (rc < 0)
			return stub_failed(e, rc, "running an atomic sequence");
		snprintf(e->unit_reply, sizeof(e->unit_reply), "%s", *reply);
		if (e->unit_reply[0] == 'W' || e->unit_reply[0] == 'X')
			set = 0; /* the program has ended: nothing to remove */
	}
	while (set--) {
		snprintf(cmd, sizeof(cmd), "z0,%llx,%u", (unsigned long long)exits[set], (unsigned)e->em->call_len);
		rc = ts_gdb_cmd(e->gdb, cmd, reply);
		if (rc < 0)
			return stub_failed(e, rc, "removing a breakpoint");
	}
	if (!ran)
		return 0;
	*reply = e->unit_reply;
	return 1;
}

static int step(struct emu *e, struct ethread *th, const char **reply)
{
	uint8_t code[64]; /* the instruction, and what follows for atomic_exits (one read) */
	ssize_t got = ts_vm_read(e->qpid, e->regs.pc, code, e->em->atomic_exits ? sizeof(code) : 16);
	th->prev_kind = classify_code(e, th, code, got, e->regs.pc, &th->prev_len);
	th->prev_pc = e->regs.pc, th->prev_sp = e->regs.sp;
	th->have_prev = true;
	uint64_t exits[4];
	size_t nexits = e->em->atomic_exits && !th->inject && got > 0
				? e->em->atomic_exits(code, (size_t)got, e->regs.pc, exits, 4)
				: 0;
	if (nexits) {
		int rc = run_unit(e, th, exits, nexits, reply);
		if (rc < 0)
			return rc;
		if (rc) {
			th->prev_kind = INSN_OTHER; /* it left elsewhere than pc + 4: no system call */
			return 0;
		}
	}
	char cmd[80];
	if (th->inject)
		snprintf(cmd, sizeof(cmd), "vCont;S%02x%s%s", th->inject, th->tid_text[0] ? ":" : "", th->tid_text);
	else
		snprintf(cmd, sizeof(cmd), "vCont;s%s%s", th->tid_text[0] ? ":" : "", th->tid_text);
	int n = ts_gdb_cmd(e->gdb, cmd, reply);
	if (n < 0)
		return stub_failed(e, n, "stepping");
	if (n == 0)
		return ts_fail(e->err, e->errlen, TRUSTACK_E_UNSUPPORTED, "%s's gdbstub does not know vCont", e->em->qemu);
	return 0;
}

/* The emulator as our child: killed if we die, in a process group of its own, with the signal
 * mask we had before holding SIGINT and the like (mask). */
static pid_t start_emulator(const char *qemu, char *const args[], bool quiet, const sigset_t *mask)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	setpgid(0, 0);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (quiet) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	execv(qemu, args);
	_exit(127);
}

/* Is everything there to run the program? The emulator's path (malloc'd) and the sysroot
 * (QEMU_LD_PREFIX, QEMU's own variable for -L, else the Debian cross sysroot). */
static int prerequisites(const struct ts_arch *arch, const char *path, char **qemu, const char **sysroot, char *err,
			 size_t errlen)
{
	const struct ts_arch_emu *em = arch->emu;
	*qemu = ts_path_search(em->qemu);
	const char *env = getenv("QEMU_LD_PREFIX");
	*sysroot = env && *env ? env : em->sysroot;
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s%s", *sysroot, em->sysroot_probe + strlen(em->sysroot));
	struct stat st;
	bool have_root = !stat(probe, &st);
	if (*qemu && have_root)
		return 0;
	char no_qemu[300] = "", no_root[600] = "";
	if (!*qemu)
		snprintf(no_qemu, sizeof(no_qemu), "%s, not found in PATH (apt-get install %s)", em->qemu, em->qemu_package);
	if (!have_root)
		snprintf(no_root, sizeof(no_root), "the %s libraries: %.300s is missing (Debian: %s)", arch->name, probe,
			 em->sysroot_package);
	ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
		"cannot single-step %s, a program for %s: ptrace does not reach a program under emulation, so it is "
		"stepped through %s's gdbstub; missing: %s%s%s",
		path, arch->name, em->qemu, no_qemu, *no_qemu && *no_root ? "; " : "", no_root);
	free(*qemu);
	*qemu = NULL;
	return -TRUSTACK_E_UNSUPPORTED;
}

static int trace(struct emu *e, const struct trustack_trace_opts *o, trustack_step_fn fn, void *ctx)
{
	const char *reply;
	int n;
	if (e->em->nextra) {
		/* QEMU answers `p` only to a client that has read the target description */
		n = ts_gdb_cmd(e->gdb, "qXfer:features:read:target.xml:0,fff", &reply);
		if (n < 0)
			return stub_failed(e, n, "reading the target description");
		e->nextra = n > 0 && e->em->nextra <= MAX_EXTRA ? e->em->nextra : 0;
	}
	n = ts_gdb_cmd(e->gdb, "?", &reply);
	if (n < 0)
		return stub_failed(e, n, "asking why the program stopped");
	if (n == 0)
		return ts_fail(e->err, e->errlen, TRUSTACK_E_IO, "no answer from %s's gdbstub", e->em->qemu);
	for (;;) {
		struct ethread *th;
		int rc = on_stop(e, reply, o, fn, ctx, &th);
		if (rc)
			return rc < 0 ? rc : 0;
		rc = step(e, th, &reply);
		if (rc)
			return rc;
	}
}

/* SIGINT, SIGTERM and SIGHUP (those not ignored) held for the run, readable on a signalfd that
 * ends every wait on the stub; afterwards the one that came takes its previous action. */
struct held_signals {
	int fd;
	sigset_t held, old;
};

static void hold_signals(struct held_signals *h)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigemptyset(&h->held);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		if (!sigaction(sigs[i], NULL, &sa) && sa.sa_handler != SIG_IGN)
			sigaddset(&h->held, sigs[i]);
	}
	pthread_sigmask(SIG_BLOCK, &h->held, &h->old);
	h->fd = signalfd(-1, &h->held, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The held signal that came (0: none), raised again with the old mask back */
static int release_signals(struct held_signals *h)
{
	struct signalfd_siginfo si;
	int sig = h->fd >= 0 && read(h->fd, &si, sizeof(si)) == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
	if (h->fd >= 0)
		close(h->fd);
	pthread_sigmask(SIG_SETMASK, &h->old, NULL);
	if (sig)
		raise(sig);
	return sig;
}

int ts_emu_trace_run(const struct ts_arch *arch, const char *path, char *const argv[],
		     const struct trustack_trace_opts *o, trustack_step_fn on_step, void *ctx,
		     struct trustack_trace_stats *st, char *err, size_t errlen)
{
	struct emu e = { .arch = arch, .em = arch->emu, .st = st, .err = err, .errlen = errlen, .qpid = -1,
			 .stub_timeout_ms = o->stub_timeout_ms ? o->stub_timeout_ms : STUB_TIMEOUT_MS };
	char *qemu;
	const char *sysroot;
	int rc = prerequisites(arch, path, &qemu, &sysroot, err, errlen);
	if (rc)
		return rc;
	char dir[] = "/tmp/trustack-gdb.XXXXXX", sock[64];
	struct held_signals held = { .fd = -1 };
	sigemptyset(&held.held);
	pthread_sigmask(SIG_SETMASK, NULL, &held.old);
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **args = calloc(argc + 12, sizeof(*args));
	e.gbuf = malloc(e.em->g_size);
	e.dec = arch->decoder_new ? arch->decoder_new() : NULL;
	if (!args || !e.gbuf || !e.dec || !mkdtemp(dir)) {
		rc = ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", args && e.gbuf && e.dec ? "cannot make a directory in /tmp" : "out of memory");
		dir[0] = 0;
		goto out;
	}
	snprintf(sock, sizeof(sock), "%s/gdb", dir);
	size_t k = 0;
	args[k++] = qemu;
	args[k++] = "-g", args[k++] = sock;
	if (e.em->cpu)
		args[k++] = "-cpu", args[k++] = (char *)e.em->cpu;
	args[k++] = "-L", args[k++] = (char *)sysroot;
	args[k++] = "-0", args[k++] = argv[0];
	args[k++] = (char *)path;
	for (size_t i = 1; i < argc; i++)
		args[k++] = argv[i];
	hold_signals(&held);
	e.qpid = start_emulator(qemu, args, o->quiet, &held.old);
	if (e.qpid < 0) {
		rc = ts_fail(err, errlen, TRUSTACK_E_SYS, "%s", "fork failed");
		goto out;
	}
	st->processes = 1;
	struct ts_gdb_bounds bounds = { .connect_ms = CONNECT_MS, .reply_ms = e.stub_timeout_ms, .cancel_fd = held.fd };
	rc = ts_gdb_connect(sock, e.qpid, &bounds, &e.gdb);
	if (rc == -TRUSTACK_E_INTR) {
		rc = stub_failed(&e, rc, "starting");
		goto out;
	}
	if (rc) {
		rc = ts_fail(err, errlen, TRUSTACK_E_NOTFOUND, "%s did not start %s with its gdbstub on %s within %u s", qemu,
			     path, sock, CONNECT_MS / 1000);
		goto out;
	}
	/* connected: the socket's name is no longer needed, and nothing stays in /tmp if we are
	 * killed */
	unlink(sock);
	rmdir(dir);
	dir[0] = 0;
	rc = trace(&e, o, on_step, ctx);
out:
	ts_gdb_close(e.gdb); /* the stub lets the program run on: it is killed below */
	if (e.qpid > 0) {
		kill(e.qpid, SIGKILL);
		int s;
		while (waitpid(e.qpid, &s, 0) < 0 && errno == EINTR)
			;
		if (!st->exit_status && !st->limited && rc)
			st->exit_status = s;
	}
	if (dir[0]) {
		unlink(sock);
		rmdir(dir);
	}
	for (size_t i = 0; i < e.nth; i++)
		ts_shadow_free(&e.th[i].shadow);
	free(e.th);
	free(e.chain);
	free(e.gbuf);
	free(args);
	free(qemu);
	if (e.dec)
		arch->decoder_free(e.dec);
	if (release_signals(&held) && rc != -TRUSTACK_E_INTR) /* its action returned: we were interrupted */
		rc = ts_fail(err, errlen, TRUSTACK_E_INTR, "interrupted by a signal; %s was killed", arch->emu->qemu);
	return rc;
}
