#!/usr/bin/env bash
# trustack test runner.
#
# Every test suite is an executable script tests/<area>/suite_*.sh. A suite prints one line per
# test case: "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>: <why>"; anything else it prints is
# shown as is. The runner counts those lines and ends with "N passed, N failed, N skipped".
#
# Suites run TS_JOBS at a time (default: the number of CPUs, at most 2): most of them spend their
# time in one process (a compiler, a single-stepped program, the checker on one thread), so two
# at once keep both CPUs of a small machine busy. Each suite's output is kept whole and shown in
# the suites' order. A suite whose results depend on timing says so with a line
# `# ts-run: alone` and runs afterwards with nothing beside it.
#
# Environment:
#   TRUSTACK      the binary under test (default: build/trustack)
#   TS_QUICK=1    the quick tier: the slowest suites run a documented subset (set, non-empty
#                 and not 0 means quick: tests/quick.sh; CI and scripts/test.sh set it)
#   TS_ONLY=glob  run only suites whose path matches the glob (extended: '*/@(cli|seeded)/*')
#   TS_JOBS=N     suites run at once (1: one after the other)
#   TS_SUITE_TIMEOUT=S
#                 a suite still running after S seconds is killed (its whole process group) and
#                 counts as failed, its output so far shown: a hang costs one suite, not the CI
#                 run (default 1500 in the quick tier, whose slowest suite takes about 180 s on
#                 a quiet machine and up to 15 minutes at load 17 with a cold corpus cache;
#                 14400 otherwise; 0: no limit)
set -u
shopt -s extglob
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/quick.sh"  # ts_quick
export TRUSTACK=${TRUSTACK:-$top/build/trustack}
export TS_TOP=$top
export TS_WORK=${TS_WORK:-$top/build/test-work}
mkdir -p "$TS_WORK"
jobs_max=${TS_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs_max" -gt 2 ] 2>/dev/null && [ -z "${TS_JOBS:-}" ] && jobs_max=2
[ "$jobs_max" -ge 1 ] 2>/dev/null || jobs_max=1
if ts_quick; then limit=${TS_SUITE_TIMEOUT:-1500}; else limit=${TS_SUITE_TIMEOUT:-14400}; fi
command -v timeout >/dev/null || limit=0
t_start=$SECONDS
outdir=$TS_WORK/.runner
rm -rf "$outdir"; mkdir -p "$outdir"

shared=() alone=()
for suite in "$top"/tests/*/suite_*.sh; do
    [ -n "${TS_ONLY:-}" ] && case "$suite" in $TS_ONLY) ;; *) continue ;; esac
    if grep -q '^# ts-run: alone' "$suite"; then alone+=("$suite"); else shared+=("$suite"); fi
done

pass=0 fail=0 skip=0
failed_names=() times=()
# An interrupted runner takes its suites with it: timeout (in a group of its own, which the
# terminal's ^C does not reach) passes the TERM on to the suite's group.
stop_all() { for j in $(jobs -p); do pkill -TERM -P "$j" 2>/dev/null; done; exit 130; }
trap stop_all INT TERM

# Run one suite into $outdir/<n>.out; <n>.rc ("status seconds") appears when it has ended.
start_suite() {
    local suite=$1 o=$outdir/$2
    (
        t0=$SECONDS
        if [ "$limit" -gt 0 ]; then
            # timeout puts the suite in a process group of its own and kills the whole group
            timeout -k 20 "$limit" bash "$suite" >"$o.out" 2>&1; rc=$?
            if [ $rc = 124 ] || [ $rc = 137 ]; then
                echo "FAIL ${suite#"$top"/tests/}: still running after $limit s (TS_SUITE_TIMEOUT), killed" >>"$o.out"
            fi
        else
            bash "$suite" >"$o.out" 2>&1; rc=$?
        fi
        echo "$rc $((SECONDS - t0))" >"$o.rc.tmp" && mv "$o.rc.tmp" "$o.rc"
    ) &
}

# Show an ended suite's output and count its cases.
report_suite() {
    local suite=$1 o=$outdir/$2 name rc secs out p f s
    name=${suite#"$top"/tests/}
    read -r rc secs <"$o.rc"
    out=$(cat "$o.out")
    echo "== $name"
    printf '%s\n' "$out"
    echo "-- $name: $secs s"
    p=$(grep -c '^PASS ' <<<"$out"); f=$(grep -c '^FAIL ' <<<"$out"); s=$(grep -c '^SKIP ' <<<"$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: suite exited with status $rc"; f=1
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    times+=("$secs $name")
    [ "$f" -gt 0 ] && failed_names+=("$name")
}

# The shared pool: start while fewer than jobs_max run, report in order as each one ends.
n=${#shared[@]} launched=0 shown=0
while [ "$shown" -lt "$n" ]; do
    while [ "$launched" -lt "$n" ] && [ "$(jobs -rp | wc -l)" -lt "$jobs_max" ]; do
        start_suite "${shared[$launched]}" "s$launched"; launched=$((launched + 1))
    done
    while [ "$shown" -lt "$launched" ] && [ -f "$outdir/s$shown.rc" ]; do
        report_suite "${shared[$shown]}" "s$shown"; shown=$((shown + 1))
    done
    [ "$shown" -lt "$n" ] && sleep 0.2
done
wait
for i in "${!alone[@]}"; do
    start_suite "${alone[$i]}" "a$i"; wait
    report_suite "${alone[$i]}" "a$i"
done

[ "${#failed_names[@]}" -gt 0 ] && echo "failing suites: ${failed_names[*]}"
# (CI shows only the end of its log: the time and the slowest suites go just above the count)
echo "time: $((SECONDS - t_start)) s; slowest suites: $(printf '%s\n' "${times[@]}" | sort -rn | head -4 | awk '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $2, $1}')"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
