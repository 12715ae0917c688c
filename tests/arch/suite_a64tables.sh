#!/usr/bin/env bash
# a64tables suite: the unwind tables of arm64 files (issue 14), checked against oracles we did not
# write. The corpus programs built by aarch64-linux-gnu-gcc 12 with gas's SFrame (-Wa,--gsframe,
# gas 2.40: AArch64 v1) and PAC (-mbranch-protection=standard, pac-ret+leaf, pac-ret+b-key), fp and
# nofp, and by clang 14 (--target=aarch64-linux-gnu) for the CFI comparison:
#
#  - sframe: aarch64-linux-gnu-objdump --sframe reads our v1 output and prints the rows our reader
#    decodes (mangled-RA bit and key included); our reader prints gas's tables as objdump does;
#    v1, v2 and v3 decode to the same rows; every table equals the analysis' rows wherever it
#    covers;
#  - gas as the oracle: `trustack diff --against=sframe` on gas's objects: the analysis' rows
#    (those our tables hold) against gas's at every instruction, signing state included:
#    >= 99.9% agree or equivalent (the equivalences proven by the analysis' state), 0 unclassified;
#  - diff: the analysis against the compiler's .eh_frame (with .cfi_negate_ra_state: the signing
#    state is compared too): gcc >= 99.9%; clang 14 (no epilogue CFI on arm64) 0 unclassified;
#  - cache: an arm64 executable's sidecar has signed-RA rows and x19-x28 save slots.
#  - orc: refused with exit 2, naming sframe and cache (also in tests/cli).
# Builds (33 compiles) are cached under build/a64tables-cache/ by compiler, options and source;
# the same subset with or without TS_QUICK (the full figures: docs/arm64.md, "Tables").
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cross.sh" # compile
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
cache=$top/build/a64tables-cache
work=${TS_WORK:-$top/build/test-work}/a64tables
rm -rf "$work"; mkdir -p "$work" "$cache"
GCC=aarch64-linux-gnu-gcc
GXX=aarch64-linux-gnu-g++
OBJDUMP=aarch64-linux-gnu-objdump
progs=$top/tests/corpus/programs
pass() { echo "PASS a64tables/$1"; }
fail() { echo "FAIL a64tables/$1: $2"; }

for t in $GCC $GXX $OBJDUMP clang python3; do
    command -v $t >/dev/null || { echo "SKIP a64tables: needs $t (scripts/install-deps.sh)"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL a64tables: no trustack binary at $TRUSTACK"; exit 1; }

lib=$(dirname "$TRUSTACK")/libtrustack.a
tool=$work/sframe_tool
run_tool() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$tool" "$@"; }
if ! cc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$top/tests/tables/sframe_tool.c" "$lib" -lelf -ldw -lZydis \
        -lpthread $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) -o "$tool" 2>"$work/tool.log"; then
    echo "FAIL a64tables/sframe-tool: cannot build tests/tables/sframe_tool.c: $(head -3 "$work/tool.log")"; exit 1
fi

# objdump-shaped text -> "IDX SIZE OFFSET CFA FP RA" per row, PCINC rows as offsets from the FDE's
# pc (objdump prints pc = 0 for objects); also the FDE's pauth key on each row.
norm() {
    python3 -c '
import re, sys
idx = size = pc = None; mask = False; key = "A"
for line in sys.stdin:
    m = re.match(r"\s+func idx \[(\d+)\]: pc = (0x[0-9a-f]+|0), size = (\d+) bytes(.*)", line)
    if m:
        idx, pc, size = m.group(1), int(m.group(2), 16), m.group(3)
        key = "B" if "B key" in m.group(4) else "A"; continue
    if re.match(r"\s+STARTPC", line):
        mask = "[m]" in line; continue
    m = re.match(r"\s+([0-9a-f]{16})\s+(.*\S)", line)
    if m and idx is not None:
        a = int(m.group(1), 16)
        print(idx, size, hex(a if mask else a - pc), " ".join(m.group(2).split()), key)
'
}

# ---- SFrame against objdump and gas ---------------------------------------------------------
gas_files=()
for v in "standard -fno-omit-frame-pointer" "pac-ret+leaf -fomit-frame-pointer" "pac-ret+b-key -fno-omit-frame-pointer"; do
    set -- $v
    for src in "$progs"/*.c; do
        o=$(compile $GCC "-O2 $2 -mbranch-protection=$1 -Wa,--gsframe" o "$src") && gas_files+=("$o")
    done
done
# linked: one C program, gcc's PIE with PLT (gas covers only the program's own objects)
exe=$(compile $GCC "-O2 -mbranch-protection=standard -Wa,--gsframe" exe "$progs/dispatch.c") && gas_files+=("$exe")
[ -s "$work/compile.err" ] && fail build "$(tail -2 "$work/compile.err" | tr '\n' ' ')"

nfail=0 nfiles=0 v1rows=0 signed=0 keyb=0
for f in "${gas_files[@]}"; do
    n=$(basename "$f"); nfiles=$((nfiles + 1))
    w=$work/$n.d; mkdir -p "$w"
    # our reader on gas's section prints what objdump prints
    $OBJDUMP --sframe "$f" 2>/dev/null | norm >"$w/gas.objdump"
    "$TRUSTACK" sframe --dump "$f" 2>"$w/dump.err" | norm >"$w/gas.ours"
    if ! [ -s "$w/gas.objdump" ] || ! cmp -s "$w/gas.objdump" "$w/gas.ours"; then
        fail "reader-vs-objdump $n" "$(diff "$w/gas.objdump" "$w/gas.ours" | head -3 | tr '\n' ' ')$(head -1 "$w/dump.err")"
        nfail=$((nfail + 1))
    fi
    aarch64-linux-gnu-objcopy -R .sframe "$f" "$w/in" || { fail "strip $n" "objcopy failed"; continue; }
    ok=1
    for v in 1 2 3; do
        "$TRUSTACK" sframe -q --sframe-version=$v "$w/in" -o "$w/v$v" >"$w/problems$v.txt" 2>"$w/err$v"; rc=$?
        if [ $rc -ge 2 ]; then fail "write-v$v $n" "exit $rc: $(head -1 "$w/err$v")"; ok=0; nfail=$((nfail + 1)); fi
    done
    [ $ok = 1 ] || continue
    # objdump (binutils 2.40) reads our v1 and prints the rows our reader decodes
    $OBJDUMP --sframe "$w/v1" 2>"$w/objdump.err" | norm >"$w/v1.objdump"
    "$TRUSTACK" sframe --dump "$w/v1" | norm >"$w/v1.ours"
    if [ -s "$w/v1.objdump" ] && cmp -s "$w/v1.objdump" "$w/v1.ours"; then
        v1rows=$((v1rows + $(wc -l <"$w/v1.ours"))); signed=$((signed + $(grep -c '\[s\]' "$w/v1.ours")))
        keyb=$((keyb + $(grep -c '\[s\] B$' "$w/v1.ours")))
    else
        fail "objdump-reads-v1 $n" "$(head -1 "$w/objdump.err")$(diff "$w/v1.objdump" "$w/v1.ours" | head -3 | tr '\n' ' ')"
        nfail=$((nfail + 1))
    fi
    # v1, v2, v3: the same rows wherever the smaller version covers
    r12=$(run_tool cmp "$w/v1" "$w/v2" 2>&1 | tail -1); r23=$(run_tool cmp "$w/v2" "$w/v3" 2>&1 | tail -1)
    if [[ $r12 != *" fp-slot-vs-register=0 other=0 only-first=0" || $r23 != *" fp-slot-vs-register=0 other=0 only-first=0" ]]; then
        fail "versions-agree $n" "v1/v2: $r12; v2/v3: $r23"; nfail=$((nfail + 1))
    fi
    # every table equals the analysis' rows (signing state included) wherever it covers
    for v in 1 3; do
        r=$(run_tool rowmap "$w/in" "$w/v$v" 2>&1) || { fail "rows-equal-analysis-v$v $n" "$(echo "$r" | tr '\n' ' ')"; nfail=$((nfail + 1)); }
    done
done
if [ $nfail = 0 ] && [ $v1rows -gt 0 ] && [ $signed -gt 0 ] && [ $keyb -gt 0 ]; then
    pass "sframe: $nfiles files: objdump reads our v1 ($v1rows rows, $signed with the mangled-RA bit, $keyb of them key B), reader = objdump on gas's tables, v1/v2/v3 agree, tables = analysis"
else
    fail sframe "$nfail failures over $nfiles files ($v1rows v1 rows, $signed signed, $keyb key B)"
fi

# ---- diff: the analysis against gas's .sframe and the compiler's CFI (signing state too) -------
# agg NAME AGAINST MIN FILES...: one PASS/FAIL line with the agreement and the classes; MIN the
# agreement it must reach, and 0 unclassified
agg() {
    local name=$1 against=$2 min=$3; shift 3
    "$TRUSTACK" diff --against="$against" --format=json "$@" >"$work/$name.json" 2>"$work/$name.err"
    python3 - "$work/$name.json" "$name" "$min" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]
comp = s["compared"]; ok = s["agree"] + s["equivalent"]
cls = {k: v for k, v in d.get("classes", {}).items() if v}
wrong = sum(v for k, v in cls.items() if k in ("table-misses-sp-adjust", "table-misses-epilogue", "table-stale-ra-sign", "table-misses-plt-push",
                                               "table-stale-fp-rule"))
pct = 100.0 * ok / comp if comp else 0.0
pct2 = 100.0 * ok / (comp - wrong) if comp > wrong else 0.0
good = comp > 0 and pct >= float(sys.argv[3]) and not cls.get("unclassified")
print(("PASS" if good else "FAIL") + " a64tables/diff-%s: %d compared, %.3f%% agree (exact %d, equivalent %d; "
      "%.3f%% without the table-is-wrong classes), classes %s" % (sys.argv[2], comp, pct, s["agree"], s["equivalent"], pct2,
                                                                 " ".join("%s=%d" % kv for kv in sorted(cls.items())) or "none"))
PY
}
gas_objs=(); for f in "${gas_files[@]}"; do [[ $f == *.o ]] && gas_objs+=("$f"); done
agg gas-sframe sframe 99.9 "${gas_objs[@]}"
agg gas-eh_frame eh_frame 99.9 "${gas_objs[@]}"
# clang 14's arm64 CFI describes no epilogue and no prologue before its last instruction (the
# classes table-misses-*; docs/diff.md): its raw agreement is lower, 0 unclassified all the same
files=()
for v in "-O0 standard -fno-omit-frame-pointer" "-O2 pac-ret+leaf -fomit-frame-pointer" "-O2 standard -fno-omit-frame-pointer"; do
    set -- $v
    for src in "$progs"/*.c "$progs"/*.cc; do
        case $src in *.cc) c="clang++ --target=aarch64-linux-gnu" ;; *) c="clang --target=aarch64-linux-gnu" ;; esac
        obj=$(compile "$c" "$1 $3 -mbranch-protection=$2" o "$src") && files+=("$obj")
    done
done
agg clang-eh_frame eh_frame 80 "${files[@]}"

# SVE frames (tests/arch/a64_sve_frames.c): gcc describes the CFA of a frame with `addvl` areas
# by a DWARF expression on VG (`DW_CFA_def_cfa_expression: DW_OP_breg31 0; DW_OP_bregx 46 0;
# DW_OP_lit16; DW_OP_mul; DW_OP_plus_uconst 32; DW_OP_plus`): read as a VG-scaled CFA and
# compared with the analysis' VG-scaled rows: no row whose CFA expression we did not read
# (table-opaque `cfa=expr ...`), some VG-scaled table rows compared; 0 unclassified. (The rows
# gcc's epilogues describe with `DW_CFA_def_cfa_offset` right after such an expression, which
# DWARF allows only after a register rule, stay table-opaque: libdw refuses them, docs/arm64.md.)
files=()
for c in "$GCC" "clang --target=aarch64-linux-gnu"; do
    for f in "-fno-omit-frame-pointer" "-fomit-frame-pointer" "-fno-omit-frame-pointer -mbranch-protection=standard"; do
        obj=$(compile "$c" "-O2 -march=armv8.2-a+sve $f" o "$here/a64_sve_frames.c") && files+=("$obj")
    done
done
nvg=$(for f in "${files[@]}"; do aarch64-linux-gnu-readelf --debug-dump=frames "$f" 2>/dev/null; done | grep -c 'DW_CFA_def_cfa_expression.*DW_OP_bregx: 46')
"$TRUSTACK" diff --against=eh_frame --format=json "${files[@]}" >"$work/sve.json" 2>"$work/sve.err"; rc=$?
r=$(python3 - "$work/sve.json" "$nvg" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]; cls = {k: v for k, v in d.get("classes", {}).items() if v}
comp = s["compared"]; ok = s["agree"] + s["equivalent"]
unread = sum(m["instructions"] for m in d["mismatches"] if m["class"] == "table-opaque" and "expr" in m["table"])
vg = sum(m["instructions"] for m in d["mismatches"] if "*vg" in m["table"] and m["class"] != "table-opaque")
print("%d compared, %.3f%% agree (exact %d, equivalent %d), %s VG expressions in the CFI, %d instructions with "
      "VG-scaled table rows equivalent to ours, %d CFA expressions not read, classes %s" % (
      comp, 100.0 * ok / comp if comp else 0, s["agree"], s["equivalent"], sys.argv[2], vg, unread,
      " ".join("%s=%d" % kv for kv in sorted(cls.items())) or "none"))
sys.exit(0 if comp and int(sys.argv[2]) > 0 and vg > 0 and not unread and not cls.get("unclassified") else 1)
PY
) && [ $rc = 0 ] && pass "diff-sve-frames: $r" || fail diff-sve-frames "exit $rc: $r $(head -c 200 "$work/sve.err")"

# ld.so's lazy-binding trampoline (tests/arch/a64check/plt_entered.S, glibc's shape and CFI): the
# analysis starts from the state PLT0 leaves; glibc's CFI takes the stack pointer after PLT0's push
# as the CFA at every instruction: table-misses-plt-push there, nothing unclassified
if exe=$(compile $GCC "-nostdlib -static -Wl,-e,_start" exe "$here/a64check/plt_entered.S"); then
    "$TRUSTACK" diff --against=eh_frame --format=json "$exe" >"$work/plt.json" 2>"$work/plt.err"; rc=$?
    r=$(python3 - "$work/plt.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); cls = d["classes"]
fn = {x["function"] for x in d["mismatches"] if x["class"] == "table-misses-plt-push"}
print("%d instructions table-misses-plt-push in %s, %d unclassified" % (cls.get("table-misses-plt-push", 0),
      ",".join(sorted(fn)) or "none", cls.get("unclassified", 0)))
sys.exit(0 if fn == {"_dl_runtime_resolve"} and not cls.get("unclassified") else 1)
PY
    ) && [ $rc = 0 ] && pass "diff-plt-entered: $r" || fail diff-plt-entered "exit $rc: $r $(head -c 200 "$work/plt.err")"
else
    fail diff-plt-entered "does not link: $(tail -1 "$work/compile.err")"
fi

# glibc's __longjmp in a stripped file (tests/arch/a64check/longjmp_nop_cfi.S): a leading nop,
# then the CFA on x0: a function of its own, not a cold part; its rows are context-switch
if exe=$(compile $GCC "-nostdlib -static -s -Wl,-e,_start" exe "$here/a64check/longjmp_nop_cfi.S"); then
    "$TRUSTACK" diff --against=eh_frame --format=json "$exe" >"$work/ljmp.json" 2>"$work/ljmp.err"; rc=$?
    r=$(python3 - "$work/ljmp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); cls = d["classes"]
print("context-switch %d, unclassified %d" % (cls.get("context-switch", 0), cls.get("unclassified", 0)))
sys.exit(0 if cls.get("context-switch", 0) > 0 and not cls.get("unclassified") else 1)
PY
    ) && [ $rc = 0 ] && pass "diff-longjmp: $r" || fail diff-longjmp "exit $rc: $r $(head -c 200 "$work/ljmp.err")"
else
    fail diff-longjmp "does not link: $(tail -1 "$work/compile.err")"
fi

# glibc's swapcontext (tests/arch/a64check/swapcontext_lr.S): the rows after x30 is set to the
# saved context's resume point are analysis-undefined (check reports the loss), not unclassified
if obj=$(compile $GCC "" o "$here/a64check/swapcontext_lr.S"); then
    "$TRUSTACK" diff --against=eh_frame --format=json "$obj" >"$work/swc.json" 2>"$work/swc.err"; rc=$?
    r=$(python3 - "$work/swc.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); cls = d["classes"]
print("analysis-undefined %d, unclassified %d" % (cls.get("analysis-undefined", 0), cls.get("unclassified", 0)))
sys.exit(0 if cls.get("analysis-undefined", 0) > 0 and not cls.get("unclassified") else 1)
PY
    ) && [ $rc = 0 ] && pass "diff-swapcontext: $r" || fail diff-swapcontext "exit $rc: $r $(head -c 200 "$work/swc.err")"
else
    fail diff-swapcontext "does not assemble: $(tail -1 "$work/compile.err")"
fi

# ---- cache: the unwinder's rows of an arm64 executable --------------------------------------
export TRUSTACK_CACHE_DIR=$work/cache
if exe=$(compile $GCC "-O2 -mbranch-protection=standard" exe "$progs/frames.c"); then
    out=$("$TRUSTACK" cache "$exe" 2>&1); rc=$?
    d=$("$TRUSTACK" dump "$exe" 2>&1)
    nsig=$(grep -c 'ra-signed' <<<"$d"); nsave=$(grep -cE 'x(19|2[0-8])=cfa-' <<<"$d")
    if [ $rc = 0 ] && [ "$nsig" -gt 0 ] && [ "$nsave" -gt 0 ]; then
        pass "cache: $nsig entries with a signed return address, $nsave with x19-x28 saved"
    else
        fail cache "exit $rc ($out): $nsig signed, $nsave with saves"
    fi
else
    fail cache "build failed: $(tail -1 "$work/compile.err")"
fi

# ---- orc: not for arm64 ----------------------------------------------------------------------
if obj=$(compile $GCC "-O2" o "$progs/recurse.c"); then
    "$TRUSTACK" orc "$obj" -o "$work/orc.o" >/dev/null 2>"$work/orc.err"; rc=$?
    if [ $rc = 2 ] && grep -q 'x86-64 only' "$work/orc.err" && grep -q sframe "$work/orc.err" && grep -q cache "$work/orc.err" &&
        [ ! -e "$work/orc.o" ]; then
        pass "orc-refused: $(head -1 "$work/orc.err")"
    else
        fail orc-refused "exit $rc: $(head -1 "$work/orc.err")"
    fi
fi
exit 0
