#!/usr/bin/env bash
# bench/unwind.sh: in-process unwinding, nanoseconds per frame at a fixed depth (docs/targets.md: at most
# 3 ns per frame with a verdict), every trustack mode side by side with a plain frame-pointer
# loop, glibc's backtrace() (libgcc's DWARF unwinder) and libunwind's unw_backtrace() and
# unw_step() loop, in one run; then the table modes and unw_backtrace() on the same program built
# without frame pointers.
#
# The binaries are built here (bench/unwind_bench.c against build/libtrustack.a;
# bench/unwind_bench_unw.c with -lunwind, separate because libunwind's weak backtrace() would
# replace glibc's; each with and without frame pointers). All recurse to DEPTH frames and time REPS traces from the deepest one,
# best of 5 runs. Figures on a busy machine are worth little: the script waits (up to
# BENCH_WAIT seconds) for the 1-minute load to drop under BENCH_MAX_LOAD and prints the load.
#
# Environment: BENCH_WORK (default /tmp/trustack-bench/unwind), BENCH_DEPTH (64),
# BENCH_REPS (20000), BENCH_MAX_LOAD (1.5), BENCH_WAIT (300), TRUSTACK_LIB (build/libtrustack.a).
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
W=${BENCH_WORK:-/tmp/trustack-bench/unwind}
DEPTH=${BENCH_DEPTH:-64}
REPS=${BENCH_REPS:-20000}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
MAX_WAIT=${BENCH_WAIT:-300}
lib=${TRUSTACK_LIB:-$repo/build/libtrustack.a}
mkdir -p "$W"
[ -f "$lib" ] || { echo "bench/unwind.sh: build the library first (make)" >&2; exit 2; }
echo "#include <libunwind.h>" | gcc -E -x c - >/dev/null 2>&1 || { echo "bench/unwind.sh: needs libunwind-dev" >&2; exit 2; }

flags="-O2 -g -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"
nofp="-O2 -g -fomit-frame-pointer"
gcc -std=gnu11 $flags -Wa,--gsframe -I"$repo/include" -c "$here/unwind_bench.c" -o "$W/unwind_bench.o" &&
    g++ -o "$W/unwind_bench" "$W/unwind_bench.o" "$lib" -lelf -ldw -lZydis -lpthread &&
    gcc -std=gnu11 $flags "$here/unwind_bench_unw.c" -o "$W/unwind_bench_unw" -lunwind &&
    gcc -std=gnu11 $nofp -I"$repo/include" -c "$here/unwind_bench.c" -o "$W/unwind_bench_nofp.o" &&
    g++ -o "$W/unwind_bench_nofp" "$W/unwind_bench_nofp.o" "$lib" -lelf -ldw -lZydis -lpthread &&
    gcc -std=gnu11 $nofp "$here/unwind_bench_unw.c" -o "$W/unwind_bench_unw_nofp" -lunwind || exit 2

waited=0
while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l <= m) }' && break
    [ "$waited" -ge "$MAX_WAIT" ] && { echo "note: load $load still above $MAX_LOAD after ${waited}s: figures are disturbed" >&2; break; }
    sleep 10; waited=$((waited + 10))
done

{
    "$W/unwind_bench" "$DEPTH" "$REPS" && "$W/unwind_bench_unw" "$DEPTH" "$REPS" || exit 2
    # the same program without frame pointers: every frame takes the table rows' generic step
    for m in trustack-orc trustack-auto trustack-orc-pcs trustack-auto-pcs; do
        "$W/unwind_bench_nofp" "$DEPTH" "$REPS" $m || exit 2
    done | sed 's/^trustack-/nofp:trustack-/'
    "$W/unwind_bench_unw_nofp" "$DEPTH" "$REPS" | grep unw_backtrace | sed 's/^/nofp:/'
} >"$W/results.txt" || exit 2
echo "In-process unwind, depth $DEPTH (+ the frames below main), best of 5 x $REPS traces; load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
echo
printf '| %-30s | %6s | %10s | %8s | %-18s |\n' method frames "ns/trace" "ns/frame" verdict
printf '|%s|%s|%s|%s|%s|\n' "--------------------------------" "--------" "------------" "----------" "--------------------"
while read -r m f t p v; do
    printf '| %-30s | %6s | %10s | %8s | %-18s |\n' "$m" "$f" "$t" "$p" "$v"
done <"$W/results.txt"
echo
echo "Target (docs/targets.md): <= 3 ns per frame with a verdict. fp-validated and sframe stop at the first libc frame"
echo "here (Debian's libc has neither frame pointers nor .sframe), so their per-frame figure covers fewer frames."
echo "*-pcs: return addresses and the verdict only (trustack_unwind_self_pcs), the rest full frame records."
echo "nofp:*: the same program built with -fomit-frame-pointer (CFA on sp at every frame)."
