/*
 * cmd_verify_unwind.c - `trustack verify-unwind`: run a program under single-step and keep the
 * true chain of return addresses (lib/proc/singlestep.c) at every N-th step.
 *
 * This is the tracer half: until the unwinder is plugged in at on_point(), it reports how many
 * points were visited and how deep the true chains were; "modes" stays empty.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack verify-unwind [--every N] [--max-steps N] [--format=text|json] [--quiet]\n"
		"                              -- PROG [ARGS...]\n"
		"\n"
		"Run PROG single-stepping every instruction of every thread, keep the true chain of return\n"
		"addresses from the calls, returns and signals actually executed, and check the unwinder\n"
		"against it at every N-th step (the unwinder is not wired yet: the chain statistics are\n"
		"printed).\n"
		"\n"
		"options:\n"
		"  --every N        a point at every N-th step over all threads (default 1)\n"
		"  --max-steps N    stop after N steps (the program is killed)\n"
		"  --format=F       text (default) or json\n"
		"  --quiet          PROG's stdout and stderr go to /dev/null\n"
		"  -h, --help       this text\n"
		"exit status: 0 done, 1 false-reliable traces in a validated mode, 2 error\n");
}

#define DEPTH_BUCKETS 8
static const size_t bucket_max[DEPTH_BUCKETS] = { 0, 2, 4, 8, 16, 32, 64, (size_t)-1 };

struct vu {
	uint64_t hist[DEPTH_BUCKETS];
	uint64_t signal_points; /* points with a signal frame in the chain */
};

static int on_point(const struct trustack_step_point *pt, void *ctx)
{
	struct vu *v = ctx;
	int b = 0;
	while (pt->depth > bucket_max[b])
		b++;
	v->hist[b]++;
	for (size_t i = 0; i < pt->depth; i++)
		if (pt->chain[i].kind == TRUSTACK_CHAIN_SIGNAL) {
			v->signal_points++;
			break;
		}
	/* the unwinder plugs in here: unwind from pt->regs with pt->read in every mode and
	 * compare with pt->chain */
	return 0;
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

int cmd_verify_unwind(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "every", required_argument, NULL, 'e' }, { "max-steps", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	struct trustack_trace_opts o = { .sz = sizeof(o), .every = 1 };
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!parse_u64(optarg, &o.every) || !o.every) {
				fprintf(stderr, "trustack verify-unwind: --every wants a number >= 1, not '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'm':
			if (!parse_u64(optarg, &o.max_steps)) {
				fprintf(stderr, "trustack verify-unwind: --max-steps wants a number, not '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "json"))
				json = true;
			else if (strcmp(optarg, "text")) {
				fprintf(stderr, "trustack verify-unwind: unknown format '%s' (text, json)\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "trustack verify-unwind: no program given (trustack verify-unwind -- PROG ARGS)\n");
		return EXIT_ERROR;
	}
	struct vu v = { { 0 }, 0 };
	struct trustack_trace_stats st;
	char err[512];
	int rc = trustack_trace__run(argv + optind, &o, on_point, &v, &st, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack verify-unwind: %s\n", *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	double mean = st.points ? (double)st.depth_sum / (double)st.points : 0;
	char status[64];
	if (st.limited)
		snprintf(status, sizeof(status), "stopped after %llu steps", (unsigned long long)st.steps);
	else if (WIFEXITED(st.exit_status))
		snprintf(status, sizeof(status), "exited with %d", WEXITSTATUS(st.exit_status));
	else
		snprintf(status, sizeof(status), "killed by signal %d", WTERMSIG(st.exit_status));
	if (json) {
		printf("{\"points\":%llu,\"steps\":%llu,\"threads\":%llu,\"calls\":%llu,\"returns\":%llu,"
		       "\"signals\":%llu,\"signal_points\":%llu,\"depth\":{\"max\":%zu,\"mean\":%.2f,\"histogram\":{",
		       (unsigned long long)st.points, (unsigned long long)st.steps, (unsigned long long)st.threads,
		       (unsigned long long)st.calls, (unsigned long long)st.returns, (unsigned long long)st.signals,
		       (unsigned long long)v.signal_points, st.max_depth, mean);
		for (int b = 0; b < DEPTH_BUCKETS; b++)
			if (b == DEPTH_BUCKETS - 1)
				printf("%s\"%zu+\":%llu", b ? "," : "", bucket_max[b - 1] + 1, (unsigned long long)v.hist[b]);
			else
				printf("%s\"%zu\":%llu", b ? "," : "", bucket_max[b], (unsigned long long)v.hist[b]);
		printf("}},\"program\":");
		json_str(stdout, status);
		printf(",\"modes\":{}}\n");
	} else {
		printf("program %s: %s\n", argv[optind], status);
		printf("steps %llu, points %llu (every %llu), threads %llu, calls %llu, returns %llu, signal frames %llu\n",
		       (unsigned long long)st.steps, (unsigned long long)st.points, (unsigned long long)o.every,
		       (unsigned long long)st.threads, (unsigned long long)st.calls, (unsigned long long)st.returns,
		       (unsigned long long)st.signals);
		printf("true chain depth: max %zu, mean %.2f; points by depth:", st.max_depth, mean);
		for (int b = 0; b < DEPTH_BUCKETS; b++)
			if (b == DEPTH_BUCKETS - 1)
				printf(" %zu+:%llu", bucket_max[b - 1] + 1, (unsigned long long)v.hist[b]);
			else
				printf(" <=%zu:%llu", bucket_max[b], (unsigned long long)v.hist[b]);
		printf("\npoints inside a signal handler: %llu\n", (unsigned long long)v.signal_points);
		printf("unwinder: not wired yet (no per-mode counts)\n");
	}
	return EXIT_CLEAN;
}
