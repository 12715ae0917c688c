#!/usr/bin/env bash
# sidecar suite: `trustack cache` keeps the unwinder's table of a linked file in the cache under
# its build-id, and `trustack dump` prints it. Oracles: readelf (build-id, entry point, the
# linker's and glibc's CFI), and the analysis' own per-instruction rows (round trip).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/sidecar
rm -rf "$work"; mkdir -p "$work"
export TRUSTACK_CACHE_DIR=$work/cache
check=$here/sidecar_check.py
libc=$(gcc -print-file-name=libc.so.6)
libc=$(readlink -f "$libc")
pass() { echo "PASS sidecar/$1"; }
fail() { echo "FAIL sidecar/$1: $2"; }

gcc -O2 -o "$work/prog" "$top/tests/corpus/programs/recurse.c"
clang -O1 -fno-omit-frame-pointer -o "$work/prog-fp" "$top/tests/corpus/programs/dispatch.c" 2>/dev/null ||
    gcc -O1 -fno-omit-frame-pointer -o "$work/prog-fp" "$top/tests/corpus/programs/dispatch.c"

# 1. the file lands where its build-id says (readelf is the oracle for the build-id)
bid=$(readelf -n "$work/prog" | sed -n 's/.*Build ID: *//p' | head -n1)
want=$TRUSTACK_CACHE_DIR/${bid:0:2}/${bid:2}.tsu
out=$("$TRUSTACK" cache "$work/prog" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$want" ] && grep -q "$want" <<<"$out" && pass path || fail path "exit $rc, '$out', want $want"
p=$("$TRUSTACK" cache --path "$work/prog"); [ "$p" = "$work/prog: $want" ] && pass path-only || fail path-only "$p"

# 2. a second run uses the cache; --refresh rebuilds
out=$("$TRUSTACK" cache "$work/prog" 2>&1)
grep -q '(cached,' <<<"$out" && pass cached || fail cached "$out"
out=$("$TRUSTACK" cache --refresh "$work/prog" 2>&1)
[ $? -eq 0 ] && ! grep -q '(cached,' <<<"$out" && pass refresh || fail refresh "$out"

# 3. the rows are the analysis' rows at every instruction, after the save/load round trip
for f in prog prog-fp; do
    "$TRUSTACK" cache "$work/$f" >/dev/null 2>&1
    "$TRUSTACK" dump "$work/$f" >"$work/$f.dump" 2>&1
    "$TRUSTACK" annotate "$work/$f" >"$work/$f.ann" 2>&1
    r=$(python3 "$check" roundtrip "$work/$f.dump" "$work/$f.ann") && pass "roundtrip-$f" || fail "roundtrip-$f" "$r"
done

# 4. the executable's entry (_start: crt1's CFI marks RA undefined) is outermost
entry=$(readelf -h "$work/prog" | awk '/Entry point/ { print $4 }')
e=$(printf '0x%x' "$entry")
grep -q "^$e\.\.0x[0-9a-f]*  outermost" "$work/prog.dump" && pass entry-outermost ||
    fail entry-outermost "no outermost range at $e"

# 5. libc: outermost exactly where glibc's CFI says RA is undefined (clone, clone3 children)
if "$TRUSTACK" cache -j 2 "$libc" >/dev/null 2>"$work/libc.err"; then
    "$TRUSTACK" dump "$libc" >"$work/libc.dump" 2>&1
    readelf --debug-dump=frames "$libc" >"$work/libc.frames" 2>/dev/null
    r=$(python3 "$check" outermost "$work/libc.dump" "$work/libc.frames") && pass libc-outermost ||
        fail libc-outermost "$r"
    plt=$(readelf -SW "$libc" | awk '$2 == ".plt" { print $4 }')
    readelf --debug-dump=frames-interp "$libc" >"$work/libc.interp" 2>/dev/null
    r=$(python3 "$check" plt "$work/libc.dump" "$work/libc.interp" "$plt") && pass libc-plt0 || fail libc-plt0 "$r"
else
    fail libc "$(cat "$work/libc.err")"
fi

# 6. PLT0 of the program, against the linker's CFI for .plt
plt=$(readelf -SW "$work/prog" | awk '$2 == ".plt" { print $4 }')
readelf --debug-dump=frames-interp "$work/prog" >"$work/prog.interp" 2>/dev/null
r=$(python3 "$check" plt "$work/prog.dump" "$work/prog.interp" "$plt") && pass prog-plt0 || fail prog-plt0 "$r"

# 7. errors: exit 2 with a message, never a crash
sc=$want
head -c 100 "$sc" >"$work/trunc.tsu"
"$TRUSTACK" dump "$work/trunc.tsu" >/dev/null 2>"$work/e1"; rc=$?
[ $rc -eq 2 ] && grep -q 'truncated or malformed' "$work/e1" && pass truncated || fail truncated "exit $rc"
# a row index out of range (the first entry's row index is right after the pc array)
python3 - "$sc" "$work/badrow.tsu" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
n = struct.unpack_from('<I', b, 56)[0]
struct.pack_into('<I', b, 64 + 4 * (n + 1), 0xffffff)
open(sys.argv[2], 'wb').write(b)
PY
"$TRUSTACK" dump "$work/badrow.tsu" >/dev/null 2>"$work/e2"; rc=$?
[ $rc -eq 2 ] && grep -q 'row index' "$work/e2" && pass bad-row-index || fail bad-row-index "exit $rc $(cat "$work/e2")"
gcc -O2 -Wl,--build-id=none -o "$work/nobid" "$top/tests/corpus/programs/recurse.c"
"$TRUSTACK" cache "$work/nobid" >/dev/null 2>"$work/e3"; rc=$?
[ $rc -eq 2 ] && grep -q 'no build-id' "$work/e3" && pass no-build-id || fail no-build-id "exit $rc"
gcc -O2 -c -o "$work/obj.o" "$top/tests/corpus/programs/recurse.c"
"$TRUSTACK" cache "$work/obj.o" >/dev/null 2>"$work/e4"; rc=$?
[ $rc -eq 2 ] && grep -q -i 'build-id\|relocatable' "$work/e4" && pass object || fail object "exit $rc"
: >"$work/notadir"
"$TRUSTACK" cache --cache-dir="$work/notadir/sub" "$work/prog" >/dev/null 2>"$work/e5"; rc=$?
[ $rc -eq 2 ] && [ -s "$work/e5" ] && pass unwritable || fail unwritable "exit $rc"
# a sidecar of another build at this build's path is not used, and is rebuilt
cp "$work/trunc.tsu" "$sc"
out=$("$TRUSTACK" cache "$work/prog" 2>&1); rc=$?
[ $rc -eq 0 ] && ! grep -q cached <<<"$out" && "$TRUSTACK" dump "$sc" >/dev/null 2>&1 && pass stale-rebuilt ||
    fail stale-rebuilt "exit $rc: $out"
"$TRUSTACK" cache >/dev/null 2>&1; [ $? -eq 2 ] && pass usage || fail usage "no FILE accepted"
exit 0
