/* cmd_dump.c - `trustack dump`: being built (issue 3); the owner replaces this file. */
#include "cli.h"

int cmd_dump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "trustack: 'dump' is not available in this build yet\n");
	return EXIT_ERROR;
}
