/*
 * opts_test.c - the one rule for size-tagged structs (lib/common/opts.h, include/trustack.h):
 * older (smaller) structs take defaults for what they lack, newer (larger) ones are accepted only
 * when the bytes this library does not know are zero, sz 0 is rejected. Checked on the helper
 * itself and through the public API (built by tests/lib/suite_units.sh against libtrustack.a).
 * Usage: opts_test OBJECT   (OBJECT: a small relocatable object with .eh_frame)
 * Prints PASS/FAIL lines; exit status 1 when any failed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/opts.h"
#include "trustack.h"

static int failed;

static void expect(const char *name, int cond, const char *why)
{
	if (cond)
		printf("PASS units/opts-%s\n", name);
	else {
		printf("FAIL units/opts-%s: %s\n", name, why);
		failed = 1;
	}
}

/* three versions of one struct, as three header generations would declare it */
struct v1 { size_t sz; unsigned a; };
struct v2 { size_t sz; unsigned a; unsigned b; uint64_t c; };
struct v3 { size_t sz; unsigned a; unsigned b; uint64_t c; uint64_t d; };

static void helper(void)
{
	struct v2 lib;
	struct v1 old;
	memset(&old, 0xaa, sizeof(old)); /* then zeroed as callers must: v2's b is v1's padding */
	memset(&old, 0, sizeof(old));
	old.sz = sizeof(old), old.a = 7;
	int rc = ts_opts_load(&lib, sizeof(lib), &old);
	expect("older-accepted", rc == 0 && lib.a == 7 && lib.b == 0 && lib.c == 0 && lib.sz == sizeof(lib),
	       "a v1 struct must load with the v2 fields zero");

	struct v3 newer = { .sz = sizeof(newer), .a = 1, .b = 2, .c = 3, .d = 0 };
	rc = ts_opts_load(&lib, sizeof(lib), &newer);
	expect("newer-zero-tail-accepted", rc == 0 && lib.a == 1 && lib.b == 2 && lib.c == 3 && lib.sz == sizeof(lib),
	       "a v3 struct with d == 0 must load");

	newer.d = 0x100; /* garbage in a field this library does not know */
	rc = ts_opts_load(&lib, sizeof(lib), &newer);
	expect("newer-garbage-rejected", rc == -TRUSTACK_E_ARG && lib.a == 0,
	       "a v3 struct with d != 0 must be rejected (and nothing loaded)");

	struct v2 zero = { .sz = 0, .a = 5 };
	rc = ts_opts_load(&lib, sizeof(lib), &zero);
	expect("sz0-rejected", rc == -TRUSTACK_E_ARG, "sz 0 (forgotten) must be rejected");

	rc = ts_opts_load(&lib, sizeof(lib), NULL);
	expect("null-defaults", rc == 0 && lib.a == 0 && lib.c == 0 && lib.sz == sizeof(lib), "NULL must give defaults");

	struct v2 same = { .sz = sizeof(same), .a = 9, .b = 8, .c = 7 };
	rc = TS_OPTS_LOAD(lib, &same);
	expect("same-size", rc == 0 && lib.a == 9 && lib.b == 8 && lib.c == 7, "a same-size struct loads as is");
}

/* a caller built against a header one field older than today's (zeroed whole, padding too, as
 * TRUSTACK_OPTS does) */
struct old_check_opts { size_t sz; enum trustack_rules rules; };
struct old_diff_opts { size_t sz; enum trustack_rules rules; unsigned threads; };
/* and one a field newer */
struct new_unwinder_opts { struct trustack_unwinder_opts cur; uint64_t future; };

static void api(const char *object)
{
	struct trustack_elf *elf;
	char err[256];
	if (trustack_elf__open(object, &elf, err, sizeof(err))) {
		expect("api-open", 0, err);
		return;
	}
	struct old_check_opts co;
	memset(&co, 0, sizeof(co));
	co.sz = sizeof(co), co.rules = TRUSTACK_RULES_FP;
	int rc = trustack_check(elf, (const struct trustack_check_opts *)&co, NULL, NULL, NULL);
	expect("api-check-older", rc == 0, "trustack_check must accept a struct without threads");

	/* before the one rule, trustack_diff rejected every struct smaller than its own */
	struct old_diff_opts dd;
	memset(&dd, 0, sizeof(dd));
	dd.sz = sizeof(dd), dd.rules = TRUSTACK_RULES_STACK;
	rc = trustack_diff(elf, (const struct trustack_diff_opts *)&dd, NULL, NULL, NULL, err, sizeof(err));
	expect("api-diff-older", rc == 0, "trustack_diff must accept a struct without tables");

	struct trustack_check_opts bad = { .sz = 0 };
	rc = trustack_check(elf, &bad, NULL, NULL, NULL);
	expect("api-check-sz0", rc == -TRUSTACK_E_ARG, "sz 0 must be rejected");
	trustack_elf__close(elf);

	struct new_unwinder_opts uo;
	memset(&uo, 0, sizeof(uo));
	uo.cur.sz = sizeof(uo);
	struct trustack_unwinder *u = NULL;
	rc = trustack_unwinder__new(&uo.cur, &u);
	expect("api-unwinder-newer-zero", rc == 0 && u, "a newer struct with a zero tail must be accepted");
	trustack_unwinder__free(u);
	u = NULL;
	uo.future = 1;
	rc = trustack_unwinder__new(&uo.cur, &u);
	expect("api-unwinder-newer-garbage", rc == -TRUSTACK_E_ARG && !u, "a newer struct using a field we lack must be rejected");
}

int main(int argc, char **argv)
{
	helper();
	if (argc > 1)
		api(argv[1]);
	return failed;
}
