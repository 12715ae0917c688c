#!/usr/bin/env bash
# a64decode suite: our AArch64 decoder (lib/arch/aarch64/decode.c) against llvm-mc's decoding of
# every instruction word of the arm64 corpus, an oracle we did not write (tests/arch/a64decode_check.c
# says what is compared). The corpus: the corpus programs and tests/arch/a64_features.c built by
# gcc 12 and clang 14 for aarch64 in a matrix of options (objects, plus C and C++ executables),
# and Debian's arm64 libc.so.6 and libstdc++.so.6. One PASS/FAIL line per build variant or library,
# with counts; `decode-error` (our decoder rejecting a word llvm-mc decodes) must never occur.
#
# llvm-mc runs once per variant over all its words; its output is cached under
# build/a64decode-cache/ by the words' hash, the objects by their source and options.
# TS_QUICK=1: three of the eight build variants and two of the five relocation variants.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
bdir=$(dirname "$TRUSTACK")
cache=$top/build/a64decode-cache
work=${TS_WORK:-$top/build/test-work}/a64decode
rm -rf "$work"; mkdir -p "$work" "$cache"
# +mte: glibc's memory-tagging string functions (irg, gmi, stg, st2g, ldg) are in libc.so.6;
# +mops: its FEAT_MOPS string functions (cpyfp, setp..) are in Debian's arm64 libc.a
MATTR=+v8.5a,+sve,+lse,+mte,+mops
LLVM_MC=$(command -v llvm-mc || command -v llvm-mc-14 || true)
GCC=aarch64-linux-gnu-gcc
GXX=aarch64-linux-gnu-g++
ARMLIB=/usr/aarch64-linux-gnu/lib

if [ -z "$LLVM_MC" ] || ! command -v $GCC >/dev/null || ! command -v clang >/dev/null; then
    echo "SKIP a64decode: needs llvm-mc, $GCC and clang (scripts/install-deps.sh)"
    exit 0
fi

SUITE=a64decode MC_ARGS="-triple=aarch64 -mattr=$MATTR" MC_NO_ALIASES=1 MC_WHY_ALWAYS=1
. "$here/mc_oracle.sh"
mc_build_tool a64decode_check || exit 0
san=$mc_san

srcs_c="$top/tests/corpus/programs/bits.c $top/tests/corpus/programs/dispatch.c \
$top/tests/corpus/programs/frames.c $top/tests/corpus/programs/noreturn.c \
$top/tests/corpus/programs/recurse.c $here/a64_features.c"
src_cc=$top/tests/corpus/programs/exceptions.cc
variants=(
    "O0|-O0"
    "O2-bp-standard|-O2 -mbranch-protection=standard"
    "O2-pac-ret-leaf-fp|-O2 -mbranch-protection=pac-ret+leaf -fno-omit-frame-pointer"
    "O3-sve-bp|-O3 -march=armv8.5-a+sve -mbranch-protection=standard"
    "O2-lse|-O2 -march=armv8.1-a"
    "O2-outline-atomics|-O2 -moutline-atomics"
    "Os-nofp-stack-clash|-Os -fomit-frame-pointer -fstack-clash-protection"
    "O1-pic-fp|-O1 -fPIC -fno-omit-frame-pointer"
)
if ts_quick; then # a cold cache builds every variant: the quick run takes three
    variants=("${variants[1]}" "${variants[3]}" "${variants[4]}")
fi
for comp in gcc clang; do
    if [ $comp = gcc ]; then cc=$GCC; cxx=$GXX; else cc="clang --target=aarch64-linux-gnu"; cxx="clang++ --target=aarch64-linux-gnu"; fi
    for v in "${variants[@]}"; do
        name=${v%%|*} flags=${v#*|} files=() ok=1
        for s in $srcs_c; do
            f=$(compile "$cc" "$flags" o "$s") && files+=("$f") || ok=0
        done
        f=$(compile "$cxx" "$flags" o "$src_cc") && files+=("$f") || ok=0
        # linked files: PIE executables of a C and the C++ program (PLT, crt code, .init/.fini)
        f=$(compile "$cc" "$flags" exe "$top/tests/corpus/programs/frames.c") && files+=("$f") || ok=0
        f=$(compile "$cxx" "$flags" exe "$src_cc") && files+=("$f") || ok=0
        if [ $ok = 0 ]; then
            echo "FAIL a64decode/$comp-$name: the corpus does not build: $(tail -2 "$work/compile.err")"
            continue
        fi
        check "$comp-$name" "${files[@]}"
    done
done

# Words compilers rarely or never emit: 400000 random words (fixed seed: every encoding group,
# including invalid words) and exhaustive sweeps of the hint space (PAC and BTI hints), of the
# data-processing 1-source PAC forms, of the branch-register space (ret/br/blr and their
# authenticating forms) over a few registers, and of the FEAT_MOPS space (every copy and set
# class and variant, every size, registers equal and 31).
sweep=$work/sweep.bin
python3 - "$sweep" <<'PY'
import random, struct, sys
r = random.Random(14)
words = [r.getrandbits(32) for _ in range(400000)]
words += [0xd503201f | imm << 5 for imm in range(128)]
words += [0xdac10000 | low for low in range(1 << 16)]
words += [0xd61f0000 | opc << 21 | op3 << 10 | rn << 5 | op4
          for opc in range(16) for op3 in range(64) for rn in (0, 16, 30, 31) for op4 in (0, 17, 30, 31)]
# FEAT_MOPS (cpyfp.., cpyp.., setp.., setgp..): every class and variant, sizes, register clashes
words += [sz << 30 | 0x19000400 | o0 << 26 | op1 << 22 | rs << 16 | op2 << 12 | rn << 5 | rd
          for sz in range(4) for o0 in range(2) for op1 in range(4) for op2 in range(16)
          for rs in (0, 1, 3, 30, 31) for rn in (0, 2, 3, 31) for rd in (0, 3, 30, 31)]
open(sys.argv[1], 'wb').write(struct.pack('<%dI' % len(words), *words))
PY
printf '\t.text\n\t.incbin "%s"\n' "$sweep" >"$work/sweep.s"
if aarch64-linux-gnu-as "$work/sweep.s" -o "$work/sweep.o" 2>"$work/sweep.err"; then
    check sweep "$work/sweep.o"
else
    echo "FAIL a64decode/sweep: cannot assemble: $(head -2 "$work/sweep.err")"
fi

# Relocations: ts_arch_aarch64.apply_reloc against GNU ld. Each object linked alone and
# statically; the input sections' addresses from ld's map; every relocation applied by us must
# give ld's bytes (tests/arch/a64reloc_check.c).
rtool=$bdir/a64reloc_check
if [ ! -x "$rtool" ] || [ "$rtool" -ot "$here/a64reloc_check.c" ] || [ "$rtool" -ot "$bdir/libtrustack.a" ]; then
    cc -std=gnu11 -O1 -g $san -Wall -Wextra -I"$top/lib" -I"$top/include" -o "$rtool" \
        "$here/a64reloc_check.c" "$bdir/libtrustack.a" -lelf 2>"$work/rtool.err" || rtool=""
fi
rvariants=(
    "fno-pic-sections|-O2 -fno-pic -ffunction-sections -fdata-sections"
    "pic|-O2 -fPIC -mbranch-protection=standard"
    "large|-O2 -mcmodel=large -fno-pic"
    "tiny|-O2 -mcmodel=tiny -fno-pic"
    "tiny-pic|-O1 -mcmodel=tiny -fPIC"
)
ts_quick && rvariants=("${rvariants[1]}" "${rvariants[4]}")
for comp in gcc clang; do
    if [ $comp = gcc ]; then cc=$GCC; cxx=$GXX; else cc="clang --target=aarch64-linux-gnu"; cxx="clang++ --target=aarch64-linux-gnu"; fi
    for v in "${rvariants[@]}"; do
        name=$comp-${v%%|*} flags=${v#*|} args=() ok=1
        [ -n "$rtool" ] || { echo "FAIL a64decode/reloc-$name: the check tool does not build"; continue; }
        for s in $srcs_c $src_cc $here/a64_relocs.S; do
            case "$s" in *.cc) c=$cxx ;; *) c=$cc ;; esac
            o=$(compile "$c" "$flags" o "$s") || { ok=0; continue; }
            # linked alone, statically, text near 0: undefined symbols (0) stay in reach of
            # the tiny model's adr (1 MB); cached beside the object
            if [ ! -s "$o.secs" ]; then
                aarch64-linux-gnu-ld --unresolved-symbols=ignore-all -e 0 -Ttext=0x10000 -Map="$o.map" \
                    -o "$o.linked" "$o" 2>>"$work/rlink.err" || { ok=0; continue; }
                # input sections of the object and their addresses (a long name: on the next line)
                awk -v obj="$o" '
                    /^ \.[^ ]+$/ { pending = $1; next }
                    /^ \./ && $NF == obj && $2 ~ /^0x/ { print $1, $2; pending = ""; next }
                    pending != "" && $1 ~ /^0x/ && $NF == obj { print pending, $1 }
                    { pending = "" }' "$o.map" >"$o.secs.tmp" && mv "$o.secs.tmp" "$o.secs"
            fi
            args+=("$o" "$o.linked" "$o.secs")
        done
        if [ $ok = 0 ]; then
            echo "FAIL a64decode/reloc-$name: does not build or link: $(cat "$work/compile.err" "$work/rlink.err" 2>/dev/null | tail -n 2 | tr '\n' ' ')"
            continue
        fi
        run_case "reloc-$name" "$rtool" "a64decode/reloc-$name" -v "${args[@]}"
    done
done

# The model is well formed for any word: one word in 4099 of the whole 32-bit space
# (tests/arch/a64decode_space.c; the whole space once is in docs/arm64.md).
stool=$bdir/a64decode_space
if [ ! -x "$stool" ] || [ "$stool" -ot "$here/a64decode_space.c" ] || [ "$stool" -ot "$bdir/libtrustack.a" ]; then
    cc -std=gnu11 -O1 -g $san -Wall -Wextra -I"$top/lib" -I"$top/include" -o "$stool" \
        "$here/a64decode_space.c" "$bdir/libtrustack.a" 2>"$work/stool.err" || stool=""
fi
if [ -n "$stool" ]; then
    run_case space "$stool" 4099
else
    echo "FAIL a64decode/space: the check tool does not build: $(head -n 2 "$work/stool.err")"
fi

# glibc's FEAT_MOPS string functions, in the libc.a of Debian's arm64 libc6-dev (multiarch; the
# cross toolchain's libc.a of 2.36-8cross1 predates them): when installed, their objects too
mops_a=/usr/lib/aarch64-linux-gnu/libc.a
if [ -f "$mops_a" ] && mkdir -p "$work/mops" && (cd "$work/mops" && ar x "$mops_a" memcpy_mops.o memmove_mops.o memset_mops.o 2>/dev/null); then
    check debian-libc.a-mops "$work"/mops/*.o
else
    echo "SKIP a64decode/debian-libc.a-mops: no FEAT_MOPS objects in $mops_a (libc6-dev:arm64)"
fi

for lib in libc.so.6 libstdc++.so.6; do
    if [ -f "$ARMLIB/$lib" ]; then
        check "debian-$lib" "$ARMLIB/$lib"
    else
        echo "SKIP a64decode/debian-$lib: $ARMLIB/$lib not installed (libc6-arm64-cross, libstdc++6-arm64-cross)"
    fi
done
exit 0
