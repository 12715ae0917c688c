/* trustack.c - the command dispatcher. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "annotate"))
		return cmd_annotate(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("trustack %s\n", TRUSTACK_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		if (argc > 2) {
			char *sub[] = { argv[2], "--help", NULL };
			if (!strcmp(argv[2], "check"))
				return cmd_check(2, sub);
			if (!strcmp(argv[2], "annotate"))
				return cmd_annotate(2, sub);
		}
		usage(stdout);
		return EXIT_CLEAN;
	}
	fprintf(stderr, "trustack: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_ERROR;
}
