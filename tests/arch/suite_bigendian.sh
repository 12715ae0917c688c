#!/usr/bin/env bash
# Big-endian ELF: the ELF layer reads an s390x object and shared library (built here with
# s390x-linux-gnu-gcc) as readelf does: sections, symbols, the build-id note; data in the file's
# byte order; relocations applied (big-endian stores) and classified (ABS64, RELATIVE,
# GLOB_DAT, JUMP_SLOT through the s390x descriptor). The analysis has no s390x decoder yet:
# `trustack check` says so and exits 2.
set -u
top=${TS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
T=${TRUSTACK:-$top/build/trustack}
lib=$(dirname "$T")/libtrustack.a
work=${TS_WORK:-/tmp/ts-arch}/arch-be
rm -rf "$work"; mkdir -p "$work"

ok() { echo "PASS arch/be/$1"; }
bad() { echo "FAIL arch/be/$1: $2"; }
CC390=${CC390:-s390x-linux-gnu-gcc}
command -v "$CC390" >/dev/null || { echo "SKIP arch/be: $CC390 not installed"; exit 0; }
[ -f "$lib" ] || { bad build "no $lib"; exit 1; }
gcc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$top/tests/arch/elf_tool.c" -o "$work/elf_tool" \
    "$lib" -lelf -ldw -lZydis -lpthread $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) ||
    { bad build "elf_tool does not build"; exit 1; }
E=$work/elf_tool

cat >"$work/be.c" <<'C'
int counter = 0x11223344;
long big = 0x0102030405060708L;
extern int ext(int);
int *ptr = &counter;
static int g(int x) { return x * 3; }
int (*fp)(int) = g;
int f(int x) { return ext(x) + counter + fp(x); }
C
"$CC390" -O2 -fPIC -c "$work/be.c" -o "$work/be.o" &&
    "$CC390" -O2 -fPIC -shared -nostdlib -Wl,--build-id=sha1 "$work/be.c" -o "$work/libbe.so" ||
    { bad build "$CC390 failed"; exit 1; }

# readelf's view, in elf_tool's format
readelf_view() {   # FILE
    local f=$1
    readelf -hW "$f" | awk '/Machine:/ { m = ($0 ~ /S\/390/) ? "s390x" : "other" }
        /Data:/ { e = ($0 ~ /big endian/) ? "big-endian" : "little-endian" } END { print "machine", m, e }'
    readelf -SW "$f" | sed -n 's/^ *\[ *\([0-9]*\)\] //p' | awk 'function hx(s) { sub(/^0+/, "", s); return s == "" ? "0" : s }
        $1 != "NULL" { printf "section %s %s\n", $1, hx($5) }'
    readelf -sW "$f" | awk 'function hx(s) { sub(/^0+/, "", s); return s == "" ? "0" : s }
        /^Symbol table/ { t = ($0 ~ /.symtab/) } t && $1 ~ /^[0-9]+:$/ && NF >= 8 &&
        $7 != "UND" && $7 != "ABS" && $4 != "SECTION" && $4 != "FILE" {
        printf "symbol %s %s %d %s %s\n", $8, hx($2), $3 + 0, $4, $5 }' | sort
    printf 'build-id %s\n' "$(readelf -nW "$f" | sed -n 's/.*Build ID: *//p')"
}
tool_view() {   # FILE
    local out; out=$("$E" "$1") || { printf '%s\n' "$out"; return 1; }
    grep '^machine' <<<"$out"; grep '^section' <<<"$out"; grep '^symbol' <<<"$out" | sort; grep '^build-id' <<<"$out"
}

for f in be.o libbe.so; do
    readelf_view "$work/$f" >"$work/$f.readelf"
    if ! tool_view "$work/$f" >"$work/$f.tool"; then bad "$f-opens" "$(cat "$work/$f.tool")"; continue; fi
    if cmp -s "$work/$f.readelf" "$work/$f.tool"; then ok "$f-as-readelf"
    else bad "$f-as-readelf" "$(diff "$work/$f.readelf" "$work/$f.tool" | head -n 8 | tr '\n' ' ')"; fi
done
grep -q '^build-id [0-9a-f]\{40\}$' "$work/libbe.so.tool" && ok libbe.so-build-id || bad libbe.so-build-id "$(grep build-id "$work/libbe.so.tool")"

expect() {   # NAME WANT CMD...
    local name=$1 want=$2; shift 2
    local got; got=$("$@" 2>&1)
    [ "$got" = "$want" ] && ok "$name" || bad "$name" "want '$want', got '$got'"
}
# data in the file's byte order
expect so-read-u32 11223344 "$E" "$work/libbe.so" read counter 4
expect so-read-u64 102030405060708 "$E" "$work/libbe.so" read big 8
expect obj-read-u64 102030405060708 "$E" "$work/be.o" read big 8
# R_390_64 applied in the object: ptr holds counter's (synthetic) address, fp g's
expect obj-reloc-abs64 "$("$E" "$work/be.o" addr counter)" "$E" "$work/be.o" read ptr 8
expect obj-reloc-abs64-code "$("$E" "$work/be.o" addr g)" "$E" "$work/be.o" read fp 8
# ... and g, a code address in data, is an address-taken label
expect obj-coderef "$("$E" "$work/be.o" addr g)" "$E" "$work/be.o" coderefs
# dynamic relocations by class: R_390_64 and GLOB_DAT name their slot, RELATIVE is a code ref
expect so-abs64-slot counter "$E" "$work/libbe.so" slot ptr
rel() { readelf -rW "$work/libbe.so" | awk -v t="$1" -v s="$2" '$3 == t && $5 == s { print $1; exit }'; }
expect so-glob-dat-slot fp "$E" "$work/libbe.so" name "$(rel R_390_GLOB_DAT fp)"
expect so-jmp-slot ext "$E" "$work/libbe.so" name "$(rel R_390_JMP_SLOT ext)"
expect so-relative-coderef "$("$E" "$work/libbe.so" addr g)" "$E" "$work/libbe.so" coderefs

# the analysis reads the big-endian object (issue 16: s390x is analysed): no error, no finding
"$T" check "$work/be.o" >"$work/check.out" 2>"$work/check.err"; rc=$?
if [ "$rc" -eq 0 ]; then ok check-analyses
else bad check-analyses "exit $rc: $(cat "$work/check.out" "$work/check.err" | head -3)"; fi
