/* cli.h - shared pieces of the trustack command-line program. */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdio.h>

#include "trustack.h"

int cmd_check(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_orc(int argc, char **argv);
int cmd_sframe(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* JSON string output with escaping. */
void json_str(FILE *f, const char *s);

/* Exit codes shared by every command. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

#endif
