/* cmd_diff.c - `trustack diff`: being built (issue 3); the owner replaces this file. */
#include "cli.h"

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "trustack: 'diff' is not available in this build yet\n");
	return EXIT_ERROR;
}
