#!/usr/bin/env bash
# SFrame suite: `trustack sframe` output checked against oracles we did not write.
#
#  - objdump --sframe (binutils 2.40, reads v1 only) reads our v1 output of objects and linked
#    files, and the rows it prints equal the rows our reader decodes, FDE by FDE (objects: objdump
#    prints pc = 0, so rows are compared as offsets from each FDE's start);
#  - the rows of our v1, v2 and v3 outputs decode identically, and equal the analysis' rows at
#    every byte they cover (tests/tables/sframe_tool.c, built here against build/libtrustack.a);
#  - gas as the oracle: the corpus programs and SQLite built with gcc -Wa,--gsframe (FP and no-FP):
#    our reader decodes gas's .sframe exactly as objdump prints it, re-encodes it byte for byte
#    (objects), and gas's rows equal ours at every byte both cover, except the documented class
#    "fp-slot-vs-register" (docs/sframe.md); agreement counts are printed;
#  - malformed .sframe sections (truncated, absurd counts, offsets out of range) give exit 2.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK, TS_CACHE (see tests/run.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/sframe
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
for t in gcc objdump objcopy readelf python3; do
    command -v $t >/dev/null || { echo "SKIP sframe: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL sframe: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work"

# The helper links the same library the binary under test was built from.
lib=$(dirname "$TRUSTACK")/libtrustack.a
tool=$work/sframe_tool
# The helper is a short-lived test program that exits without freeing what it opened; under
# ASan its exit-time leak report is about the helper, not the library (the library's frees are
# checked by every trustack CLI run of the sanitizer pass), so leak detection is off for it alone.
run_tool() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$tool" "$@"; }
if ! cc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$here/sframe_tool.c" "$lib" -lelf -ldw -lZydis -lpthread \
        $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) -o "$tool" 2>"$work/tool.log"; then
    echo "FAIL sframe-tool: cannot build tests/tables/sframe_tool.c: $(head -3 "$work/tool.log")"; exit 1
fi

# objdump-shaped text (objdump's or ours) -> "IDX SIZE OFFSET CFA FP RA" per row; PCINC rows as
# offsets from the FDE's pc, so objects (objdump: pc = 0) compare with our section offsets.
# norm abs: "PC SIZE ADDRESS CFA FP RA" instead, keyed by address (versions differ in FDE count).
norm() {
    python3 -c '
import re, sys
absolute = len(sys.argv) > 1 and sys.argv[1] == "abs"
idx = size = pc = None; mask = False
for line in sys.stdin:
    m = re.match(r"\s+func idx \[(\d+)\]: pc = (0x[0-9a-f]+|0), size = (\d+) bytes", line)
    if m:
        idx, pc, size = m.group(1), int(m.group(2), 16), m.group(3); continue
    if re.match(r"\s+STARTPC", line):
        mask = "[m]" in line; continue
    m = re.match(r"\s+([0-9a-f]{16})\s+(.*\S)", line)
    if m and idx is not None:
        a = int(m.group(1), 16)
        if absolute:
            print(hex(pc), size, ("m" + hex(a)) if mask else hex(a), " ".join(m.group(2).split()))
        else:
            print(idx, size, hex(a if mask else a - pc), " ".join(m.group(2).split()))
' "$@"
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# ---- build the corpus with gas's --gsframe (cached) ------------------------------------------
src=$work/src; mkdir -p "$src"
cp "$top"/tests/corpus/programs/*.c "$src"/
sq=$cache/sqlite/sqlite3.c
recipe=1 # bump when the build commands below change
key=$(cat "$top"/tests/corpus/programs/*.c <(echo $recipe) <(gcc --version) <(as --version) | sha256sum | cut -c1-12)
bdir=$cache/sframe/$key
if [ ! -f "$bdir/.ok" ]; then
    rm -rf "$bdir"; mkdir -p "$bdir"
    for fp in fp nofp; do
        ff=$([ $fp = fp ] && echo -fno-omit-frame-pointer || echo -fomit-frame-pointer)
        for c in "$src"/*.c; do
            n=$(basename "$c" .c)
            gcc -O2 $ff -Wa,--gsframe -c "$c" -o "$bdir/$n-$fp.o" 2>>"$bdir/build.log" &&
                gcc -O2 $ff -Wa,--gsframe "$c" -o "$bdir/$n-$fp" 2>>"$bdir/build.log"
        done
        if [ -f "$sq" ]; then
            gcc -O2 $ff -Wa,--gsframe -c "$sq" -o "$bdir/sqlite3-$fp.o" 2>>"$bdir/build.log"
        fi
    done
    touch "$bdir/.ok"
fi
files=()
for f in "$bdir"/*; do
    case $f in *.log|*/.ok) continue ;; esac
    [ -f "$f" ] || continue
    # TS_QUICK: SQLite only without frame pointer (the FP build doubles the time)
    ts_quick && [[ $f == *sqlite3-fp.o ]] && continue
    files+=("$f")
done
[ -f "$sq" ] || echo "SKIP sframe-sqlite: no SQLite amalgamation in $cache/sqlite (tests/corpus/fetch-sqlite.sh)"

tot_both=0 tot_agree=0 tot_class=0 tot_other=0 tot_gasonly=0
for f in "${files[@]}"; do
    n=$(basename "$f")
    w=$work/$n.d; mkdir -p "$w"
    # our reader on gas's section, against objdump's text of the same file
    objdump --sframe "$f" 2>/dev/null | norm >"$w/gas.objdump"
    "$TRUSTACK" sframe --dump "$f" 2>"$w/dump.err" | norm >"$w/gas.ours"
    if [ -s "$w/gas.objdump" ] && cmp -s "$w/gas.objdump" "$w/gas.ours"; then
        pass "reader-vs-objdump $n ($(wc -l <"$w/gas.ours") rows)"
    else
        fail "reader-vs-objdump $n" "$(diff "$w/gas.objdump" "$w/gas.ours" | head -3 | tr '\n' ' ')$(head -1 "$w/dump.err")"
    fi
    if [[ $n == *.o ]]; then
        r=$(run_tool roundtrip "$f" 2>&1)
        [[ $r == same* ]] && pass "encoder-vs-gas-bytes $n ($r)" || fail "encoder-vs-gas-bytes $n" "$r"
    fi
    # ours, from the same file without gas's table
    objcopy -R .sframe "$f" "$w/in" || { fail "strip $n" "objcopy failed"; continue; }
    ok=1
    for v in 1 2 3; do
        "$TRUSTACK" sframe -q --sframe-version=$v "$w/in" -o "$w/v$v" >"$w/problems$v.txt" 2>"$w/err$v"
        rc=$?
        if [ $rc -ge 2 ]; then fail "write-v$v $n" "exit $rc: $(head -1 "$w/err$v")"; ok=0; fi
    done
    [ $ok = 1 ] || continue
    # objdump reads our v1 and prints the rows our reader decodes
    objdump --sframe "$w/v1" 2>"$w/objdump.err" | norm >"$w/v1.objdump"
    "$TRUSTACK" sframe --dump "$w/v1" | norm >"$w/v1.ours"
    if [ -s "$w/v1.objdump" ] && cmp -s "$w/v1.objdump" "$w/v1.ours"; then
        pass "objdump-reads-v1 $n ($(wc -l <"$w/v1.ours") rows)"
    else
        fail "objdump-reads-v1 $n" "$(head -1 "$w/objdump.err")$(diff "$w/v1.objdump" "$w/v1.ours" | head -3 | tr '\n' ' ')"
    fi
    # v1, v2, v3 decode to the same rows at every byte the smaller version covers; v3 may cover
    # more (flexible FDEs), v2 more than v1 (_start's outermost FRE)
    r12=$(run_tool cmp "$w/v1" "$w/v2" 2>&1 | tail -1); r23=$(run_tool cmp "$w/v2" "$w/v3" 2>&1 | tail -1)
    if [[ $r12 == *" fp-slot-vs-register=0 other=0 only-first=0" && $r23 == *" fp-slot-vs-register=0 other=0 only-first=0" ]]; then
        pass "versions-agree $n (v1/v2: ${r12#bytes }; v2/v3: ${r23#bytes })"
    else
        fail "versions-agree $n" "v1/v2: $r12; v2/v3: $r23"
    fi
    # the tables say what the analysis says, wherever they cover
    for v in 1 3; do
        r=$(run_tool rowmap "$w/in" "$w/v$v" 2>&1)
        [ $? = 0 ] && pass "rows-equal-analysis-v$v $n ($r)" || fail "rows-equal-analysis-v$v $n" "$(echo "$r" | tr '\n' ' ')"
    done
    # gas as the oracle: equal rows wherever both cover
    r=$(run_tool cmp "$f" "$w/v2" 2>&1); rc=$?
    last=$(echo "$r" | tail -1)
    if [ $rc = 0 ]; then pass "gas-agrees $n ($last)"; else fail "gas-agrees $n" "$(echo "$r" | head -4 | tr '\n' ' ')"; fi
    set -- $(echo "$last" | sed 's/[a-z-]*=//g')
    if [ $# -ge 6 ]; then
        tot_both=$((tot_both + $2)); tot_agree=$((tot_agree + $3)); tot_class=$((tot_class + $4))
        tot_other=$((tot_other + $5)); tot_gasonly=$((tot_gasonly + $6))
    fi
done
echo "INFO gas vs trustack over all files (bytes of code): both=$tot_both agree=$tot_agree fp-slot-vs-register=$tot_class other=$tot_other gas-only=$tot_gasonly"

# ---- malformed sections: a clear error (exit 2), never a crash --------------------------------
base=$bdir/frames-nofp.o
[ -f "$base" ] || base=${files[0]}
python3 - "$base" "$work/bad" <<'EOF'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = bytearray(open(src, 'rb').read())
shoff, = struct.unpack_from('<Q', d, 0x28); shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
def sh(i): return struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * shentsize)
stro = sh(shstrndx)[4]
for i in range(shnum):
    s = sh(i); nm = d[stro + s[0]:].split(b'\0')[0]
    if nm == b'.sframe':
        idx, off, size = i, s[4], s[5]
cases = {
    'truncated-header': ('size', 20),
    'truncated-fres': ('size', size - 3),
    'huge-fde-count': ('u32', 8, 0x7fffffff),
    'huge-fre-count': ('u32', 12, 0x7fffffff),
    'fre-len-past-end': ('u32', 16, 0x10000),
    'fdeoff-past-end': ('u32', 20, 0x100000),
    'freoff-past-end': ('u32', 24, 0xfffffff0),
    'bad-magic': ('u32', 0, 0x0101dead),
    'bad-version': ('u8', 2, 9),
    'fde-fre-offset-out-of-range': ('u32', 28 + 8, 0x7fff0000),
    'fde-fre-count-too-big': ('u32', 28 + 12, 0x01000000),
    'bad-fre-type': ('u8', 28 + 16, 0x0f),
}
for name, c in cases.items():
    b = bytearray(d)
    if c[0] == 'size':
        struct.pack_into('<Q', b, shoff + idx * shentsize + 0x20, c[1])
    elif c[0] == 'u32':
        struct.pack_into('<I', b, off + c[1], c[2])
    else:
        b[off + c[1]] = c[2]
    open(f'{out}-{name}', 'wb').write(b)
EOF
for bad in "$work"/bad-*; do
    n=${bad#"$work"/bad-}
    "$TRUSTACK" sframe --dump "$bad" >/dev/null 2>"$work/bad.err"; rc=$?
    msg=$(head -1 "$work/bad.err")
    if [ $rc = 2 ] && [ -n "$msg" ]; then pass "malformed-$n (exit 2: ${msg#*: })"; else fail "malformed-$n" "exit $rc: $msg"; fi
done

# ---- CLI conventions ----------------------------------------------------------------------------
in=$work/$(basename "$base").d/in
"$TRUSTACK" sframe --help | grep -q -- '--sframe-version' && pass "cli-help" || fail "cli-help" "no --sframe-version in --help"
"$TRUSTACK" sframe "$in" >/dev/null 2>&1; [ $? = 2 ] && pass "cli-no-output-is-usage-error" || fail "cli-no-output-is-usage-error" "exit not 2"
"$TRUSTACK" sframe "$base" -o "$work/twice" >/dev/null 2>"$work/twice.err"; rc=$?
[ $rc = 2 ] && grep -q 'already has a .sframe' "$work/twice.err" && pass "cli-refuses-existing-sframe" || fail "cli-refuses-existing-sframe" "exit $rc"
cmp -s "$base" "$bdir/$(basename "$base")" && pass "input-unmodified" || fail "input-unmodified" "input changed"
"$TRUSTACK" sframe --format=json "$in" -o "$work/j" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["summary"]["fdes"] > 0' &&
    pass "cli-json" || fail "cli-json" "JSON output does not parse or has no FDEs"
# a DRAP function: v1/v2 report it (exit 1), v3 covers it with a flexible FDE (exit 0)
cat >"$work/drap.c" <<'EOF'
extern void use(void *, int);
int drap(int n) { char b[n]; _Alignas(64) char c[64]; use(c, 64); use(b, n); return b[0] + c[3]; }
EOF
gcc -O2 -c "$work/drap.c" -o "$work/drap.o"
"$TRUSTACK" sframe --sframe-version=2 "$work/drap.o" -o "$work/drap2.o" >"$work/drap2.txt" 2>/dev/null; rc2=$?
"$TRUSTACK" sframe --sframe-version=3 "$work/drap.o" -o "$work/drap3.o" >"$work/drap3.txt" 2>/dev/null; rc3=$?
if [ $rc2 = 1 ] && grep -q 'drap+0x.*\[sframe-unrepresentable\]' "$work/drap2.txt" && [ $rc3 = 0 ] &&
    "$TRUSTACK" sframe --dump "$work/drap3.o" | grep -q 'attr = "F"' && run_tool rowmap "$work/drap.o" "$work/drap3.o" >/dev/null; then
    pass "drap-reported-v2-flex-v3"
else
    fail "drap-reported-v2-flex-v3" "v2 exit $rc2, v3 exit $rc3: $(head -1 "$work/drap2.txt")"
fi
exit 0
