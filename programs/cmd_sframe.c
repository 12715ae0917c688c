/* cmd_sframe.c - `trustack sframe`: SFrame unwind tables (binutils' format) from the analysis. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


struct sf_ctx {
	const char *path;
	enum cli_format fmt;
	unsigned n;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack sframe [OPTIONS] FILE -o OUT\n"
		"       trustack sframe --dump FILE\n"
		"\n"
		"Analyse every function of FILE (x86-64, arm64 or s390x object, executable or shared\n"
		"library) and write a copy of it to OUT with a .sframe section built from the analysis'\n"
		"rows, in FILE's byte order. Objects get an allocated .sframe with relocations for the\n"
		"function starts (as gas makes it); linked files a non-allocated one at address 0, so\n"
		"start fields are virtual addresses.\n"
		"Code a version cannot describe (CFA unknown or not SP/FP-based in v1/v2, return address\n"
		"or frame pointer in a register, code the analysis never reached) is reported and left\n"
		"without an FDE: an unwinder finds no information there, never a wrong row.\n"
		"\n"
		"options:\n"
		"  -o OUT             the output file, replaced atomically (through a symbolic link its\n"
		"                     target); refused: FILE itself (never modified), a device, FIFO,\n"
		"                     directory or socket\n"
		"  --sframe-version=1|2|3\n"
		"                     2 (default): binutils 2.41-2.45, glibc 2.42, the kernel series;\n"
		"                     1: binutils 2.40 (what objdump --sframe on Debian 12 reads);\n"
		"                     3: binutils 2.46, with flexible FDEs for DRAP and other registers\n"
		"                     (s390x: 2 or 3; its SFrame starts with binutils 2.45's v2)\n"
		"  --rules=stack|fp   the analysis' rules (default: stack)\n"
		"  -j N               analyse with N threads (default: 1)\n"
		"  --format=text|json text (default): one line per problem,\n"
		"                     FILE: warning: trustack: FUNC+0xOFF: MESSAGE [sframe-unrepresentable]\n"
		"  --raw              write only the section's bytes to OUT (linked files)\n"
		"  --dump             print the .sframe of FILE (any version) as objdump --sframe does\n"
		"  -q, --quiet        no summary line on stderr\n"
		"  -h, --help         this text\n"
		"\n"
		"exit status: 0 written without problems, 1 written with problems, 2 error\n");
}

static void on_problem(const struct trustack_table_problem *p, void *arg)
{
	struct sf_ctx *c = arg;
	char where[64];
	if (c->fmt == FMT_TEXT) {
		if (p->function)
			printf("%s: warning: trustack: %s+0x%llx: %s [sframe-unrepresentable]\n", c->path, p->function,
			       (unsigned long long)p->offset, p->message);
		else
			printf("%s: warning: trustack: %s+0x%llx: %s [sframe-unrepresentable]\n", c->path,
			       p->section ? p->section : "?", (unsigned long long)p->address, p->message);
	} else {
		printf("%s{\"file\":", c->n ? "," : "");
		json_str(stdout, c->path);
		printf(",\"function\":");
		if (p->function)
			json_str(stdout, p->function);
		else
			printf("null");
		snprintf(where, sizeof(where), "0x%llx", (unsigned long long)p->address);
		printf(",\"offset\":%llu,\"address\":", (unsigned long long)p->offset);
		json_str(stdout, where);
		printf(",\"section\":");
		json_str(stdout, p->section);
		printf(",\"length\":%llu,\"kind\":\"sframe-unrepresentable\",\"message\":", (unsigned long long)p->length);
		json_str(stdout, p->message);
		printf("}");
	}
	c->n++;
}

static int dump(const char *path)
{
	char err[256] = "";
	struct trustack_elf *elf;
	int rc = trustack_elf__open(path, &elf, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", path, err[0] ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	printf("\n%s:\n\n", path);
	rc = trustack_sframe__dump(elf, stdout, err, sizeof(err));
	trustack_elf__close(elf);
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", path, err);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

int cmd_sframe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sframe-version", required_argument, NULL, 'V' },
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, 'R' },
		{ "dump", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trustack_sframe_opts opts = { .sz = sizeof(opts), .rules = TRUSTACK_RULES_STACK, .threads = 1, .version = 2 };
	struct sf_ctx c = { .fmt = FMT_TEXT };
	const char *out = NULL;
	bool raw = false, do_dump = false, quiet = false;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
		switch (o) {
		case 'o': out = optarg; break;
		case 'V':
			if (strcmp(optarg, "1") && strcmp(optarg, "2") && strcmp(optarg, "3")) {
				fprintf(stderr, "trustack sframe: --sframe-version must be 1, 2 or 3\n");
				return EXIT_ERROR;
			}
			opts.version = (unsigned)(optarg[0] - '0');
			break;
		case 'r':
			if (!cli_parse_rules("sframe", optarg, &opts.rules))
				return EXIT_ERROR;
			break;
		case 'f':
			if (!cli_parse_format("sframe", optarg, FMT_TEXT | FMT_JSON, &c.fmt))
				return EXIT_ERROR;
			break;
		case 'j':
			if (!cli_parse_jobs("sframe", optarg, &opts.threads))
				return EXIT_ERROR;
			break;
		case 'R': raw = true; break;
		case 'D': do_dump = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc || (!do_dump && !out)) {
		fprintf(stderr, "trustack sframe: %s\n", optind >= argc ? "no input file" : optind + 1 < argc ? "one input file only" : "no output file (-o OUT)");
		usage(stderr);
		return EXIT_ERROR;
	}
	c.path = argv[optind];
	if (do_dump)
		return dump(c.path);
	char err[256] = "";
	struct trustack_elf *elf;
	int rc = trustack_elf__open(c.path, &elf, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", c.path, err[0] ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	struct trustack_sframe_stats st = { 0 };
	if (c.fmt == FMT_JSON)
		printf("{\"problems\":[");
	fflush(stdout);
	if (raw) {
		void *buf = NULL;
		size_t size = 0;
		rc = trustack_output__check(out, elf, err, sizeof(err)); /* before the analysis */
		if (!rc)
			rc = trustack_sframe__encode(elf, &opts, on_problem, &c, &st, &buf, &size, err, sizeof(err));
		if (!rc)
			rc = trustack_output__write(out, buf, size, elf, err, sizeof(err));
		free(buf);
	} else {
		rc = trustack_sframe__write(elf, &opts, out, on_problem, &c, &st, err, sizeof(err));
	}
	trustack_elf__close(elf);
	if (c.fmt == FMT_JSON) {
		printf("],\"summary\":{\"file\":");
		json_str(stdout, c.path);
		printf(",\"output\":");
		json_str(stdout, out);
		printf(",\"version\":%u,\"fdes\":%llu,\"fres\":%llu,\"bytes\":%llu,\"problems\":%llu,\"error\":", opts.version,
		       (unsigned long long)st.fdes, (unsigned long long)st.fres, (unsigned long long)st.bytes,
		       (unsigned long long)st.problems);
		if (rc)
			json_str(stdout, err[0] ? err : trustack_strerror(rc));
		else
			printf("null");
		printf("}}\n");
	}
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", c.path, err[0] ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	if (!quiet)
		fprintf(stderr, "%s: SFrame v%u: %llu FDEs, %llu FREs, %llu bytes, %llu problems -> %s\n", c.path,
			opts.version, (unsigned long long)st.fdes, (unsigned long long)st.fres,
			(unsigned long long)st.bytes, (unsigned long long)st.problems, out);
	return st.problems ? EXIT_FINDINGS : EXIT_CLEAN;
}
