/* cli_opts.c - option values every command parses the same way. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_parse_rules(const char *cmd, const char *arg, enum trustack_rules *out)
{
	if (!strcmp(arg, "stack"))
		*out = TRUSTACK_RULES_STACK;
	else if (!strcmp(arg, "fp"))
		*out = TRUSTACK_RULES_FP;
	else {
		fprintf(stderr, "trustack %s: --rules must be stack or fp\n", cmd);
		return false;
	}
	return true;
}

bool cli_parse_jobs(const char *cmd, const char *arg, unsigned *out)
{
	char *end;
	long n = strtol(arg, &end, 10);
	if (!*arg || *end || n < 1 || n > 256) {
		fprintf(stderr, "trustack %s: -j needs a number from 1 to 256\n", cmd);
		return false;
	}
	*out = (unsigned)n;
	return true;
}
