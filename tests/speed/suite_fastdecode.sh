#!/usr/bin/env bash
# Fast decoder suite: the x86-64 fast path (lib/arch/x86/decode_fast.c), which decodes the
# commonest instructions from their bytes instead of through Zydis, must build exactly the
# struct ts_insn the Zydis path builds. The oracle is Zydis (the same decoder with the fast path
# off), at EVERY byte offset of the executable sections (tests/speed/fastdecode_check.c):
#  - tests/speed/fast_forms.S: the encodings at the edges (r12/r13 and rsp/rbp in ModRM/SIB,
#    rip-relative operands before an immediate, %ah vs %spl, prefixes that must go to Zydis);
#  - libc, libstdc++, objects of the test corpus cache (4 in TS_QUICK mode), libLLVM-14 only
#    with TS_LONG=1 (48 MB of code: minutes).
# Each input must also take the fast path for most of its instructions (else it tests nothing
# and speeds nothing): at least 70% of a linear scan of libraries and objects.
# That the fast path changes no output is bench/same-results.sh's job.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_SAN, TS_CACHE, TS_QUICK, TS_LONG (see tests/run.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/fastdecode
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
command -v gcc >/dev/null || { echo "SKIP fastdecode: gcc not installed"; exit 0; }
lib=$(dirname "$TRUSTACK")/libtrustack.a
[ -f "$lib" ] || { echo "FAIL fastdecode: no $lib beside the binary under test"; exit 1; }
rm -rf "$work"; mkdir -p "$work"

tool=$work/fastdecode_check
if ! cc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$here/fastdecode_check.c" "$lib" -lelf -ldw -lZydis -lpthread \
        $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) -o "$tool" 2>"$work/tool.log"; then
    echo "FAIL fastdecode-tool: cannot build tests/speed/fastdecode_check.c: $(head -3 "$work/tool.log")"; exit 1
fi

check() {   # check NAME FILE MIN_PERCENT MIN_FAST: every offset agrees; the fast path took enough
    local name=$1 file=$2 minpct=$3 minfast=$4 out rc
    out=$("$tool" "$file" 2>&1); rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: $(head -5 <<<"$out" | paste -sd';' -)"
        return
    fi
    local lin fast
    lin=$(sed -n 's/.* linear=\([0-9]*\).*/\1/p' <<<"$out")
    fast=$(sed -n 's/.* linear_fast=\([0-9]*\).*/\1/p' <<<"$out")
    if [ "${fast:-0}" -lt "$minfast" ] || [ $(( ${fast:-0} * 100 )) -lt $(( ${lin:-1} * minpct )) ]; then
        echo "FAIL $name: the fast path decoded only ${fast:-0} of ${lin:-0} instructions (want >= $minpct% and >= $minfast)"
        return
    fi
    echo "PASS $name (${out#OK * })"
}

if gcc -c "$here/fast_forms.S" -o "$work/fast_forms.o" 2>"$work/as.log"; then
    # 375 instructions in a linear scan, 278 of them fast-path forms (the tool's linear=, linear_fast=)
    check fastdecode-forms "$work/fast_forms.o" 50 100
else
    echo "FAIL fastdecode-forms: cannot assemble fast_forms.S: $(head -3 "$work/as.log")"
fi
libs="/lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6"
[ "${TS_LONG:-}" = 1 ] && libs="$libs /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1"
for f in $libs; do
    if [ -s "$f" ]; then check "fastdecode-$(basename "$f")" "$f" 70 10000; else echo "SKIP fastdecode-$(basename "$f"): not installed"; fi
done
n=0
for f in "$cache"/builds/sqlite/*/sqlite3.o "$cache"/builds/programs/*/*.so; do
    [ -s "$f" ] || continue
    # x86-64 files only (e_machine 62): the cache also holds the arm64 matrix' builds
    [ "$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')" = 62 ] || continue
    n=$((n + 1))
    ts_quick && [ "$n" -gt 4 ] && break
    check "fastdecode-corpus-$(basename "$(dirname "$f")")-$(basename "$f")" "$f" 70 100
done
[ "$n" -gt 0 ] || echo "SKIP fastdecode-corpus: no corpus cache at $cache"
