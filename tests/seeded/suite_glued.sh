#!/usr/bin/env bash
# Glued suite: hand-written functions with neither a symbol nor an FDE in a stripped library
# (issue 17, cause 3: libdav1d's nasm code). They follow crtstuff's frame_dummy, the library's
# .init_array function, which has no FDE either: the analysis made one pseudo-function of it
# up to the next known function and reported the assembly functions in it as unreachable. A
# direct call into that stretch (cpuid_leaf, called from C) and an address the C code takes
# (`lea wide_sum(%rip)`, a function stored as a pointer) say where functions start: each is
# analysed from its start (named call@ADDR), and nothing is reported.
# The same assembly with one defect (wide_sum returns with %rbx still pushed) must be reported
# in that function, which shows it was analysed as a function of its own.
#
# Output: "PASS glued/<case>" or "FAIL ...: why". Environment: TRUSTACK, TS_WORK, CC.
set -u
here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-glued}
CC=${CC:-gcc}
work=$TS_WORK/glued
mkdir -p "$work" || { echo "FAIL glued: cannot create $work"; exit 1; }
[ -x "$TRUSTACK" ] || { echo "FAIL glued: trustack binary missing"; exit 1; }
fails=0
pass() { echo "PASS glued/$1"; }
fail() { echo "FAIL glued/$1: $2"; fails=$((fails + 1)); }

# asm_file BUG: two functions of over 2 KB each, no CFI, hidden (gone once stripped).
# BUG=1: wide_sum returns with %rbx still pushed.
asm_file() {
    printf '\t.text\n\t.p2align 4\n\t.globl cpuid_leaf\n\t.hidden cpuid_leaf\ncpuid_leaf:\n'
    printf '\tpushq %%rbx\n\tmovl %%edi, %%eax\n\txorl %%ecx, %%ecx\n\tcpuid\n'
    for ((k = 0; k < 700; k++)); do printf '\taddl $1, %%eax\n'; done
    printf '\tpopq %%rbx\n\tret\n'
    printf '\t.p2align 4\n\t.globl wide_sum\n\t.hidden wide_sum\nwide_sum:\n\tpushq %%rbx\n\tmovq %%rdi, %%rax\n'
    for ((k = 0; k < 700; k++)); do printf '\taddq $3, %%rax\n'; done
    [ "$1" = 1 ] || printf '\tpopq %%rbx\n'
    printf '\tret\n\t.section .note.GNU-stack,"",@progbits\n'
}
cat >"$work/api.c" <<'CEOF'
int cpuid_leaf(int leaf);
long wide_sum(long x);
int glued_cpu_flags(void) { return cpuid_leaf(1) & 0xff; }
long (*glued_sum_fn(void))(long) { return wide_sum; }
CEOF

for bug in 0 1; do
    name=$([ $bug = 1 ] && echo buggy || echo clean)
    asm_file $bug >"$work/glued-$name.S"
    if ! $CC -shared -fPIC -O2 -o "$work/lib-$name.so" "$work/glued-$name.S" "$work/api.c" 2>"$work/cc.err"; then
        fail "$name/build" "$(head -c 200 "$work/cc.err")"
        continue
    fi
    strip "$work/lib-$name.so"
    "$TRUSTACK" check --format=json "$work/lib-$name.so" >"$work/$name.json" 2>"$work/$name.err"
    rc=$?
    got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s:%s" % (w["function"].split("@")[0], w["kind"]) for w in d["warnings"])))
' "$work/$name.json" 2>&1)
    if [ $bug = 0 ]; then
        if [ $rc = 0 ] && [ -z "$got" ]; then pass clean; else fail clean "exit $rc, warnings: $got"; fi
    else
        if [ $rc = 1 ] && [ "$got" = "call:return-modified-frame" ]; then pass buggy; else fail buggy "exit $rc, warnings: $got"; fi
    fi
done
exit $((fails > 0))
