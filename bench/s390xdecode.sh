#!/usr/bin/env bash
# bench/s390xdecode.sh - the s390x decoder candidates on the same instructions (docs/s390x.md),
# one thread:
#   speed: decode-only ns per instruction (CPU time, best of several runs) over Debian's s390x
#          libc.so.6 and libstdc++.so.6: our decoder, Capstone 4.0.2 (with and without operand
#          detail), LLVM 14's C disassembler (text only, -mcpu z15)
#   agree: the instructions each rejects that llvm-mc (-mcpu=z15) decodes, by mnemonic, over libc
#          and over the corpus tests/arch/suite_s390xdecode.sh builds (run that suite first)
# Capstone (libcapstone-dev) and LLVM (llvm-14-dev) are optional: a candidate whose headers are
# missing is left out. Neither is a dependency of trustack.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/s390xbench
mkdir -p "$out"
lib=/usr/s390x-linux-gnu/lib
[ -f "$lib/libc.so.6" ] || { echo "needs $lib/libc.so.6 (libc6-s390x-cross)" >&2; exit 2; }
make -s -C "$top" build/libtrustack.a

defs="" libs=""
if [ -f /usr/include/capstone/capstone.h ]; then defs="$defs -DHAVE_CAPSTONE"; libs="$libs -lcapstone"; fi
llvmdir=$(llvm-config-14 --prefix 2>/dev/null || llvm-config --prefix 2>/dev/null || true)
if [ -n "$llvmdir" ] && [ -f "$llvmdir/include/llvm-c/Disassembler.h" ]; then
    defs="$defs -DHAVE_LLVM -I$llvmdir/include"
    libs="$libs -L$llvmdir/lib -lLLVM-$("$llvmdir/bin/llvm-config" --version | cut -d. -f1) -Wl,-rpath,$llvmdir/lib"
fi
cc -std=gnu11 -O2 -Wall -Wextra -I"$top/lib" -I"$top/include" $defs -o "$out/s390xdecode_bench" "$top/bench/s390xdecode_bench.c" "$top/tests/arch/mc_oracle.c" \
    "$top/build/libtrustack.a" -lelf $libs
tool=$top/build/s390xdecode_check
[ -x "$tool" ] || cc -std=gnu11 -O1 -I"$top/lib" -I"$top/include" -o "$tool" "$top/tests/arch/s390xdecode_check.c" "$top/tests/arch/mc_oracle.c" \
    "$top/build/libtrustack.a" -lelf

echo "== decode only, one thread, CPU time: ns per instruction (best of 5; llvm best of 3)"
for l in libc.so.6 libstdc++.so.6; do
    [ -f "$lib/$l" ] || continue
    echo "-- $l"
    "$out/s390xdecode_bench" speed "$lib/$l"
done

agree() { # NAME FILES...
    local name=$1; shift
    "$tool" words "$@" >"$out/$name.hex"
    llvm-mc --disassemble -triple=s390x -mcpu=z15 <"$out/$name.hex" >"$out/$name.mc" 2>"$out/$name.mc.err" || true
    echo "-- $name"
    "$out/s390xdecode_bench" agree "$out/$name.mc" "$@"
}
echo
echo "== instructions llvm-mc -mcpu=z15 decodes that a candidate rejects"
agree libc "$lib/libc.so.6"
corpus=$(ls "$top"/build/s390xdecode-cache/obj-*.o "$top"/build/s390xdecode-cache/obj-*.exe 2>/dev/null || true)
if [ -n "$corpus" ]; then
    # shellcheck disable=SC2086
    agree corpus $corpus
else
    echo "-- corpus: run tests/arch/suite_s390xdecode.sh first"
fi
