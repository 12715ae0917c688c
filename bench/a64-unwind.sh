#!/usr/bin/env bash
# bench/a64-unwind.sh: the arm64 unwinder in-process under qemu-aarch64, as ratios. Nanoseconds
# per frame under emulation mean nothing on their own (issue 15): bench/unwind_bench.c (portable)
# is cross-built for arm64 against build-a64/libtrustack.a, and every trustack mode is reported
# as its ns per frame divided by glibc backtrace()'s and by libunwind's unw_backtrace() in the
# same emulator (libunwind for arm64: libunwind-dev:arm64, not installed by scripts/install-deps.sh
# since no test needs it: without it, that column says so).
#
# The modules' tables are built beforehand by the native CLI (the same analysis; under emulation
# libc's takes minutes), as tests/unwind/suite_a64self.sh does.
# Environment: BENCH_WORK (default /tmp/trustack-bench/a64-unwind), BENCH_DEPTH (64),
# BENCH_REPS (2000), TS_A64_BUILD (build-a64), TRUSTACK (build/trustack).
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
W=${BENCH_WORK:-/tmp/trustack-bench/a64-unwind}
DEPTH=${BENCH_DEPTH:-64}
REPS=${BENCH_REPS:-2000}
a64=${TS_A64_BUILD:-$repo/build-a64}
TRUSTACK=${TRUSTACK:-$repo/build/trustack}
sysroot=/usr/aarch64-linux-gnu
for t in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ qemu-aarch64; do
    command -v $t >/dev/null || { echo "bench/a64-unwind.sh: needs $t (scripts/install-deps.sh)" >&2; exit 2; }
done
[ -x "$TRUSTACK" ] || { echo "bench/a64-unwind.sh: build the native CLI first (make)" >&2; exit 2; }
mkdir -p "$W"
export TRUSTACK_CACHE_DIR=$W/cache
make -s -C "$repo" CC=aarch64-linux-gnu-gcc B="$a64" "$a64/libtrustack.a" >"$W/make.log" 2>&1 ||
    { echo "bench/a64-unwind.sh: the arm64 library did not build ($W/make.log)" >&2; exit 2; }
flags="-O2 -g -fno-omit-frame-pointer"
aarch64-linux-gnu-gcc -std=gnu11 $flags -I"$repo/include" -c "$here/unwind_bench.c" -o "$W/unwind_bench.o" &&
    aarch64-linux-gnu-g++ -o "$W/unwind_bench" "$W/unwind_bench.o" "$a64/libtrustack.a" \
        -L/usr/lib/aarch64-linux-gnu -lelf -ldw -lpthread || exit 2
have_unw=0
if aarch64-linux-gnu-gcc -std=gnu11 $flags "$here/unwind_bench_unw.c" -o "$W/unwind_bench_unw" \
        -L/usr/lib/aarch64-linux-gnu -lunwind 2>"$W/unw.err"; then
    have_unw=1
fi
qemu="qemu-aarch64 -L $sysroot -cpu max,pauth-impdef=on"
export QEMU_SET_ENV=LD_LIBRARY_PATH=$sysroot/lib:/usr/lib/aarch64-linux-gnu
mods=("$W/unwind_bench")
for f in $($qemu $sysroot/lib/ld-linux-aarch64.so.1 --list "$W/unwind_bench" 2>/dev/null | awk '$3 ~ /^\// { print $3 }'); do
    [ -e "$f" ] || f=$sysroot$f
    mods+=("$f")
done
"$TRUSTACK" cache --cache-dir "$TRUSTACK_CACHE_DIR" "${mods[@]}" >/dev/null 2>&1
{
    $qemu "$W/unwind_bench" "$DEPTH" "$REPS" || exit 2
    if [ $have_unw = 1 ]; then $qemu "$W/unwind_bench_unw" "$DEPTH" "$REPS" || exit 2; fi
} >"$W/results.txt" || exit 2
bt=$(awk '$1 == "glibc-backtrace" { print $4 }' "$W/results.txt")
unw=$(awk '$1 == "libunwind-unw_backtrace" || $1 == "unw_backtrace" { print $4; exit }' "$W/results.txt")
echo "arm64 under qemu-aarch64 $(qemu-aarch64 --version | head -n1 | awk '{ print $3 }') (-cpu max,pauth-impdef=on), depth $DEPTH," \
    "best of 5 x $REPS traces; load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
echo
printf '| %-30s | %6s | %9s | %-14s | %13s | %12s |\n' method frames "ns/frame" verdict "/ backtrace()" "/ libunwind"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------------------" "--------" "-----------" "----------------" "---------------" "--------------"
while read -r m f t p v; do
    r1=$(awk -v a="$p" -v b="$bt" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    r2="no libunwind:arm64"
    [ -n "$unw" ] && r2=$(awk -v a="$p" -v b="$unw" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    printf '| %-30s | %6s | %9s | %-14s | %13s | %12s |\n' "$m" "$f" "$p" "$v" "$r1" "$r2"
done <"$W/results.txt"
[ $have_unw = 1 ] || echo "(libunwind for arm64 not installed: apt-get install libunwind-dev:arm64 for that column)"
