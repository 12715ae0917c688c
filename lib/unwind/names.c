/*
 * names.c - the stable names of the unwinder's modes and verdicts (they appear in JSON output
 * and in scripts: never rename one).
 */
#include <string.h>

#include "trustack.h"

static const char *const mode_names[TRUSTACK_UNWIND__MODES] = {
	[TRUSTACK_UNWIND_FP] = "fp",
	[TRUSTACK_UNWIND_FP_VALIDATED] = "fp-validated",
	[TRUSTACK_UNWIND_ORC] = "orc",
	[TRUSTACK_UNWIND_SFRAME] = "sframe",
	[TRUSTACK_UNWIND_AUTO] = "auto",
};

const char *trustack_unwind_mode__name(enum trustack_unwind_mode mode)
{
	return (unsigned)mode < TRUSTACK_UNWIND__MODES ? mode_names[mode] : NULL;
}

/*
 * On s390x the frame chain is the back chain (-mbackchain): fp and fp-validated walk it there,
 * and these names say so (docs/unwind.md, "s390x"). They parse to the same modes; the printed
 * name stays the mode's one.
 */
static const struct {
	const char *name;
	enum trustack_unwind_mode mode;
} mode_aliases[] = {
	{ "backchain", TRUSTACK_UNWIND_FP },
	{ "backchain-validated", TRUSTACK_UNWIND_FP_VALIDATED },
};

int trustack_unwind_mode__parse(const char *name, enum trustack_unwind_mode *mode)
{
	for (unsigned i = 0; name && i < TRUSTACK_UNWIND__MODES; i++)
		if (!strcmp(name, mode_names[i])) {
			*mode = (enum trustack_unwind_mode)i;
			return 0;
		}
	for (unsigned i = 0; name && i < sizeof(mode_aliases) / sizeof(mode_aliases[0]); i++)
		if (!strcmp(name, mode_aliases[i].name)) {
			*mode = mode_aliases[i].mode;
			return 0;
		}
	return -TRUSTACK_E_ARG;
}

static const char *const verdict_names[TRUSTACK_UNWIND__VERDICTS] = {
	[TRUSTACK_UNWIND_RELIABLE] = "reliable",
	[TRUSTACK_UNWIND_UNKNOWN_CODE] = "unknown-code",
	[TRUSTACK_UNWIND_NO_TABLE_ROW] = "no-table-row",
	[TRUSTACK_UNWIND_UNRELIABLE_ROW] = "unreliable-row",
	[TRUSTACK_UNWIND_PROLOGUE_EPILOGUE] = "prologue-epilogue",
	[TRUSTACK_UNWIND_BAD_READ] = "bad-read",
	[TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS] = "stack-out-of-bounds",
	[TRUSTACK_UNWIND_SP_NOT_RISING] = "sp-not-rising",
	[TRUSTACK_UNWIND_RA_NOT_AFTER_CALL] = "ra-not-after-call",
	[TRUSTACK_UNWIND_TRUNCATED] = "truncated",
	[TRUSTACK_UNWIND_SIGNAL_FRAME] = "signal-frame",
	[TRUSTACK_UNWIND_NO_OUTERMOST] = "no-outermost",
	[TRUSTACK_UNWIND_UPROBES] = "uprobes",
	[TRUSTACK_UNWIND_PLT] = "plt",
	[TRUSTACK_UNWIND_LOST_REGISTER] = "lost-register",
	[TRUSTACK_UNWIND_NOT_RUN] = "not-run",
};

const char *trustack_unwind_verdict__name(enum trustack_unwind_verdict v)
{
	return (unsigned)v < TRUSTACK_UNWIND__VERDICTS ? verdict_names[v] : NULL;
}
