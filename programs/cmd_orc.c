/*
 * cmd_orc.c - `trustack orc`: write a copy of an ELF file with ORC tables from the analysis, or
 * (--dump) print the ORC tables a file has, in objtool --dump=orc's shape.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


struct orc_cli {
	const char *path;
	enum cli_format fmt;
	size_t count;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack orc [OPTIONS] FILE -o OUT\n"
		"       trustack orc --dump [--orc-layout=auto|current|6.1] FILE\n"
		"\n"
		"Analyse every function of FILE (x86-64) and write a copy of it to OUT with the kernel's\n"
		"ORC unwind tables (.orc_unwind, .orc_unwind_ip) describing every instruction. FILE is\n"
		"never modified. Objects get the sections as objtool makes them (relocated against the\n"
		"code); executables and shared libraries get them non-allocated, each .orc_unwind_ip slot\n"
		"relative to its own offset from address 0 (docs/orc.md).\n"
		"\n"
		"What ORC cannot express (an offset beyond 16 bits, a CFA in a register ORC has no name\n"
		"for, a return address not at CFA-8, ...) is reported, one line per range:\n"
		"  FILE: warning: trustack: FUNC+0xOFF: MESSAGE [orc-unrepresentable]\n"
		"and written as an undefined entry (an unwinder stops there), never truncated.\n"
		"\n"
		"options:\n"
		"  -o, --output=OUT          the file to write (required; replaced atomically, through a\n"
		"                            symbolic link its target; refused: FILE itself, a device,\n"
		"                            FIFO, directory or socket)\n"
		"  --orc-layout=current|6.1  current (default): Linux 6.4+ entries (type:3 signal:1);\n"
		"                            6.1: Linux <= 6.2 entries (type:2 end:1), which Debian's\n"
		"                            objtool 6.1 --dump=orc reads\n"
		"  --rules=stack|fp          the analysis rules, as for 'trustack check' (default: stack)\n"
		"  -j N                      analyse with N threads (default: 1)\n"
		"  --format=text|json        text (default) or one JSON object on stdout\n"
		"  --dump                    print the ORC tables of FILE instead (--orc-layout=auto, the\n"
		"                            default here, detects the layout)\n"
		"  -q, --quiet               no summary line on stderr\n"
		"  -h, --help                this text\n"
		"\n"
		"exit status: 0 written, no problem; 1 written, with problems; 2 error (unreadable or\n"
		"malformed input, a file that has ORC already, bad usage)\n");
}

static void on_problem(const struct trustack_table_problem *p, void *arg)
{
	struct orc_cli *c = arg;
	char where[512];
	if (p->function)
		snprintf(where, sizeof(where), "%s+0x%llx", p->function, (unsigned long long)p->offset);
	else
		snprintf(where, sizeof(where), "%s+0x%llx", p->section ? p->section : "?",
			 (unsigned long long)p->address);
	if (c->fmt == FMT_TEXT) {
		printf("%s: warning: trustack: %s: %s [orc-unrepresentable]\n", c->path, where, p->message);
	} else {
		printf("%s{\"file\":", c->count ? "," : "");
		json_str(stdout, c->path);
		printf(",\"function\":");
		if (p->function)
			json_str(stdout, p->function);
		else
			printf("null");
		printf(",\"offset\":%llu,\"address\":%llu,\"section\":", (unsigned long long)p->offset,
		       (unsigned long long)p->address);
		json_str(stdout, p->section);
		printf(",\"length\":%llu,\"kind\":\"orc-unrepresentable\",\"message\":", (unsigned long long)p->length);
		json_str(stdout, p->message);
		printf("}");
	}
	c->count++;
}

static int dump(struct trustack_elf *elf, const char *path, enum trustack_orc_layout layout)
{
	char err[256] = "";
	struct trustack_orc_entry *e;
	size_t n;
	enum trustack_orc_layout det = layout;
	int rc = trustack_orc__read(elf, layout, &e, &n, &det, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", path, *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	if (!n) {
		fprintf(stderr, "trustack: %s: no ORC tables\n", path);
		return EXIT_CLEAN;
	}
	char line[512];
	for (size_t i = 0; i < n; i++)
		printf("%s\n", trustack_orc_entry__format(elf, &e[i], det, line, sizeof(line)));
	free(e);
	return EXIT_CLEAN;
}

int cmd_orc(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "orc-layout", required_argument, NULL, 'L' },
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "dump", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct trustack_orc_opts opts = { .sz = sizeof(opts), .layout = TRUSTACK_ORC_LAYOUT_CURRENT };
	struct orc_cli c = { .fmt = FMT_TEXT };
	const char *out = NULL;
	bool quiet = false, dumping = false, layout_set = false;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'L':
			layout_set = true;
			if (!strcmp(optarg, "current"))
				opts.layout = TRUSTACK_ORC_LAYOUT_CURRENT;
			else if (!strcmp(optarg, "6.1"))
				opts.layout = TRUSTACK_ORC_LAYOUT_6_1;
			else if (!strcmp(optarg, "auto"))
				opts.layout = TRUSTACK_ORC_LAYOUT_AUTO;
			else {
				fprintf(stderr, "trustack orc: --orc-layout must be current or 6.1 (or auto with --dump)\n");
				return EXIT_ERROR;
			}
			break;
		case 'r':
			if (!cli_parse_rules("orc", optarg, &opts.rules))
				return EXIT_ERROR;
			break;
		case 'f':
			if (!cli_parse_format("orc", optarg, FMT_TEXT | FMT_JSON, &c.fmt))
				return EXIT_ERROR;
			break;
		case 'j':
			if (!cli_parse_jobs("orc", optarg, &opts.threads))
				return EXIT_ERROR;
			break;
		case 'D': dumping = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc || (!dumping && !out)) {
		fprintf(stderr, "trustack orc: %s\n", optind + 1 != argc ? "exactly one FILE" : "no output file (-o OUT)");
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!dumping && opts.layout == TRUSTACK_ORC_LAYOUT_AUTO) {
		fprintf(stderr, "trustack orc: --orc-layout=auto is for --dump only\n");
		return EXIT_ERROR;
	}
	c.path = argv[optind];
	char err[256] = "";
	struct trustack_elf *elf;
	int rc = trustack_elf__open(c.path, &elf, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", c.path, *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	if (dumping) {
		rc = dump(elf, c.path, layout_set ? opts.layout : TRUSTACK_ORC_LAYOUT_AUTO);
		trustack_elf__close(elf);
		return rc;
	}
	if (c.fmt == FMT_JSON)
		printf("{\"problems\":[");
	struct trustack_orc_stats st;
	rc = trustack_orc__write(elf, &opts, out, on_problem, &c, &st, err, sizeof(err));
	trustack_elf__close(elf);
	const char *layout = opts.layout == TRUSTACK_ORC_LAYOUT_6_1 ? "6.1" : "current";
	if (c.fmt == FMT_JSON) {
		printf("],\"file\":");
		json_str(stdout, c.path);
		printf(",\"output\":");
		if (rc)
			printf("null");
		else
			json_str(stdout, out);
		printf(",\"layout\":\"%s\",\"summary\":{\"entries\":%llu,\"functions\":%llu,\"problems\":%llu,"
		       "\"bytes\":%llu}",
		       layout, (unsigned long long)st.entries, (unsigned long long)st.functions,
		       (unsigned long long)st.problems, (unsigned long long)st.bytes);
		if (rc) {
			printf(",\"error\":");
			json_str(stdout, *err ? err : trustack_strerror(rc));
		}
		printf("}\n");
	}
	if (rc) {
		fprintf(stderr, "trustack: %s: %s\n", c.path, *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	if (!quiet)
		fprintf(stderr, "%s: %llu ORC entries (%s layout, %llu bytes), %llu functions, %llu problems -> %s\n",
			c.path, (unsigned long long)st.entries, layout, (unsigned long long)st.bytes,
			(unsigned long long)st.functions, (unsigned long long)st.problems, out);
	return st.problems ? EXIT_FINDINGS : EXIT_CLEAN;
}
