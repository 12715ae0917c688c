/*
 * cmd_stacks.c - `trustack stacks PID` and `trustack stacks --core FILE`: every thread's stack
 * with its verdict, and the live-patch check (--check).
 *
 * Order of work, so the target is stopped as briefly as possible: the snapshot (each thread
 * stopped, its registers and stack top copied, resumed before the next; with --check all threads
 * stopped together, copied, all resumed), then the tables of the mapped
 * modules (cache or analysis), then the walks over the copies, then symbols. Nothing after the
 * snapshot touches the threads again. A core file takes the snapshot's place (lib/proc/core.c);
 * everything after it is the same.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "stacks.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack stacks [OPTIONS] PID\n"
		"       trustack stacks [OPTIONS] --core FILE [--exe PATH] [--sysroot DIR]\n"
		"\n"
		"Stop each thread of PID in turn for as long as it takes to copy its registers and the top of\n"
		"its stack (--check: all of them together), resume it, then unwind each copy with the tables\n"
		"of the mapped modules and print every thread's frames with a verdict: 'reliable' (every\n"
		"frame the thread may return to, up to a known outermost frame) or 'unreliable: REASON at\n"
		"frame N'.\n"
		"Tables come from the sidecar cache (docs/sidecar.md), names from the symbol cache next to\n"
		"it (<build-id>.tss); modules without them are analysed and read once and saved, so the\n"
		"second run opens no ELF file. File:line is shown unless --no-lines: from the debug\n"
		"information, and kept (<build-id>.tsl) so the same addresses are not looked up again.\n"
		"\n"
		"--core FILE reads a core file instead (the kernel's, gcore's, zstd-compressed ones too):\n"
		"the thread the signal hit first, with the signal; modules found by the build-id the core\n"
		"holds, through --exe, --sysroot and the paths it names; a module whose file is gone or\n"
		"another build is named on stderr and its frames are unreliable.\n"
		"\n"
		"options:\n"
		"  --core FILE          a core file instead of a process\n"
		"  --exe PATH           --core: the program's file, when not at the path the core names\n"
		"  --sysroot DIR        --core: look the core's files up under DIR first\n"
		"  --format=text|json   output format (default text; JSON: docs/stacks-json.md)\n"
		"  --check FUNC[,FUNC...]  live-patch check: safe only if every trace is reliable and no\n"
		"                       frame is inside a named function; FUNC may be MODULE:FUNC (MODULE\n"
		"                       is a path or file name as mapped); names as in the symbol table\n"
		"  --retry N            --check: take up to N more snapshots while the verdict is not safe\n"
		"  --interval MS        pause between attempts (default 100)\n"
		"  --stats              per-thread stop times and where the time went\n"
		"  --mode=MODE          unwinder: fp, fp-validated, orc, sframe, auto (default auto); on s390x\n"
		"                       fp walks the back chain (also named backchain, backchain-validated)\n"
		"  --cache-dir=DIR      sidecar cache (default $TRUSTACK_CACHE_DIR, $XDG_CACHE_HOME/trustack,\n"
		"                       ~/.cache/trustack)\n"
		"  --no-cache           neither read nor write sidecars or symbol files (analyse every module)\n"
		"  --no-lines           no file:line (debug information is not looked up)\n"
		"  --no-demangle        print C++ names as in the symbol table\n"
		"  -j N                 analysis threads for modules without a cached table\n"
		"  -h, --help           this text\n"
		"exit status: 0 every trace reliable (--check: safe), 1 some unreliable (--check: unsafe or\n"
		"unknown), 2 error (no such process, zombie, kernel thread, no permission, bad usage; a core\n"
		"that cannot be read, or holds no thread)\n");
}

struct opts {
	bool json, stats, lines, demangle, no_cache;
	const char *check, *cache_dir, *mode;
	const char *core, *exe, *sysroot; /* --core */
	bool retry_given;
	unsigned retry, interval_ms, threads;
	int pid;
};

static bool parse_uint(const char *what, const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > max || *s == '-') {
		fprintf(stderr, "trustack stacks: %s: '%s' is not a number from 0 to %u\n", what, s, max);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "check", required_argument, NULL, 'c' },
		{ "retry", required_argument, NULL, 'r' },  { "interval", required_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, 's' },        { "mode", required_argument, NULL, 'm' },
		{ "cache-dir", required_argument, NULL, 'C' }, { "no-cache", no_argument, NULL, 'N' },
		{ "no-lines", no_argument, NULL, 'L' },     { "no-demangle", no_argument, NULL, 'D' },
		{ "core", required_argument, NULL, 'K' },   { "exe", required_argument, NULL, 'E' },
		{ "sysroot", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	*o = (struct opts){ .lines = true, .demangle = true, .mode = "auto", .interval_ms = 100, .threads = 1 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "trustack stacks: --format: '%s' is not text or json\n", optarg);
				return EXIT_ERROR;
			}
			o->json = !strcmp(optarg, "json");
			break;
		case 'c': o->check = optarg; break;
		case 'r':
			if (!parse_uint("--retry", optarg, 100000, &o->retry))
				return EXIT_ERROR;
			o->retry_given = true;
			break;
		case 'i':
			if (!parse_uint("--interval", optarg, 3600000, &o->interval_ms))
				return EXIT_ERROR;
			o->retry_given = true;
			break;
		case 'K': o->core = optarg; break;
		case 'E': o->exe = optarg; break;
		case 'R': o->sysroot = optarg; break;
		case 's': o->stats = true; break;
		case 'm':
			if (!st_mode_valid(optarg)) {
				fprintf(stderr, "trustack stacks: --mode: '%s' is not fp, fp-validated, orc, sframe or auto\n",
					optarg);
				return EXIT_ERROR;
			}
			o->mode = optarg;
			break;
		case 'C':
			if (!cli_parse_cache_dir("stacks", optarg, &o->cache_dir))
				return EXIT_ERROR;
			break;
		case 'N': o->no_cache = true; break;
		case 'L': o->lines = false; break;
		case 'D': o->demangle = false; break;
		case 'j':
			if (!cli_parse_jobs("stacks", optarg, &o->threads))
				return EXIT_ERROR;
			break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (!o->core && (o->exe || o->sysroot)) {
		fprintf(stderr, "trustack stacks: --exe and --sysroot go with --core FILE\n");
		return EXIT_ERROR;
	}
	if (o->core) {
		if (optind != argc) {
			fprintf(stderr, "trustack stacks: --core FILE takes no PID ('%s')\n", argv[optind]);
			return EXIT_ERROR;
		}
		if (o->retry_given) {
			fprintf(stderr, "trustack stacks: --retry and --interval mean nothing for a core: it does "
					"not change\n");
			return EXIT_ERROR;
		}
		if (!*o->core) {
			fprintf(stderr, "trustack stacks: --core: empty file name\n");
			return EXIT_ERROR;
		}
		return -1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "trustack stacks: %s\n", optind >= argc ? "no PID given" : "one PID only");
		usage(stderr);
		return EXIT_ERROR;
	}
	unsigned pid;
	if (!parse_uint("PID", argv[optind], INT_MAX, &pid))
		return EXIT_ERROR;
	if (!pid) {
		fprintf(stderr, "trustack stacks: PID 0 is not a process (the kernel's idle task): give the ID of a "
				"running process\n");
		return EXIT_ERROR;
	}
	o->pid = (int)pid;
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One attempt: snapshot, tables, walks, symbols. */
struct run {
	struct trustack_proc *p;
	struct trustack_proc_stats ps;
	struct st_tables *tables;
	struct st_tables_stats ts;
	struct st_syms *syms;
	struct st_trace *tr;
	size_t ntr;
	uint64_t tables_ns, unwind_ns, syms_ns, total_ns;
};

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->ntr; i++) {
		for (size_t k = 0; k < r->tr[i].n; k++)
			free((char *)r->tr[i].frames[k].file);
		free(r->tr[i].frames);
	}
	free(r->tr);
	st_syms_free(r->syms);
	st_tables_free(r->tables);
	trustack_proc__close(r->p);
	memset(r, 0, sizeof(*r));
}

static int run_once(const struct opts *o, struct run *r)
{
	char err[512] = "";
	uint64_t t0 = now_ns();
	int rc;
	if (o->core) {
		struct trustack_core_opts co = { .sz = sizeof(co), .exe = o->exe, .sysroot = o->sysroot };
		rc = trustack_proc__open_core(o->core, &co, &r->p, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "trustack stacks: %s\n", *err ? err : trustack_strerror(rc));
			return EXIT_ERROR;
		}
		r->ps.total_ns = now_ns() - t0;
		st_core_warnings(r->p, o->core);
	} else {
		/* a picture of the threads stops each only for its own copy; the live-patch check
		 * judges them at one moment, all stopped together */
		struct trustack_proc_opts po = { .sz = sizeof(po), .flags = o->check ? 0 : TRUSTACK_PROC_ONE_AT_A_TIME };
		rc = trustack_proc__snapshot(o->pid, &po, &r->p, &r->ps, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "trustack stacks: %d: %s\n", o->pid, *err ? err : trustack_strerror(rc));
			return EXIT_ERROR;
		}
	}
	uint64_t t1 = now_ns();
	struct st_tables_opts to = { .cache_dir = o->cache_dir, .threads = o->threads, .no_cache = o->no_cache,
				     .progress = isatty(2) };
	rc = st_tables_prepare(r->p, &to, &r->tables, &r->ts, err, sizeof(err));
	if (!rc)
		rc = st_unwinder_open(r->tables, r->p, &to, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack stacks: %s\n", err);
		return EXIT_ERROR;
	}
	uint64_t t2 = now_ns();
	r->ntr = 0;
	r->tr = calloc(trustack_proc__thread_count(r->p) + 1, sizeof(*r->tr));
	if (!r->tr) {
		fprintf(stderr, "trustack stacks: out of memory\n");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < trustack_proc__thread_count(r->p); i++) {
		if (st_unwind_thread(r->tables, r->p, i, o->mode, &r->tr[r->ntr])) {
			fprintf(stderr, "trustack stacks: out of memory\n");
			return EXIT_ERROR;
		}
		r->ntr++;
	}
	uint64_t t3 = now_ns();
	/* the text of --check prints no frames: their lines would only cost time */
	r->syms = st_syms_new(r->p, o->lines && (o->json || !o->check), o->cache_dir, o->no_cache);
	if (!r->syms) {
		fprintf(stderr, "trustack stacks: out of memory\n");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < r->ntr; i++)
		for (size_t k = 0; k < r->tr[i].n; k++)
			st_syms_frame(r->syms, &r->tr[i].frames[k]);
	uint64_t t4 = now_ns();
	r->tables_ns = t2 - t1, r->unwind_ns = t3 - t2, r->syms_ns = t4 - t3, r->total_ns = t4 - t0;
	return -1;
}

static const struct trustack_proc_thread *thread_of(const struct trustack_proc *p, int tid)
{
	for (size_t i = 0; i < trustack_proc__thread_count(p); i++)
		if (trustack_proc__thread(p, i)->tid == tid)
			return trustack_proc__thread(p, i);
	return NULL;
}

static void print_stats_text(const struct run *r, unsigned attempts)
{
	int max_tid = 0;
	for (size_t i = 0; i < trustack_proc__thread_count(r->p); i++) {
		const struct trustack_proc_thread *th = trustack_proc__thread(r->p, i);
		if (th->stop_ns == r->ps.max_stop_ns)
			max_tid = th->tid;
	}
	bool core = trustack_proc__core(r->p) != NULL;
	if (core) /* nothing was stopped or copied: the core is read in place */
		fprintf(stdout, "\nstats: %zu threads from a core file\n", trustack_proc__thread_count(r->p));
	else
		fprintf(stdout,
			"\nstats: %zu threads; stopped window %.1f us, longest per-thread stop %.1f us (thread %d); "
			"%" PRIu64 " stack bytes copied\n",
			trustack_proc__thread_count(r->p), (double)r->ps.stopped_ns / 1e3, (double)r->ps.max_stop_ns / 1e3,
			max_tid, r->ps.stack_bytes);
	fprintf(stdout,
		"stats: %s %.2f ms, tables %.2f ms (%u modules: %u cached, %u analysed, %u failed), "
		"unwind %.2f ms, symbols %.2f ms, total %.2f ms%s\n",
		core ? "core file" : "snapshot", (double)r->ps.total_ns / 1e6, (double)r->tables_ns / 1e6, r->ts.modules,
		r->ts.cached, r->ts.built, r->ts.failed, (double)r->unwind_ns / 1e6, (double)r->syms_ns / 1e6,
		(double)r->total_ns / 1e6, attempts > 1 ? " (last attempt)" : "");
}

static void print_json(const struct opts *o, const struct run *r, const struct st_check *chk, unsigned attempts)
{
	printf("{\"pid\":%d,\"mode\":\"%s\"", trustack_proc__pid(r->p), o->mode);
	st_core_print_json(r->p, o->core);
	printf(",\"threads\":[");
	for (size_t i = 0; i < r->ntr; i++) {
		const struct st_trace *t = &r->tr[i];
		const struct trustack_proc_thread *th = thread_of(r->p, t->tid);
		printf("%s{\"tid\":%d,\"name\":", i ? "," : "", t->tid);
		json_str(stdout, th ? th->comm : "");
		if (th && th->pending_signal && trustack_proc__core(r->p)) {
			printf(",\"signal\":");
			json_str(stdout, st_signal_name(th->pending_signal));
		}
		printf(",\"reliable\":%s,\"reason\":", t->reliable ? "true" : "false");
		if (t->reliable)
			printf("null");
		else
			json_str(stdout, t->reason);
		if (!t->reliable)
			printf(",\"lost_at\":%zu", t->lost_at);
		if (o->stats && th)
			printf(",\"stop_ns\":%" PRIu64, th->stop_ns);
		printf(",\"frames\":[");
		for (size_t k = 0; k < t->n; k++) {
			const struct st_frame *f = &t->frames[k];
			printf("%s{\"pc\":%" PRIu64 ",\"module\":", k ? "," : "", f->pc);
			if (f->module_name)
				json_str(stdout, f->module_name);
			else
				printf("null");
			printf(",\"function\":");
			if (f->function) {
				json_str(stdout, f->function);
				printf(",\"offset\":%" PRIu64, f->offset);
			} else {
				printf("null,\"offset\":null");
			}
			if (f->file) {
				printf(",\"file\":");
				json_str(stdout, f->file);
				printf(",\"line\":%d", f->line);
			}
			printf("}");
		}
		printf("]}");
	}
	printf("],\"skipped\":[");
	for (size_t i = 0; i < trustack_proc__skipped_count(r->p); i++) {
		const struct trustack_proc_skipped *s = trustack_proc__skipped(r->p, i);
		printf("%s{\"tid\":%d,\"reason\":", i ? "," : "", s->tid);
		json_str(stdout, s->reason);
		printf("}");
	}
	printf("]");
	if (o->stats)
		printf(",\"stats\":{\"threads\":%zu,\"stopped_ns\":%" PRIu64 ",\"max_stop_ns\":%" PRIu64
		       ",\"stack_bytes\":%" PRIu64 ",\"snapshot_ns\":%" PRIu64 ",\"tables_ns\":%" PRIu64
		       ",\"unwind_ns\":%" PRIu64 ",\"symbols_ns\":%" PRIu64 ",\"total_ns\":%" PRIu64
		       ",\"modules\":%u,\"tables_cached\":%u,\"tables_built\":%u,\"tables_failed\":%u}",
		       trustack_proc__thread_count(r->p), r->ps.stopped_ns, r->ps.max_stop_ns, r->ps.stack_bytes,
		       r->ps.total_ns, r->tables_ns, r->unwind_ns, r->syms_ns, r->total_ns, r->ts.modules,
		       r->ts.cached, r->ts.built, r->ts.failed);
	if (chk) {
		printf(",");
		st_check_print_json(chk, attempts);
	}
	printf("}\n");
}

int cmd_stacks(int argc, char **argv)
{
	struct opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	char err[512] = "";
	struct st_check *chk = NULL;
	if (o.check && !st_check_parse(o.check, &chk, err, sizeof(err))) {
		fprintf(stderr, "trustack stacks: %s\n", err);
		return EXIT_ERROR;
	}
	struct run r = { 0 };
	enum st_verdict v = ST_SAFE;
	unsigned attempts = 0;
	for (;;) {
		attempts++;
		rc = run_once(&o, &r);
		if (rc >= 0)
			break;
		if (!chk)
			break;
		if (!st_check_resolve(chk, r.p, r.syms, err, sizeof(err))) {
			fprintf(stderr, "trustack stacks: %s\n", err);
			rc = EXIT_ERROR;
			break;
		}
		v = st_check_judge(chk, r.p, r.tr, r.ntr);
		if (v == ST_SAFE || attempts > o.retry)
			break;
		run_free(&r);
		struct timespec ts = { o.interval_ms / 1000, (long)(o.interval_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rc < 0) {
		if (o.json) {
			print_json(&o, &r, chk, attempts);
		} else {
			st_core_print_text(r.p, o.core);
			if (!chk)
				st_print_text(r.p, r.syms, r.tr, r.ntr, o.demangle, o.stats);
			else
				st_check_print_text(chk, r.p, attempts);
			if (o.stats)
				print_stats_text(&r, attempts);
		}
		if (chk) {
			rc = v == ST_SAFE ? EXIT_CLEAN : EXIT_FINDINGS;
		} else {
			rc = EXIT_CLEAN;
			for (size_t i = 0; i < r.ntr; i++)
				if (!r.tr[i].reliable)
					rc = EXIT_FINDINGS;
		}
	}
	run_free(&r);
	st_check_free(chk);
	return rc;
}
