#!/usr/bin/env bash
# Helper for maintaining objtool-false-alarms.txt: run objtool on copies of the given objects
# and, for every warning not listed yet, print a proposed entry with the evidence from
# "objdump -dr" and a reason when the disassembly shows a known objtool blind spot:
#   - the function (or the path before the warned instruction) ends in a call to a function that
#     never returns (libc/libstdc++/libgcc noreturn functions objtool 6.1 does not know, or a
#     local function that itself ends in such a call): "falls through" / "unexpected end of
#     section" / "stack state mismatch" after it;
#   - a C++ landing pad (calls __cxa_begin_catch or ends in _Unwind_Resume), reached only
#     through .gcc_except_table: "unreachable instruction";
#   - an indirect jmp through a register that no jump-table relocation explains (GNU computed
#     goto): "sibling call ... with modified stack frame";
#   - a stack-clash probe loop (sub $0x1000,%rsp; or $0x0,(%rsp); ...): "stack state mismatch".
# Entries without a recognised pattern get "# TODO" and the disassembly: look before adding.
# Nothing here decides a test result: a human reviews the output and copies lines over.
#
# Usage: propose-false-alarms.sh [--all] OBJ...     (--all: also warnings already listed)
#        propose-false-alarms.sh [--all] --from-suite   (the objects of the last suite run)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OBJTOOL=${OBJTOOL:-/usr/lib/linux-kbuild-6.1/tools/objtool/objtool}
alarms=$here/objtool-false-alarms.txt
all=0
objs=()
while [ $# -gt 0 ]; do
    case $1 in
        --all) all=1 ;;
        --from-suite)
            list=${TS_WORK:-$top/build/test-work}/objtool/objects.txt
            [ -f "$list" ] || { echo "no $list: run tests/objtool/suite_objtool.sh first" >&2; exit 2; }
            while read -r _ p; do objs+=("$p"); done <"$list" ;;
        *) objs+=("$1") ;;
    esac
    shift
done
[ -x "$OBJTOOL" ] || { echo "objtool not found: $OBJTOOL" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for obj in "${objs[@]}"; do
    b=${obj##*/}
    cp "$obj" "$tmp/$b"
    "$OBJTOOL" --stackval --orc "$tmp/$b" >"$tmp/ot" 2>&1
    [ -s "$tmp/ot" ] || continue
    readelf -SW "$obj" | sed -n 's/^ *\[ *\([0-9]*\)\] \([^ ]*\) .*/\1 \2/p' >"$tmp/sec"
    readelf -sW "$obj" | awk 'NR == FNR { sec[$1] = $2; next }
        $4 == "FUNC" && ($7 in sec) { printf "S %s %s %d %s\n", sec[$7], $2, $3, $8 }' "$tmp/sec" - >"$tmp/syms"
    objdump -dr --no-show-raw-insn "$obj" >"$tmp/dis"
    awk -v obj="$b" -v all=$all -f "$here/common.awk" -f "$here/propose.awk" "$tmp/syms" "$tmp/dis" "$tmp/ot" "${alarms:-/dev/null}"
done
