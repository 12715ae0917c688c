#!/usr/bin/env bash
# Growth suite: the analysis' arrays grow while a function is walked (issue 12, item 1).
#
# In a stripped shared library a function's code known only from its FDE is taken into the unit
# that jumps into its middle, which decodes it and grows every per-instruction array in the middle
# of a step. A pointer into those arrays kept across that step was a use-after-free: silent heap
# corruption in the release build, an abort under ASan (run this suite with the build-san binary:
# that is what catches a regression). Each case is a library whose function g reaches a label in
# the middle of a function h of some 3,000 instructions (more than the arrays' first capacity):
#   call  `call inner` (the issue's reproducer): the call's memo was written into the freed array.
#         The call is taken as an intra-function call into h's code (what the analysis does with
#         code entered in its middle), which reports h's return: only a clean exit (0 or 1), no
#         sanitizer report and the same output twice are required.
#   jump  `jmp inner` with g's frame intact: h's code is taken into g's unit; nothing to report.
#   jcc   `je inner` then a call and a return: both paths are g's; nothing to report.
# Every file-reading command that analyses the library must exit cleanly, and for jump and jcc
# stay quiet.
#
# Output: "PASS growth/<case>/<command>" or "FAIL ...: why". Environment: TRUSTACK, TS_WORK, CC.
set -u
here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-growth}
CC=${CC:-gcc}
work=$TS_WORK/growth
mkdir -p "$work" || { echo "FAIL growth: cannot create $work"; exit 1; }
[ -x "$TRUSTACK" ] || { echo "FAIL growth: trustack binary missing"; exit 1; }

# make_lib CASE BODY...: g's body lines; h is 3,000 `mov %rdi,%rax` and then `inner: ret`.
make_lib() {
    local name=$1; shift
    {
        printf '\t.text\n\t.globl g\n\t.type g,@function\ng:\n\t.cfi_startproc\n'
        printf '\t%s\n' "$@"
        printf '\t.cfi_endproc\n\t.size g,.-g\n'
        # h is local: once stripped it is known only from its FDE
        printf '\t.type h,@function\nh:\n\t.cfi_startproc\n'
        for ((k = 0; k < 3000; k++)); do printf '\tmov %%rdi,%%rax\n'; done
        printf 'inner:\n\tret\n\t.cfi_endproc\n\t.size h,.-h\n'
        printf '\t.section .note.GNU-stack,"",@progbits\n'
    } >"$work/$name.s"
    "$CC" -shared -nostdlib "$work/$name.s" -o "$work/$name.so" 2>"$work/$name.err" &&
        strip "$work/$name.so" 2>>"$work/$name.err"
}

# expect_clean NAME RC OUTFILE ERRFILE (the call case: exit 0 or 1, warnings allowed)
expect_clean() {
    local name=$1 rc=$2 out=$3 err=$4 worst=0
    case $name in growth/call/*) worst=1 ;; esac
    if [ "$rc" -gt "$worst" ] || grep -q -E 'Sanitizer|runtime error' "$err"; then
        echo "FAIL $name: exit $rc: $(grep -m1 -E 'ERROR|warning|error' "$out" "$err" | cut -c1-200)"
    elif [[ $name != growth/call/* ]] && grep -q 'warning: trustack' "$out" "$err"; then
        echo "FAIL $name: $(grep -m1 'warning: trustack' "$out" "$err" | cut -c1-200)"
    else
        echo "PASS $name"
    fi
}

run_case() {
    local c=$1 lib=$work/$1.so o=$work/$1.out e=$work/$1.err2 rc
    "$TRUSTACK" check -j 1 "$lib" >"$o" 2>"$e"; rc=$?
    expect_clean "growth/$c/check" "$rc" "$o" "$e"
    "$TRUSTACK" check -j 1 "$lib" >"$o.again" 2>&1
    if cat "$o" "$e" | cmp -s - "$o.again"; then
        echo "PASS growth/$c/check-again"
    else
        echo "FAIL growth/$c/check-again: a second run said something else"
    fi
    "$TRUSTACK" annotate "$lib" >"$o" 2>"$e"; rc=$?
    expect_clean "growth/$c/annotate" "$rc" /dev/null "$e"
    "$TRUSTACK" orc "$lib" -o "$work/$c.orc" >"$o" 2>"$e"; rc=$?
    expect_clean "growth/$c/orc" "$rc" "$o" "$e"
    "$TRUSTACK" sframe "$lib" -o "$work/$c.sframe" >"$o" 2>"$e"; rc=$?
    expect_clean "growth/$c/sframe" "$rc" "$o" "$e"
    # diff reports disagreements with the CFI on stdout (exit 1 for some): only a crash matters
    "$TRUSTACK" diff "$lib" >"$o" 2>"$e"; rc=$?
    if [ "$rc" -gt 1 ] || grep -q -E 'Sanitizer|runtime error' "$e"; then
        echo "FAIL growth/$c/diff: exit $rc: $(grep -m1 -E 'Sanitizer|runtime error|error' "$e" | cut -c1-200)"
    else
        echo "PASS growth/$c/diff"
    fi
}

make_lib call 'sub $8,%rsp' '.cfi_def_cfa_offset 16' 'call inner' 'add $8,%rsp' '.cfi_def_cfa_offset 8' 'ret' &&
make_lib jump 'jmp inner' &&
make_lib jcc 'test %rdi,%rdi' 'je inner' 'sub $8,%rsp' '.cfi_def_cfa_offset 16' 'call g' 'add $8,%rsp' \
    '.cfi_def_cfa_offset 8' 'ret' ||
    { echo "FAIL growth: cannot build the libraries: $(head -c 200 "$work"/*.err)"; exit 1; }
for c in call jump jcc; do
    run_case "$c"
done
