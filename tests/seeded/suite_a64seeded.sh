#!/usr/bin/env bash
# Seeded-bug suite for `trustack check` on arm64 (tests/seeded/a64/, conventions in its README.md).
#
# Every tests/seeded/a64/NN_name.S holds a buggy function and its corrected twin (name_ok), with
# the annotations of the x86-64 cases (# EXPECT <stack|fp> <kind> <label>, # RULES), assembled by
# aarch64-linux-gnu-gcc -c with and without -DTWIN_ONLY. For every case the suite
#   * validates the annotations: each label exists, lies inside a buggy (non-_ok) STT_FUNC symbol
#     and on an instruction boundary (a multiple of 4 from a 4-aligned function); each kind is a
#     stable kind, including the arm64 ones (lr-clobbered, ra-sign-mismatch, missing-landing-pad);
#     every _ok twin has its buggy counterpart;            -> PASS a64seeded/<file>/annotations
#   * decodes every word of both objects with our decoder and compares it with llvm-mc's decoding
#     (tests/arch/a64decode_check.c: no decode-error, same control flow, PAC/BTI, registers
#     written, stack effects);                             -> PASS a64seeded/<file>/decode
#   * runs the check itself exactly as suite_seeded.sh does (the shared seeded_lib.sh: expected
#     warning set per mode, exit status, the twin-only object clean) -- once trustack knows the
#     arm64 machine. Until then `trustack check` on an arm64 object exits 2 with "unsupported
#     machine", and the suite prints SKIP a64seeded/<file>: arm64 analysis not wired yet.
#   * tests/seeded/a64/PENDING lists the expected failures (a rule not implemented yet): such a
#     case still runs; a failing mode prints SKIP ...: pending: <reason>, and a case that passes in
#     every mode FAILs ("now passes: remove it from PENDING"). The all-files checks leave them out.
#
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_SEEDED_ONLY=glob, TS_SEEDED_TIMEOUT (s),
#   A64_CC (default aarch64-linux-gnu-gcc). `--selfcheck`: annotations only (no trustack binary
#   needed; the decode check still runs when its tool can be built).
set -u

here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-seeded}
A64_CC=${A64_CC:-aarch64-linux-gnu-gcc}
TIMEOUT=${TS_SEEDED_TIMEOUT:-60}
work=$TS_WORK/a64seeded
cases=$here/a64
LLVM_MC=$(command -v llvm-mc || command -v llvm-mc-14 || true)
MATTR=+v8.5a,+sve,+lse,+mte,+mops

selfcheck=0
[ "${1:-}" = --selfcheck ] && selfcheck=1

if ! command -v "$A64_CC" >/dev/null; then
    echo "SKIP a64seeded: needs $A64_CC (scripts/install-deps.sh)"
    exit 0
fi
if [ "$selfcheck" = 0 ] && [ ! -x "$TRUSTACK" ]; then
    echo "FAIL a64seeded: trustack binary missing"
    exit 1
fi
rm -rf "$work"
mkdir -p "$work" || { echo "FAIL a64seeded: cannot create $work"; exit 1; }

. "$here/seeded_lib.sh"

# The stable kinds: those of x86-64 plus the arm64 ones of issue 14.
SEEDED_KINDS="call-without-frame fp-clobbered fp-scratch return-modified-frame sibling-call-modified-frame
 stack-mismatch falls-through unreachable undefined-stack unsupported-stack-op unsupported-realign
 unresolved-indirect-jump decode-error lr-clobbered ra-sign-mismatch missing-landing-pad"

# --- the decoder check tool (the a64decode suite builds the same one)
bdir=$(dirname "$TRUSTACK")
tool=$bdir/a64decode_check
san=""
case "$bdir" in *san*) san="-fsanitize=address,undefined -fno-sanitize-recover=undefined" ;; esac
if [ -f "$bdir/libtrustack.a" ] && { [ ! -x "$tool" ] || [ "$tool" -ot "$TS_TOP/tests/arch/a64decode_check.c" ] ||
    [ "$tool" -ot "$TS_TOP/tests/arch/mc_oracle.c" ] || [ "$tool" -ot "$bdir/libtrustack.a" ]; }; then
    # (the llvm-mc side, mc_oracle.c, is shared with tests/arch/suite_a64decode.sh's tool)
    cc -std=gnu11 -O1 -g $san -Wall -Wextra -Wno-unused-parameter -I"$TS_TOP/lib" -I"$TS_TOP/include" \
        -o "$tool" "$TS_TOP/tests/arch/a64decode_check.c" "$TS_TOP/tests/arch/mc_oracle.c" "$bdir/libtrustack.a" \
        -lelf 2>"$work/tool.err" || tool=""
fi
[ -x "${tool:-}" ] || tool=""

# seeded_case_extra FILE OBJ TWIN (called by seeded_main): every word of both objects decoded by
# our decoder and by llvm-mc, compared word by word.
seeded_case_extra() {
    local file=$1 name=a64seeded/$1/decode hex=$work/${1%.S}.hex mc=$work/${1%.S}.mc out
    shift
    if [ -z "$LLVM_MC" ] || [ -z "$tool" ]; then
        echo "SKIP $name: needs llvm-mc and the a64decode_check tool (build/libtrustack.a)"
        return
    fi
    if ! "$tool" words "$@" >"$hex" 2>"$work/.why"; then
        fail "$name" "cannot read the objects: $(head -n 1 "$work/.why")"
        return
    fi
    "$LLVM_MC" --disassemble -triple=aarch64 -mattr=$MATTR <"$hex" >"$mc" 2>"$mc.err"
    "$LLVM_MC" --disassemble -triple=aarch64 -mattr=$MATTR -M no-aliases <"$hex" >"$mc.na" 2>/dev/null
    out=$("$tool" check "$mc" "$name" -v -n "$mc.na" "$@" 2>"$work/.why")
    case $out in
    "PASS $name"*) echo "$out"; failures=$failures ;;
    "FAIL $name"*) fail "$name" "${out#"FAIL $name: "} $(head -n 3 "$work/.why" | tr '\n' ' ')" ;;
    *) fail "$name" "the check tool ended without a result: $(head -n 2 "$work/.why" | tr '\n' ' ')" ;;
    esac
}

# --- is the arm64 machine wired into trustack check? Ask it about one arm64 object.
SEEDED_SKIP=""
if [ "$selfcheck" = 0 ]; then
    probe=$work/probe.o
    printf '\t.text\n\t.globl f\n\t.type f, %%function\nf:\n\tret\n\t.size f, .-f\n' >"$work/probe.s"
    if ! "$A64_CC" -c -o "$probe" "$work/probe.s" 2>"$work/probe.err"; then
        echo "FAIL a64seeded: $A64_CC cannot assemble: $(head -n 1 "$work/probe.err")"
        exit 1
    fi
    "$TRUSTACK" check "$probe" >"$work/probe.out" 2>&1
    prc=$?
    if [ "$prc" = 2 ] && grep -qE 'unsupported machine|not supported by the analysis' "$work/probe.out"; then
        SEEDED_SKIP="arm64 analysis not wired yet"
    fi
fi

SEEDED_DIR=$cases SEEDED_TAG=a64seeded SEEDED_CC=$A64_CC SEEDED_INSN_ALIGN=4 SEEDED_PENDING=$cases/PENDING
seeded_main
