/*
 * cmd_verify_unwind.c - `trustack verify-unwind`: run a program under single-step and keep the
 * true chain of return addresses (lib/proc/singlestep.c) at every N-th step.
 *
 * At every point the unwinder walks the stopped thread in every mode, and the trace is compared
 * with the true chain the tracer kept (the calls, returns and signals actually executed):
 * reliable and equal is correct, reliable and different is false-reliable (the one result a
 * validated mode must never give), anything else is unreliable, counted by its reason.
 * The unwinder covers the modules mapped at the moment; when a pc or a true return address
 * lies outside them (the loader mapped a library since), the mappings are read again.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "verify.h"
#include "vec.h" /* lib/common/vec.h: header-only, shared with the library (Makefile) */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack verify-unwind [--every N] [--max-steps N] [--modes=M,...] [--cache-dir=DIR]\n"
		"                              [--format=text|json] [--focus=MODULE:LO-HI] [-o FILE] [--quiet]\n"
		"                              [--stats] [--stub-timeout=S]\n"
		"                              [-v] -- PROG [ARGS...]\n"
		"\n"
		"Run PROG single-stepping every instruction of every thread - also of the processes it\n"
		"forks and the programs they execute, until the last of them exits - keep the true chain of return\n"
		"addresses from the calls, returns and signals actually executed, and at every N-th step\n"
		"unwind the stopped thread in every mode and compare. Per mode: correct (reliable and equal\n"
		"to the truth), unreliable (with the reasons), and false-reliable (reliable but wrong).\n"
		"Each mode's unreliable rate is shown twice: raw (unreliable / points), and on fully\n"
		"analysed code: the points whose trace was lost at code the analysis could not vouch for\n"
		"are left out of both counts - verdicts unreliable-row (unreached code, or a function\n"
		"whose finding loses the frame), no-table-row (no row: code no function or CFI covers),\n"
		"plt (a stub without a row) and unknown-code (no module). Every other verdict counts.\n"
		"\n"
		"options:\n"
		"  --every N        a point at every N-th step over all threads (default 1)\n"
		"  --max-steps N    stop after N steps (the program is killed)\n"
		"  --modes=M,...    fp, fp-validated, orc, sframe, auto (default: all); s390x: backchain and\n"
		"                   backchain-validated name fp and fp-validated (the back chain)\n"
		"  --cache-dir=DIR  sidecar tables of the program's modules (default: the user's cache)\n"
		"  --format=F       text (default) or json\n"
		"  --focus=MODULE:LO-HI  also count apart the points whose pc is in [LO, HI) of MODULE\n"
		"                   (file name, link-time addresses in hex: ld-linux-x86-64.so.2:12290-12349;\n"
		"                   up to 8 ranges, one option each)\n"
		"  -o, --output=FILE  the report goes to FILE (replaced when complete) instead of stdout\n"
		"  --quiet          PROG's stdout and stderr go to /dev/null\n"
		"  --stats          the run's time and rate (points/s, steps/s) on stderr\n"
		"  --stub-timeout=S under emulation: the emulator's gdbstub silent for S seconds when a reply is\n"
		"                   due ends the run with exit 2 (default 30; a step over a system call that\n"
		"                   blocks longer needs more)\n"
		"  -v               where traces became unreliable: the top 5 functions per mode (text and\n"
		"                   json); the first false-reliable traces of each mode on stderr\n"
		"  -h, --help       this text\n"
		"\n"
		"streams: the report goes to stdout (or -o FILE), trustack's messages and -v's\n"
		"false-reliable traces to stderr; PROG (and what it runs) writes to the same stdout and\n"
		"stderr unless --quiet. For a report a program can parse, use -o FILE (or --quiet).\n"
		"PROG must be an ELF executable for this machine (x86-64) or a #! script, or an arm64 or s390x\n"
		"program: that runs under qemu-aarch64 or qemu-s390x (-L /usr/aarch64-linux-gnu or\n"
		"/usr/s390x-linux-gnu, or $QEMU_LD_PREFIX) and is stepped through QEMU's gdbstub (its first\n"
		"thread; packages qemu-user, libc6-arm64-cross or libc6-s390x-cross); anything\n"
		"else is refused before it runs. A thread that keeps entering signal handlers without running its\n"
		"own code in between (a timer faster than a single-stepped handler) ends the run with exit 2.\n"
		"exit status: 0 done, 1 false-reliable traces in a validated mode (every mode but fp),\n"
		"2 error\n");
}

/*
 * Verdicts that say the trace was lost at code the analysis itself could not vouch for, rather
 * than at a frame the unwinder failed to follow: left out of the rate "on fully analysed code"
 * (docs/unwind.md). The raw rate is always shown beside it.
 */
static bool outside_analysis(int verdict)
{
	switch (verdict) {
	case TRUSTACK_UNWIND_UNRELIABLE_ROW:
	case TRUSTACK_UNWIND_NO_TABLE_ROW:
	case TRUSTACK_UNWIND_PLT:
	case TRUSTACK_UNWIND_UNKNOWN_CODE:
		return true;
	default:
		return false;
	}
}

#define DEPTH_BUCKETS 8
static const size_t bucket_max[DEPTH_BUCKETS] = { 0, 2, 4, 8, 16, 32, 64, (size_t)-1 };

#define MAX_FRAMES 512 /* initial size; grown to the deepest true chain */
#define STACK_COPY (256 * 1024)

#define LOST_SLOTS 1024
#define MAX_FOCUS 8

struct mode_counts {
	uint64_t correct, unreliable, false_reliable;
	uint64_t focus_correct, focus_unreliable, focus_false; /* points inside --focus */
	/* -v: where reliability was lost (the pc of the frame whose caller was not trusted) */
	struct vw_lost lost[LOST_SLOTS];
	uint64_t reasons[TRUSTACK_UNWIND__VERDICTS];
	uint64_t first_false_step; /* the step of the first false-reliable trace, for a repro */
};

/* The unreliable rate (in %) raw and on fully analysed code, with the latter's counts. */
static void rates(const struct mode_counts *mc, double *raw, double *analysed, uint64_t *apoints, uint64_t *aunrel)
{
	uint64_t pts = mc->correct + mc->unreliable + mc->false_reliable, out = 0;
	for (int r = 0; r < TRUSTACK_UNWIND__VERDICTS; r++)
		if (outside_analysis(r))
			out += mc->reasons[r];
	*apoints = pts - out;
	*aunrel = mc->unreliable - out;
	*raw = pts ? 100.0 * (double)mc->unreliable / (double)pts : 0;
	*analysed = *apoints ? 100.0 * (double)*aunrel / (double)*apoints : 0;
}


struct vu {
	uint64_t hist[DEPTH_BUCKETS];
	uint64_t signal_points; /* points with a signal frame in the chain */
	uint64_t points;
	/* the unwinder of the traced process, rebuilt when its mappings change */
	int pid;
	uint64_t generation; /* the tracer's: a new one after an exec */
	struct trustack_proc *proc;
	struct trustack_unwinder *uw;
	const char *cache_dir;
	uint64_t rebuilds, misses_checked;
	int err;
	char errmsg[512];
	unsigned modes;            /* bit per enum trustack_unwind_mode */
	struct mode_counts m[TRUSTACK_UNWIND__MODES];
	/* the stopped thread's stack, read once per point */
	uint8_t *stack;
	uint64_t stack_lo, stack_len;
	uint64_t *truth;
	struct trustack_frame *frames;
	size_t cap;
	bool verbose;
	/* --focus: link-time ranges of modules, and where they are in this process (after rebuild) */
	struct focus {
		char module[128];
		uint64_t lo, hi, rlo, rhi;
	} focus[MAX_FOCUS];
	unsigned nfocus;
	uint64_t focus_points;
	/* a program under emulation (trustack_step_point.arch): its machine and PAC field */
	const char *arch;
	uint16_t machine;
	uint64_t pac_mask;
	/* progress on a terminal, and --stats */
	bool progress;
	uint64_t start_ns, shown_ns;
};

/* Memory for the unwinder: the stack copy of this point, else the live (stopped) process. */
static int point_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct vu *v = ctx;
	if (addr >= v->stack_lo && addr - v->stack_lo <= v->stack_len && len <= v->stack_len - (addr - v->stack_lo)) {
		memcpy(buf, v->stack + (addr - v->stack_lo), len);
		return 0;
	}
	return trustack_proc__read(v->proc, addr, buf, len);
}

static bool known(const struct vu *v, uint64_t pc)
{
	size_t n = trustack_unwinder__module_count(v->uw);
	for (size_t i = 0; i < n; i++) {
		uint64_t s, e, b;
		trustack_unwinder__module_name(v->uw, i, &s, &e, &b);
		if (pc >= s && pc < e)
			return true;
	}
	return false;
}

/* (Re)build the unwinder from the process' current mappings. */
static int rebuild(struct vu *v)
{
	trustack_unwinder__free(v->uw);
	trustack_proc__close(v->proc);
	v->uw = NULL;
	v->proc = NULL;
	/* a program under emulation: the emulator's process, less the emulator's own modules */
	int rc = v->machine ? trustack_proc__open_emulated(v->pid, v->machine, &v->proc, v->errmsg, sizeof(v->errmsg))
			    : trustack_proc__open_traced(v->pid, &v->proc, v->errmsg, sizeof(v->errmsg));
	if (rc)
		return rc;
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .read_mem = point_read, .ctx = v,
					    .cache_dir = v->cache_dir, .pac_mask = v->pac_mask };
	rc = trustack_unwinder__from_proc(v->proc, &o, &v->uw, v->errmsg, sizeof(v->errmsg));
	v->rebuilds++;
	for (unsigned k = 0; k < v->nfocus; k++) {
		struct focus *fo = &v->focus[k];
		fo->rlo = fo->rhi = 0;
		for (size_t i = 0; !rc && i < trustack_unwinder__module_count(v->uw); i++) {
			uint64_t s, e, bias;
			const char *path = trustack_unwinder__module_name(v->uw, i, &s, &e, &bias);
			const char *base = path ? strrchr(path, '/') : NULL;
			base = base ? base + 1 : path;
			if (base && !strcmp(base, fo->module)) {
				fo->rlo = fo->lo + bias;
				fo->rhi = fo->hi + bias;
			}
		}
	}
	return rc;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* On a terminal, a line that says the run is alive: points so far and their rate. */
static void show_progress(struct vu *v, uint64_t step)
{
	uint64_t t = now_ns();
	if (t - v->shown_ns < 1000000000u)
		return;
	v->shown_ns = t;
	double s = (double)(t - v->start_ns) / 1e9;
	fprintf(stderr, "\rverify-unwind: %llu points, %llu steps, %.0f s, %.0f points/s ", (unsigned long long)v->points,
		(unsigned long long)step, s, s > 0 ? (double)v->points / s : 0.0);
}

static int on_point(const struct trustack_step_point *pt, void *ctx)
{
	struct vu *v = ctx;
	if (v->progress && (v->points & 63) == 0)
		show_progress(v, pt->step);
	int b = 0;
	while (pt->depth > bucket_max[b])
		b++;
	v->hist[b]++;
	v->points++;
	/* the true trace: the current pc, then every return address; after a signal frame's
	 * restorer, the interrupted pc */
	size_t nt = 0;
	bool in_signal = false;
	if (2 * pt->depth + 8 > v->cap) {
		/* truth and frames share cap */
		size_t cap = 2 * pt->depth + 64;
		if (ts_vec_resize((void **)&v->truth, cap, sizeof(uint64_t)) ||
		    ts_vec_resize((void **)&v->frames, cap, sizeof(struct trustack_frame))) {
			snprintf(v->errmsg, sizeof(v->errmsg), "out of memory");
			goto fail;
		}
		v->cap = cap;
	}
	v->truth[nt++] = pt->regs->pc;
	for (size_t i = 0; i < pt->depth; i++) {
		/* a signal entry whose restorer address was consumed: the thread is in the restorer */
		if (pt->chain[i].kind != TRUSTACK_CHAIN_SIGNAL || pt->chain[i].slot >= pt->regs->sp)
			v->truth[nt++] = pt->chain[i].ra;
		if (pt->chain[i].kind == TRUSTACK_CHAIN_SIGNAL) {
			v->truth[nt++] = pt->chain[i].ipc;
			in_signal = true;
		}
	}
	if (in_signal)
		v->signal_points++;
	if (v->pid != pt->pid || v->generation != pt->generation || !v->uw) {
		v->pid = pt->pid;
		v->generation = pt->generation;
		v->arch = pt->arch;
		v->machine = pt->arch ? pt->regs->machine : 0;
		v->pac_mask = pt->pac_mask;
		if (rebuild(v))
			goto fail;
	} else {
		for (size_t i = 0; i < nt; i++)
			if (!known(v, v->truth[i])) {
				v->misses_checked++;
				if (rebuild(v))
					goto fail;
				break;
			}
	}
	/* the stack from 128 bytes below sp (the red zone) up, in one read */
	v->stack_lo = pt->regs->sp - 128;
	ssize_t got = trustack_proc__read_partial(v->proc, v->stack_lo, v->stack, STACK_COPY);
	v->stack_len = got > 0 ? (uint64_t)got : 0;
	bool focus = false;
	for (unsigned k = 0; k < v->nfocus; k++)
		focus |= pt->regs->pc >= v->focus[k].rlo && pt->regs->pc < v->focus[k].rhi;
	v->focus_points += focus;
	for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
		if (!(v->modes & (1u << mode)))
			continue;
		struct trustack_unwind_result r;
		struct mode_counts *m = &v->m[mode];
		if (trustack_unwind(v->uw, (enum trustack_unwind_mode)mode, pt->regs, v->frames, v->cap, &r)) {
			m->unreliable++;
			m->focus_unreliable += focus;
			m->reasons[TRUSTACK_UNWIND_NOT_RUN]++;
			continue;
		}
		if (r.verdict != TRUSTACK_UNWIND_RELIABLE) {
			m->unreliable++;
			m->focus_unreliable += focus;
			if (v->verbose && r.lost_at < r.count) {
				const struct trustack_frame *lf = &v->frames[r.lost_at];
				vw_count(m->lost, LOST_SLOTS, lf->pc, r.lost_at && !(lf->flags & TRUSTACK_FRAME_EXACT),
					 (uint8_t)r.verdict);
			}
			m->reasons[r.verdict < TRUSTACK_UNWIND__VERDICTS ? r.verdict : TRUSTACK_UNWIND_NOT_RUN]++;
			continue;
		}
		bool same = r.count == nt;
		for (size_t i = 0; same && i < nt; i++)
			same = v->frames[i].pc == v->truth[i];
		if (same) {
			m->correct++;
			m->focus_correct += focus;
			continue;
		}
		m->focus_false += focus;
		if (!m->false_reliable++)
			m->first_false_step = pt->step;
		if (v->verbose && m->false_reliable <= 5) {
			fprintf(stderr, "false-reliable in %s at step %llu (tid %d):\n  true:",
				trustack_unwind_mode__name((enum trustack_unwind_mode)mode), (unsigned long long)pt->step,
				pt->tid);
			for (size_t i = 0; i < nt; i++)
				fprintf(stderr, " %llx", (unsigned long long)v->truth[i]);
			fprintf(stderr, "\n  ours:");
			for (size_t i = 0; i < r.count; i++)
				fprintf(stderr, " %llx", (unsigned long long)v->frames[i].pc);
			fprintf(stderr, "\n");
		}
	}
	return 0;
fail:
	v->err = -1;
	return 1; /* stops the run: the program is killed */
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || *s == '-')
		return false;
	*out = v;
	return true;
}

/* What the command line asks for. */
struct vu_args {
	unsigned modes;
	const char *cache_dir;
	const char *out;       /* -o: the report's file, or NULL for stdout */
	bool verbose, json, stats;
	struct focus focus[MAX_FOCUS];
	unsigned nfocus;
	struct trustack_trace_opts o;
	char **prog;           /* PROG ARGS... */
};

static bool parse_modes(const char *arg, unsigned *modes)
{
	*modes = 0;
	char *dup = strdup(arg), *save = NULL;
	bool ok = dup != NULL;
	for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; t && ok; t = strtok_r(NULL, ",", &save)) {
		enum trustack_unwind_mode m;
		if (trustack_unwind_mode__parse(t, &m)) {
			fprintf(stderr, "trustack verify-unwind: unknown mode '%s' (fp, fp-validated, orc, sframe, auto)\n", t);
			ok = false;
		} else {
			*modes |= 1u << m;
		}
	}
	free(dup);
	if (ok && !*modes) {
		fprintf(stderr, "trustack verify-unwind: --modes names no mode\n");
		ok = false;
	}
	return ok;
}

/* --focus=MODULE:LO-HI, the module by its file name */
static bool parse_focus(const char *arg, struct vu_args *a)
{
	const char *colon = strrchr(arg, ':'), *dash = colon ? strchr(colon, '-') : NULL;
	char *end1, *end2;
	struct focus *fo = &a->focus[a->nfocus < MAX_FOCUS ? a->nfocus : 0];
	if (a->nfocus < MAX_FOCUS && colon && dash && colon > arg && (size_t)(colon - arg) < sizeof(fo->module)) {
		fo->lo = strtoull(colon + 1, &end1, 16);
		fo->hi = strtoull(dash + 1, &end2, 16);
		if (end1 == dash && end1 > colon + 1 && !*end2 && end2 > dash + 1 && fo->lo < fo->hi) {
			memcpy(fo->module, arg, (size_t)(colon - arg));
			fo->module[colon - arg] = 0;
			a->nfocus++;
			return true;
		}
	}
	fprintf(stderr, "trustack verify-unwind: --focus wants MODULE:LO-HI (hex, LO < HI; at most %d), not '%s'\n",
		MAX_FOCUS, arg);
	return false;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct vu_args *a)
{
	static const struct option longopts[] = {
		{ "every", required_argument, NULL, 'e' }, { "max-steps", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "modes", required_argument, NULL, 'M' }, { "cache-dir", required_argument, NULL, 'C' },
		{ "focus", required_argument, NULL, 'F' }, { "output", required_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, 'S' },        { "help", no_argument, NULL, 'h' },
		{ "stub-timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	a->modes = (1u << TRUSTACK_UNWIND__MODES) - 1;
	a->o = (struct trustack_trace_opts){ .sz = sizeof(a->o), .every = 1 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hvo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'M':
			if (!parse_modes(optarg, &a->modes))
				return EXIT_ERROR;
			break;
		case 'C':
			if (!cli_parse_cache_dir("verify-unwind", optarg, &a->cache_dir))
				return EXIT_ERROR;
			break;
		case 'F':
			if (!parse_focus(optarg, a))
				return EXIT_ERROR;
			break;
		case 'o': a->out = optarg; break;
		case 'v': a->verbose = true; break;
		case 'e':
			if (!parse_u64(optarg, &a->o.every) || !a->o.every) {
				fprintf(stderr, "trustack verify-unwind: --every wants a number >= 1, not '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'm':
			if (!parse_u64(optarg, &a->o.max_steps)) {
				fprintf(stderr, "trustack verify-unwind: --max-steps wants a number, not '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "json"))
				a->json = true;
			else if (strcmp(optarg, "text")) {
				fprintf(stderr, "trustack verify-unwind: unknown format '%s' (text, json)\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'q': a->o.quiet = true; break;
		case 'S': a->stats = true; break;
		case 'T': {
			char *end;
			double secs = strtod(optarg, &end);
			if (!*optarg || *end || !(secs >= 0.1 && secs <= 86400)) {
				fprintf(stderr, "trustack verify-unwind: --stub-timeout wants seconds (0.1 to 86400), not '%s'\n",
					optarg);
				return EXIT_ERROR;
			}
			a->o.stub_timeout_ms = (uint32_t)(secs * 1000 + 0.5);
			break;
		}
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "trustack verify-unwind: no program given (trustack verify-unwind -- PROG ARGS)\n");
		return EXIT_ERROR;
	}
	a->prog = argv + optind;
	char err[512] = "";
	if (a->out && trustack_output__check(a->out, NULL, err, sizeof(err))) {
		fprintf(stderr, "trustack verify-unwind: %s\n", err); /* before the program runs, not after */
		return EXIT_ERROR;
	}
	return -1;
}

static void json_report(FILE *f, const struct vu *v, const struct vu_args *a, const struct trustack_trace_stats *st,
			const char *status)
{
	double mean = st->points ? (double)st->depth_sum / (double)st->points : 0;
	fprintf(f, "{\"points\":%llu,\"steps\":%llu,\"threads\":%llu,\"processes\":%llu,\"execs\":%llu,\"calls\":%llu,"
		   "\"returns\":%llu,\"signals\":%llu,\"signal_points\":%llu,\"depth\":{\"max\":%zu,\"mean\":%.2f,"
		   "\"histogram\":{",
		(unsigned long long)st->points, (unsigned long long)st->steps, (unsigned long long)st->threads,
		(unsigned long long)st->processes, (unsigned long long)st->execs, (unsigned long long)st->calls,
		(unsigned long long)st->returns, (unsigned long long)st->signals, (unsigned long long)v->signal_points,
		st->max_depth, mean);
	for (int b = 0; b < DEPTH_BUCKETS; b++)
		if (b == DEPTH_BUCKETS - 1)
			fprintf(f, "%s\"%zu+\":%llu", b ? "," : "", bucket_max[b - 1] + 1, (unsigned long long)v->hist[b]);
		else
			fprintf(f, "%s\"%zu\":%llu", b ? "," : "", bucket_max[b], (unsigned long long)v->hist[b]);
	fprintf(f, "}},\"program\":");
	json_str(f, status);
	fprintf(f, ",\"unwinder_rebuilds\":%llu,\"modes\":{", (unsigned long long)v->rebuilds);
	bool first = true;
	for (int m = 0; m < TRUSTACK_UNWIND__MODES; m++) {
		if (!(v->modes & (1u << m)))
			continue;
		const struct mode_counts *mc = &v->m[m];
		fprintf(f, "%s\"%s\":{\"correct_reliable\":%llu,\"unreliable\":%llu,\"false_reliable\":%llu,\"reasons\":{",
			first ? "" : ",", trustack_unwind_mode__name((enum trustack_unwind_mode)m),
			(unsigned long long)mc->correct, (unsigned long long)mc->unreliable,
			(unsigned long long)mc->false_reliable);
		first = false;
		bool f2 = true;
		for (int r = 0; r < TRUSTACK_UNWIND__VERDICTS; r++)
			if (mc->reasons[r]) {
				fprintf(f, "%s\"%s\":%llu", f2 ? "" : ",",
					trustack_unwind_verdict__name((enum trustack_unwind_verdict)r),
					(unsigned long long)mc->reasons[r]);
				f2 = false;
			}
		fprintf(f, "}");
		double raw, an;
		uint64_t ap, au;
		rates(mc, &raw, &an, &ap, &au);
		fprintf(f, ",\"unreliable_pct\":%.4f,\"analysed\":{\"points\":%llu,\"unreliable\":%llu,\"unreliable_pct\":%.4f}",
			raw, (unsigned long long)ap, (unsigned long long)au, an);
		if (a->nfocus)
			fprintf(f, ",\"focus\":{\"correct_reliable\":%llu,\"unreliable\":%llu,\"false_reliable\":%llu}",
				(unsigned long long)mc->focus_correct, (unsigned long long)mc->focus_unreliable,
				(unsigned long long)mc->focus_false);
		if (v->verbose && v->uw) {
			fprintf(f, ",\"where\":");
			vw_report(v->uw, mc->lost, LOST_SLOTS, 5, true, f);
		}
		fprintf(f, "}");
	}
	fprintf(f, "}");
	if (a->nfocus)
		fprintf(f, ",\"focus_points\":%llu", (unsigned long long)v->focus_points);
	fprintf(f, "}\n");
}

/* The three most frequent reasons a mode's traces were unreliable. */
static void text_main_reasons(FILE *f, const struct mode_counts *mc)
{
	bool shown[TRUSTACK_UNWIND__VERDICTS] = { false };
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int r = 0; r < TRUSTACK_UNWIND__VERDICTS; r++)
			if (mc->reasons[r] && !shown[r] && (best < 0 || mc->reasons[r] > mc->reasons[best]))
				best = r;
		if (best < 0)
			break;
		shown[best] = true;
		fprintf(f, " %s %llu", trustack_unwind_verdict__name((enum trustack_unwind_verdict)best),
			(unsigned long long)mc->reasons[best]);
	}
}

static void text_report(FILE *f, const struct vu *v, const struct vu_args *a, const struct trustack_trace_stats *st,
			const char *status)
{
	double mean = st->points ? (double)st->depth_sum / (double)st->points : 0;
	fprintf(f, "program %s: %s\n", a->prog[0], status);
	fprintf(f, "steps %llu, points %llu (every %llu), threads %llu, calls %llu, returns %llu, signal frames %llu\n",
		(unsigned long long)st->steps, (unsigned long long)st->points, (unsigned long long)a->o.every,
		(unsigned long long)st->threads, (unsigned long long)st->calls, (unsigned long long)st->returns,
		(unsigned long long)st->signals);
	fprintf(f, "processes %llu (the program and %llu forked from it, all followed), programs executed %llu\n",
		(unsigned long long)st->processes, (unsigned long long)(st->processes ? st->processes - 1 : 0),
		(unsigned long long)st->execs);
	fprintf(f, "true chain depth: max %zu, mean %.2f; points by depth:", st->max_depth, mean);
	for (int b = 0; b < DEPTH_BUCKETS; b++)
		if (b == DEPTH_BUCKETS - 1)
			fprintf(f, " %zu+:%llu", bucket_max[b - 1] + 1, (unsigned long long)v->hist[b]);
		else
			fprintf(f, " <=%zu:%llu", bucket_max[b], (unsigned long long)v->hist[b]);
	fprintf(f, "\npoints inside a signal handler: %llu\n", (unsigned long long)v->signal_points);
	fprintf(f, "\n%-14s %12s %12s %14s  %s\n", "mode", "correct", "unreliable", "false-reliable",
		"unreliable: main reasons");
	for (int m = 0; m < TRUSTACK_UNWIND__MODES; m++) {
		if (!(v->modes & (1u << m)))
			continue;
		const struct mode_counts *mc = &v->m[m];
		fprintf(f, "%-14s %12llu %12llu %14llu ", trustack_unwind_mode__name((enum trustack_unwind_mode)m),
			(unsigned long long)mc->correct, (unsigned long long)mc->unreliable,
			(unsigned long long)mc->false_reliable);
		text_main_reasons(f, mc);
		fprintf(f, "\n");
	}
	fprintf(f, "\n%-14s %12s %24s\n", "mode", "unreliable %", "on fully analysed code %");
	for (int m = 0; m < TRUSTACK_UNWIND__MODES; m++) {
		if (!(v->modes & (1u << m)))
			continue;
		double raw, an;
		uint64_t ap, au;
		rates(&v->m[m], &raw, &an, &ap, &au);
		fprintf(f, "%-14s %12.4f %12.4f (%llu of %llu)\n", trustack_unwind_mode__name((enum trustack_unwind_mode)m),
			raw, an, (unsigned long long)au, (unsigned long long)ap);
	}
	if (a->nfocus) {
		fprintf(f, "\nfocus (%u range%s, first %s:%llx-%llx): %llu points\n", a->nfocus, a->nfocus > 1 ? "s" : "",
			a->focus[0].module, (unsigned long long)a->focus[0].lo, (unsigned long long)a->focus[0].hi,
			(unsigned long long)v->focus_points);
		for (int m = 0; m < TRUSTACK_UNWIND__MODES; m++)
			if (v->modes & (1u << m))
				fprintf(f, "%-14s %12llu %12llu %14llu\n", trustack_unwind_mode__name((enum trustack_unwind_mode)m),
					(unsigned long long)v->m[m].focus_correct, (unsigned long long)v->m[m].focus_unreliable,
					(unsigned long long)v->m[m].focus_false);
	}
	if (v->verbose && v->uw)
		for (int m = 0; m < TRUSTACK_UNWIND__MODES; m++) {
			if (!(v->modes & (1u << m)) || !v->m[m].unreliable)
				continue;
			fprintf(f, "\n%s: where the %llu unreliable traces were lost (top 5 functions; the frame whose caller\n"
				   "could not be trusted):\n",
				trustack_unwind_mode__name((enum trustack_unwind_mode)m), (unsigned long long)v->m[m].unreliable);
			vw_report(v->uw, v->m[m].lost, LOST_SLOTS, 5, false, f);
		}
}

/* The report to stdout, or to -o FILE (replaced atomically once it is complete). */
static int write_report(const struct vu *v, const struct vu_args *a, const struct trustack_trace_stats *st)
{
	char status[64];
	if (st->limited)
		snprintf(status, sizeof(status), "stopped after %llu steps", (unsigned long long)st->steps);
	else if (WIFEXITED(st->exit_status))
		snprintf(status, sizeof(status), "exited with %d", WEXITSTATUS(st->exit_status));
	else
		snprintf(status, sizeof(status), "killed by signal %d", WTERMSIG(st->exit_status));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = a->out ? open_memstream(&buf, &len) : stdout;
	if (!f) {
		fprintf(stderr, "trustack verify-unwind: out of memory\n");
		return EXIT_ERROR;
	}
	if (a->json)
		json_report(f, v, a, st, status);
	else
		text_report(f, v, a, st, status);
	if (!a->out)
		return EXIT_CLEAN;
	fclose(f);
	char err[512] = "";
	int rc = trustack_output__write(a->out, buf, len, NULL, err, sizeof(err));
	free(buf);
	if (rc) {
		fprintf(stderr, "trustack verify-unwind: %s\n", *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

int cmd_verify_unwind(int argc, char **argv)
{
	struct vu_args a = { 0 };
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct vu *v = calloc(1, sizeof(*v));
	uint8_t *stack = malloc(STACK_COPY);
	if (!v || !stack) {
		free(v), free(stack);
		fprintf(stderr, "trustack verify-unwind: out of memory\n");
		return EXIT_ERROR;
	}
	v->stack = stack;
	v->modes = a.modes;
	v->cache_dir = a.cache_dir;
	v->verbose = a.verbose;
	memcpy(v->focus, a.focus, sizeof(a.focus));
	v->nfocus = a.nfocus;
	struct trustack_trace_stats st;
	char err[1024];
	v->progress = isatty(STDERR_FILENO);
	v->start_ns = v->shown_ns = now_ns();
	rc = trustack_trace__run(a.prog, &a.o, on_point, v, &st, err, sizeof(err));
	if (v->progress && v->shown_ns != v->start_ns)
		fprintf(stderr, "\r%-78s\r", ""); /* the progress line goes */
	double secs = (double)(now_ns() - v->start_ns) / 1e9;
	int exit_status;
	if (rc || v->err) {
		fprintf(stderr, "trustack verify-unwind: %s\n", rc ? (*err ? err : trustack_strerror(rc)) : v->errmsg);
		exit_status = EXIT_ERROR;
	} else {
		exit_status = write_report(v, &a, &st);
		for (int m = 0; m < TRUSTACK_UNWIND__MODES && exit_status == EXIT_CLEAN; m++)
			if ((v->modes & (1u << m)) && m != TRUSTACK_UNWIND_FP && v->m[m].false_reliable)
				exit_status = EXIT_FINDINGS;
	}
	if (a.stats) {
		fflush(stdout);
		fprintf(stderr, "verify-unwind: %llu points, %llu steps in %.1f s: %.0f points/s, %.0f steps/s%s\n",
			(unsigned long long)st.points, (unsigned long long)st.steps, secs,
			secs > 0 ? (double)st.points / secs : 0.0, secs > 0 ? (double)st.steps / secs : 0.0,
			v->arch ? " (under emulation, through the gdbstub)" : "");
	}
	trustack_unwinder__free(v->uw);
	trustack_proc__close(v->proc);
	free(v->stack);
	free(v->truth);
	free(v->frames);
	free(v);
	return exit_status;
}
