#!/usr/bin/env bash
# C unit tests of library pieces, built here against build/libtrustack.a (with the internal
# headers): the options-struct rule (opts_test.c) and the state lattice (state_test.c).
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_SAN (see tests/run.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/units
lib=$(dirname "$TRUSTACK")/libtrustack.a
[ -f "$lib" ] || { echo "FAIL units: no $lib beside the binary under test"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
san=$( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined -fno-sanitize-recover=undefined )

build() {   # build NAME: tests/lib/NAME.c -> $work/NAME
    if ! cc -std=gnu11 -O1 -g -Wall -Wextra -I"$top/include" -I"$top/lib" $san "$here/$1.c" "$lib" \
            -lelf -ldw -lZydis -lpthread -o "$work/$1" 2>"$work/$1.log"; then
        echo "FAIL units/$1: cannot build tests/lib/$1.c: $(head -3 "$work/$1.log" | paste -sd';' -)"
        return 1
    fi
}

printf 'int f(int x) { return x + 1; }\n' >"$work/small.c"
cc -O2 -c "$work/small.c" -o "$work/small.o"
run() {   # run NAME ARGS...: its PASS/FAIL lines, and a FAIL if it died without saying why
    local out rc
    out=$("$work/$@" 2>&1); rc=$?
    printf '%s\n' "$out"
    if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then echo "FAIL units/$1: exit status $rc"; fi
}
if build opts_test; then run opts_test "$work/small.o"; fi
for t in "$here"/*_test.c; do
    n=$(basename "$t" .c)
    [ "$n" = opts_test ] && continue
    if build "$n"; then run "$n"; fi
done
