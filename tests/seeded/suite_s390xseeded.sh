#!/usr/bin/env bash
# Seeded-bug suite for `trustack check` on s390x (tests/seeded/s390x/, conventions in its README.md).
#
# Every tests/seeded/s390x/NN_name.S holds a buggy function and its corrected twin (name_ok), with
# the annotations of the x86-64 cases (# EXPECT <stack|backchain> <kind> <label>, # RULES),
# assembled by s390x-linux-gnu-gcc -c with and without -DTWIN_ONLY. The modes are `stack` and
# `backchain` (--rules=backchain: an EXPECT backchain line is expected there only). For every case:
#   * the annotations are validated (labels in buggy STT_FUNC symbols, stable kinds, twins);
#   * every instruction of both objects is decoded by our decoder and compared with llvm-mc's
#     decoding (tests/arch/s390xdecode_check.c)          -> PASS s390xseeded/<file>/decode
#   * the check runs as in suite_seeded.sh (the shared seeded_lib.sh): the expected warning set per
#     mode, exit status, the twin-only object clean, all objects in one invocation.
#
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_SEEDED_ONLY=glob, TS_SEEDED_TIMEOUT (s),
#   S390X_CC (default s390x-linux-gnu-gcc). `--selfcheck`: annotations only.
set -u

here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-seeded}
S390X_CC=${S390X_CC:-s390x-linux-gnu-gcc}
TIMEOUT=${TS_SEEDED_TIMEOUT:-60}
work=$TS_WORK/s390xseeded
cases=$here/s390x
LLVM_MC=$(command -v llvm-mc || command -v llvm-mc-14 || true)

selfcheck=0
[ "${1:-}" = --selfcheck ] && selfcheck=1

if ! command -v "$S390X_CC" >/dev/null; then
    echo "SKIP s390xseeded: needs $S390X_CC (scripts/install-deps.sh)"
    exit 0
fi
if [ "$selfcheck" = 0 ] && [ ! -x "$TRUSTACK" ]; then
    echo "FAIL s390xseeded: trustack binary missing"
    exit 1
fi
rm -rf "$work"
mkdir -p "$work" || { echo "FAIL s390xseeded: cannot create $work"; exit 1; }

. "$here/seeded_lib.sh"

SEEDED_KINDS="call-without-frame fp-clobbered fp-scratch return-modified-frame sibling-call-modified-frame
 stack-mismatch falls-through unreachable undefined-stack unsupported-stack-op unsupported-realign
 unresolved-indirect-jump decode-error lr-clobbered ra-sign-mismatch backchain-missing backchain-clobbered"

bdir=$(dirname "$TRUSTACK")
tool=$bdir/s390xdecode_check
san=""
case "$bdir" in *san*) san="-fsanitize=address,undefined -fno-sanitize-recover=undefined" ;; esac
if [ -f "$bdir/libtrustack.a" ] && { [ ! -x "$tool" ] || [ "$tool" -ot "$TS_TOP/tests/arch/s390xdecode_check.c" ] ||
    [ "$tool" -ot "$bdir/libtrustack.a" ]; }; then
    cc -std=gnu11 -O1 -g $san -Wall -Wextra -I"$TS_TOP/lib" -I"$TS_TOP/include" \
        -o "$tool" "$TS_TOP/tests/arch/s390xdecode_check.c" "$bdir/libtrustack.a" -lelf 2>"$work/tool.err" || tool=""
fi
[ -x "${tool:-}" ] || tool=""

seeded_case_extra() {
    local file=$1 name=s390xseeded/$1/decode hex=$work/${1%.S}.hex mc=$work/${1%.S}.mc out
    shift
    if [ -z "$LLVM_MC" ] || [ -z "$tool" ]; then
        echo "SKIP $name: needs llvm-mc and the s390xdecode_check tool (build/libtrustack.a)"
        return
    fi
    if ! "$tool" words "$@" >"$hex" 2>"$work/.why"; then
        fail "$name" "cannot read the objects: $(head -n 1 "$work/.why")"
        return
    fi
    "$LLVM_MC" --disassemble -triple=s390x -mcpu=z15 <"$hex" >"$mc" 2>"$mc.err"
    out=$("$tool" check "$mc" "$name" -v "$@" 2>"$work/.why")
    case $out in
    "PASS $name"*) echo "$out" ;;
    "FAIL $name"*) fail "$name" "${out#"FAIL $name: "} $(head -n 3 "$work/.why" | tr '\n' ' ')" ;;
    *) fail "$name" "the check tool ended without a result: $(head -n 2 "$work/.why" | tr '\n' ' ')" ;;
    esac
}

SEEDED_SKIP=""
SEEDED_DIR=$cases SEEDED_TAG=s390xseeded SEEDED_CC=$S390X_CC SEEDED_INSN_ALIGN=2 SEEDED_PENDING=$cases/PENDING
SEEDED_MODES="stack backchain"
seeded_main
