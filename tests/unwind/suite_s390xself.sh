#!/usr/bin/env bash
# The s390x unwinder in-process, under QEMU's user mode: unwind_test.c (the x86-64 suite's
# program: glibc's backtrace() as the oracle, SIGPROF points through the signal frame and from
# the ucontext, random stack corruptions, the fast path against the full path) cross-built for
# s390x against libtrustack cross-built for s390x (build-s390x/, no Zydis), run with
# `qemu-s390x -L /usr/s390x-linux-gnu`. Rules as in suite_unwind.sh: a reliable trace must equal
# the oracle in every validated mode (0 false-reliable: backchain-validated, orc, sframe, auto),
# orc/auto must be reliable on ordinary stacks; the plain back chain (mode fp, "backchain") is
# the baseline whose false-reliable traces are only counted (INFO lines).
# Variants: gcc and clang, -O0/-O2, -mbackchain or not, and two run one instruction per QEMU
# block so that signals land anywhere (prologues, epilogues, leaves). TS_QUICK: two variants,
# shorter runs.
# Every module's table is built beforehand by the native CLI (`trustack cache`: the same
# analysis, the same rows) and the program runs with TS_UNWIND_NO_ANALYSIS: every table must
# come from the cache, which on this big-endian machine means the little-endian sidecars read
# into host order (lib/unwind/utable.c); under emulation the analysis of libc, libstdc++ and
# elfutils would take minutes at every start-up.
# Needs: s390x-linux-gnu-gcc/g++, qemu-s390x, libelf-dev:s390x and libdw-dev:s390x
# (scripts/install-deps.sh); a missing one is a SKIP that names it.
# Environment: TS_TOP, TS_WORK, TS_QUICK, TS_SAN (a sanitizer run: skipped, ASan is not run under
# QEMU here), TS_S390X_BUILD (where the s390x library is built; default build-s390x/).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
work=${TS_WORK:-$top/build/test-work}/s390xself
sysroot=/usr/s390x-linux-gnu
skip() { echo "SKIP unwind/s390xself: $*"; exit 0; }
[ "${TS_SAN:-0}" = 1 ] && skip "sanitizer run (the s390x library runs under QEMU without ASan)"
for t in s390x-linux-gnu-gcc s390x-linux-gnu-g++ qemu-s390x; do
    command -v $t >/dev/null || skip "$t not installed (scripts/install-deps.sh: gcc-s390x-linux-gnu g++-s390x-linux-gnu qemu-user)"
done
[ -e "$sysroot/lib/ld64.so.1" ] || skip "no s390x C library at $sysroot (libc6-s390x-cross)"
# Debian 12's s390x elfutils cannot be installed beside the amd64 ones (bookworm-security no
# longer carries s390x, so its zlib1g:s390x lags amd64's and Multi-Arch: same refuses the pair):
# scripts/install-deps.sh unpacks the s390x libraries into $s390libs instead (headers: the
# native ones, the same elfutils)
s390libs=${TS_S390X_LIBS:-/opt/trustack-s390x}
for l in usr/lib/s390x-linux-gnu/libelf.so.1 usr/lib/s390x-linux-gnu/libdw.so.1 lib/s390x-linux-gnu/libz.so.1; do
    [ -e "$s390libs/$l" ] && continue
    skip "no s390x $l under $s390libs (scripts/install-deps.sh unpacks Debian's libelf1:s390x, libdw1:s390x and their libraries there)"
done
rm -rf "$work"; mkdir -p "$work"
export TRUSTACK_CACHE_DIR=$work/cache

s390=${TS_S390X_BUILD:-$top/build-s390x}
if ! make -s -C "$top" CC=s390x-linux-gnu-gcc B="$s390" "$s390/libtrustack.a" >"$work/make.log" 2>&1; then
    echo "FAIL unwind/s390xself-build: the s390x library: $(grep -m3 -E 'error|Error' "$work/make.log" | tr '\n' ' ')"
    exit 0
fi
lib=$s390/libtrustack.a
libdirs="$s390libs/usr/lib/s390x-linux-gnu:$s390libs/lib/s390x-linux-gnu"
libs="-L$s390libs/usr/lib/s390x-linux-gnu -Wl,-rpath-link,$libdirs -l:libelf.so.1 -l:libdw.so.1 -lpthread"
qemu="qemu-s390x -L $sysroot"
# TS_UNWIND_MUST_ALL: orc/auto reliable at every signal sample (in a prologue between `stmg`
# and the frame's allocation the caller's sp is this frame's: sp-not-rising there before)
export QEMU_SET_ENV=LD_LIBRARY_PATH=$sysroot/lib:$libdirs,TS_UNWIND_NO_ANALYSIS=1,TS_UNWIND_MUST_ALL=1
TRUSTACK=${TRUSTACK:-$top/build/trustack}
[ -x "$TRUSTACK" ] || skip "no native trustack at $TRUSTACK (make) to build the tables beforehand"

# the tables of the program and of every module the s390x ld.so lists for it
prebuild() {
    local bin=$1 f mods=("$1")
    for f in $($qemu $sysroot/lib/ld64.so.1 --list "$bin" 2>/dev/null | awk '$3 ~ /^\// { print $3 }'); do
        [ -e "$f" ] || f=$sysroot$f
        mods+=("$f")
    done
    "$TRUSTACK" cache --cache-dir "$TRUSTACK_CACHE_DIR" "${mods[@]}" >"$bin.cache.log" 2>&1
}

# cc:opt:bc[:ss] - bc: -mbackchain (the program's own code; Debian's libraries are built
# without it), nobc: without; ss: QEMU runs one instruction per block (-singlestep), so SIGPROF
# lands at every instruction, not only at block boundaries
secs=1.0 iters=200
variants="gcc:-O0:bc gcc:-O2:bc gcc:-O2:nobc gcc:-O0:nobc clang:-O0:bc clang:-O2:bc clang:-O2:nobc
gcc:-O2:bc:ss gcc:-O0:nobc:ss"
if ts_quick; then
    variants="gcc:-O2:bc gcc:-O2:bc:ss"
    secs=0.5 iters=100
fi
for v in $variants; do
    IFS=: read -r cc opt bcm ss <<<"$v"
    name=s390x-$cc$opt-$bcm${ss:+-ss}
    bcflags="-mbackchain"
    [ "$bcm" = nobc ] && bcflags="-mno-backchain"
    bin=$work/unwind_test-$name
    xcc=s390x-linux-gnu-gcc xcxx=s390x-linux-gnu-g++
    # clang 14 emits no .eh_frame for s390x C code unless asked: the oracle (libgcc) needs it
    [ "$cc" = clang ] && xcc="clang --target=s390x-linux-gnu" xcxx="clang++ --target=s390x-linux-gnu" &&
        bcflags="$bcflags -fasynchronous-unwind-tables"
    if ! $xcc -std=gnu11 $opt -g $bcflags -Wall -Wextra -Wno-unused-parameter -I"$top/include" \
            -c "$here/unwind_test.c" -o "$bin.o" 2>"$bin.err" ||
       ! $xcc -std=gnu11 $opt -g $bcflags -Wall -Wextra -I"$top/include" \
            -c "$here/unwind_same.c" -o "$bin-same.o" 2>>"$bin.err" ||
       ! $xcxx $opt -g $bcflags -c "$here/unwind_cxx.cc" -o "$bin-cxx.o" 2>>"$bin.err" ||
       ! s390x-linux-gnu-g++ -o "$bin" "$bin.o" "$bin-same.o" "$bin-cxx.o" "$lib" $libs 2>>"$bin.err"; then
        echo "FAIL unwind/$name: build: $(head -3 "$bin.err" | tr '\n' ' ')"
        continue
    fi
    if ! prebuild "$bin"; then
        echo "FAIL unwind/$name: trustack cache: $(tail -3 "$bin.cache.log" | tr '\n' ' ')"
        continue
    fi
    timeout 1800 $qemu ${ss:+-singlestep} "$bin" "$name" $secs $iters >"$bin.out" 2>&1
    rc=$?
    cat "$bin.out"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$bin.out"; then
        echo "FAIL unwind/$name: exit status $rc: $(tail -3 "$bin.out" | tr '\n' ' ')"
    fi
done
exit 0
