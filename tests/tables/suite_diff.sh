#!/usr/bin/env bash
# diff suite: `trustack diff` against the compiler's own CFI (.eh_frame), an oracle we did not
# write.
#  1. Hand-written cases (tests/tables/diff/*.S) whose expected outcome is stated in each file
#     and derived from the assembly: correct CFI agrees, a wrong CFA offset is an unclassified
#     disagreement at the right place, the benign and the table-is-wrong patterns get their class.
#  2. Every corpus build in the cache (objects and linked files, gcc and clang, -O0..-Os, FP or
#     not, PIE/PIC or not): exit 0, i.e. every disagreement is in a named class; per compiler the
#     agreement (same or equivalent rule) on the instructions both describe must be >= 99.9%.
#  3. libc.so.6 and libstdc++.so.6: every disagreement classified.
#  4. Bad input: exit 2 with a message.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK, TS_CACHE (see tests/run.sh, tests/corpus).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/diff
cache=${TS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trustack-corpus}
rm -rf "$work"; mkdir -p "$work"

# summary FILE.json -> "compared agree equivalent disagree" + class counts as k=v
summary() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print(s["compared"], s["agree"], s["equivalent"], s["disagree"], s["only_analysis"], s["only_table"],
      " ".join("%s=%d" % kv for kv in sorted(d["classes"].items())))
PY
}

# ---- 1. hand-written cases ----------------------------------------------------------------------
# name | exit | python condition over d (the JSON), m (mismatches), cls (class counts)
cases=(
  "good|0|cls.get('unclassified',0)==0 and d['summary']['compared']==d['summary']['agree']+d['summary']['equivalent']"
  "wrong_offset|1|[(x['function'],x['offset'],x['instructions'],x['class']) for x in m if x['class']=='unclassified']==[('wrong_offset',3,2,'unclassified')]"
  "missed_adjust|0|[(x['offset'],x['instructions']) for x in m if x['class']=='table-misses-sp-adjust']==[(12,2)] and cls.get('unclassified',0)==0"
  "no_cfi|0|sorted(set(x['function'] for x in m if x['class']=='table-lacks-function'))==['bare'] and sum(x['instructions'] for x in m if x['class']=='table-lacks-function')==3 and d['summary']['only_analysis']==3"
  "outermost|0|cls.get('outermost-frame',0)==3 and cls.get('unclassified',0)==0"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name want cond <<<"$c"
    if ! gcc -c "$here/diff/$name.S" -o "$work/$name.o" 2>"$work/$name.err"; then
        echo "FAIL diff/case/$name: does not assemble: $(head -1 "$work/$name.err")"; continue
    fi
    "$TRUSTACK" diff --format=json "$work/$name.o" >"$work/$name.json" 2>"$work/$name.err"; rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL diff/case/$name: exit $rc, expected $want"; continue
    fi
    if python3 -c "
import json,sys
d=json.load(open('$work/$name.json')); m=d['mismatches']; cls=d['classes']
sys.exit(0 if ($cond) else 1)"; then
        echo "PASS diff/case/$name"
    else
        echo "FAIL diff/case/$name: condition not met: $cond; got $(summary "$work/$name.json")"
    fi
done

# ---- 2. the corpus ------------------------------------------------------------------------------
if [ ! -d "$cache/builds" ]; then
    echo "SKIP diff/corpus: no corpus cache at $cache (the corpus suite builds it)"
else
    : >"$work/corpus.txt"
    for dir in "$cache"/builds/*/*/; do
        [ -f "$dir/files.txt" ] || continue
        cfg=$(basename "$dir")
        case "${TS_QUICK:-}:$dir" in 1:*/sqlite/*) case "$cfg" in *-O2-*) ;; *) continue ;; esac ;; esac
        cc=${cfg%%-*}
        while read -r kind f; do
            [ -f "$dir/$f" ] || continue
            id="$(basename "$(dirname "$dir")")/$cfg/$f"
            out="$work/$(echo "$id" | tr '/' '_').json"
            "$TRUSTACK" diff --format=json "$dir/$f" >"$out" 2>"$work/err.txt"; rc=$?
            if [ $rc -eq 2 ] && grep -q 'no unwind table' "$work/err.txt"; then
                continue # built without unwind tables
            fi
            if [ $rc -ne 0 ]; then
                echo "FAIL diff/corpus/$id: exit $rc: $(head -c 300 "$work/err.txt")"
                python3 -c "
import json; d=json.load(open('$out'))
for x in [x for x in d['mismatches'] if x['class']=='unclassified'][:3]: print('   ', x['function'], hex(x['offset']), 'analysis', x['analysis'], '| table', x['table'])" 2>/dev/null
                continue
            fi
            echo "$cc $(summary "$out")" >>"$work/corpus.txt"
            echo "PASS diff/corpus/$id"
        done <"$dir/files.txt"
    done
    # per compiler: agreement on the instructions both describe
    for cc in $(awk '{print $1}' "$work/corpus.txt" | sort -u); do
        read -r comp agree equiv dis <<<"$(awk -v c="$cc" '$1==c {a+=$2; b+=$3; e+=$4; d+=$5} END {print a, b, e, d}' "$work/corpus.txt")"
        pct=$(python3 -c "print('%.4f' % (100.0*($agree+$equiv)/$comp if $comp else 100))")
        exact=$(python3 -c "print('%.4f' % (100.0*$agree/$comp if $comp else 100))")
        echo "INFO diff/corpus/$cc: $comp instructions compared: $agree agree ($exact%), $equiv equivalent, $dis disagree (classified); agreement $pct%"
        if python3 -c "import sys; sys.exit(0 if $pct >= 99.9 else 1)"; then
            echo "PASS diff/corpus/$cc-agreement"
        else
            echo "FAIL diff/corpus/$cc-agreement: $pct% < 99.9%"
        fi
    done
fi

# ---- 3. system libraries ------------------------------------------------------------------------
for lib in /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6; do
    [ -f "$lib" ] || { echo "SKIP diff/lib/$(basename "$lib"): not installed"; continue; }
    n=$(basename "$lib")
    "$TRUSTACK" diff --format=json "$lib" >"$work/$n.json" 2>"$work/$n.err"; rc=$?
    if [ $rc -eq 0 ]; then
        echo "PASS diff/lib/$n"
        echo "INFO diff/lib/$n: $(summary "$work/$n.json")"
    else
        echo "FAIL diff/lib/$n: exit $rc $(head -c 200 "$work/$n.err")"
    fi
done

# ---- 4. bad input -------------------------------------------------------------------------------
printf 'not an elf file at all\n' >"$work/garbage"
"$TRUSTACK" diff "$work/garbage" >/dev/null 2>"$work/g.err"; rc=$?
[ $rc -eq 2 ] && [ -s "$work/g.err" ] && echo "PASS diff/bad/garbage" || echo "FAIL diff/bad/garbage: exit $rc"
gcc -c -fno-asynchronous-unwind-tables -fno-unwind-tables -x c - -o "$work/nocfi.o" <<<'int f(int x) { return x + 1; }'
"$TRUSTACK" diff "$work/nocfi.o" >/dev/null 2>"$work/n.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'no unwind table' "$work/n.err" && echo "PASS diff/bad/no-table" \
    || echo "FAIL diff/bad/no-table: exit $rc $(cat "$work/n.err")"
"$TRUSTACK" diff --against=bogus "$work/good.o" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && echo "PASS diff/bad/option" || echo "FAIL diff/bad/option: exit $rc"
head -c 200 "$work/good.o" >"$work/trunc.o"
"$TRUSTACK" diff "$work/trunc.o" >/dev/null 2>"$work/t.err"; rc=$?
[ $rc -eq 2 ] && [ -s "$work/t.err" ] && echo "PASS diff/bad/truncated" || echo "FAIL diff/bad/truncated: exit $rc"
exit 0
