/*
 * cmd_perf.c - `trustack perf [FILE]`: the samples of a perf.data profile with a verdict each.
 *
 * Samples recorded with --call-graph=dwarf (user registers and a copy of the user stack) are
 * unwound by the reliable unwinder; samples with only the kernel's frame-pointer callchain
 * (--call-graph=fp) have that chain checked frame by frame against the tables. The output is a
 * `perf script`-like text, collapsed stacks (--folded), a flame graph (--svg), JSON, or the
 * share of reliable samples and why the others are not (--summary).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "perf.h"
#include "vec.h"

#define PERF_MAX_FRAMES 1024

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack perf [OPTIONS] [FILE]\n"
		"\n"
		"Read a perf.data profile (default ./perf.data) and give every sample's user stack with a\n"
		"verdict: 'reliable' (every frame up to a known outermost frame) or 'unreliable: REASON at\n"
		"frame N'. Samples recorded with --call-graph=dwarf are unwound from their registers and\n"
		"stack copy; samples with only a frame-pointer callchain (--call-graph=fp) have each frame\n"
		"checked against the tables (a leaf sampled in a prologue or epilogue, where the kernel's\n"
		"walk skips its caller, is marked). Tables and names come from the build-id caches, as for\n"
		"`trustack stacks`; mapped files whose build-id differs from the recorded one are unknown code.\n"
		"\n"
		"options:\n"
		"  --folded             collapsed stacks (one 'comm;outer;...;leaf COUNT' line per stack)\n"
		"  --svg FILE           write a flame graph (unverified frames grey, unreliable stacks apart)\n"
		"  --format=text|json   per-sample output (default text; JSON: docs/perf.md)\n"
		"  --summary            the share of reliable samples, the others by reason and by module\n"
		"  --mode=MODE          unwinder: fp, fp-validated, orc, sframe, auto (default auto); on s390x\n"
		"                       fp walks the back chain (also named backchain, backchain-validated)\n"
		"  --root DIR           prefix for the mapped files' paths (a copy of the recording machine's)\n"
		"  --cache-dir=DIR      sidecar and symbol cache (default as `trustack stacks`)\n"
		"  --no-cache           neither read nor write the caches (analyse every module)\n"
		"  --no-demangle        print C++ names as in the symbol table\n"
		"  -j N                 analysis threads for modules without a cached table\n"
		"  -h, --help           this text\n"
		"exit status: 0 every user stack reliable, 1 some unreliable, 2 error (unreadable, damaged or\n"
		"truncated file: what could be read is still shown, pipe mode, another machine, bad usage)\n");
}

struct opts {
	const char *file, *svg, *cache_dir, *root;
	enum trustack_unwind_mode mode;
	bool json, folded, summary, no_cache, demangle;
	unsigned threads;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "folded", no_argument, NULL, 'F' },
		{ "svg", required_argument, NULL, 'S' },    { "summary", no_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },   { "root", required_argument, NULL, 'R' },
		{ "cache-dir", required_argument, NULL, 'C' }, { "no-cache", no_argument, NULL, 'N' },
		{ "no-demangle", no_argument, NULL, 'D' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct opts){ .file = "perf.data", .mode = TRUSTACK_UNWIND_AUTO, .demangle = true, .threads = 1 };
	enum cli_format fmt = FMT_TEXT;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!cli_parse_format("perf", optarg, FMT_TEXT | FMT_JSON, &fmt))
				return EXIT_ERROR;
			o->json = fmt == FMT_JSON;
			break;
		case 'F': o->folded = true; break;
		case 'S':
			if (!*optarg) {
				fprintf(stderr, "trustack perf: --svg needs a file name\n");
				return EXIT_ERROR;
			}
			o->svg = optarg;
			break;
		case 's': o->summary = true; break;
		case 'm':
			if (trustack_unwind_mode__parse(optarg, &o->mode)) {
				fprintf(stderr, "trustack perf: --mode: '%s' is not fp, fp-validated, orc, sframe or auto\n",
					optarg);
				return EXIT_ERROR;
			}
			break;
		case 'R': o->root = optarg; break;
		case 'C':
			if (!cli_parse_cache_dir("perf", optarg, &o->cache_dir))
				return EXIT_ERROR;
			break;
		case 'N': o->no_cache = true; break;
		case 'D': o->demangle = false; break;
		case 'j':
			if (!cli_parse_jobs("perf", optarg, &o->threads))
				return EXIT_ERROR;
			break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "trustack perf: one FILE only\n");
		usage(stderr);
		return EXIT_ERROR;
	}
	if (optind < argc)
		o->file = argv[optind];
	if (o->json + o->folded + o->summary > 1) {
		fprintf(stderr, "trustack perf: --format=json, --folded and --summary are different outputs: choose one\n");
		return EXIT_ERROR;
	}
	return -1;
}

/* ---- the summary ---- */

struct count {
	char *name;
	uint64_t n;
};

struct summary {
	uint64_t user, reliable, no_user_stack, dwarf, callchain;
	struct count *reasons, *modules;
	size_t nreasons, capreasons, nmodules, capmodules;
};

static bool bump(struct count **v, size_t *n, size_t *cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name)) {
			(*v)[i].n++;
			return true;
		}
	if (TS_GROW(*v, *n, *cap, 16))
		return false;
	if (!((*v)[*n].name = strdup(name)))
		return false;
	(*v)[(*n)++].n = 1;
	return true;
}

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->name, y->name);
}

static void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->nreasons; i++)
		free(s->reasons[i].name);
	for (size_t i = 0; i < s->nmodules; i++)
		free(s->modules[i].name);
	free(s->reasons);
	free(s->modules);
}

static const char *reason_text(const char *r)
{
	static const struct {
		const char *name, *text;
	} t[] = {
		{ "stack-copy-too-small", "the stack copy ended before the stack did (raise --user-stack-size)" },
		{ "fp-leaf-skips-caller", "frame-pointer callchain, leaf in a prologue/epilogue: its caller is missing" },
		{ "prologue-epilogue", "frame-pointer callchain through code that keeps no frame" },
		{ "no-table-row", "no table row for the code (no table for the module, or not covered)" },
		{ "unknown-code", "code in no known module (JIT, a file gone or changed since the recording)" },
		{ "signal-frame", "a signal frame" },
		{ "no-outermost", "the walk ended before a known outermost frame" },
		{ "unreliable-row", "code the analysis could not follow" },
		{ "plt", "a PLT stub without a row" },
		{ "truncated", "more frames than trustack perf keeps" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, r))
			return t[i].text;
	return "";
}

static void print_summary(const struct summary *s, const struct trustack_perf_stats *st, const struct trustack_perf_info *in)
{
	printf("samples: %" PRIu64 " (%" PRIu64 " with a user stack: %" PRIu64 " unwound from a stack copy, %" PRIu64
	       " from a frame-pointer callchain; %" PRIu64 " without one)\n",
	       st->samples, s->user, s->dwarf, s->callchain, s->no_user_stack);
	if (in->stack_user)
		printf("stack copy per sample: %u bytes\n", in->stack_user);
	printf("reliable: %" PRIu64 " of %" PRIu64 " (%.1f%%)\n", s->reliable, s->user,
	       s->user ? 100.0 * (double)s->reliable / (double)s->user : 0.0);
	if (s->nreasons) {
		printf("\nunreliable, by reason:\n");
		for (size_t i = 0; i < s->nreasons; i++)
			printf("  %8" PRIu64 "  %5.1f%%  %-22s %s\n", s->reasons[i].n,
			       100.0 * (double)s->reasons[i].n / (double)s->user, s->reasons[i].name,
			       reason_text(s->reasons[i].name));
		printf("\nunreliable, by the module where trust was lost:\n");
		for (size_t i = 0; i < s->nmodules; i++)
			printf("  %8" PRIu64 "  %5.1f%%  %s\n", s->modules[i].n,
			       100.0 * (double)s->modules[i].n / (double)s->user, s->modules[i].name);
	}
	printf("\nrecords: %" PRIu64 " (%" PRIu64 " mmap, %" PRIu64 " comm, %" PRIu64 " fork, %" PRIu64 " exit; %" PRIu64
	       " skipped, %" PRIu64 " of unknown types, %" PRIu64 " damaged)\n",
	       st->records, st->mmaps, st->comms, st->forks, st->exits, st->skipped, st->unknown, st->damaged);
	if (st->lost)
		printf("lost by the kernel: %" PRIu64 " samples\n", st->lost);
}

/* ---- one sample ---- */

struct run {
	struct opts o;
	struct trustack_perf *p;
	struct pf_syms *syms;
	struct pf_flame *flame;
	struct summary sum;
	struct trustack_frame fr[PERF_MAX_FRAMES];
	struct pf_frame pf[PERF_MAX_FRAMES];
	bool first_json, any_unreliable;
	char err[512];
};

static void print_text(struct run *r, const struct trustack_perf_sample *s, const char *comm, size_t n,
		       bool reliable, const char *reason, size_t lost_at)
{
	printf("%s %d/%d [%03u] %" PRIu64 ".%06" PRIu64 ": %s: ", comm ? comm : "[unknown]", s->pid, s->tid, s->cpu,
	       s->time / 1000000000u, s->time % 1000000000u / 1000u, trustack_perf__event_name(r->p, s->event));
	if (reliable)
		printf("reliable\n");
	else if (!n)
		printf("unreliable: %s\n", reason);
	else
		printf("unreliable: %s at frame %zu\n", reason, lost_at);
	for (size_t k = 0; k < n; k++) {
		const struct pf_frame *f = &r->pf[k];
		printf("\t%16" PRIx64 " ", f->pc);
		if (f->function)
			printf("%s+0x%" PRIx64, pf_syms_display(r->syms, f->function), f->offset);
		else
			printf("[unknown]");
		printf(" (%s)%s\n", f->module ? f->module : "unknown", f->trusted ? "" : " [unverified]");
	}
	printf("\n");
}

static void print_json_sample(struct run *r, const struct trustack_perf_sample *s, const char *comm, size_t n,
			      bool reliable, const char *reason, size_t lost_at, const char *source)
{
	printf("%s\n{\"time\":%" PRIu64 ",\"pid\":%d,\"tid\":%d,\"cpu\":%u,\"comm\":", r->first_json ? "" : ",", s->time,
	       s->pid, s->tid, s->cpu);
	r->first_json = false;
	if (comm)
		json_str(stdout, comm);
	else
		printf("null");
	printf(",\"event\":");
	json_str(stdout, trustack_perf__event_name(r->p, s->event));
	printf(",\"source\":");
	if (source)
		json_str(stdout, source);
	else
		printf("null");
	printf(",\"reliable\":%s,\"reason\":", reliable ? "true" : "false");
	if (reliable)
		printf("null");
	else
		json_str(stdout, reason);
	if (!reliable && n)
		printf(",\"lost_at\":%zu", lost_at);
	printf(",\"frames\":[");
	for (size_t k = 0; k < n; k++) {
		const struct pf_frame *f = &r->pf[k];
		printf("%s{\"pc\":%" PRIu64 ",\"module\":", k ? "," : "", f->pc);
		if (f->module)
			json_str(stdout, f->module);
		else
			printf("null");
		printf(",\"function\":");
		if (f->function) {
			json_str(stdout, f->function);
			printf(",\"offset\":%" PRIu64 "}", f->offset);
		} else {
			printf("null,\"offset\":null}");
		}
	}
	printf("]}");
}

static bool one_sample(struct run *r, const struct trustack_perf_sample *s)
{
	struct trustack_perf_unwind u;
	int rc = trustack_perf__unwind(r->p, s, r->o.mode, r->fr, PERF_MAX_FRAMES, &u, r->err, sizeof(r->err));
	if (rc && rc != -TRUSTACK_E_NOTFOUND) {
		fprintf(stderr, "trustack perf: %s\n", *r->err ? r->err : trustack_strerror(rc));
		return false;
	}
	const char *comm = trustack_perf__comm(r->p, s->tid);
	if (!comm) /* a thread perf saw no COMM or FORK of: its process' name */
		comm = trustack_perf__comm(r->p, s->pid);
	bool has = rc == 0;
	bool reliable = has && u.result.verdict == TRUSTACK_UNWIND_RELIABLE;
	const char *reason = !has ? "no-user-stack"
			     : u.stack_cut ? "stack-copy-too-small"
			     : u.leaf_skips_caller ? "fp-leaf-skips-caller"
						   : trustack_unwind_verdict__name(u.result.verdict);
	size_t n = has ? u.result.count : 0, lost_at = u.result.lost_at;
	for (size_t k = 0; k < n; k++) {
		r->pf[k] = (struct pf_frame){ .pc = r->fr[k].pc, .trusted = reliable || k <= lost_at };
		pf_syms_frame(r->syms, r->p, s->pid, (r->fr[k].flags & TRUSTACK_FRAME_EXACT) != 0, &r->pf[k]);
	}
	if (!has) {
		r->sum.no_user_stack++;
	} else {
		r->sum.user++;
		*(u.from_callchain ? &r->sum.callchain : &r->sum.dwarf) += 1;
		if (reliable) {
			r->sum.reliable++;
		} else {
			r->any_unreliable = true;
			const char *mod = lost_at < n && r->pf[lost_at].module ? r->pf[lost_at].module : "[unknown]";
			if (!bump(&r->sum.reasons, &r->sum.nreasons, &r->sum.capreasons, reason) ||
			    !bump(&r->sum.modules, &r->sum.nmodules, &r->sum.capmodules, mod))
				return false;
		}
	}
	if (r->flame && has && !pf_flame_add(r->flame, r->syms, comm, r->pf, n, reliable ? NULL : reason))
		return false;
	if (r->o.json)
		print_json_sample(r, s, comm, n, reliable, reason, lost_at,
				  !has ? NULL : u.from_callchain ? "callchain" : "stack");
	else if (!r->o.folded && !r->o.summary && !r->o.svg)
		print_text(r, s, comm, n, reliable, reason, lost_at);
	return true;
}

static int write_svg(struct run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m || pf_flame_write_svg(r->flame, r->o.file, m)) {
		if (m)
			fclose(m);
		free(buf);
		fprintf(stderr, "trustack perf: out of memory\n");
		return EXIT_ERROR;
	}
	fclose(m);
	char err[512] = "";
	int rc = trustack_output__write(r->o.svg, buf, len, NULL, err, sizeof(err));
	free(buf);
	if (rc) {
		fprintf(stderr, "trustack perf: %s: %s\n", r->o.svg, *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

/* --svg must not replace the profile itself. */
static bool svg_is_input(const struct opts *o)
{
	struct stat a, b;
	return o->svg && !stat(o->svg, &a) && !stat(o->file, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int cmd_perf(int argc, char **argv)
{
	static struct run r; /* the frame arrays are large */
	memset(&r, 0, sizeof(r));
	int rc = parse_args(argc, argv, &r.o);
	if (rc >= 0)
		return rc;
	if (svg_is_input(&r.o)) {
		fprintf(stderr, "trustack perf: --svg %s is the profile itself\n", r.o.svg);
		return EXIT_ERROR;
	}
	struct trustack_perf_opts po = { .sz = sizeof(po), .cache_dir = r.o.cache_dir, .no_cache = r.o.no_cache,
					 .threads = r.o.threads, .root = r.o.root };
	rc = trustack_perf__open(r.o.file, &po, &r.p, r.err, sizeof(r.err));
	if (rc) {
		fprintf(stderr, "trustack perf: %s: %s\n", r.o.file, *r.err ? r.err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	r.syms = pf_syms_new(r.o.cache_dir, r.o.no_cache, r.o.root, r.o.demangle && !r.o.json);
	if ((r.o.folded || r.o.svg) && !(r.flame = pf_flame_new())) {
		pf_syms_free(r.syms);
		r.syms = NULL;
	}
	if (!r.syms) {
		fprintf(stderr, "trustack perf: out of memory\n");
		trustack_perf__close(r.p);
		return EXIT_ERROR;
	}
	r.first_json = true;
	if (r.o.json)
		printf("{\"samples\":[");
	struct trustack_perf_sample s;
	int status = EXIT_CLEAN;
	char err[512] = "";
	while ((rc = trustack_perf__next(r.p, &s, err, sizeof(err))) == 1) {
		if (!one_sample(&r, &s)) {
			status = EXIT_ERROR;
			break;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "trustack perf: %s: %s\n", r.o.file, *err ? err : trustack_strerror(rc));
		status = EXIT_ERROR;
	}
	struct trustack_perf_stats st;
	struct trustack_perf_info in;
	trustack_perf__stats(r.p, &st);
	trustack_perf__info(r.p, &in);
	if (r.sum.nreasons) /* (qsort of NULL, even for 0 elements, is undefined) */
		qsort(r.sum.reasons, r.sum.nreasons, sizeof(*r.sum.reasons), by_count);
	if (r.sum.nmodules)
		qsort(r.sum.modules, r.sum.nmodules, sizeof(*r.sum.modules), by_count);
	if (r.o.json) {
		printf("],\"summary\":{\"samples\":%" PRIu64 ",\"user\":%" PRIu64 ",\"reliable\":%" PRIu64
		       ",\"no_user_stack\":%" PRIu64 ",\"from_stack\":%" PRIu64 ",\"from_callchain\":%" PRIu64
		       ",\"stack_user\":%u,\"reasons\":{",
		       st.samples, r.sum.user, r.sum.reliable, r.sum.no_user_stack, r.sum.dwarf, r.sum.callchain,
		       in.stack_user);
		for (size_t i = 0; i < r.sum.nreasons; i++) {
			printf("%s", i ? "," : "");
			json_str(stdout, r.sum.reasons[i].name);
			printf(":%" PRIu64, r.sum.reasons[i].n);
		}
		printf("},\"modules\":{");
		for (size_t i = 0; i < r.sum.nmodules; i++) {
			printf("%s", i ? "," : "");
			json_str(stdout, r.sum.modules[i].name);
			printf(":%" PRIu64, r.sum.modules[i].n);
		}
		printf("},\"records\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"skipped\":%" PRIu64 ",\"unknown\":%" PRIu64
		       ",\"damaged\":%" PRIu64 ",\"compressed\":%" PRIu64 ",\"build_id_mismatch\":%" PRIu64
		       ",\"missing_files\":%" PRIu64 "}}\n",
		       st.records, st.lost, st.skipped, st.unknown, st.damaged, st.compressed, st.build_id_mismatch,
		       st.missing_files);
	} else if (r.o.summary) {
		print_summary(&r.sum, &st, &in);
	} else if (r.o.folded) {
		pf_flame_print_folded(r.flame, stdout);
	}
	if (r.o.svg && write_svg(&r))
		status = EXIT_ERROR;
	if (st.unknown)
		fprintf(stderr, "trustack perf: %" PRIu64 " records of unknown types skipped\n", st.unknown);
	if (st.damaged)
		fprintf(stderr, "trustack perf: %" PRIu64 " damaged records skipped\n", st.damaged);
	if (st.compressed)
		fprintf(stderr, "trustack perf: %" PRIu64 " compressed records (perf record -z) not read: record "
				"without -z\n", st.compressed);
	if (st.build_id_mismatch)
		fprintf(stderr, "trustack perf: %" PRIu64 " mapped files changed since the recording (build-id "
				"differs): their code counts as unknown\n", st.build_id_mismatch);
	if (st.missing_files)
		fprintf(stderr, "trustack perf: %" PRIu64 " mapped files could not be opened (--root?)\n",
			st.missing_files);
	if (status == EXIT_CLEAN && r.any_unreliable)
		status = EXIT_FINDINGS;
	if (fflush(stdout) || ferror(stdout))
		status = EXIT_ERROR;
	summary_free(&r.sum);
	pf_flame_free(r.flame);
	pf_syms_free(r.syms);
	trustack_perf__close(r.p);
	return status;
}
