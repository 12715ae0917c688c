#!/usr/bin/env bash
# s390xsframe suite: `trustack sframe` on s390x files (issue 16): SFrame v2 and v3 for ABI 4
# (SFRAME_ABI_S390X_ENDIAN_BIG) in big-endian ELF copies. binutils 2.40 here can neither write nor
# read s390x SFrame, so the oracles are:
#
#  - tests/arch/s390xtables/sframe_spec.py, a decoder written from the SFrame specification alone
#    (not from our reader): it checks every field of the section (header, FDEs, FRE info bytes,
#    s390x's scaled CFA words, RA padding, v2 register words, v3 flexible FDEs, the R_390_PC32/
#    PC64 relocations of objects) and prints the rows, which must equal what our reader prints;
#  - our reader's rows equal the analysis' rows at every byte the table covers
#    (tests/tables/sframe_tool.c rowmap), and what the table leaves out is reported;
#  - the big-endian ELF copy: readelf reads the output's headers, sections, symbols and the
#    input's relocations unchanged, objdump disassembles the same code, and ld links the object
#    copies: the start fields it relocates (R_390_PC32/PC64) name the functions' addresses;
#  - tests/arch/s390xtables/sframe_cases.S: one function per encoding rule (RA padding before an
#    FP word, RA in a floating-point register, a CFA in r1, a CFA offset no multiple of 8, a
#    two-byte CFA word), their rows given here;
#  - Debian's s390x libc.so.6, v2 and v3;
#  - v1 (no s390x encoding) refused with exit 2.
# Builds are cached under build/s390xsframe-cache/; the same set with or without TS_QUICK.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cross.sh" # compile
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
cache=$top/build/s390xsframe-cache
work=${TS_WORK:-$top/build/test-work}/s390xsframe
rm -rf "$work"; mkdir -p "$work" "$cache"
GCC=s390x-linux-gnu-gcc
CLANG="clang --target=s390x-linux-gnu -fasynchronous-unwind-tables"
OBJDUMP=s390x-linux-gnu-objdump
LIBC=/usr/s390x-linux-gnu/lib/libc.so.6
SPEC=$here/s390xtables/sframe_spec.py
progs=$top/tests/corpus/programs
pass() { echo "PASS s390xsframe/$1"; }
fail() { echo "FAIL s390xsframe/$1: $2"; }

for t in $GCC $OBJDUMP clang python3 readelf; do
    command -v $t >/dev/null || { echo "SKIP s390xsframe: needs $t (scripts/install-deps.sh)"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL s390xsframe: no trustack binary at $TRUSTACK"; exit 1; }
lib=$(dirname "$TRUSTACK")/libtrustack.a
tool=$work/sframe_tool
run_tool() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout -k 5 120 "$tool" "$@"; }
if ! cc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$top/tests/tables/sframe_tool.c" "$lib" -lelf -ldw -lZydis \
        -lpthread $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) -o "$tool" 2>"$work/tool.log"; then
    echo "FAIL s390xsframe/sframe-tool: cannot build tests/tables/sframe_tool.c: $(head -3 "$work/tool.log")"; exit 1
fi

# ---- write, read back, decode from the spec ----------------------------------------------------
# check_version IN OUT V: write OUT from IN as version V; our reader's rows = the analysis' rows
# where the table covers; the spec decoder accepts every field and prints the rows our reader
# prints. Adds to the counters; prints nothing when all is well.
nfail=0 nrows=0 nfiles=0 nprob=0
check_version() {
    local in=$1 out=$2 v=$3 n rc r
    n=$(basename "$out")
    timeout -k 5 300 "$TRUSTACK" sframe -q --sframe-version=$v "$in" -o "$out" >"$out.problems" 2>"$out.err"; rc=$?
    if [ $rc -ge 2 ]; then fail "write-v$v $n" "exit $rc: $(head -1 "$out.err")"; nfail=$((nfail + 1)); return; fi
    nprob=$((nprob + $(grep -c 'sframe-unrepresentable' "$out.problems")))
    # problems reported exactly when the table leaves code out (rc 1 <=> problems)
    if { [ $rc = 1 ] && ! [ -s "$out.problems" ]; } || { [ $rc = 0 ] && [ -s "$out.problems" ]; }; then
        fail "status-v$v $n" "exit $rc with $(wc -l <"$out.problems") problems"; nfail=$((nfail + 1))
    fi
    r=$(run_tool rowmap "$in" "$out" 2>&1)
    if [[ $r != *" differ=0 "* ]]; then fail "rows-equal-analysis-v$v $n" "$r"; nfail=$((nfail + 1)); fi
    timeout -k 5 120 python3 "$SPEC" "$out" >"$out.spec" 2>&1 || {
        fail "spec-layout-v$v $n" "$(grep -m3 -e LAYOUT -e Error "$out.spec" | tr '\n' ' ')"; nfail=$((nfail + 1)); return; }
    timeout -k 5 120 "$TRUSTACK" sframe --dump "$out" 2>&1 | python3 "$SPEC" --dump >"$out.ours"
    if ! [ -s "$out.spec" ] || ! cmp -s "$out.spec" "$out.ours"; then
        fail "spec-rows-v$v $n" "$(diff "$out.spec" "$out.ours" | head -4 | tr '\n' ' ')"; nfail=$((nfail + 1)); return
    fi
    nrows=$((nrows + $(wc -l <"$out.spec")))
}

objs=() exes=()
for src in "$progs"/*.c; do
    for fl in "-O0" "-O2 -mbackchain" "-O3 -mpacked-stack" "-Os -fPIC"; do
        o=$(compile $GCC "$fl" o "$src") && objs+=("$o")
    done
    o=$(compile "$CLANG" "-O2" o "$src") && objs+=("$o")
done
for src in recurse.c dispatch.c; do
    e=$(compile $GCC "-O2" exe "$progs/$src") && exes+=("$e")
done
[ -s "$work/compile.err" ] && fail build "$(tail -2 "$work/compile.err" | tr '\n' ' ')"
for f in "${objs[@]}" "${exes[@]}"; do
    nfiles=$((nfiles + 1))
    for v in 2 3; do check_version "$f" "$work/$(basename "$f").v$v" $v; done
done
if [ $nfail = 0 ] && [ $nrows -gt 0 ]; then
    pass "corpus: $nfiles files (gcc -O0..-Os, -mbackchain, -mpacked-stack, PIC; clang -O2; PIE executables with PLT) x v2/v3: $nrows rows, spec decoder = our reader = the analysis, $nprob problems reported"
else
    fail corpus "$nfail failures over $nfiles files ($nrows rows)"
fi

# Debian's s390x libc: v2 says registers with odd words, v3 with flexible FDEs; both cover the same
if [ -f "$LIBC" ]; then
    nfail=0 nrows=0 nprob=0
    for v in 2 3; do check_version "$LIBC" "$work/libc.v$v" $v; done
    flex=$(grep -c 'attr = "F"' <("$TRUSTACK" sframe --dump "$work/libc.v3" 2>/dev/null))
    regs=$(grep -c ' r[0-9]*+0' "$work/libc.v2.spec" 2>/dev/null)
    same=$(run_tool cmp "$work/libc.v2" "$work/libc.v3" 2>&1 | tail -1)
    if [ $nfail = 0 ] && [ "$flex" -gt 0 ] && [ "$regs" -gt 0 ] && [[ $same == *" other=0 only-first=0"* ]]; then
        pass "libc: v2 and v3: $nrows rows equal to the analysis and the spec decoder ($regs v2 rows with RA/FP in a register, $flex v3 flexible FDEs; v2 and v3 agree), $nprob problems reported"
    else
        fail libc "$nfail failures, $regs register rows, $flex flexible FDEs, v2/v3: $same"
    fi
else
    echo "SKIP s390xsframe/libc: no $LIBC (libc6-s390x-cross)"
fi

# ---- the encoding rules, one function each ------------------------------------------------------
if o=$(compile $GCC "" o "$here/s390xtables/sframe_cases.S"); then
    nfail=0 nrows=0 nprob=0
    for v in 2 3; do check_version "$o" "$work/cases.v$v" $v; done
    python3 - "$work/cases.v2.spec" "$work/cases.v3.spec" "$work/cases.v2.problems" "$work/cases.v3.problems" \
        "$nfail" <<'PY'
import os, sys
def text(p):  # a file a failed write left missing reads as empty: the rows below then fail
    return open(p).read() if os.path.exists(p) else ""
v2, v3 = text(sys.argv[1]).split("\n"), text(sys.argv[2]).split("\n")
p2, p3 = text(sys.argv[3]), text(sys.argv[4])
def rows(lines, pc):  # the rows of the FDEs at pc: "START CFA FP RA"
    return [" ".join(l.split()[3:]) for l in lines if l.split()[:1] == [pc]]
want = [
    # (name, pc, v2 rows, v3 rows)
    ("fp-saved-ra-padding", "0x0", ["0x0 sp+160 u u", "0xa sp+160 c-72 u", "0x10 sp+160 u u"], None),
    ("ra-in-fpr", "0x12", ["0x0 sp+160 u u", "0x8 sp+160 u r16+0", "0xc sp+160 u u"], None),
    ("cfa-in-r1", "0x20", ["0x0 sp+160 u u"], ["0x0 sp+160 u u", "0x8 r1+160 u u", "0xc sp+160 u u"]),
    ("two-byte-cfa-word", "0x38", ["0x0 sp+160 u u", "0x6 sp+160 u c-48", "0xc sp+4416 u c-48", "0x12 sp+160 u c-48"], None),
]
bad = []
for name, pc, r2, r3 in want:
    if rows(v2, pc) != r2:
        bad.append("%s v2: %s" % (name, rows(v2, pc)))
    if rows(v3, pc) != (r3 or r2):
        bad.append("%s v3: %s" % (name, rows(v3, pc)))
if "cfa_in_r1+0x8: CFA is based on a register other than SP or FP" not in p2 or "cfa_in_r1" in p3:
    bad.append("cfa_in_r1: v2 must report it, v3 write it")
for p in (p2, p3):
    if "odd_frame+0x4: CFA offset not a multiple of 8" not in p:
        bad.append("odd_frame not reported")
if any(l.startswith("0x2e 4 inc 0x4") for l in v2 + v3):
    bad.append("odd_frame's CFA r15+324 written")
if bad or sys.argv[5] != "0":
    print("FAIL s390xsframe/cases: " + "; ".join(bad))
else:
    print("PASS s390xsframe/cases: RA padding before FP, RA in %f0 (v2 word 33, v3 flexible), CFA in r1 (v2 reported, v3 flexible, scaled word), CFA r15+324 reported, a two-byte CFA word")
PY
else
    fail cases "cannot assemble sframe_cases.S: $(tail -1 "$work/compile.err")"
fi

# ---- the big-endian ELF copy --------------------------------------------------------------------
# readelf on input and output: the same sections (the new ones after them; .shstrtab and .symtab
# may grow), the same symbols (plus section symbols the relocations need), the input's
# relocations unchanged; objdump disassembles the same code.
elf_view() {   # FILE -> comparable lines
    readelf -hW "$1" | grep -E 'Data:|Machine:|Type:|Entry'
    # the section-name table is rebuilt with the new names (clang's objects share it with the
    # symbols' .strtab), .symtab may take section symbols: their sizes may grow
    readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
        awk '{ print $1, $2, $3, ($1 ~ /^\.(shstrtab|symtab|strtab)$/) ? "" : $5 }'
    readelf -sW "$1" | awk '$1 ~ /^[0-9]+:$/ { $1 = ""; print }' | sort
    readelf -rW "$1" | awk "/^Relocation section '.rela.sframe'/ { skip = 1 } /^\$/ { skip = 0 } !skip && NF" |
        sed 's/ at offset 0x[0-9a-f]*//'
}
nfail=0 nchecked=0
for f in "${objs[@]:0:10}" "${exes[@]}"; do
    out=$work/$(basename "$f").v2
    [ -f "$out" ] || continue
    nchecked=$((nchecked + 1))
    elf_view "$f" >"$work/in.view"; elf_view "$out" >"$work/out.view"
    # the output's extra lines: the new sections, their relocations, new section symbols only
    extra=$(diff "$work/in.view" "$work/out.view" | grep '^[<>]' |
        grep -v -e '^> \.sframe PROGBITS' -e '^> \.rela\.sframe RELA' -e '^>  0\+ 0 SECTION LOCAL DEFAULT [0-9]\+ *$')
    if [ -n "$extra" ]; then fail "elf-copy $(basename "$f")" "$(head -3 <<<"$extra" | tr '\n' ' ')"; nfail=$((nfail + 1)); fi
    if ! cmp -s <($OBJDUMP -d "$f" | tail -n +3) <($OBJDUMP -d "$out" | tail -n +3); then
        fail "elf-code $(basename "$f")" "objdump -d differs"; nfail=$((nfail + 1))
    fi
done
if [ $nchecked = 0 ]; then fail elf-copy "no copy was written"
elif [ $nfail = 0 ]; then pass "elf-copy: $nchecked big-endian copies read by readelf and objdump as their inputs, plus .sframe (and .rela.sframe)"; fi

# ld links the object copies: the start fields it relocates name the functions (their symbols'
# addresses and sizes in the linked program)
nfail=0
for v in 2 3; do
    o=$(compile $GCC "-O2 -mbackchain" o "$progs/recurse.c") || continue
    "$TRUSTACK" sframe -q --sframe-version=$v "$o" -o "$work/link.v$v.o" >/dev/null 2>&1
    if ! $GCC "$work/link.v$v.o" -o "$work/link.v$v" 2>"$work/link.err"; then
        fail "link-v$v" "$(head -1 "$work/link.err")"; nfail=$((nfail + 1)); continue
    fi
    python3 "$SPEC" "$work/link.v$v" >"$work/link.v$v.spec" || { fail "link-v$v" "$(grep -m2 LAYOUT "$work/link.v$v.spec")"; nfail=$((nfail + 1)); continue; }
    readelf -sW "$work/link.v$v" | awk '$4 == "FUNC" && $7 != "UND" { print $2, $3 }' |
        python3 -c 'import sys; [print("%#x %s" % (int(a, 16), b)) for a, b in (l.split() for l in sys.stdin)]' | sort -u >"$work/funcs"
    awk '{ print $1, $2 }' "$work/link.v$v.spec" | sort -u >"$work/fdes"
    missing=$(comm -23 "$work/fdes" "$work/funcs")
    if [ -n "$missing" ] || ! [ -s "$work/fdes" ]; then
        fail "link-v$v" "FDEs that are no function after ld relocated them: $(head -3 <<<"$missing" | tr '\n' ' ')"; nfail=$((nfail + 1))
    fi
done
[ $nfail = 0 ] && pass "link: ld relocates the v2 (R_390_PC32) and v3 (R_390_PC64) start fields of our objects to the functions' addresses"

# ---- v1 has no s390x encoding -------------------------------------------------------------------
if [ ${#objs[@]} -gt 0 ]; then
    "$TRUSTACK" sframe --sframe-version=1 "${objs[0]}" -o "$work/v1.o" >/dev/null 2>"$work/v1.err"; rc=$?
    if [ $rc = 2 ] && grep -q 'no s390x encoding' "$work/v1.err" && ! [ -e "$work/v1.o" ]; then
        pass "v1-refused: exit 2, $(head -1 "$work/v1.err" | sed 's/^trustack: [^:]*: //')"
    else
        fail v1-refused "exit $rc: $(head -1 "$work/v1.err")"
    fi
fi
