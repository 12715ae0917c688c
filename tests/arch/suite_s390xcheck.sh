#!/usr/bin/env bash
# s390xcheck suite: `trustack check` on s390x compiler output must say nothing (issue 16). The
# corpus programs (tests/corpus/programs, the C ones) built by s390x-linux-gnu-gcc 12 and clang 14
# (--target=s390x-linux-gnu) at -O0 -O1 -O2 -O3 -Os, with and without -mbackchain, and with
# -mpacked-stack (gcc): every object, and the executables gcc links from the gcc objects.
# --rules=stack on all, --rules=backchain on the -mbackchain builds. One PASS/FAIL line per
# variant, with the warnings of a failing one in the lines after it. Then --rules=backchain on a
# build without -mbackchain must find the missing chain (the rule fires on real code), and SQLite
# (gcc -O2 -mbackchain) with both rules, unless TS_QUICK.
#
# Builds are cached under build/s390xcheck-cache/ by compiler, options and source.
# TS_QUICK=1: -O0 and -O2 only.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cross.sh" # compile, warnings
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
cache=$top/build/s390xcheck-cache
work=${TS_WORK:-$top/build/test-work}/s390xcheck
rm -rf "$work"; mkdir -p "$work" "$cache"
GCC=s390x-linux-gnu-gcc
CLANG="clang --target=s390x-linux-gnu"
progs=$top/tests/corpus/programs

if ! command -v $GCC >/dev/null || ! command -v clang >/dev/null; then
    echo "SKIP s390xcheck: needs $GCC and clang (scripts/install-deps.sh)"
    exit 0
fi

verdict() { # NAME NFILES WARNINGS
    if [ -z "$3" ]; then
        echo "PASS s390xcheck/$1: $2 files, 0 warnings"
    else
        echo "FAIL s390xcheck/$1: $(grep -c . <<<"$3") warnings"
        printf '%s\n' "$3" | sed -n 1,15p | sed "s|$cache/||"
    fi
}

opts="-O0 -O1 -O2 -O3 -Os"
ts_quick && opts="-O0 -O2"
for comp in gcc clang; do
    for o in $opts; do
        for bc in plain backchain packed; do
            [ $comp = clang ] && [ $bc = packed ] && continue
            case $comp in gcc) cc=$GCC ;; clang) cc=$CLANG ;; esac
            case $bc in plain) f=$o ;; backchain) f="$o -mbackchain" ;; packed) f="$o -mpacked-stack" ;; esac
            name=$comp$o-$bc
            files=() bad=0
            for src in "$progs"/*.c; do
                obj=$(compile "$cc" "$f" o "$src") || { bad=1; continue; }
                files+=("$obj")
                if [ $comp = gcc ]; then
                    exe=$(compile "$GCC" "" exe "$obj") && files+=("$exe")
                fi
            done
            if [ $bad = 1 ]; then
                echo "FAIL s390xcheck/$name: a build failed: $(tail -2 "$work/compile.err")"
                continue
            fi
            w=$(warnings stack "${files[@]}")
            if [ $bc = backchain ]; then
                # the executables' crt code (crt1.o, crti.o) is not built with -mbackchain
                objs=()
                for f2 in "${files[@]}"; do case $f2 in *.o) objs+=("$f2") ;; esac; done
                w=$(printf '%s\n%s' "$w" "$(warnings backchain "${objs[@]}")" | grep .)
            fi
            verdict "$name" "${#files[@]}" "$w"
        done
    done
done

# The rule fires: without -mbackchain, functions that allocate a frame and call store no chain.
obj=$(compile "$GCC" "-O2" o "$progs/frames.c")
w=$(warnings backchain "$obj")
n=$(grep -c '\[backchain-missing\]$' <<<"$w")
if [ "$n" -gt 0 ] && ! grep -qv '\[backchain-missing\]$' <<<"$w"; then
    echo "PASS s390xcheck/backchain-fires: $n backchain-missing in frames.c built without -mbackchain"
else
    echo "FAIL s390xcheck/backchain-fires: want only backchain-missing, got $(grep -c . <<<"$w") warnings"
    printf '%s\n' "$w" | sed -n 1,5p | sed "s|$cache/||"
fi

if ! ts_quick; then
    sq=$("$top/tests/corpus/fetch-sqlite.sh" 2>/dev/null || true)
    if [ -n "$sq" ] && [ -s "$sq/sqlite3.c" ]; then
        for v in "gcc-O2-backchain|$GCC|-O2 -mbackchain" "clang-O2|$CLANG|-O2"; do
            IFS='|' read -r name cc flags <<<"$v"
            obj=$(compile "$cc" "$flags -w -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION" o "$sq/sqlite3.c") || {
                echo "FAIL s390xcheck/sqlite-$name: does not build"; continue; }
            rules=stack
            case $flags in *-mbackchain*) rules=backchain ;; esac
            verdict "sqlite-$name" 1 "$(warnings $rules "$obj")"
        done
    else
        echo "SKIP s390xcheck/sqlite: no SQLite amalgamation (tests/corpus/fetch-sqlite.sh)"
    fi
fi
exit 0
