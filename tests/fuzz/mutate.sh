#!/usr/bin/env bash
# Mutation run (tests/fuzz/README.md, "The mutation run"): every file-reading command of the CLI on
# truncated and byte-flipped copies of small valid inputs, plus special files, under the
# ASan+UBSan build. Every run is classified:
#   ok                     exit 0 or 1
#   error-with-message     exit 2 and something on stderr
#   crash                  a signal, a sanitizer report, or an exit status the CLI never uses
#   hang                   killed by `timeout` (20 s)
#   error-without-message  exit 2 and nothing on stderr
# and the special cases are checked against what they must give (tests/fuzz/mutate.py).
#
#   bash tests/fuzz/mutate.sh [--quick | --full | -n RUNS] [--seed S] [-j JOBS] [--no-special]
#
# --quick: 200 mutated runs (CI, the fuzz suite); --full: 20000; default 2000. The variants are a
# function of the seed (default 1), the input's name and the run number only, so a run is
# reproducible: the inputs behind every bad run are kept in $work/found/ with the command line.
# Environment: TRUSTACK (default build-san/trustack: make SAN=1), TS_WORK, TS_MUTATE_TIMEOUT (20).
# Exit status: 0 when no run crashed, hung or failed without a message and every special case
# gave what it must; 1 otherwise; 2 when the inputs could not be made.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
trustack=${TRUSTACK_SAN:-${TRUSTACK:-$top/build-san/trustack}}
work=${TS_WORK:-$top/build/test-work}/mutate
runs=2000 seed=1 jobs=2 special=1 stimeout=${TS_MUTATE_TIMEOUT:-20}
while [ $# -gt 0 ]; do
    case $1 in
        --quick) runs=200 stimeout=5 ;; # CI: a FIFO hang costs 5 s, not 20
        --full) runs=20000 ;;
        -n) runs=$2; shift ;;
        --seed) seed=$2; shift ;;
        -j) jobs=$2; shift ;;
        --no-special) special=0 ;;
        *) echo "usage: mutate.sh [--quick|--full|-n RUNS] [--seed S] [-j JOBS] [--no-special]" >&2; exit 2 ;;
    esac
    shift
done
if [ ! -x "$trustack" ]; then
    echo "mutate.sh: $trustack not found: build it with make SAN=1 (or set TRUSTACK)" >&2
    exit 2
fi
case $trustack in /*) ;; *) trustack=$PWD/$trustack ;; esac
rm -rf "$work"
base=$work/base
mkdir -p "$base/cache"

# ---- the valid inputs: small, made by the compilers and by trustack's own writers -------------
src=$work/src
mkdir -p "$src"
cat >"$src/lib.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
int sw(int x, int y)
{
	switch (x) {
	case 0: return y + 1;
	case 1: return y * 3;
	case 2: return y - 7;
	case 3: return y ^ 0x55;
	case 4: return y << 2;
	case 5: return y / 5;
	default: return 0;
	}
}
void use(char *p, int n);
int frame(int n)
{
	char *p = __builtin_alloca(n);
	memset(p, 1, n);
	use(p, n);
	return p[n / 2];
}
__attribute__((noinline, cold)) void fail(const char *why)
{
	(void)why;
	exit(3);
}
int checked(int x)
{
	if (x < 0)
		fail("negative");
	return x * 2;
}
void use(char *p, int n) { p[n - 1] ^= 1; }
EOF
# the program `stacks` looks at: parked in pause() under two frames of its own
cat >"$src/prog.c" <<'EOF'
#include <stdio.h>
#include <unistd.h>
int sw(int x, int y);
__attribute__((noinline)) static void park(int depth)
{
	if (depth)
		park(depth - 1);
	else
		for (;;)
			pause();
	asm volatile("");
}
int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("ready\n");
		fflush(stdout);
		park(2);
	}
	return sw(argc, 1);
}
EOF
mk() { # mk KIND NAME COMMAND...: make base/NAME with COMMAND, list it in the manifest
    local kind=$1 name=$2
    shift 2
    if ! "$@" >>"$work/make.log" 2>&1 || [ ! -s "$base/$name" ]; then
        echo "mutate.sh: cannot make $name: $*" >&2
        tail -n 5 "$work/make.log" >&2
        exit 2
    fi
    printf '%s\t%s\n' "$kind" "$name" >>"$base/manifest"
}
: >"$base/manifest"
cd "$base" || exit 2
mk object obj-gcc-O2 gcc -O2 -c "$src/lib.c" -o obj-gcc-O2
mk object obj-clang-fp clang -O1 -fno-omit-frame-pointer -fPIC -c "$src/lib.c" -o obj-clang-fp
mk object obj-gcc-O0 gcc -O0 -fno-pie -c "$src/lib.c" -o obj-gcc-O0
mk exe exe-pie gcc -O2 -g -o exe-pie "$src/prog.c" "$src/lib.c"
mk exe exe-nopie-stripped gcc -O2 -no-pie -s -o exe-nopie-stripped "$src/prog.c" "$src/lib.c"
mk shlib lib.so gcc -O2 -shared -fPIC -o lib.so "$src/lib.c"
mk archive lib.a ar rcs lib.a obj-gcc-O2 obj-gcc-O0
# .sframe: written by gas, and by trustack (objects and linked files)
mk sframe obj-gas-sframe gcc -O2 -Wa,--gsframe -c "$src/lib.c" -o obj-gas-sframe
mk sframe obj-ts-sframe "$trustack" sframe obj-gcc-O2 -o obj-ts-sframe
mk sframe lib-ts-sframe.so "$trustack" sframe lib.so -o lib-ts-sframe.so
# ORC copies, both layouts
mk orc obj-orc "$trustack" orc obj-gcc-O2 -o obj-orc
mk orc lib-orc61.so "$trustack" orc --orc-layout=6.1 lib.so -o lib-orc61.so
# compressed .debug_frame (gcc -gz; no .eh_frame, so the CFI is only there)
mk debugz obj-debugz gcc -O2 -g -gz=zlib -fno-asynchronous-unwind-tables -c "$src/lib.c" -o obj-debugz
mk debugz lib-debugz.so gcc -O2 -g -gz=zlib -fno-asynchronous-unwind-tables -shared -fPIC -o lib-debugz.so "$src/lib.c"
# the cache files of exe-pie: sidecar (.tsu), symbols (.tss), lines (.tsl), made by `stacks`
./exe-pie park >"$work/prog.out" &
prog=$!
for _ in $(seq 50); do [ -s "$work/prog.out" ] && break; sleep 0.1; done
"$trustack" stacks --cache-dir="$base/cache" "$prog" >"$work/stacks.out" 2>&1
kill "$prog" 2>/dev/null; wait "$prog" 2>/dev/null
tsu=$("$trustack" cache --path --cache-dir="$base/cache" exe-pie 2>/dev/null)
tsu=${tsu##* }
for ext in tsu tss tsl; do
    f=${tsu%.tsu}.$ext
    if [ ! -s "$f" ]; then
        echo "mutate.sh: stacks did not write $f (see $work/stacks.out)" >&2
        cat "$work/stacks.out" >&2
        exit 2
    fi
    cp "$f" "exe-pie.$ext"
    printf '%s\t%s\n' "$ext" "exe-pie.$ext" >>"$base/manifest"
done
printf '%s\n' "${tsu#"$base/cache/"}" >"$base/exe-pie.cachepath"
cd "$top" || exit 2

# ---- the runs -----------------------------------------------------------------------------------
sp=()
[ "$special" = 1 ] || sp=(--no-special)
nice -n 10 python3 "$here/mutate.py" --trustack "$trustack" --base "$base" --work "$work" --runs "$runs" \
    --seed "$seed" --jobs "$jobs" --timeout "${TS_MUTATE_TIMEOUT:-20}" --special-timeout "$stimeout" "${sp[@]}"
