#!/usr/bin/env bash
# trustack test runner.
#
# Every test suite is an executable script tests/<area>/suite_*.sh. A suite prints one line per
# test case: "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>: <why>"; anything else it prints is
# shown as is. The runner counts those lines and ends with "N passed, N failed, N skipped".
#
# Environment:
#   TRUSTACK      the binary under test (default: build/trustack)
#   TS_QUICK=1    the quick tier: the slowest suites run a documented subset (set, non-empty
#                 and not 0 means quick: tests/quick.sh; CI and scripts/test.sh set it)
#   TS_ONLY=glob  run only suites whose path matches the glob (extended: '*/@(cli|seeded)/*')
set -u
shopt -s extglob
top=$(cd "$(dirname "$0")/.." && pwd)
export TRUSTACK=${TRUSTACK:-$top/build/trustack}
export TS_TOP=$top
export TS_WORK=${TS_WORK:-$top/build/test-work}
mkdir -p "$TS_WORK"
pass=0 fail=0 skip=0
failed_names=()
for suite in "$top"/tests/*/suite_*.sh; do
    [ -n "${TS_ONLY:-}" ] && case "$suite" in $TS_ONLY) ;; *) continue ;; esac
    name=${suite#"$top"/tests/}
    echo "== $name"
    t0=$SECONDS
    out=$(bash "$suite" 2>&1); rc=$?
    printf '%s\n' "$out"
    echo "-- $name: $((SECONDS - t0)) s"
    p=$(grep -c '^PASS ' <<<"$out"); f=$(grep -c '^FAIL ' <<<"$out"); s=$(grep -c '^SKIP ' <<<"$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: suite exited with status $rc"; f=1
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    [ "$f" -gt 0 ] && failed_names+=("$name")
done
[ "${#failed_names[@]}" -gt 0 ] && echo "failing suites: ${failed_names[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
