#!/usr/bin/env bash
# The arm64 unwinder in-process, under QEMU's user mode: unwind_test.c (the x86-64 suite's
# program: glibc's backtrace() as the oracle, SIGPROF points through the signal frame and from
# the ucontext, random stack corruptions, the fast path against the full path) cross-built for
# arm64 against libtrustack cross-built for arm64 (build-a64/, no Zydis), run with
# `qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max,pauth-impdef=on` (PAC enforced). Rules as in
# suite_unwind.sh: a reliable trace must equal the oracle in every validated mode (0
# false-reliable), orc/auto must be reliable on ordinary stacks.
# Variants: gcc and clang, -O0/-O2, frame pointers or not, -mbranch-protection=standard (signed
# return addresses: the walk strips them as xpaclri does), and three run one instruction per
# QEMU block so that signals land anywhere. TS_QUICK: two variants (one of them so), shorter runs.
# Needs: aarch64-linux-gnu-gcc/g++, qemu-aarch64, libelf-dev:arm64 and libdw-dev:arm64
# (scripts/install-deps.sh); a missing one is a SKIP that names it.
# Environment: TS_TOP, TS_WORK, TS_QUICK, TS_SAN (a sanitizer run: skipped, ASan is not run under
# QEMU here), TS_A64_BUILD (where the arm64 library is built; default build-a64/).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
work=${TS_WORK:-$top/build/test-work}/a64self
sysroot=/usr/aarch64-linux-gnu
skip() { echo "SKIP unwind/a64self: $*"; exit 0; }
[ "${TS_SAN:-0}" = 1 ] && skip "sanitizer run (the arm64 library runs under QEMU without ASan)"
for t in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ qemu-aarch64; do
    command -v $t >/dev/null || skip "$t not installed (scripts/install-deps.sh: gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user)"
done
[ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || skip "no arm64 C library at $sysroot (libc6-arm64-cross)"
for l in libelf.so libdw.so; do
    f=$(aarch64-linux-gnu-gcc -print-file-name=$l)
    [ "$f" != "$l" ] && [ -e "$f" ] && continue
    [ -e /usr/lib/aarch64-linux-gnu/$l ] && continue
    skip "no arm64 $l (dpkg --add-architecture arm64; apt-get update; apt-get install libelf-dev:arm64 libdw-dev:arm64)"
done
rm -rf "$work"; mkdir -p "$work"
export TRUSTACK_CACHE_DIR=$work/cache

a64=${TS_A64_BUILD:-$top/build-a64}
if ! make -s -C "$top" CC=aarch64-linux-gnu-gcc B="$a64" "$a64/libtrustack.a" >"$work/make.log" 2>&1; then
    echo "FAIL unwind/a64self-build: the arm64 library: $(grep -m3 -E 'error|Error' "$work/make.log" | tr '\n' ' ')"
    exit 0
fi
lib=$a64/libtrustack.a
libs="-L/usr/lib/aarch64-linux-gnu -lelf -ldw -lpthread"
qemu="qemu-aarch64 -L $sysroot -cpu max,pauth-impdef=on"
# the C library next to the sysroot's ld.so first (Debian's arm64 elfutils may have brought a
# libc6:arm64 of another build into /usr/lib/aarch64-linux-gnu)
export QEMU_SET_ENV=LD_LIBRARY_PATH=$sysroot/lib:/usr/lib/aarch64-linux-gnu
TRUSTACK=${TRUSTACK:-$top/build/trustack}

# Every module's table, built beforehand by the native CLI (the same analysis, the same rows;
# under emulation the analysis of libc, libstdc++ and libdw takes minutes). The modules are those
# the arm64 ld.so lists; the program's own table is built under QEMU by the library under test.
prebuild() {
    local bin=$1 f mods=("${@:2}")
    for f in $($qemu $sysroot/lib/ld-linux-aarch64.so.1 --list "$bin" 2>/dev/null | awk '$3 ~ /^\// { print $3 }'); do
        [ -e "$f" ] || f=$sysroot$f
        mods+=("$f")
    done
    [ ${#mods[@]} -gt 0 ] && [ -x "$TRUSTACK" ] && "$TRUSTACK" cache --cache-dir "$TRUSTACK_CACHE_DIR" "${mods[@]}" >/dev/null 2>&1
}

# cc:opt:frame[:ss] - ss: QEMU runs one instruction per block (-singlestep), so SIGPROF lands
# at every instruction (prologues, epilogues, PLT stubs), not only at block boundaries. Only gcc
# is run so: clang 14's arm64 CFI is exact at calls only (it describes a prologue after the whole
# of it: `mid` at +4 has CFA = sp + 0 after `sub sp, sp, #64`), and there the oracle, libgcc,
# follows it into garbage and faults.
secs=1.0 iters=200
variants="gcc:-O0:fp gcc:-O2:fp gcc:-O2:nofp gcc:-O0:nofp gcc:-O2:pac clang:-O0:fp clang:-O2:fp clang:-O2:nofp
clang:-O2:pac gcc:-O2:pac:ss gcc:-O2:nofp:ss gcc:-O0:nofp:ss"
if ts_quick; then
    variants="gcc:-O2:fp gcc:-O2:pac:ss"
    secs=0.5 iters=100
fi
for v in $variants; do
    IFS=: read -r cc opt fpm ss <<<"$v"
    name=a64-$cc$opt-$fpm${ss:+-ss}
    fpflags="-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"
    [ "$fpm" = nofp ] && fpflags="-fomit-frame-pointer"
    [ "$fpm" = pac ] && fpflags="-fno-omit-frame-pointer -mbranch-protection=standard"
    bin=$work/unwind_test-$name
    xcc=aarch64-linux-gnu-gcc xcxx=aarch64-linux-gnu-g++
    [ "$cc" = clang ] && xcc="clang --target=aarch64-linux-gnu" xcxx="clang++ --target=aarch64-linux-gnu"
    if ! $xcc -std=gnu11 $opt -g $fpflags -Wall -Wextra -Wno-unused-parameter -I"$top/include" \
            -c "$here/unwind_test.c" -o "$bin.o" 2>"$bin.err" ||
       ! $xcc -std=gnu11 $opt -g $fpflags -Wall -Wextra -I"$top/include" \
            -c "$here/unwind_same.c" -o "$bin-same.o" 2>>"$bin.err" ||
       ! $xcxx $opt -g $fpflags -c "$here/unwind_cxx.cc" -o "$bin-cxx.o" 2>>"$bin.err" ||
       ! aarch64-linux-gnu-g++ -o "$bin" "$bin.o" "$bin-same.o" "$bin-cxx.o" "$lib" $libs 2>>"$bin.err"; then
        echo "FAIL unwind/$name: build: $(head -3 "$bin.err" | tr '\n' ' ')"
        continue
    fi
    # one instruction per block makes the analysis at start-up slow too: the program's own
    # table is then also built beforehand
    prebuild "$bin" ${ss:+"$bin"}
    timeout 900 $qemu ${ss:+-singlestep} "$bin" "$name" $secs $iters >"$bin.out" 2>&1
    rc=$?
    cat "$bin.out"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$bin.out"; then
        echo "FAIL unwind/$name: exit status $rc: $(tail -3 "$bin.out" | tr '\n' ' ')"
    fi
done
exit 0
