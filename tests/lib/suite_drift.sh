#!/usr/bin/env bash
# No drift between what the repository says and what it does:
#  - `trustack --help` lists every command once;
#  - `trustack diff --help` names every table --against takes (the library's names) and the -j
#    default `check` has;
#  - every warning kind the library names is explained in docs/warnings.md;
#  - nothing points to a document outside the repository (the product spec: docs/targets.md);
#  - a count of seeded cases in the README, if it states one, is the real count;
#  - only tests/quick.sh reads TS_QUICK (one meaning).
# Environment: TRUSTACK, TS_TOP (see tests/run.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
T=${TRUSTACK:-$top/build/trustack}
ok() { echo "PASS drift/$1"; }
bad() { echo "FAIL drift/$1: $2"; }

dups=$("$T" --help 2>&1 | sed -n 's/^  \([a-z-]*\) .*/\1/p' | sort | uniq -d | paste -sd' ' -)
[ -z "$dups" ] && ok usage-commands-once || bad usage-commands-once "listed twice: $dups"

help=$("$T" diff --help 2>&1)
missing=""
for t in $(sed -n 's/.*table_names\[[^]]*\] = { *\(.*\) *};.*/\1/p' "$top/lib/tables/diff.c" | tr -d '",'); do
    grep -A1 -- '--against' <<<"$help" | grep -qw "$t" || missing="$missing $t"
done
[ -z "$missing" ] && ok diff-help-tables || bad diff-help-tables "--against does not name:$missing"
check_j=$("$T" check --help 2>&1 | grep -- '-j N' | sed 's/.*(default: \(.*\))/\1/')
diff_j=$(grep -- '-j N' <<<"$help" | sed 's/.*(default: \(.*\))/\1/')
[ -n "$check_j" ] && [ "$check_j" = "$diff_j" ] && ok diff-help-jobs || bad diff-help-jobs "check: '$check_j', diff: '$diff_j'"

missing=""
for k in $(sed -n 's/.*\] = "\([a-z-]*\)",$/\1/p' "$top/lib/analysis/kinds.c"); do
    grep -q "\`$k\`" "$top/docs/warnings.md" || missing="$missing $k"
done
[ -z "$missing" ] && ok warning-kinds-documented || bad warning-kinds-documented "not in docs/warnings.md:$missing"

outside=$(cd "$top" && grep -rlE --exclude=suite_drift.sh 'SPEC [0-9]|SPEC section|shared/SPEC' README.md docs lib programs include tests bench scripts Makefile 2>/dev/null | paste -sd' ' -)
[ -z "$outside" ] && ok no-outside-references || bad no-outside-references "$outside"

stated=$(sed -n 's/.*seeded\/ *\([0-9][0-9]*\) assembly cases.*/\1/p' "$top/README.md")
real=$(ls "$top"/tests/seeded/[0-9]*.S | wc -l)
[ -z "$stated" ] || [ "$stated" -eq "$real" ] && ok readme-seeded-count || bad readme-seeded-count "README says $stated, there are $real"

# TS_QUICK has one meaning (tests/quick.sh: set, non-empty and not 0); a script that reads the
# variable itself (`= 1`, `-n`) would give it another
readers=$(cd "$top" && grep -rlE '\$\{?TS_QUICK' --include='*.sh' tests scripts bench .ci 2>/dev/null |
    grep -v '^tests/quick.sh$' | paste -sd' ' -)
[ -z "$readers" ] && ok ts-quick-one-meaning || bad ts-quick-one-meaning "read outside tests/quick.sh (use ts_quick): $readers"
