#!/usr/bin/env bash
# dump suite: `trustack dump` reads the tables other tools wrote, and agrees with their readers.
#  - gas's .sframe (gcc -Wa,--gsframe): the same FDE and FRE counts as objdump --sframe prints;
#  - objtool's own ORC of an object: the same number of entries as objtool --dump=orc;
#  - no tables: a note, exit 0; garbage: exit 2.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
OBJTOOL=${OBJTOOL:-/usr/lib/linux-kbuild-6.1/tools/objtool/objtool}
work=${TS_WORK:-$top/build/test-work}/dump
rm -rf "$work"; mkdir -p "$work"
src=$top/tests/corpus/programs/dispatch.c

if gcc -O2 -c -Wa,--gsframe "$src" -o "$work/sf.o" 2>/dev/null; then
    "$TRUSTACK" dump "$work/sf.o" >"$work/sf.txt" 2>&1; rc=$?
    objdump --sframe "$work/sf.o" >"$work/sf.objdump" 2>&1
    want=$(grep -E 'Num (FDEs|FREs):' "$work/sf.objdump" | tr -s ' ')
    got=$(grep -E 'Num (FDEs|FREs):' "$work/sf.txt" | tr -s ' ')
    if [ $rc -eq 0 ] && [ -n "$want" ] && [ "$want" = "$got" ]; then
        echo "PASS dump/sframe-gas"
    else
        echo "FAIL dump/sframe-gas: exit $rc, objdump '$want', trustack '$got'"
    fi
else
    echo "SKIP dump/sframe-gas: gas cannot emit .sframe here"
fi

if [ -x "$OBJTOOL" ]; then
    gcc -O2 -fno-pie -fno-jump-tables -fno-omit-frame-pointer -c "$top/tests/corpus/programs/recurse.c" -o "$work/o.o"
    "$OBJTOOL" --stackval --orc "$work/o.o" >/dev/null 2>&1
    want=$("$OBJTOOL" --dump=orc "$work/o.o" 2>/dev/null | grep -c 'sp:')
    "$TRUSTACK" dump "$work/o.o" >"$work/o.txt" 2>&1; rc=$?
    got=$(grep -c 'sp:' "$work/o.txt")
    if [ $rc -eq 0 ] && [ "$want" -gt 0 ] && [ "$want" = "$got" ]; then
        echo "PASS dump/orc-objtool"
    else
        echo "FAIL dump/orc-objtool: exit $rc, objtool $want entries, trustack $got"
    fi
else
    echo "SKIP dump/orc-objtool: no objtool at $OBJTOOL"
fi

gcc -O2 -c "$src" -o "$work/none.o"
"$TRUSTACK" dump "$work/none.o" >/dev/null 2>"$work/none.err"; rc=$?
[ $rc -eq 0 ] && grep -q 'no ORC or SFrame' "$work/none.err" && echo "PASS dump/none" || echo "FAIL dump/none: exit $rc"
printf 'garbage' >"$work/garbage"
"$TRUSTACK" dump "$work/garbage" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && echo "PASS dump/garbage" || echo "FAIL dump/garbage: exit $rc"
exit 0
