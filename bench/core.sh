#!/usr/bin/env bash
# `trustack stacks --core FILE` against `eu-stack --core` and gdb on the same core (issue 18's
# target: >= 5x faster than eu-stack with a warm cache).
#
# The core: bench/stacks.sh's target (32 threads 50 frames deep in pause(), plus the main thread)
# killed with SIGSEGV, its core written by the kernel (ulimit -c; when core_pattern pipes to a
# helper or writes elsewhere, gcore of the running target instead: the same threads and frames).
# Rows as bench/stacks.sh: trustack cold (empty cache: every module analysed), warm (--no-lines),
# warm with file:line; eu-stack --core (-s: with source lines); gdb 'thread apply all bt'. Median
# of BENCH_REPS runs (default 7; cold and gdb 3); warm trustack and eu-stack alternate. The
# script first waits (at most BENCH_WAIT s) for the shared machine to be quiet, and says the load.
# Usage: bench/core.sh     Environment: TRUSTACK, BENCH_REPS, BENCH_WORK, BENCH_WAIT
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=${TRUSTACK:-$top/build/trustack}
reps=${BENCH_REPS:-7}
work=${BENCH_WORK:-/tmp/trustack-bench}/core
rm -rf "$work"; mkdir -p "$work"
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
core=$work/deep.core
how=
pattern=$(cat /proc/sys/kernel/core_pattern)
case "$pattern" in '|'* | */*) ;; *)
    (cd "$work" && ulimit -c unlimited 2>/dev/null && exec "$work/deep") & tp=$!
    sleep 0.5; kill -SEGV $tp; wait $tp 2>/dev/null
    f=$(ls "$work"/core* 2>/dev/null | grep -v deep.core | head -n1)
    [ -n "$f" ] && mv "$f" "$core" && how="the kernel (SIGSEGV)" ;;
esac
if [ -z "$how" ]; then
    "$work/deep" & tp=$!
    sleep 0.5
    gcore -o "$work/g" $tp >/dev/null 2>&1 && mv "$work/g.$tp" "$core" && how="gcore"
    kill -9 $tp 2>/dev/null
fi
[ -s "$core" ] || { echo "no core could be made"; exit 2; }

. "$(dirname "$0")/timing.sh"  # time_cmd, frames, busy_now, wait_quiet
wait_quiet

cache=$work/cache
cold=$(time_cmd tcold 3 "rm -rf $cache" "$T" stacks --no-lines --cache-dir="$cache" --core "$core")
both=$(python3 - "$reps" "$work" "$T" "$cache" "$core" "$work/deep" <<'PY2'
import shutil, statistics, subprocess, sys, time
n, work, T, cache, core, exe = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
cmds = {"twarm": [T, "stacks", "--no-lines", "--cache-dir=" + cache, "--core", core],
        "twarml": [T, "stacks", "--cache-dir=" + cache, "--core", core]}
if shutil.which("eu-stack"):
    cmds["eu"] = ["eu-stack", "--core=" + core, "--executable=" + exe]
    cmds["eus"] = ["eu-stack", "-s", "--core=" + core, "--executable=" + exe]
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
rel=$("$T" stacks --no-lines --format=json --cache-dir="$cache" --core "$core" |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["threads"]; print("%d of %d threads reliable" % (sum(x["reliable"] for x in t), len(t)))')
g="-"
command -v gdb >/dev/null && g=$(time_cmd gdb 3 "" gdb -batch -nx -ex 'thread apply all bt' "$work/deep" "$core")
ratio() { python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) else '%.1fx' % (float(a)/float(b)))" "$1" "$2"; }

echo "## trustack stacks --core vs eu-stack --core and gdb: 33 threads, 32 of them 50 frames deep"
echo
echo "$(uname -r), $(nproc) cores, core by $how ($(($(stat -c %s "$core") / 1024)) KiB), median of $reps runs (cold and gdb: 3); commit $(git -C "$top" rev-parse --short HEAD)"
echo
echo "| command | wall ms (median) | min | frames/thread | eu-stack / this (median) |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| trustack stacks --core, cold cache (--no-lines) | $cold | | $(frames tcold) | $(ratio "$eu" "$cold") |"
echo "| trustack stacks --core, warm cache (--no-lines) | $warm | $warm_min | $(frames twarm) | $(ratio "$eu" "$warm") |"
echo "| trustack stacks --core, warm cache, file:line | $warml | $warml_min | $(frames twarml) | $(ratio "$eus" "$warml") (vs -s) |"
echo "| eu-stack --core | $eu | $eu_min | $(frames eu) | 1.0x |"
echo "| eu-stack -s --core (source lines) | $eus | $eus_min | $(frames eus) | |"
echo "| gdb -batch -ex 'thread apply all bt' EXE CORE | $g | | $(awk '/^#[0-9]/{f++} /^Thread /{t++} END{printf "%.1f", t ? f / t : 0}' "$work/gdb.out" 2>/dev/null) | $(ratio "$eu" "$g") |"
echo
echo "Machine: $loadnote. Warm trustack and eu-stack runs alternate. trustack: $rel."
