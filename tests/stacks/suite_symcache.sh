#!/usr/bin/env bash
# The symbol cache (<build-id>.tss next to the sidecar) and the names of stripped files.
#
# Oracles we did not write: nm (binutils) for every function's name and range, readelf for the
# build-id the cache is keyed by and for the .eh_frame FDE ranges of a stripped library, gdb for
# the names of libc's frames in a live thread (it reads libc's debug file itself). A cache file
# that is stale, truncated, garbage, of another build or damaged at a random byte must be
# refused and rebuilt (the rebuilt file is byte-identical to a fresh one), never crash, never
# give a name nm does not (every run here also runs under ASan+UBSan with TS_SAN=1).
# TS_QUICK=1: 60 random single-byte damages instead of 300.
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/symcache
[ "$(uname -m)" = x86_64 ] || { echo "SKIP symcache: x86-64 only"; exit 0; }
for t in gcc python3 readelf nm strip; do
    command -v $t >/dev/null || { echo "SKIP symcache: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL symcache: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
lib=$(dirname "$TRUSTACK")/libtrustack.a
san=$( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined )
symtool=$work/sym_tool
if ! cc -std=gnu11 -O1 -g -I"$top/include" "$here/sym_tool.c" "$lib" -lelf -ldw -lZydis -lpthread $san -o "$symtool" 2>"$work/build.log"; then
    echo "FAIL symcache-build: $(tail -3 "$work/build.log")"; exit 1
fi
buildid() { readelf -n "$1" | awk '/Build ID:/{print $3; exit}'; }

# ---- a library with local functions, kept whole and stripped --------------------------------
cat > "$work/lib.c" <<'EOF'
__attribute__((noinline)) static int hidden_a(int x) { return x * 3 + 1; }
__attribute__((noinline)) static int hidden_b(int x) { return hidden_a(x) ^ 0x55; }
int exported(int x) { return hidden_b(x) + hidden_a(x); }
EOF
gcc -O2 -shared -fPIC -Wl,--build-id "$work/lib.c" -o "$work/lib.so" || { echo "FAIL symcache-build: lib.so"; exit 1; }
strip --strip-all -o "$work/lib-stripped.so" "$work/lib.so"
id=$(buildid "$work/lib.so")
cache=$work/cache
tss=$cache/${id:0:2}/${id:2}.tss

# addresses to look up: first and last byte of every function nm lists in the unstripped file
nm -S --defined-only "$work/lib.so" | awk '$3 ~ /^[Tt]$/ {print $1, $2, $4}' > "$work/nm.txt"
python3 -c 'import sys
for l in open(sys.argv[1]):
    a, z, _ = l.split(); a = int(a, 16); z = int(z, 16)
    if z: print("%x\n%x" % (a, a + z - 1))' "$work/nm.txt" > "$work/addrs.txt"

# expect FILE OUT: every address named as nm names it (a name, not a range we made up)
expect_nm() {
    python3 - "$work/nm.txt" "$1" <<'PY'
import sys
names = {}
for l in open(sys.argv[1]):
    a, z, n = l.split(); a = int(a, 16); z = int(z, 16)
    if z: names[(a, a + z)] = n
bad = []; n = 0
for l in open(sys.argv[2]):
    p = l.split()
    if len(p) < 2: continue
    a = int(p[0], 16); n += 1
    want = [v for (s, e), v in names.items() if s <= a < e]
    if p[1] not in want: bad.append("%x: %s, nm %s" % (a, p[1], want))
print("ok %d" % n if not bad and n else "bad %s" % "; ".join(bad[:3]))
PY
}
run_cached() { "$symtool" cached "$1" "$id" "$cache" < "$work/addrs.txt"; }

out=$(run_cached "$work/lib.so"); first=$(head -1 <<<"$out")
tail -n +2 <<<"$out" > "$work/first.txt"
[ "$first" = read ] && [ -s "$tss" ] && cp "$tss" "$work/fresh.tss" && r=$(expect_nm "$work/first.txt") && [[ "$r" == ok* ]] &&
    echo "PASS symcache-written (first open read the file and wrote ${tss#$work/}; names as nm: $r)" ||
    echo "FAIL symcache-written: first='$first' $(ls -la "$tss" 2>&1) ${r:-}"
out=$(run_cached "$work/lib.so")
[ "$(head -1 <<<"$out")" = cached ] && diff -q <(tail -n +2 <<<"$out") "$work/first.txt" >/dev/null &&
    echo "PASS symcache-warm (second open mapped the cache, same answers)" || echo "FAIL symcache-warm: $(head -3 <<<"$out")"

# rebuilt NAME: the damaged cache file was refused, the file read again, the cache rewritten
# byte for byte as a fresh one, and the answers unchanged
rebuilt() {
    local out; out=$(run_cached "$work/lib.so")
    if [ "$(head -1 <<<"$out")" = read ] && cmp -s "$tss" "$work/fresh.tss" && diff -q <(tail -n +2 <<<"$out") "$work/first.txt" >/dev/null; then
        echo "PASS symcache-$1"
    else
        echo "FAIL symcache-$1: $(head -1 <<<"$out"), $(cmp "$tss" "$work/fresh.tss" 2>&1 | head -1)"
    fi
}
# a cache file from another trustack revision (byte 15) or format version (bytes 8..11)
cp "$work/fresh.tss" "$tss"; printf '\x63' | dd of="$tss" bs=1 seek=15 conv=notrunc status=none; rebuilt stale-revision
cp "$work/fresh.tss" "$tss"; printf '\x07' | dd of="$tss" bs=1 seek=8 conv=notrunc status=none; rebuilt stale-version
size=$(stat -c %s "$work/fresh.tss")
head -c $((size / 2)) "$work/fresh.tss" > "$tss"; rebuilt truncated
head -c 100 "$work/fresh.tss" > "$tss"; rebuilt truncated-header
: > "$tss"; rebuilt empty
head -c "$size" /dev/urandom > "$tss"; rebuilt garbage
{ head -c 8 "$work/fresh.tss"; head -c $((size - 8)) /dev/urandom; } > "$tss"; rebuilt garbage-after-magic
# a valid symbol file of another build at this build-id's path (libc's)
libc_file=$(readlink -f "$(gcc -print-file-name=libc.so.6)")
lid=$(buildid "$libc_file")
if [ -n "$lid" ]; then
    "$symtool" cached "$libc_file" "$lid" "$cache" </dev/null >/dev/null
    cp "$cache/${lid:0:2}/${lid:2}.tss" "$tss"; rebuilt other-build
fi
# the file at the path is not the build asked for (it was replaced since it was mapped)
"$symtool" cached "$work/lib-stripped.so" 0123456789abcdef0123456789abcdef01234567 "$cache" </dev/null >/dev/null 2>&1
[ $? = 2 ] && [ ! -e "$cache/01/23456789abcdef0123456789abcdef01234567.tss" ] &&
    echo "PASS symcache-wrong-build (refused, nothing cached under the other build-id)" || echo "FAIL symcache-wrong-build"

# random single-byte damage: the loader's checks must make every outcome safe. A damaged file is
# either refused (and rebuilt) or still valid; a still-valid one may differ in a name's bytes or a
# size, but must never crash or read outside the file (ASan with TS_SAN=1).
rounds=300; ts_quick && rounds=60
crashed=0; refused=0; accepted=0
for i in $(seq $rounds); do
    cp "$work/fresh.tss" "$tss"
    off=$(( (RANDOM * 32768 + RANDOM) % size ))
    printf "\\x$(printf %02x $((RANDOM % 256)))" | dd of="$tss" bs=1 seek=$off conv=notrunc status=none
    out=$(run_cached "$work/lib.so" 2>"$work/damage.err"); rc=$?
    if [ $rc != 0 ] || [ -s "$work/damage.err" ]; then crashed=$((crashed + 1)); echo "damage at $off: rc=$rc $(head -3 "$work/damage.err")" >> "$work/damage.log"
    elif [ "$(head -1 <<<"$out")" = read ]; then refused=$((refused + 1)); cmp -s "$tss" "$work/fresh.tss" || crashed=$((crashed + 1))
    else accepted=$((accepted + 1)); fi
done
[ $crashed = 0 ] && echo "PASS symcache-random-damage ($rounds single-byte damages: $refused refused and rebuilt, $accepted still valid, none crashed)" ||
    echo "FAIL symcache-random-damage: $crashed of $rounds crashed or were not rebuilt: $(head -2 "$work/damage.log")"

# ---- names of a stripped file: the functions without a symbol ---------------------------------
# the stripped copy keeps .dynsym (exported) and .eh_frame; hidden_a/hidden_b have no symbol, so
# they must be named fde@ADDR where ADDR is their FDE's start (readelf), which nm of the
# unstripped file says is their address
"$symtool" lookup "$work/lib-stripped.so" < "$work/addrs.txt" > "$work/stripped.txt"
readelf --debug-dump=frames "$work/lib-stripped.so" | awk '/FDE/ {split($NF, r, "\\.\\."); sub("pc=", "", r[1]); print r[1], r[2]}' > "$work/fdes.txt"
r=$(python3 - "$work/nm.txt" "$work/stripped.txt" "$work/fdes.txt" <<'PY'
import sys
nm = {}
for l in open(sys.argv[1]):
    a, z, n = l.split(); nm[n] = (int(a, 16), int(a, 16) + int(z, 16))
fdes = [tuple(int(x, 16) for x in l.split()) for l in open(sys.argv[3]) if l.strip()]
bad = []; fde_named = 0
for l in open(sys.argv[2]):
    p = l.split(); a = int(p[0], 16)
    owner = [n for n, (s, e) in nm.items() if s <= a < e][0]
    if owner == "exported":
        if p[1] != "exported": bad.append("%x: %s, want exported" % (a, p[1]))
        continue
    fde = [s for s, e in fdes if s <= a < e]
    want = "fde@0x%x" % fde[0] if fde else None
    if p[1] != want or fde[0] != nm[owner][0]:
        bad.append("%x (%s): %s, want %s" % (a, owner, p[1], want))
    else:
        fde_named += 1
print("ok %d" % fde_named if not bad and fde_named >= 4 else "bad %s" % "; ".join(bad[:3]))
PY
)
[[ "$r" == ok* ]] && echo "PASS stripped-fde-names (${r#ok } addresses of local functions named fde@ADDR at their FDE and nm address)" ||
    echo "FAIL stripped-fde-names: $r"
# ... the same names `trustack check` gives those functions
chk=$("$TRUSTACK" check --format=json "$work/lib-stripped.so" 2>/dev/null; "$TRUSTACK" annotate "$work/lib-stripped.so" 2>/dev/null | grep -o 'fde@0x[0-9a-f]*' | sort -u)
ours=$(awk '$2 ~ /^fde@/ {print $2}' "$work/stripped.txt" | sort -u)
missing=$(comm -23 <(echo "$ours") <(grep -o 'fde@0x[0-9a-f]*' <<<"$chk" | sort -u))
[ -n "$ours" ] && [ -z "$missing" ] && echo "PASS stripped-names-as-check ($(echo $ours))" || echo "FAIL stripped-names-as-check: ours '$ours', not in check/annotate: '$missing'"

# ---- a live target: the warm run opens no ELF file; libc's names as gdb gives them -------------
cat > "$work/thr.c" <<'EOF'
#include <pthread.h>
#include <unistd.h>
static void *run(void *a) { (void)a; for (;;) pause(); return 0; }
int main(void) { pthread_t t; pthread_create(&t, 0, run, 0); pthread_create(&t, 0, run, 0); for (;;) pause(); }
EOF
gcc -O1 -pthread "$work/thr.c" -o "$work/thr" || { echo "FAIL symcache-build: thr"; exit 1; }
"$work/thr" & tp=$!
trap 'kill -9 $tp 2>/dev/null' EXIT
sleep 0.3
"$TRUSTACK" stacks --no-lines --cache-dir="$cache" "$tp" > "$work/thr.cold" 2>&1
# the kernel's list of files the warm run opens (strace): cache files and /proc, but none of the
# module files /proc/PID/maps lists (the build-id notes are read through map_files)
if command -v strace >/dev/null; then
    # LeakSanitizer cannot run under ptrace (TS_SAN builds)
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=open,openat -o "$work/warm.strace" "$TRUSTACK" stacks --no-lines --cache-dir="$cache" "$tp" > "$work/thr.warm" 2>&1
    awk '$6 ~ /^\// && $2 ~ /x/ {print $6}' "/proc/$tp/maps" | sort -u > "$work/modules.txt"
    grep -v ENOENT "$work/warm.strace" | grep -o 'open[a-z]*([^"]*"[^"]*"' | sed 's/.*"\(.*\)"/\1/' > "$work/opened.txt"
    elf=$(grep -F -x -f "$work/modules.txt" "$work/opened.txt"; grep "^/proc/$tp/root/" "$work/opened.txt")
    ncache=$(grep -c '\.ts[su]$' "$work/opened.txt")
    [ -s "$work/modules.txt" ] && [ -z "$elf" ] && [ "$ncache" -gt 0 ] && cmp -s "$work/thr.cold" "$work/thr.warm" &&
        echo "PASS warm-opens-no-elf ($ncache cache files opened, none of the $(wc -l < "$work/modules.txt") module files; same output as the cold run)" ||
        echo "FAIL warm-opens-no-elf: opened: $(echo $elf) ($(cmp "$work/thr.cold" "$work/thr.warm" 2>&1))"
else
    echo "SKIP warm-opens-no-elf: strace not installed"
fi
# file:line: the answers of a run are kept in <build-id>.tsl; a second run asking about the
# same addresses opens no debug information and prints what the first run found through
# libdwfl (checked against addr2line by the stacks suite's frame0-lines); a damaged memo is
# ignored and rewritten, the output unchanged
if command -v strace >/dev/null && gcc -O1 -g -pthread "$work/thr.c" -o "$work/thr-g"; then
    lcache=$work/lcache
    "$work/thr-g" & lp=$!
    sleep 0.3
    "$TRUSTACK" stacks --cache-dir="$lcache" "$lp" > "$work/l.cold" 2>&1
    lstrace() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=open,openat -o "$work/l.strace" "$TRUSTACK" stacks --cache-dir="$lcache" "$lp" > "$work/$1" 2>&1
        grep -v ENOENT "$work/l.strace" | grep -o 'open[a-z]*([^"]*"[^"]*"' | sed 's/.*"\(.*\)"/\1/' > "$work/l.opened"
        grep -e '^/usr/lib/debug' -e "^/proc/$lp/root/" "$work/l.opened"; grep -F -x -f "$work/l.modules" "$work/l.opened"; }
    awk '$6 ~ /^\// && $2 ~ /x/ {print $6}' "/proc/$lp/maps" | sort -u > "$work/l.modules"
    opened=$(lstrace l.warm)
    nlines=$(grep -c ' at .*:[0-9]*$' "$work/l.cold")
    [ "$nlines" -gt 0 ] && [ -z "$opened" ] && cmp -s "$work/l.cold" "$work/l.warm" && ls "$lcache"/*/*.tsl >/dev/null 2>&1 &&
        echo "PASS lines-memo-warm ($nlines frames with file:line; the second run opened no debug information, same output)" ||
        echo "FAIL lines-memo-warm: $nlines lines, opened '$(echo $opened)', $(cmp "$work/l.cold" "$work/l.warm" 2>&1)"
    for f in "$lcache"/*/*.tsl; do head -c 200 /dev/urandom > "$f"; done
    "$TRUSTACK" stacks --cache-dir="$lcache" "$lp" > "$work/l.damaged" 2>&1
    opened=$(lstrace l.again)
    kill -9 "$lp" 2>/dev/null; wait "$lp" 2>/dev/null
    cmp -s "$work/l.cold" "$work/l.damaged" && cmp -s "$work/l.cold" "$work/l.again" && [ -z "$opened" ] &&
        echo "PASS lines-memo-damaged (garbage memos ignored and rewritten: same output, the next run again opened no debug information)" ||
        echo "FAIL lines-memo-damaged: $(cmp "$work/l.cold" "$work/l.damaged" 2>&1) $(cmp "$work/l.cold" "$work/l.again" 2>&1) opened '$(echo $opened)'"
else
    echo "SKIP lines-memo: strace not installed"
fi

# a module with an .sframe section still has its file read by the unwinder (the symbol cache
# records the section): the warm run opens that one file and prints what the cold run printed
if command -v strace >/dev/null && gcc -O1 -pthread -Wa,--gsframe "$work/thr.c" -o "$work/thr-sframe" 2>/dev/null &&
   readelf -S "$work/thr-sframe" | grep -q '\.sframe'; then
    "$work/thr-sframe" & sp=$!
    sleep 0.3
    "$TRUSTACK" stacks --no-lines --cache-dir="$cache" "$sp" > "$work/sf.cold" 2>&1
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=open,openat -o "$work/sf.strace" "$TRUSTACK" stacks --no-lines --cache-dir="$cache" "$sp" > "$work/sf.warm" 2>&1
    kill -9 "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
    grep -v ENOENT "$work/sf.strace" | grep -o 'open[a-z]*([^"]*"[^"]*"' | sed 's/.*"\(.*\)"/\1/' > "$work/sf.opened"
    others=$(grep -F -x -f "$work/modules.txt" "$work/sf.opened" | grep -v thr-sframe; grep "^/proc/$sp/root/" "$work/sf.opened" | grep -v 'thr-sframe$')
    grep -q "thr-sframe$" "$work/sf.opened" && [ -z "$others" ] && cmp -s "$work/sf.cold" "$work/sf.warm" &&
        echo "PASS sframe-module-reads-file (the warm run opened the .sframe module's file only; same output as the cold run)" ||
        echo "FAIL sframe-module-reads-file: others '$others', $(grep -c thr-sframe "$work/sf.opened") opens of the module, $(cmp "$work/sf.cold" "$work/sf.warm" 2>&1)"
else
    echo "SKIP sframe-module-reads-file: no strace or the assembler cannot write .sframe (--gsframe)"
fi
dbg=/usr/lib/debug/.build-id/${lid:0:2}/${lid:2}.debug
if [ -z "$lid" ] || [ ! -r "$dbg" ] || readelf -S "$libc_file" | grep -q '\.symtab'; then
    echo "SKIP stripped-libc-names-vs-gdb: libc has a .symtab or no debug file is installed (libc6-dbg)"
elif ! command -v gdb >/dev/null; then
    echo "SKIP stripped-libc-names-vs-gdb: gdb not installed"
else
    "$TRUSTACK" stacks --no-lines --cache-dir="$cache" "$tp" > "$work/thr.ours" 2>&1
    gdb -batch -ex 'thread apply all bt' -p "$tp" > "$work/thr.gdb" 2>/dev/null
    nm "$dbg" 2>/dev/null | awk '$2 ~ /^[TtWwi]$/ {print $1, $3}' > "$work/libc-dbg.nm"
    r=$(python3 - "$work/thr.ours" "$work/thr.gdb" "$work/libc-dbg.nm" <<'PY'
import re, sys
addr = {}
for l in open(sys.argv[3]):
    a, n = l.split(); addr.setdefault(n.split("@")[0], set()).add(int(a, 16))
ours = {}
for l in open(sys.argv[1]):
    m = re.match(r"#\d+\s+0x([0-9a-f]+) in (\S+?)\+0x[0-9a-f]+ \(libc\.so\.6\)", l)
    if m: ours[int(m.group(1), 16)] = m.group(2)
gdb = {}
for l in open(sys.argv[2]):
    m = re.match(r"#\d+\s+0x([0-9a-f]+) in (\S+) \(", l)
    if m: gdb[int(m.group(1), 16)] = m.group(2)
both = sorted(set(ours) & set(gdb))
# gdb may pick another alias of the same function (__libc_pause for pause): nm of the debug
# file must then give both names the same address
bad = ["%x: ours %s, gdb %s" % (a, ours[a], gdb[a]) for a in both
       if ours[a] != gdb[a] and not (addr.get(ours[a], set()) & addr.get(gdb[a], set()))]
names = sorted(set(ours[a] for a in both))
need = {"start_thread", "clone3"}
print(("ok %s" % ",".join(names)) if both and not bad and need <= set(names) else "bad %s; compared %s; names %s" % ("; ".join(bad[:3]), len(both), names))
PY
)
    [[ "$r" == ok* ]] && echo "PASS stripped-libc-names-vs-gdb (libc frames named as gdb names them: ${r#ok })" || echo "FAIL stripped-libc-names-vs-gdb: $r"
fi
