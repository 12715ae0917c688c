#!/usr/bin/env bash
# `trustack stacks PID` against eu-stack and gdb on one target, in one run (SPEC 9: a remote
# snapshot >= 5x faster than eu-stack with a warm cache).
#
# The target: 32 threads, each 50 frames deep (a recursion that is not a tail call) blocked in
# pause(), plus the main thread. Measured: wall time of each command (median of BENCH_REPS runs,
# default 7; gdb 3), frames printed per thread (so a table with fewer frames cannot pass for a
# faster one), and trustack's longest per-thread stop time (--stats). Rows:
#   trustack cold        empty sidecar cache: every module analysed and saved, then the walk
#   trustack warm        the cache filled: the sidecars and symbol files (<build-id>.tss) are
#                        mapped, no ELF file is opened (names only, --no-lines)
#   trustack warm+lines  also file:line from the debug information (like eu-stack -s)
#   eu-stack             eu-stack -p PID (names), and eu-stack -s -p PID (with source lines)
#   gdb                  gdb -batch -ex 'thread apply all bt' -p PID
# Usage: bench/stacks.sh     Environment: TRUSTACK, BENCH_REPS, BENCH_WORK
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

# time_cmd NAME REPS PREP CMD...: median wall ms of CMD (PREP run before each, untimed)
time_cmd() {
    local name=$1 n=$2 prep=$3; shift 3
    python3 - "$n" "$prep" "$work/$name.out" "$@" <<'PY'
import statistics, subprocess, sys, time
n, prep, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
ts = []
for _ in range(n):
    if prep: subprocess.run(prep, shell=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ts.append((time.perf_counter() - t) * 1000)
open(out, "wb").write(r.stdout)
print("%.1f" % statistics.median(ts))
PY
}
# frames per thread in an output: lines starting with "#N" over thread headers
frames() { awk '/^#[0-9]/{f++} /^(Thread|TID) /{t++} END{printf "%.1f", t ? f / t : 0}' "$work/$1.out"; }

cache=$work/cache
cold=$(time_cmd tcold 3 "rm -rf $cache" "$T" stacks --no-lines --cache-dir="$cache" "$tp")
warm=$(time_cmd twarm "$reps" "" "$T" stacks --no-lines --cache-dir="$cache" "$tp")
warml=$(time_cmd twarml "$reps" "" "$T" stacks --cache-dir="$cache" "$tp")
stop=$("$T" stacks --no-lines --stats --format=json --cache-dir="$cache" "$tp" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["stats"]; print("%.0f us (window %.0f us)" % (s["max_stop_ns"]/1e3, s["stopped_ns"]/1e3))')
eu="-"; eus="-"; g="-"
if command -v eu-stack >/dev/null; then
    eu=$(time_cmd eu "$reps" "" eu-stack -p "$tp")
    eus=$(time_cmd eus "$reps" "" eu-stack -s -p "$tp")
fi
command -v gdb >/dev/null && g=$(time_cmd gdb 3 "" gdb -batch -ex 'thread apply all bt' -p "$tp")
ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) else '%.1fx' % (float(a)/float(b)))" "$1" "$2"; }

echo "## trustack stacks vs eu-stack and gdb: 33 threads, 32 of them 50 frames deep"
echo
echo "$(uname -r), $(nproc) cores, median of $reps runs (cold and gdb: 3); commit $(git -C "$top" rev-parse --short HEAD)"
echo
echo "| command | wall ms | frames/thread | eu-stack / this |"
echo "| --- | ---: | ---: | ---: |"
echo "| trustack stacks, cold cache (--no-lines) | $cold | $(frames tcold) | $(ratio "$eu" "$cold") |"
echo "| trustack stacks, warm cache (--no-lines) | $warm | $(frames twarm) | $(ratio "$eu" "$warm") |"
echo "| trustack stacks, warm cache, file:line | $warml | $(frames twarml) | $(ratio "$eus" "$warml") (vs -s) |"
echo "| eu-stack -p | $eu | $(frames eu) | 1.0x |"
echo "| eu-stack -s -p (source lines) | $eus | $(frames eus) | |"
echo "| gdb -batch -ex 'thread apply all bt' | $g | $(awk '/^#[0-9]/{f++} /^Thread /{t++} END{printf "%.1f", t ? f / t : 0}' "$work/gdb.out" 2>/dev/null) | $(ratio "$eu" "$g") |"
echo
echo "trustack's longest per-thread stop: $stop"
if [ "$(frames twarm)" = "1.0" ]; then
    echo
    echo "Note: the unwinder (issue 4) is not wired in yet: trustack prints frame 0 only, so its"
    echo "times are the snapshot, tables and symbols alone, not a like-for-like comparison."
fi
