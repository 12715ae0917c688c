/* cli_opts.c - option values every command parses the same way. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool cli_parse_rules(const char *cmd, const char *arg, enum trustack_rules *out)
{
	if (!strcmp(arg, "stack"))
		*out = TRUSTACK_RULES_STACK;
	else if (!strcmp(arg, "fp"))
		*out = TRUSTACK_RULES_FP;
	else if (!strcmp(arg, "backchain"))
		*out = TRUSTACK_RULES_BACKCHAIN;
	else {
		fprintf(stderr, "trustack %s: --rules must be stack, fp or backchain, not '%s'\n", cmd, arg);
		return false;
	}
	return true;
}

bool cli_parse_jobs(const char *cmd, const char *arg, unsigned *out)
{
	char *end;
	long n = strtol(arg, &end, 10);
	if (!*arg || *end || n < 1 || n > 256) {
		fprintf(stderr, "trustack %s: -j needs a number from 1 to 256, not '%s'\n", cmd, arg);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

unsigned cli_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

bool cli_parse_format(const char *cmd, const char *arg, unsigned allowed, enum cli_format *out)
{
	static const struct {
		const char *name;
		enum cli_format f;
	} fmts[] = { { "text", FMT_TEXT }, { "json", FMT_JSON }, { "sarif", FMT_SARIF } };
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if ((allowed & fmts[i].f) && !strcmp(arg, fmts[i].name)) {
			*out = fmts[i].f;
			return true;
		}
	fprintf(stderr, "trustack %s: --format must be text%s, not '%s'\n", cmd,
		(allowed & FMT_SARIF) ? ", json or sarif" : (allowed & FMT_JSON) ? " or json" : "", arg);
	return false;
}

bool cli_parse_cache_dir(const char *cmd, const char *arg, const char **out)
{
	if (!*arg) {
		fprintf(stderr, "trustack %s: --cache-dir needs a directory (an empty one would silently mean the default)\n",
			cmd);
		return false;
	}
	*out = arg;
	return true;
}
