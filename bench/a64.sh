#!/usr/bin/env bash
# bench/a64.sh - arm64 `check` against the decoder alone, one thread (issue 14):
#
#   trustack check -q -j 1 (stack rules) on Debian's arm64 libc.so.6 and on the largest file of
#   the arm64 test corpus (the file with the most code among the cached builds of
#   tests/corpus/build-corpus.sh --arch=a64), next to the time our A64 decoder needs to decode
#   every word of the same file's executable sections once (bench/a64decode_bench.c `total`,
#   best of 5). Target: check at most 2x decode-only. Peak RSS of each next to that of
#   `trustack check -q -j 1` on the x86-64 libc.so.6. Target: no more memory than x86-64.
#   Beside it, in the same run, the other reading of "decode-only": LLVM 14's C disassembler API
#   over the same words (bench/a64decode_bench.c `speed`, best of 3; when llvm-14-dev's headers
#   are installed), the decoder issue 14 names as the alternative. The two ratios differ by the
#   decoders' own costs (ours about 25x cheaper per word): docs/arm64.md, "Speed and memory".
#
# Prints one Markdown table (with the load average before and after) and the commands.
# Environment: A64_REPS (runs per figure, default 5: the median CPU time, user+sys, is
# reported; the peak RSS is the largest of the runs), TRUSTACK (default build/trustack),
# TS_CACHE (corpus cache, default ~/.cache/trustack-corpus), A64_FILE (a file instead of the
# largest corpus file).
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
REPS=${A64_REPS:-5}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
CACHE=${TS_CACHE:-$HOME/.cache/trustack-corpus}
out=$top/build/a64bench
mkdir -p "$out"
armlibc=/usr/aarch64-linux-gnu/lib/libc.so.6
x86libc=/lib/x86_64-linux-gnu/libc.so.6
[ -f "$armlibc" ] || { echo "needs $armlibc (libc6-arm64-cross)" >&2; exit 2; }
[ -x "$TRUSTACK" ] || make -s -C "$top" -j2 build/trustack || exit 2
make -s -C "$top" build/libtrustack.a || exit 2
cc -std=gnu11 -O2 -Wall -Wextra -Wno-unused-function -I"$top/lib" -I"$top/include" -o "$out/a64decode_total" "$top/bench/a64decode_bench.c" "$top/tests/arch/mc_oracle.c" \
    "$top/build/libtrustack.a" -lelf || exit 2
# LLVM's C disassembler API, when its headers are installed (llvm-14-dev): the same program
llvm_bench=
llvmdir=$(llvm-config-14 --prefix 2>/dev/null || llvm-config --prefix 2>/dev/null || true)
if [ -n "$llvmdir" ] && [ -f "$llvmdir/include/llvm-c/Disassembler.h" ] &&
    cc -std=gnu11 -O2 -Wall -Wextra -Wno-unused-function -Wno-unused-variable -DHAVE_LLVM -I"$llvmdir/include" -I"$top/lib" -I"$top/include" \
        -o "$out/a64decode_llvm" "$top/bench/a64decode_bench.c" "$top/build/libtrustack.a" -lelf \
        -L"$llvmdir/lib" -lLLVM-"$("$llvmdir/bin/llvm-config" --version | cut -d. -f1)" -Wl,-rpath,"$llvmdir/lib"; then
    llvm_bench=$out/a64decode_llvm
fi

# bytes of code: the executable sections' sizes, as readelf lists them
code_bytes() {
    local s=0 sz
    while read -r sz; do s=$((s + 16#$sz)); done < <(readelf -SW "$1" 2>/dev/null |
        sed -n 's/^ *\[ *[0-9]*\] *//p' | awk '$7 ~ /X/ { print $5 }')
    echo $s
}

# the arm64 corpus file with the most code (objects and linked files of every cached build)
largest=${A64_FILE:-}
if [ -z "$largest" ]; then
    best=0
    for d in "$CACHE"/builds/*/a64-*/; do
        [ -f "$d/files.txt" ] && [ -f "$d/.ok" ] || continue
        while read -r _ rel; do
            [ -f "$d/$rel" ] || continue
            n=$(code_bytes "$d/$rel")
            [ "$n" -gt "$best" ] && best=$n largest=$d$rel
        done <"$d/files.txt"
    done
fi
[ -n "$largest" ] || { echo "no arm64 corpus build in $CACHE (tests/corpus/build-corpus.sh --arch=a64 --quick)" >&2; exit 2; }

# run REPS times: median CPU seconds (user+sys) in R_CPU, largest peak RSS (KB) in R_RSS
measure() {
    local tf=$out/time.$$ cpus=() rss=0 m u s rc
    for _ in $(seq "$REPS"); do
        /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>&1
        rc=$?
        [ $rc -le 1 ] || { echo "failed (exit $rc): $*" >&2; exit 2; }
        read -r m u s < <(tail -n1 "$tf")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    R_CPU=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    R_RSS=$rss
    rm -f "$tf"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
x86_rss=
if [ -f "$x86libc" ]; then
    measure "$TRUSTACK" check -q -j 1 "$x86libc"
    x86_rss=$R_RSS x86_cpu=$R_CPU
fi
rows=()
for f in "$armlibc" "$largest"; do
    read -r _ words _ dsec < <("$out/a64decode_total" total "$f")
    # LLVM: ns per word, best of 3 (the `speed` table's llvm-14-c-api line), times the words
    lsec=
    if [ -n "$llvm_bench" ]; then
        lns=$("$llvm_bench" speed "$f" | awk '$1 == "llvm-14-c-api" { print $2 }')
        [ -n "$lns" ] && lsec=$(awk -v n="$lns" -v w="$words" 'BEGIN { printf "%.4f", n * w / 1e9 }')
    fi
    measure "$TRUSTACK" check -q -j 1 "$f"
    insns=$("$TRUSTACK" check -j 1 "$f" 2>&1 | sed -n 's/.* functions, \([0-9]*\) instructions.*/\1/p' | tail -n1)
    ratio=$(awk -v c="$R_CPU" -v d="$dsec" 'BEGIN { printf "%.0f", c / d }')
    lratio=n/a
    [ -n "$lsec" ] && lratio=$(awk -v c="$R_CPU" -v d="$lsec" 'BEGIN { printf "%.2f", c / d }')x
    per=$(awk -v c="$R_CPU" -v n="${insns:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1e9 / n; else print "n/a" }')
    mem=$(awk -v a="$R_RSS" -v b="${x86_rss:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    rows+=("| \`${f#"$CACHE/builds/"}\` | $words | $(awk -v d="$dsec" 'BEGIN { printf "%.4f", d }') | ${lsec:-n/a} | ${insns:-?} | $R_CPU | $per | ${ratio}x | $lratio | $(awk -v k="$R_RSS" 'BEGIN { printf "%.1f", k / 1024 }') | $mem |")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "# arm64 check vs decode-only, one thread ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD))"
echo
echo "Load average (1, 5, 15 min): $load_before before, $load_after after; $(nproc) CPUs. CPU time = user+sys, median of $REPS runs."
echo
echo "| file | words decoded | decode-only CPU s, our decoder (best of 5) | decode-only CPU s, LLVM 14 C API (best of 3) | instructions check decodes | check CPU s (-j 1) | check ns/insn | check / our decode-only (target ≤ 2x) | check / LLVM decode-only | check peak RSS MB | RSS / x86-64 libc check (target ≤ 1) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
[ -n "$x86_rss" ] && echo "| x86-64 \`$x86libc\` (reference) | | | | | $x86_cpu | | | | $(awk -v k="$x86_rss" 'BEGIN { printf "%.1f", k / 1024 }') | 1 |"
echo
echo "Commands: \`$out/a64decode_total total FILE\` (decode-only: ts_a64_decode_word over every word of the"
echo "executable sections); \`$out/a64decode_llvm speed FILE\` (its llvm-14-c-api line: LLVMDisasmInstruction over the"
echo "same words, ns per word); \`/usr/bin/time -f '%M %U %S' $TRUSTACK check -q -j 1 FILE\`."
