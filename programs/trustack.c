/* trustack.c - the command dispatcher. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },   { "annotate", cmd_annotate }, { "orc", cmd_orc },
	{ "sframe", cmd_sframe }, { "diff", cmd_diff },         { "dump", cmd_dump },
	{ "verify-unwind", cmd_verify_unwind },
	{ "cache", cmd_cache },
	{ "stacks", cmd_stacks },
	{ "perf", cmd_perf },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack COMMAND [OPTIONS] ARGS\n"
		"\n"
		"Trustworthy stack traces: static stack/frame-pointer validation of ELF code.\n"
		"\n"
		"commands:\n"
		"  check FILE|DIR...        validate the stack rules of every function\n"
		"  annotate FILE [FUNC...]  disassembly with the unwind state at each instruction\n"
		"  orc FILE -o OUT          ORC unwind tables (the kernel's format) from the analysis\n"
		"  sframe FILE -o OUT       SFrame unwind tables (binutils' format) from the analysis\n"
		"  diff FILE                compare the analysis with the file's own unwind tables\n"
		"  verify-unwind -- PROG    single-step PROG and keep the true return-address chain\n"
		"  dump FILE                print the unwind tables found in a file (and its sidecar)\n"
		"  cache FILE...            store the unwinder's tables of linked files in the cache\n"
		"  stacks PID               every thread's stack with its verdict; --check FUNC: live-patch check\n"
		"  perf [FILE]              a perf.data profile's samples with a verdict each\n"
		"  help [COMMAND]           this text, or the options of a command\n"
		"  version                  print the version\n"
		"\n"
		"exit status: 0 clean, 1 findings, 2 error (usage, unreadable or malformed input)\n"
		"Run 'trustack COMMAND --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	const char *cmd = argv[1];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("trustack %s\n", TRUSTACK_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		if (argc > 2) {
			char *sub[] = { argv[2], "--help", NULL };
			for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(argv[2], commands[i].name))
					return commands[i].run(2, sub);
		}
		usage(stdout);
		return EXIT_CLEAN;
	}
	fprintf(stderr, "trustack: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_ERROR;
}
