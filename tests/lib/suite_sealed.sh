#!/usr/bin/env bash
# The library boundary is sealed (README "How it works", docs/library.md):
#  - libtrustack.so exports trustack_* only (nm -D), and exactly what include/trustack.h
#    declares with TRUSTACK_API: nothing internal leaks, nothing public is lost;
#  - programs/ (the CLI) includes only include/trustack.h and its own headers;
#  - a program built against the installed header and the shared library alone links and runs.
# Environment: TRUSTACK, TS_TOP, TS_WORK (see tests/run.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/sealed
so=$(dirname "$TRUSTACK")/libtrustack.so
rm -rf "$work"; mkdir -p "$work"
[ -f "$so" ] || { echo "FAIL sealed: no $so beside the binary under test"; exit 1; }

# nm -D also lists the version node itself (an absolute symbol, type A): not a function
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | sort -u >"$work/exported"
internal=$(grep -v '^trustack_' "$work/exported" | head -5 | paste -sd' ' -)
if [ -z "$internal" ] && [ -s "$work/exported" ]; then
    echo "PASS sealed/exports-trustack-only ($(wc -l <"$work/exported") symbols)"
else
    echo "FAIL sealed/exports-trustack-only: libtrustack.so exports ${internal:-nothing}"
fi

# every TRUSTACK_API declaration (the name before its first parenthesis)
sed -n 's/^TRUSTACK_API[^(]*[ *]\(trustack_[a-z0-9_]*\)(.*/\1/p' "$top/include/trustack.h" | sort -u >"$work/declared"
if cmp -s "$work/declared" "$work/exported"; then
    echo "PASS sealed/exports-match-header"
else
    echo "FAIL sealed/exports-match-header: $(diff "$work/declared" "$work/exported" | grep '^[<>]' | head -5 | paste -sd' ' -) (< declared only, > exported only)"
fi

# the CLI is a client of the public API: no lib/ header, no relative escape into the tree
bad=$(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$top"/programs/*.[ch] |
    grep -v '#[[:space:]]*include[[:space:]]*"trustack\.h"' |
    while IFS= read -r line; do
        inc=$(sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/' <<<"$line")
        # vec.h: lib/common's header-only growable arrays, the one shared header (Makefile)
        [ "$inc" = vec.h ] && continue
        [ -f "$top/programs/$inc" ] && [ "${inc#*/}" = "$inc" ] || echo "${line#"$top"/}"
    done | head -3 | paste -sd';' -)
if [ -z "$bad" ]; then echo "PASS sealed/programs-public-api-only"
else echo "FAIL sealed/programs-public-api-only: $bad"; fi

cat >"$work/client.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "trustack.h"
int main(void)
{
	/* one call into the library through the dynamic symbol table */
	const char *s = trustack_strerror(-TRUSTACK_E_FORMAT);
	TRUSTACK_OPTS(trustack_check_opts, o, .rules = TRUSTACK_RULES_FP);
	if (o.sz != sizeof(o) || o.rules != TRUSTACK_RULES_FP || o.threads)
		return 1;
	return !(s && strlen(s) > 0 && strcmp(trustack_warning_kind__name(TRUSTACK_W_STACK_MISMATCH), "stack-mismatch") == 0);
}
C
# the build directory has libtrustack.so; its soname (what the client will look for) is .so.0
ln -sf "$so" "$work/libtrustack.so.0"
san=$( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) # the library's runtime first
if cc -std=gnu11 -Wall -Wextra -Werror $san -I"$top/include" "$work/client.c" "$work/libtrustack.so.0" \
        -Wl,-rpath,"$work" -o "$work/client" 2>"$work/client.log" && "$work/client"; then
    echo "PASS sealed/shared-client"
else
    echo "FAIL sealed/shared-client: $(head -3 "$work/client.log" | paste -sd';' -)"
fi
