/* cli.h - shared pieces of the trustack command-line program. */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "trustack.h"

int cmd_check(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_orc(int argc, char **argv);
int cmd_sframe(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_verify_unwind(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_stacks(int argc, char **argv);

/* --rules=stack|fp and -j N (1..256): false, after a message naming cmd, on a bad value. */
bool cli_parse_rules(const char *cmd, const char *arg, enum trustack_rules *out);
bool cli_parse_jobs(const char *cmd, const char *arg, unsigned *out);

/* JSON string output with escaping. */
void json_str(FILE *f, const char *s);

/* Exit codes shared by every command. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

#endif
