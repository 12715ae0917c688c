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
int cmd_perf(int argc, char **argv);

/* Output formats; each command accepts a subset (text always). */
enum cli_format { FMT_TEXT = 1, FMT_JSON = 2, FMT_SARIF = 4 };

/* --rules=stack|fp, -j N (1..256), --format=F with F one of the formats in the mask `allowed`:
 * false, after a message naming cmd and the values it accepts, on a bad value. */
bool cli_parse_rules(const char *cmd, const char *arg, enum trustack_rules *out);
bool cli_parse_jobs(const char *cmd, const char *arg, unsigned *out);
/* -j's default: every CPU this process may use (the functions of one file, or the files, are
 * shared out; the output does not depend on it). */
unsigned cli_online_cpus(void);
bool cli_parse_format(const char *cmd, const char *arg, unsigned allowed, enum cli_format *out);
/* --cache-dir=DIR: an empty DIR is refused (the library would take it for "the default"). */
bool cli_parse_cache_dir(const char *cmd, const char *arg, const char **out);

/* JSON string output with escaping. */
void json_str(FILE *f, const char *s);

/* Exit codes shared by every command. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

#endif
