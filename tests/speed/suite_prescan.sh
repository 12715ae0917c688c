#!/usr/bin/env bash
# Pre-scan shortcuts suite: the cheap paths of lib/arch (ts_arch.length, .address_candidates),
# which the whole-file and callee pre-scans take instead of a full decode, promise what those
# scans rely on. The oracle is the full decoder (Zydis, through x86_decode), run at EVERY byte
# offset of the executable sections, so every possible instruction boundary is covered
# (tests/speed/prescan_check.c):
#  - the length-only decode gives Zydis' length, and flags every branch and every lea;
#  - every absolute address a lea computes is found by the byte scan;
#  - inputs: tests/speed/lea_forms.S (every absolute/rip-relative lea encoding and near misses),
#    libc, libstdc++ and objects of the test corpus cache when present.
# That the shortcuts leave every output unchanged is bench/same-results.sh's job.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_SAN, TS_CACHE (see tests/run.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/prescan
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
command -v gcc >/dev/null || { echo "SKIP prescan: gcc not installed"; exit 0; }
lib=$(dirname "$TRUSTACK")/libtrustack.a
[ -f "$lib" ] || { echo "FAIL prescan: no $lib beside the binary under test"; exit 1; }
rm -rf "$work"; mkdir -p "$work"

tool=$work/prescan_check
if ! cc -std=gnu11 -O1 -g -I"$top/include" -I"$top/lib" "$here/prescan_check.c" "$lib" -lelf -ldw -lZydis -lpthread \
        $( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined ) -o "$tool" 2>"$work/tool.log"; then
    echo "FAIL prescan-tool: cannot build tests/speed/prescan_check.c: $(head -3 "$work/tool.log")"; exit 1
fi

check() {   # check NAME FILE [MIN_ABS]: every offset agrees, and at least MIN_ABS absolute leas were seen
    local name=$1 file=$2 min=${3:-0} out rc
    out=$("$tool" "$file" 2>&1); rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: $(head -3 <<<"$out" | paste -sd';' -)"
        return
    fi
    local abs
    abs=$(sed -n 's/.* abs=\([0-9]*\).*/\1/p' <<<"$out")
    if [ "${abs:-0}" -lt "$min" ]; then
        echo "FAIL $name: only ${abs:-0} absolute leas decoded, expected at least $min ($out)"
        return
    fi
    echo "PASS $name (${out#OK * })"
}

if gcc -c "$here/lea_forms.S" -o "$work/lea_forms.o" 2>"$work/as.log"; then
    # 11 absolute leas at the aligned offsets and inside them (objdump -d lea_forms.o): the test
    # must see them, or it checks nothing
    check prescan-lea-forms "$work/lea_forms.o" 11
else
    echo "FAIL prescan-lea-forms: cannot assemble lea_forms.S: $(head -3 "$work/as.log")"
fi
for f in /lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6; do
    if [ -s "$f" ]; then check "prescan-$(basename "$f")" "$f" 1000; else echo "SKIP prescan-$(basename "$f"): not installed"; fi
done
n=0
for f in "$cache"/builds/sqlite/*/sqlite3.o "$cache"/builds/programs/*/*.so; do
    [ -s "$f" ] || continue
    # x86-64 files only (e_machine 62): the cache also holds the arm64 matrix' builds
    [ "$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')" = 62 ] || continue
    n=$((n + 1))
    ts_quick && [ "$n" -gt 4 ] && break
    check "prescan-corpus-$(basename "$(dirname "$f")")-$(basename "$f")" "$f"
done
[ "$n" -gt 0 ] || echo "SKIP prescan-corpus: no corpus cache at $cache"
