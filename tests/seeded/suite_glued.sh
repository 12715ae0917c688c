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
# A third function, stub_entry, is neither called nor computed by code: only a table in data
# points at it (libglapi's dispatch stubs, GHC's entry code). The RELATIVE relocation of that
# pointer says a function starts there (data@ADDR); before, it was glued onto wide_sum and
# reported unreachable. With a defect of its own (BUG=2) it is reported in that function.
# A fourth, frame_user (its address taken by C), saves %rbp and calls a helper only it calls,
# which uses %rbp as a scratch register (x86inc's helpers in libdav1d leave the saving to the
# outer function). The psABI does not bind such a private helper: what it changes, its callers
# see changed by the call, and they are judged by what they rely on. The helper is not reported
# (it was, return-modified-frame); frame_user without its save (BUG=3) is.
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

# asm_file BUG: two functions of over 2 KB each, no CFI, hidden (gone once stripped), and a
# small one only a pointer in data leads to. BUG=1: wide_sum returns with %rbx still pushed;
# BUG=2: stub_entry does; BUG=3: frame_user does not save %rbp, which its helper changes.
asm_file() {
    printf '\t.text\n\t.p2align 4\n\t.globl cpuid_leaf\n\t.hidden cpuid_leaf\ncpuid_leaf:\n'
    printf '\tpushq %%rbx\n\tmovl %%edi, %%eax\n\txorl %%ecx, %%ecx\n\tcpuid\n'
    for ((k = 0; k < 700; k++)); do printf '\taddl $1, %%eax\n'; done
    printf '\tpopq %%rbx\n\tret\n'
    printf '\t.p2align 4\n\t.globl wide_sum\n\t.hidden wide_sum\nwide_sum:\n\tpushq %%rbx\n\tmovq %%rdi, %%rax\n'
    for ((k = 0; k < 700; k++)); do printf '\taddq $3, %%rax\n'; done
    [ "$1" = 1 ] || printf '\tpopq %%rbx\n'
    printf '\tret\n'
    printf '\t.p2align 4\nstub_entry:\n\tpushq %%rbx\n\tmovq %%rdi, %%rbx\n\tleaq 1(%%rbx), %%rax\n'
    [ "$1" = 2 ] || printf '\tpopq %%rbx\n'
    printf '\tret\n'
    printf '\t.p2align 4\n\t.globl frame_user\n\t.hidden frame_user\nframe_user:\n'
    [ "$1" = 3 ] || printf '\tpushq %%rbp\n'
    printf '\tmovq %%rdi, %%rax\n\tcall .Lscratch_bp\n'
    [ "$1" = 3 ] || printf '\tpopq %%rbp\n'
    printf '\tret\n\t.p2align 4\n.Lscratch_bp:\n\tmovq %%rax, %%rbp\n\taddq %%rbp, %%rax\n\tret\n'
    printf '\t.section .data.rel.ro,"aw"\n\t.p2align 3\n\t.globl glued_stubs\nglued_stubs:\n\t.quad stub_entry\n'
    printf '\t.section .note.GNU-stack,"",@progbits\n'
}
cat >"$work/api.c" <<'CEOF'
int cpuid_leaf(int leaf);
long wide_sum(long x);
int glued_cpu_flags(void) { return cpuid_leaf(1) & 0xff; }
long (*glued_sum_fn(void))(long) { return wide_sum; }
long frame_user(long x);
long (*glued_frame_fn(void))(long) { return frame_user; }
CEOF

for bug in 0 1 2 3; do
    name=$(case $bug in 0) echo clean ;; 1) echo buggy ;; 2) echo buggy-data ;; 3) echo buggy-caller ;; esac)
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
print(" ".join(sorted("%s:%s%s" % (w["function"].split("@")[0], w["kind"], ":rbp" if "rbp" in w.get("message", "") else "")
                      for w in d["warnings"])))
' "$work/$name.json" 2>&1)
    if [ $bug = 0 ]; then
        if [ $rc = 0 ] && [ -z "$got" ]; then pass clean; else fail clean "exit $rc, warnings: $got"; fi
    else
        want=$(case $bug in 1) echo call:return-modified-frame ;; 2) echo data:return-modified-frame ;;
               3) echo call:return-modified-frame:rbp ;; esac)
        if [ $rc = 1 ] && [ "$got" = "$want" ]; then pass $name; else fail $name "exit $rc, warnings: $got (want $want)"; fi
    fi
done
exit $((fails > 0))
