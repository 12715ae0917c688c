/* cmd_orc.c - `trustack orc`: being built (issue 3); the owner replaces this file. */
#include "cli.h"

int cmd_orc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "trustack: 'orc' is not available in this build yet\n");
	return EXIT_ERROR;
}
