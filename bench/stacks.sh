#!/usr/bin/env bash
# `trustack stacks PID` against eu-stack and gdb on one target, in one run (docs/targets.md: a remote
# snapshot >= 5x faster than eu-stack with a warm cache).
#
# The target: 32 threads, each 50 frames deep (a recursion that is not a tail call) blocked in
# pause(), plus the main thread. Measured: wall time of each command (median of BENCH_REPS runs,
# default 7; gdb 3), frames printed per thread (so a table with fewer frames cannot pass for a
# faster one), and trustack's longest per-thread stop time (--stats). The script first waits
# (at most BENCH_WAIT s) for the shared machine to be quiet and reports the load it measured
# under; warm trustack and eu-stack runs alternate so that both see the same load. Rows:
#   trustack cold        empty sidecar cache: every module analysed and saved, then the walk
#   trustack warm        the cache filled: the sidecars and symbol files (<build-id>.tss) are
#                        mapped, no ELF file is opened (names only, --no-lines)
#   trustack warm+lines  also file:line (like eu-stack -s): from the line memo (<build-id>.tsl)
#                        for addresses asked before, which after the first run is all of them
#   ... lines new        the same with the line memos deleted before each run: every file:line
#                        from the debug information (libc's compressed debug file inflated)
#   eu-stack             eu-stack -p PID (names), and eu-stack -s -p PID (with source lines)
#   gdb                  gdb -batch -ex 'thread apply all bt' -p PID
# Usage: bench/stacks.sh     Environment: TRUSTACK, BENCH_REPS, BENCH_WORK, BENCH_WAIT
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=${TRUSTACK:-$top/build/trustack}
reps=${BENCH_REPS:-7}
work=${BENCH_WORK:-/tmp/trustack-bench}/stacks
mkdir -p "$work"
[ -x "$T" ] || make -C "$top" -j2 >/dev/null
cat > "$work/deep.c" <<'EOF'
#include <pthread.h>
#include <unistd.h>
#define NT 32
#define DEPTH 50
__attribute__((noinline)) int deep(int n)
{
	if (n == 0)
		for (;;)
			pause();
	int r = deep(n - 1);
	__asm__ volatile("" : "+r"(r)); /* keeps the call from becoming a tail call */
	return r + 1;
}
static void *run(void *a) { (void)a; deep(DEPTH - 3); return 0; }
int main(void)
{
	pthread_t t;
	for (int i = 0; i < NT; i++)
		pthread_create(&t, 0, run, 0);
	for (;;)
		pause();
}
EOF
gcc -O2 -g -pthread "$work/deep.c" -o "$work/deep" || exit 2
"$work/deep" & tp=$!
trap 'kill -9 $tp 2>/dev/null' EXIT
sleep 0.5
[ "$(ls /proc/$tp/task | wc -l)" = 33 ] || { echo "target did not start 33 threads"; exit 2; }

. "$(dirname "$0")/timing.sh"  # time_cmd, frames, busy_now, wait_quiet
wait_quiet

cache=$work/cache
cold=$(time_cmd tcold 3 "rm -rf $cache" "$T" stacks --no-lines --cache-dir="$cache" "$tp")
# warm trustack and eu-stack alternate run by run, so both see the same load
both=$(python3 - "$reps" "$work" "$T" "$cache" "$tp" <<'PY2'
import shutil, statistics, subprocess, sys, time
n, work, T, cache, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
cmds = {"twarm": [T, "stacks", "--no-lines", "--cache-dir=" + cache, pid],
        "twarml": [T, "stacks", "--cache-dir=" + cache, pid]}
if shutil.which("eu-stack"):
    cmds["eu"] = ["eu-stack", "-p", pid]
    cmds["eus"] = ["eu-stack", "-s", "-p", pid]
ts = {k: [] for k in cmds}
for _ in range(n):
    for k, c in cmds.items():
        t = time.perf_counter()
        r = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        ts[k].append((time.perf_counter() - t) * 1000)
        open("%s/%s.out" % (work, k), "wb").write(r.stdout)
for k in ("twarm", "twarml", "eu", "eus"):
    print("%.1f %.1f" % (statistics.median(ts[k]), min(ts[k])) if k in ts else "- -")
PY2
)
read -r warm warm_min warml warml_min eu eu_min eus eus_min <<<"$(echo $both)"
warmn=$(time_cmd twarmn 3 "rm -f $cache/*/*.tsl" "$T" stacks --cache-dir="$cache" "$tp")
stop=$("$T" stacks --no-lines --stats --format=json --cache-dir="$cache" "$tp" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["stats"]; print("%.0f us (window %.0f us)" % (s["max_stop_ns"]/1e3, s["stopped_ns"]/1e3))')
g="-"
command -v gdb >/dev/null && g=$(time_cmd gdb 3 "" gdb -batch -ex 'thread apply all bt' -p "$tp")
ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) else '%.1fx' % (float(a)/float(b)))" "$1" "$2"; }

echo "## trustack stacks vs eu-stack and gdb: 33 threads, 32 of them 50 frames deep"
echo
echo "$(uname -r), $(nproc) cores, median of $reps runs (cold and gdb: 3); commit $(git -C "$top" rev-parse --short HEAD)"
echo
echo "| command | wall ms (median) | min | frames/thread | eu-stack / this (median) |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| trustack stacks, cold cache (--no-lines) | $cold | | $(frames tcold) | $(ratio "$eu" "$cold") |"
echo "| trustack stacks, warm cache (--no-lines) | $warm | $warm_min | $(frames twarm) | $(ratio "$eu" "$warm") |"
echo "| trustack stacks, warm cache, file:line | $warml | $warml_min | $(frames twarml) | $(ratio "$eus" "$warml") (vs -s) |"
echo "| trustack stacks, warm cache, file:line not asked before (line memos deleted) | $warmn | | $(frames twarmn) | $(ratio "$eus" "$warmn") (vs -s) |"
echo "| eu-stack -p | $eu | $eu_min | $(frames eu) | 1.0x |"
echo "| eu-stack -s -p (source lines) | $eus | $eus_min | $(frames eus) | |"
echo "| gdb -batch -ex 'thread apply all bt' | $g | | $(awk '/^#[0-9]/{f++} /^Thread /{t++} END{printf "%.1f", t ? f / t : 0}' "$work/gdb.out" 2>/dev/null) | $(ratio "$eu" "$g") |"
echo
echo "Machine: $loadnote. Warm trustack and eu-stack runs alternate."
echo "trustack's longest per-thread stop: $stop"
if [ "$(frames twarm)" = "1.0" ]; then
    echo
    echo "Note: the unwinder (issue 4) is not wired in yet: trustack prints frame 0 only, so its"
    echo "times are the snapshot, tables and symbols alone, not a like-for-like comparison."
fi
