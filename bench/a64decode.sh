#!/usr/bin/env bash
# bench/a64decode.sh - the arm64 decoder candidates on the same words (docs/arm64.md), one thread:
#   speed: decode-only ns per instruction (CPU time, best of several runs) over Debian's arm64
#          libc.so.6 and libstdc++.so.6: our decoder, Capstone 4.0.2 (with and without operand
#          detail), LLVM 14's C disassembler (text only)
#   agree: validity and mnemonic of Capstone and of LLVM's C API against llvm-mc, over libc and
#          over the arm64 corpus of tests/arch/suite_a64decode.sh (run that suite first to build
#          it); our decoder's agreement is what that suite checks (0 disagreements)
# Capstone (libcapstone-dev) and LLVM (llvm-14-dev) are optional: a candidate whose headers are
# missing is left out. Neither is a dependency of trustack.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/a64bench
mkdir -p "$out"
armlib=/usr/aarch64-linux-gnu/lib
[ -f "$armlib/libc.so.6" ] || { echo "needs $armlib/libc.so.6 (libc6-arm64-cross)" >&2; exit 2; }
make -s -C "$top" build/libtrustack.a

defs="" libs=""
if [ -f /usr/include/capstone/capstone.h ]; then defs="$defs -DHAVE_CAPSTONE"; libs="$libs -lcapstone"; fi
llvmdir=$(llvm-config-14 --prefix 2>/dev/null || llvm-config --prefix 2>/dev/null || true)
if [ -n "$llvmdir" ] && [ -f "$llvmdir/include/llvm-c/Disassembler.h" ]; then
    defs="$defs -DHAVE_LLVM -I$llvmdir/include"
    libs="$libs -L$llvmdir/lib -lLLVM-$("$llvmdir/bin/llvm-config" --version | cut -d. -f1) -Wl,-rpath,$llvmdir/lib"
fi
cc -std=gnu11 -O2 -Wall -Wextra -I"$top/lib" $defs -o "$out/a64decode_bench" "$top/bench/a64decode_bench.c" "$top/tests/arch/mc_oracle.c" \
    "$top/build/libtrustack.a" -lelf $libs

echo "== decode only, one thread, CPU time: ns per instruction (best of 5; llvm best of 3)"
for lib in libc.so.6 libstdc++.so.6; do
    [ -f "$armlib/$lib" ] || continue
    echo "-- $lib"
    "$out/a64decode_bench" speed "$armlib/$lib"
done

MATTR=+v8.5a,+sve,+lse,+mte
agree() { # NAME FILES...
    local name=$1; shift
    "$top/build/a64decode_check" words "$@" >"$out/$name.hex" 2>/dev/null ||
        cc -std=gnu11 -O1 -I"$top/lib" -o "$top/build/a64decode_check" "$top/tests/arch/a64decode_check.c" "$top/tests/arch/mc_oracle.c" \
            "$top/build/libtrustack.a" -lelf && "$top/build/a64decode_check" words "$@" >"$out/$name.hex"
    llvm-mc --disassemble -show-encoding -triple=aarch64 -mattr=$MATTR <"$out/$name.hex" >"$out/$name.mc" 2>/dev/null
    echo "-- $name"
    "$out/a64decode_bench" agree "$out/$name.mc" "$@"
}
echo
echo "== agreement with llvm-mc -mattr=$MATTR (mnemonic differences include harmless aliases)"
agree libc "$armlib/libc.so.6"
corpus=$(ls "$top"/build/a64decode-cache/obj-*.o "$top"/build/a64decode-cache/obj-*.exe 2>/dev/null || true)
if [ -n "$corpus" ]; then
    # shellcheck disable=SC2086
    agree corpus $corpus
else
    echo "-- corpus: run tests/arch/suite_a64decode.sh first"
fi
