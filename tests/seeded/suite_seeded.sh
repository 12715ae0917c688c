#!/usr/bin/env bash
# Seeded-bug suite for `trustack check`.
#
# Every tests/seeded/NN_name.S holds a buggy function and its corrected twin (name_ok), plus
# annotations (see README.md in this directory):
#     # EXPECT <stack|fp> <kind> <label>   a warning of <kind> at <label> (a non-local label placed
#                                          on the offending instruction)
#     # RULES <stack|fp>...                 modes to run (default: stack fp)
# For each file and mode the suite assembles the file, turns every label into FUNC+0xOFF from the
# symbol table, runs `trustack check --rules=MODE` and requires the reported (function, offset, kind)
# set to equal the expected set exactly (stack mode: the `stack` lines; fp mode: `stack` + `fp`
# lines), exit status 1 (0 when nothing is expected), and the twin-only object (assembled with
# -DTWIN_ONLY, which drops the buggy function) to be clean with exit status 0.
#
# Output: one line per case and mode, "PASS seeded/<file>/<mode>" or "FAIL seeded/<file>/<mode>: why".
#
# Environment: TRUSTACK (default $TS_TOP/build/trustack), TS_TOP, TS_WORK (default /tmp/ts-seeded),
#   CC (default gcc), TS_SEEDED_ONLY=glob (only files whose name matches), TS_SEEDED_TIMEOUT (s).
# `suite_seeded.sh --selfcheck` only assembles the cases and validates the annotations (no binary
# needed); with TS_VERBOSE=1 it also prints the expected warnings.
set -u

here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-seeded}
CC=${CC:-gcc}
TIMEOUT=${TS_SEEDED_TIMEOUT:-60}
work=$TS_WORK/seeded

SEEDED_KINDS="call-without-frame fp-clobbered fp-scratch return-modified-frame sibling-call-modified-frame
 stack-mismatch falls-through unreachable undefined-stack unsupported-stack-op unsupported-realign
 unresolved-indirect-jump decode-error lr-clobbered"

selfcheck=0
[ "${1:-}" = --selfcheck ] && selfcheck=1

if [ "$selfcheck" = 0 ] && [ ! -x "$TRUSTACK" ]; then
    echo "FAIL seeded: trustack binary missing"
    exit 1
fi

mkdir -p "$work" || { echo "FAIL seeded: cannot create $work"; exit 1; }

. "$here/seeded_lib.sh"
SEEDED_DIR=$here SEEDED_TAG=seeded SEEDED_CC=$CC SEEDED_INSN_ALIGN="" SEEDED_SKIP=""
seeded_main
