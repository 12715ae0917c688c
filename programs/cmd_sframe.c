/* cmd_sframe.c - `trustack sframe`: being built (issue 3); the owner replaces this file. */
#include "cli.h"

int cmd_sframe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "trustack: 'sframe' is not available in this build yet\n");
	return EXIT_ERROR;
}
