#!/usr/bin/env bash
# objtool comparison suite: every warning Debian's objtool (linux-kbuild-6.1) gives on an object
# must also be found by "trustack check --rules=fp", unless it is a known objtool false alarm
# listed (with a verified reason) in tests/objtool/objtool-false-alarms.txt.
#
# Objects: those objtool accepts, i.e. built with gcc -fno-pie -fno-jump-tables
# -fno-omit-frame-pointer -c: the SQLite amalgamation (-O2; also -O0/-O1/-Os unless TS_QUICK=1),
# the corpus programs (tests/corpus/programs, -O0/-O1/-O2/-Os) and the hand-written violation
# cases in tests/objtool/cases/*.c. objtool rewrites its input, so it always runs on a copy.
#
# Output: one PASS/FAIL line per objtool warning; a PASS line per object where both tools are
# silent; INFO lines for warnings only trustack gives (not a failure here).
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK (see tests/run.sh), TS_CACHE, TS_JOBS;
# OBJTOOL (default /usr/lib/linux-kbuild-6.1/tools/objtool/objtool).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
OBJTOOL=${OBJTOOL:-/usr/lib/linux-kbuild-6.1/tools/objtool/objtool}
work=${TS_WORK:-$top/build/test-work}/objtool
alarms=$here/objtool-false-alarms.txt
flags=(-fno-pie -fno-jump-tables -fno-omit-frame-pointer -g)

if [ ! -x "$TRUSTACK" ]; then
    echo "FAIL objtool: trustack binary not found or not executable: $TRUSTACK"
    exit 1
fi
if [ ! -x "$OBJTOOL" ]; then
    echo "SKIP objtool: objtool not found at $OBJTOOL (apt-get install -y linux-kbuild-6.1)"
    exit 0
fi
for t in gcc objdump readelf; do
    command -v $t >/dev/null || { echo "SKIP objtool: $t not installed"; exit 0; }
done
rm -rf "$work"
mkdir -p "$work/cases" "$work/copies" "$work/out"

# ---- collect objects: "BUILD PATH" lines ------------------------------------------------------
objects=$work/objects.txt
: >"$objects"
for src in "$here"/cases/*.c; do
    b=${src##*/}; b=${b%.c}
    if gcc -O2 "${flags[@]}" -c "$src" -o "$work/cases/$b.o" 2>"$work/cases/$b.log"; then
        echo "cases $work/cases/$b.o" >>"$objects"
    else
        echo "FAIL objtool/cases/$b.o: does not compile:"; head -n5 "$work/cases/$b.log" | sed 's/^/    /'
    fi
done

builds="programs/gcc-O0-fp-nopie-nojt programs/gcc-O1-fp-nopie-nojt programs/gcc-O2-fp-nopie-nojt programs/gcc-Os-fp-nopie-nojt programs/gcc-O2-fp-nopie-nojt-scp sqlite/gcc-O2-fp-nopie-nojt"
ts_quick || builds="$builds sqlite/gcc-O0-fp-nopie-nojt sqlite/gcc-O1-fp-nopie-nojt sqlite/gcc-Os-fp-nopie-nojt"
# shellcheck disable=SC2086
manifest=$(bash "$top/tests/corpus/build-corpus.sh" $builds 2>"$work/build.log")
while read -r status name _fp dir; do
    [ -n "${status:-}" ] || continue
    case $status in
        skipped) echo "SKIP objtool/$name: ${dir//-/ }"; continue ;;
        failed) echo "FAIL objtool/$name/build: build failed"
                [ -f "$dir/build.log" ] && tail -n5 "$dir/build.log" | sed 's/^/    /'
                continue ;;
    esac
    while read -r role rel; do
        [ "$role" = obj ] && echo "${name#*/}-${name%%/*} $dir/$rel" >>"$objects"
    done <"$dir/files.txt"
done <<<"$manifest"

# ---- compare, object by object ------------------------------------------------------------------
n=0
while read -r build path; do
    n=$((n + 1))
    obj=${path##*/}
    prefix=objtool/$build/$obj
    copy=$work/copies/$n-$obj
    out=$work/out/$n-$obj
    cp "$path" "$copy"
    "$OBJTOOL" --stackval --orc "$copy" >"$out.objtool" 2>&1
    timeout 600 "$TRUSTACK" check --rules=fp "$path" >"$out.trustack" 2>"$out.trustack.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        echo "FAIL $prefix/trustack: exit status $rc"
        head -n5 "$out.trustack.err" | sed 's/^/    /'
        continue
    fi
    # symbol table (FUNC symbols by section) and, when needed, each function's last instruction
    readelf -SW "$path" | sed -n 's/^ *\[ *\([0-9]*\)\] \([^ ]*\) .*/\1 \2/p' >"$out.sections"
    readelf -sW "$path" | awk 'NR == FNR { sec[$1] = $2; next }
        $4 == "FUNC" && ($7 in sec) { printf "S %s %s %d %s\n", sec[$7], $2, $3, $8 }' "$out.sections" - >"$out.syms"
    if grep -qE 'falls through|end of section' "$out.objtool"; then
        objdump -d --no-show-raw-insn "$path" | awk -f "$here/lastinsn.awk" "$out.syms" - >>"$out.syms"
    fi
    [ -f "$alarms" ] || alarms=/dev/null
    awk -v obj="$obj" -v build="$build" -v prefix="$prefix" -v symsf="$out.syms" -v otf="$out.objtool" \
        -v tsf="$out.trustack" -v alf="$alarms" -f "$here/common.awk" -f "$here/compare.awk" \
        "$out.syms" "$out.objtool" "$out.trustack" "$alarms"
done <"$objects"
exit 0
