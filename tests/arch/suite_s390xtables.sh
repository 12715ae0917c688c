#!/usr/bin/env bash
# s390xtables suite: the unwind tables of s390x files (issue 16), against oracles we did not write.
#
#  - annotate: the rows of a gcc -mbackchain function, instruction by instruction, at the points
#    the ABI fixes: entry (CFA r15+160, the return address still in r14), after `stmg
#    %r6,%r15,48(%r15)` (r14 at CFA-48, r11 at CFA-72), after the frame allocation (CFA r15+160+N);
#    with --saves, r6-r13 at their slots;
#  - diff: the analysis against the compiler's .eh_frame, per compiler: gcc 12 (-O0..-Os; plain,
#    -mbackchain, -mpacked-stack; objects and the executables gcc links) and clang 14 (-O0..-Os;
#    plain, -mbackchain; objects, with -fasynchronous-unwind-tables: clang 14 emits no CFI for
#    s390x without it): >= 99.9% agree or equivalent (clang: without the classes that say its
#    table is wrong: it describes no epilogue), 0 unclassified; Debian's s390x libc.so.6 the same
#    (not in TS_QUICK);
#  - classes: tests/arch/s390xtables/classes.S, the s390x patterns behind the classes
#    table-early-cfa, other-return-column and context-switch (glibc's), exactly classified;
#  - cache: an s390x executable's sidecar names r6-r13's save slots (r11 as the frame pointer, the
#    others in `saved`) and r14's, and describes its PLT; libc's (not in TS_QUICK) too.
#
# Builds are cached under build/s390xtables-cache/ by compiler, options and source.
# TS_QUICK=1: -O0 and -O2 only, no libc (about 30 s warm).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cross.sh" # compile
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
cache=$top/build/s390xtables-cache
work=${TS_WORK:-$top/build/test-work}/s390xtables
rm -rf "$work"; mkdir -p "$work" "$cache"
GCC=s390x-linux-gnu-gcc
CLANG="clang --target=s390x-linux-gnu -fasynchronous-unwind-tables"
LIBC=/usr/s390x-linux-gnu/lib/libc.so.6
progs=$top/tests/corpus/programs
pass() { echo "PASS s390xtables/$1"; }
fail() { echo "FAIL s390xtables/$1: $2"; }

for t in $GCC clang python3; do
    command -v $t >/dev/null || { echo "SKIP s390xtables: needs $t (scripts/install-deps.sh)"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL s390xtables: no trustack binary at $TRUSTACK"; exit 1; }

# ---- annotate --------------------------------------------------------------------------------
# recurse.c's fib at gcc -O2 -mbackchain: `stmg %r11,%r15,88(%r15)` saves r11 (CFA-72) and r14
# (CFA-48) and allocates a frame; annotate's rows at entry, after the save and after the
# allocation must say so.
if obj=$(compile $GCC "-O2 -mbackchain" o "$progs/recurse.c"); then
    "$TRUSTACK" annotate --saves "$obj" >"$work/annotate.txt" 2>"$work/annotate.err"; rc=$?
    python3 - "$work/annotate.txt" "$rc" <<'PY'
import re, sys
rows = {}
func = None
for line in open(sys.argv[1]):
    m = re.match(r"^(\S+):$", line)
    if m:
        func = m.group(1); rows[func] = []; continue
    m = re.match(r"\s+[0-9a-f]+ <\+(\d+)\s*> .*?(cfa=\S+ ra=\S+ fp=\S+|\(not reached\))(.*)$", line)
    if m and func:
        rows[func].append((int(m.group(1)), m.group(3), m.group(2)))
bad = []
nf = 0
for f, rs in rows.items():
    if not rs:
        continue
    if rs[0][2] != "cfa=%r15+160 ra=same fp=same":
        bad.append("%s+0: %s" % (f, rs[0][2]))
    framed = [r for r in rs if re.match(r"cfa=%r15\+(\d+)", r[2]) and int(re.match(r"cfa=%r15\+(\d+)", r[2]).group(1)) > 160]
    saved = [r for r in rs if "ra=cfa-48" in r[2]]
    if framed:
        nf += 1
        if not saved:
            bad.append("%s: a frame, r14 never at cfa-48" % f)
# --saves: the callee-saved registers other than r11 (fp) and r14 (ra), once changed, at their
# slot of `stmg %rN,..,8*N(%r15)`: CFA - 160 + 8 * N
nsaves = 0
for f, rs in rows.items():
    for r in rs:
        for reg, off in re.findall(r"%r(\d+)=cfa(-\d+)", r[1]):
            nsaves += 1
            if int(off) != -160 + 8 * int(reg):
                bad.append("%s+%d: %%r%s at cfa%s, not its stmg slot" % (f, r[0], reg, off))
if sys.argv[2] not in ("0", "1") or nf == 0 or nsaves == 0 or bad:
    print("FAIL s390xtables/annotate: exit %s, %d functions with a frame, %d saves; %s" % (sys.argv[2], nf, nsaves, "; ".join(bad[:4])))
else:
    print("PASS s390xtables/annotate: %d functions, entry rows cfa=%%r15+160 ra=same (r14), %d frames with r14 at cfa-48, "
          "%d rows with r6-r13 at their save slots" % (len(rows), nf, nsaves))
PY
else
    fail annotate "build failed: $(tail -1 "$work/compile.err")"
fi

# ---- diff ------------------------------------------------------------------------------------
# agg NAME MIN JUDGE FILES...: one PASS/FAIL line with the agreement and the classes; MIN the
# agreement it must reach (JUDGE raw: of every instruction compared; fixed: without the classes
# that say the table is wrong), and 0 unclassified
agg() {
    local name=$1 min=$2 judge=$3; shift 3
    "$TRUSTACK" diff --against=eh_frame --format=json "$@" >"$work/$name.json" 2>"$work/$name.err"
    python3 - "$work/$name.json" "$name" "$min" "$#" "$judge" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("FAIL s390xtables/diff-%s: no JSON (%s)" % (sys.argv[2], e)); sys.exit(0)
s = d["summary"]
comp = s["compared"]; ok = s["agree"] + s["equivalent"]
cls = {k: v for k, v in d.get("classes", {}).items() if v}
wrong = sum(v for k, v in cls.items() if k in ("table-misses-sp-adjust", "table-misses-epilogue", "table-stale-fp-rule",
                                               "table-early-cfa"))
pct = 100.0 * ok / comp if comp else 0.0
pct2 = 100.0 * ok / (comp - wrong) if comp > wrong else 0.0
good = comp > 0 and (pct if sys.argv[5] == "raw" else pct2) >= float(sys.argv[3]) and not cls.get("unclassified")
print(("PASS" if good else "FAIL") + " s390xtables/diff-%s: %s files, %d compared, %.3f%% agree (exact %d, equivalent %d; "
      "%.3f%% without the table-is-wrong classes), classes %s" % (sys.argv[2], sys.argv[4], comp, pct, s["agree"],
                                                                  s["equivalent"], pct2,
                                                                  " ".join("%s=%d" % kv for kv in sorted(cls.items())) or "none"))
if not good:
    for m in d.get("mismatches", []):
        if m["class"] == "unclassified":
            print("    %s %s+%#x: analysis %s, table %s" % (m["file"].split("/")[-1], m["function"], m["offset"],
                                                        m["analysis"], m["table"]))
PY
}

# the s390x classes, each from the pattern it was found in (the expectation is in the file)
if obj=$(compile $GCC "" o "$here/s390xtables/classes.S"); then
    "$TRUSTACK" diff --against=eh_frame --format=json "$obj" >"$work/classes.json" 2>"$work/classes.err"
    python3 - "$work/classes.json" <<'PY'
import json, sys
want = {"table-early-cfa": 1, "context-switch": 1, "other-return-column": 7, "analysis-undefined": 1,
        "analysis-unreached": 1, "both-locations-valid": 3}
try:
    got = {k: v for k, v in json.load(open(sys.argv[1]))["classes"].items() if v}
except Exception as e:
    got = {"no JSON": str(e)}
if got == want:
    print("PASS s390xtables/classes: " + " ".join("%s=%d" % kv for kv in sorted(got.items())))
else:
    print("FAIL s390xtables/classes: got %s, want %s" % (sorted(got.items()), sorted(want.items())))
PY
else
    fail classes "build failed: $(tail -1 "$work/compile.err")"
fi

opts="-O0 -O1 -O2 -O3 -Os"
ts_quick && opts="-O0 -O2"
for comp in gcc clang; do
    files=()
    for o in $opts; do
        for bc in plain backchain packed; do
            [ $comp = clang ] && [ $bc = packed ] && continue
            case $comp in gcc) cc=$GCC ;; clang) cc=$CLANG ;; esac
            case $bc in plain) f=$o ;; backchain) f="$o -mbackchain" ;; packed) f="$o -mpacked-stack" ;; esac
            for src in "$progs"/*.c; do
                obj=$(compile "$cc" "$f" o "$src") || continue
                files+=("$obj")
                if [ $comp = gcc ]; then
                    exe=$(compile "$GCC" "" exe "$obj") && files+=("$exe")
                fi
            done
        done
    done
    [ -s "$work/compile.err" ] && fail "build-$comp" "$(tail -2 "$work/compile.err" | tr '\n' ' ')"
    # clang 14 describes no epilogue on s390x (after `lmg`/`lgdr %r15` its row stays the body's):
    # judged without those instructions, as on arm64 (docs/diff.md)
    case $comp in gcc) judge=raw ;; clang) judge=fixed ;; esac
    agg "$comp" 99.9 $judge "${files[@]}"
done
if ! ts_quick && [ -r "$LIBC" ]; then
    agg libc 99.9 raw "$LIBC"
fi

# ---- cache -----------------------------------------------------------------------------------
# the unwinder's sidecar: r6-r13 and r14's save slots, the PLT's stubs with rows of their own
export TRUSTACK_CACHE_DIR=$work/cache
sidecar() { # NAME FILE
    local name=$1 f=$2 out rc d nsave nra nplt
    out=$("$TRUSTACK" cache "$f" 2>&1); rc=$?
    d=$("$TRUSTACK" dump "$f" 2>&1)
    printf '%s\n' "$d" >"$work/dump-$name.txt"
    nsave=$(grep -cE '%r(6|7|8|9|10|12|13)=cfa-' <<<"$d")
    nra=$(grep -cE 'ra=cfa-48 fp=cfa-72' <<<"$d")
    # ld's lazy PLT (PLT0 and 32-byte PLTn, each ending in its relocation's offset): every byte
    # of .plt has a row (CFA r15+160, r14 untouched), none is unreliable
    plt=$(s390x-linux-gnu-readelf -SW "$f" | awk '$2 == ".plt" { print $4, $6 }')
    badplt=$(python3 - "$plt" "$work/dump-$name.txt" <<'PY'
import re, sys
f = sys.argv[1].split()
lo, hi = (int(f[0], 16), int(f[0], 16) + int(f[1], 16)) if len(f) == 2 else (0, 0)
covered, bad = 0, []
for line in open(sys.argv[2]):
    m = re.match(r"0x([0-9a-f]+)\.\.0x([0-9a-f]+)\s+(.*)", line)
    if not m:
        continue
    a, b, what = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    if b <= lo or a >= hi:
        continue
    covered += min(b, hi) - max(a, lo)
    if what != "cfa=%r15+160 ra=same fp=same":
        bad.append("%#x..%#x %s" % (a, b, what))
if hi == 0 or covered != hi - lo or bad:
    print("plt %#x..%#x: %d bytes described; %s" % (lo, hi, covered, "; ".join(bad[:3])))
PY
)
    if [ $rc = 0 ] && [ "$nsave" -gt 0 ] && [ "$nra" -gt 0 ] && [ -z "$badplt" ]; then
        pass "cache-$name: $(head -1 <<<"$d" | sed 's/.*build-id [0-9a-f]*, //'), $nra with r14 at cfa-48 and r11 at cfa-72, $nsave with r6-r13 saved, .plt described"
    else
        fail "cache-$name" "exit $rc ($out): $nra with r14/r11 saved, $nsave with r6-r13; $badplt"
    fi
}
if exe=$(compile $GCC "-O2 -mbackchain" exe "$progs/frames.c"); then
    sidecar frames "$exe"
else
    fail cache "build failed: $(tail -1 "$work/compile.err")"
fi
if ! ts_quick && [ -r "$LIBC" ]; then
    sidecar libc "$LIBC"
fi
exit 0
