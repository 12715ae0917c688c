#!/usr/bin/env bash
# s390xdecode suite: our s390x decoder (lib/arch/s390x/decode.c) against llvm-mc's decoding of
# every instruction of the s390x corpus, an oracle we did not write (tests/arch/s390xdecode_check.c
# says what is compared). The corpus: the corpus programs built by s390x-linux-gnu-gcc 12 and
# clang 14 (--target=s390x-linux-gnu) in a matrix of options (with and without -mbackchain,
# -mpacked-stack, -O0..-O3, -Os, PIC; objects and an executable), SQLite's amalgamation, and
# Debian's s390x libc.so.6 and libstdc++.so.6. One PASS/FAIL line per variant or library, with
# counts; `decode-error` (our decoder rejecting an instruction llvm-mc decodes) must never occur.
#
# llvm-mc runs once per variant over all its instructions; its output is cached under
# build/s390xdecode-cache/ by the instructions' hash, the objects by their source and options.
# TS_QUICK=1: three of the build variants, no SQLite.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
bdir=$(dirname "$TRUSTACK")
cache=$top/build/s390xdecode-cache
work=${TS_WORK:-$top/build/test-work}/s390xdecode
rm -rf "$work"; mkdir -p "$work" "$cache"
LLVM_MC=$(command -v llvm-mc || command -v llvm-mc-14 || true)
GCC=s390x-linux-gnu-gcc
S390LIB=/usr/s390x-linux-gnu/lib
# z15: the newest machine LLVM 14 knows; Debian's baseline is z196 (arch9), libc has z13+ code
# selected at run time (ifuncs)
MCPU=z15

if [ -z "$LLVM_MC" ] || ! command -v $GCC >/dev/null || ! command -v clang >/dev/null; then
    echo "SKIP s390xdecode: needs llvm-mc, $GCC and clang (scripts/install-deps.sh)"
    exit 0
fi

SUITE=s390xdecode MC_ARGS="-triple=s390x -mcpu=$MCPU" MC_WHY_LINES=30
. "$here/mc_oracle.sh"
mc_build_tool s390xdecode_check || exit 0

progs=$top/tests/corpus/programs
srcs_c="$progs/bits.c $progs/dispatch.c $progs/frames.c $progs/noreturn.c $progs/recurse.c"
variants=(
    "gcc-O0|$GCC|-O0"
    "gcc-O2-backchain|$GCC|-O2 -mbackchain"
    "gcc-O3-packed|$GCC|-O3 -mpacked-stack"
    "gcc-O1-pic-backchain|$GCC|-O1 -fPIC -mbackchain"
    "gcc-Os-z15|$GCC|-Os -march=z15"
    "clang-O0|clang --target=s390x-linux-gnu|-O0"
    "clang-O2|clang --target=s390x-linux-gnu|-O2"
    "clang-O2-backchain-z14|clang --target=s390x-linux-gnu|-O2 -mbackchain -march=z14"
)
ts_quick && variants=("${variants[1]}" "${variants[4]}" "${variants[6]}")
for v in "${variants[@]}"; do
    IFS='|' read -r name cc flags <<<"$v"
    files=() ok=1
    for s in $srcs_c; do
        f=$(compile "$cc" "$flags" o "$s") && files+=("$f") || ok=0
    done
    if [[ $name == gcc-* ]]; then # an executable: crt code, PLT, .init/.fini
        f=$(compile "$cc" "$flags" exe "$progs/frames.c") && files+=("$f") || ok=0
    fi
    if [ $ok = 0 ]; then
        echo "FAIL s390xdecode/$name: the corpus does not build: $(tail -2 "$work/compile.err")"
        continue
    fi
    check "$name" "${files[@]}"
done

if ! ts_quick; then
    sq=$("$top/tests/corpus/fetch-sqlite.sh" 2>/dev/null || true)
    if [ -n "$sq" ] && [ -s "$sq/sqlite3.c" ]; then
        for v in "gcc|$GCC|-O2 -mbackchain" "clang|clang --target=s390x-linux-gnu|-O2"; do
            IFS='|' read -r name cc flags <<<"$v"
            f=$(compile "$cc" "$flags -w -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION" o "$sq/sqlite3.c") &&
                check "sqlite-$name" "$f" ||
                echo "FAIL s390xdecode/sqlite-$name: does not build: $(tail -2 "$work/compile.err")"
        done
    else
        echo "SKIP s390xdecode/sqlite: no SQLite amalgamation (tests/corpus/fetch-sqlite.sh)"
    fi
fi

for lib in libc.so.6 libstdc++.so.6; do
    if [ -f "$S390LIB/$lib" ]; then
        check "debian-$lib" "$S390LIB/$lib"
    else
        echo "SKIP s390xdecode/debian-$lib: $S390LIB/$lib not installed (libc6-s390x-cross, libstdc++6-s390x-cross)"
    fi
done
exit 0
