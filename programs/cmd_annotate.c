/* cmd_annotate.c - `trustack annotate`: the unwind state at every instruction. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vec.h" /* lib/common/vec.h: header-only, shared with the library (Makefile) */

struct ann {
	const char *path;
	const char *cur;
	unsigned warnings;
	struct trustack_warning *pending;
	size_t npending, cappending;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack annotate [--rules=stack|fp] [--saves] FILE [FUNC...]\n"
		"\n"
		"Disassemble FUNC (default: every function) and show, at each instruction, the rule to\n"
		"find the caller's frame: cfa=REG+OFF (canonical frame address), ra= where the return\n"
		"address is, fp= where the caller's frame pointer is (same, cfa+OFF, [REG+OFF], und).\n"
		"Warnings are printed inline, marked with '>>'.\n"
		"--saves: also where the caller's other callee-saved registers are (REG=cfa-N, REG=REG2,\n"
		"REG=lost; not named: unchanged), as the unwinder's table has them.\n");
}

static void on_warning(const struct trustack_warning *w, void *arg)
{
	struct ann *a = arg;
	if (TS_GROW(a->pending, a->npending, a->cappending, 16))
		return;
	struct trustack_warning *n = &a->pending[a->npending];
	*n = *w;
	n->message = strdup(w->message);
	a->npending++;
	a->warnings++;
}

static void on_insn(const struct trustack_insn_info *i, void *arg)
{
	struct ann *a = arg;
	if (!a->cur || strcmp(a->cur, i->function)) {
		printf("\n%s:\n", i->function);
		a->cur = i->function;
	}
	char hex[64] = "";
	for (unsigned k = 0; k < i->length && k < 10; k++)
		snprintf(hex + 3 * k, sizeof(hex) - 3 * k, "%02x ", i->bytes ? i->bytes[k] : 0);
	printf("  %8llx <+%-4llu> %-30s %-36s %s\n", (unsigned long long)i->address, (unsigned long long)i->offset, hex,
	       i->text, i->state);
	for (size_t k = 0; k < a->npending; k++)
		if (a->pending[k].address == i->address)
			printf("  >> warning: %s [%s]\n", a->pending[k].message,
			       trustack_warning_kind__name(a->pending[k].kind));
}

int cmd_annotate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "saves", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trustack_check_opts opts = { .sz = sizeof(opts) };
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'r') {
			if (!strcmp(optarg, "fp"))
				opts.rules = TRUSTACK_RULES_FP;
			else if (strcmp(optarg, "stack")) {
				fprintf(stderr, "trustack annotate: --rules must be stack or fp\n");
				return EXIT_ERROR;
			}
		} else if (opt == 's') {
			opts.annotate_saves = true;
		} else if (opt == 'h') {
			usage(stdout);
			return EXIT_CLEAN;
		} else {
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	struct ann a = { .path = argv[optind] };
	char err[256] = "";
	struct trustack_elf *elf;
	int rc = trustack_elf__open(a.path, &elf, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack: %s: error: %s\n", a.path, err[0] ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	rc = trustack_annotate(elf, &opts, (const char *const *)argv + optind + 1, (size_t)(argc - optind - 1), on_insn,
			       on_warning, &a);
	if (rc == -TRUSTACK_E_NOTFOUND)
		fprintf(stderr, "trustack: %s: error: no such function among the names given\n", a.path);
	else if (rc)
		fprintf(stderr, "trustack: %s: error: %s\n", a.path, trustack_strerror(rc));
	for (size_t k = 0; k < a.npending; k++)
		free((void *)a.pending[k].message);
	free(a.pending);
	trustack_elf__close(elf);
	if (rc)
		return EXIT_ERROR;
	return a.warnings ? EXIT_FINDINGS : EXIT_CLEAN;
}
