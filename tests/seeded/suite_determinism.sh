#!/usr/bin/env bash
# Determinism suite: `trustack check` says the same, byte for byte, at every -j (issue 12, item 2).
#
# The analysis runs on worker threads that share what they infer about callees (which calls never
# return, which registers a call changes); an answer read while another thread computed it made
# results depend on thread timing (tests/seeded/30_unreachable_local_noreturn.S with --rules=fp
# gained a falls-through now and then). The design that excludes it is in
# lib/analysis/driver.c. This suite runs check on each input first at -j 1, then again and
# again at -j 2..8 (in turn), and requires stdout, stderr and the exit status to be identical.
#
# Inputs: race.s (generated below: it made the old code differ nearly every run), seeded cases
# whose results hang on those inferences (local noreturn callees, calls
# that end functions, jump tables), corpus programs compiled here with gcc -O2 (noreturn.c,
# recurse.c, dispatch.c), SQLite from the corpus cache if it is there, and libc.so.6.
# Repetitions: 200 runs of every small input and 16 of the large ones; with TS_QUICK set
# (non-empty) 24 and 4. TS_DET_RUNS overrides the small inputs' count.
#
# Output: "PASS determinism/<input>/<rules>" or "FAIL ...: first run that differed".
# Environment: TRUSTACK, TS_TOP, TS_WORK, CC, TS_CACHE (default ~/.cache/trustack-corpus).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
TS_TOP=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$TS_TOP/build/trustack}
TS_WORK=${TS_WORK:-/tmp/ts-determinism}
CC=${CC:-gcc}
CACHE=${TS_CACHE:-$HOME/.cache/trustack-corpus}
work=$TS_WORK/determinism
mkdir -p "$work" || { echo "FAIL determinism: cannot create $work"; exit 1; }
[ -x "$TRUSTACK" ] || { echo "FAIL determinism: trustack binary missing"; exit 1; }

if ts_quick; then small=24 large=4; else small=200 large=16; fi
small=${TS_DET_RUNS:-$small}

# run_one FILE RULES J OUT: the whole observable result of one check, in OUT
run_one() {
    "$TRUSTACK" check --rules="$2" -j "$3" "$1" >"$4" 2>&1
    echo "exit $?" >>"$4"
}

# check_input NAME FILE RUNS
check_input() {
    local name=$1 file=$2 runs=$3 rules k j
    for rules in stack fp; do
        local ref=$work/$name.$rules.ref out=$work/$name.$rules.out bad=""
        run_one "$file" "$rules" 1 "$ref"
        for ((k = 0; k < runs; k++)); do
            j=$((2 + k % 7))
            run_one "$file" "$rules" "$j" "$out"
            if ! cmp -s "$ref" "$out"; then
                bad="run $((k + 1)) of $runs (-j $j): $(diff "$ref" "$out" | grep '^[<>]' | head -n 2 | tr '\n' ' ' | cut -c1-220)"
                break
            fi
        done
        if [ -n "$bad" ]; then
            echo "FAIL determinism/$name/$rules: $bad"
        else
            echo "PASS determinism/$name/$rules"
        fi
    done
}

# race.s: pairs of functions that ask the same question about a callee at the same moment (two
# workers take neighbours in turn), the callee long enough for the answer to take a while:
#   a, b  call a local function that never returns; b ends in the call (a falls-through if the
#         answer were "returns"), a has a return after it
#   c, d  keep the stack pointer in %rsi across a call to a local function that leaves %rsi
#         alone (-fipa-ra; undefined-stack if the answer were "changes every register")
# Before the fix nearly every run at -j 2..8 differed from -j 1.
gen_race() {
    local K=$1 k s body=$work/race.body
    yes '	mov %rdi,%rax' | head -n 3000 >"$body"
    printf '\t.text\n'
    for ((k = 0; k < K; k++)); do
        printf '\t.globl caller_%d_a\n\t.type caller_%d_a,@function\ncaller_%d_a:\n' $k $k $k
        printf '\tpush %%rbp\n\tmov %%rsp,%%rbp\n\tcall panic_%d\n\tpop %%rbp\n\tret\n' $k
        printf '\t.size caller_%d_a,.-caller_%d_a\n' $k $k
        printf '\t.globl caller_%d_b\n\t.type caller_%d_b,@function\ncaller_%d_b:\n' $k $k $k
        printf '\tpush %%rbp\n\tmov %%rsp,%%rbp\n\tcall panic_%d\n\t.size caller_%d_b,.-caller_%d_b\n' $k $k $k
        for s in c d; do
            printf '\t.globl caller_%d_%s\n\t.type caller_%d_%s,@function\ncaller_%d_%s:\n' $k $s $k $s $k $s
            printf '\tsub $8,%%rsp\n\tmov %%rsp,%%rsi\n\tcall quiet_%d\n\tmov %%rsi,%%rsp\n\tadd $8,%%rsp\n\tret\n' $k
            printf '\t.size caller_%d_%s,.-caller_%d_%s\n' $k $s $k $s
        done
    done
    for ((k = 0; k < K; k++)); do
        printf '\t.type panic_%d,@function\npanic_%d:\n\tpush %%rbp\n\tmov %%rsp,%%rbp\n' $k $k
        cat "$body"
        printf '.Lspin_%d:\n\tpause\n\tjmp .Lspin_%d\n\t.size panic_%d,.-panic_%d\n' $k $k $k $k
        printf '\t.type quiet_%d,@function\nquiet_%d:\n' $k $k
        cat "$body"
        printf '\tret\n\t.size quiet_%d,.-quiet_%d\n' $k $k
    done
    printf '\t.section .note.GNU-stack,"",@progbits\n'
}
if gen_race 24 >"$work/race.s" && "$CC" -c "$work/race.s" -o "$work/race.o" 2>"$work/race.err"; then
    check_input race "$work/race.o" "$small"
else
    echo "FAIL determinism/race: cannot build: $(head -c 200 "$work/race.err")"
fi

for c in 30_unreachable_local_noreturn 25_fallthrough_local_call 26_unreachable_after_exit \
    29_unreachable_after_assert 23_ends_in_call 18_mismatch_frameless_exit 01_jt_pic_case3 \
    44_tail_ijmp_handler_table; do
    if "$CC" -c "$here/$c.S" -o "$work/$c.o" 2>"$work/$c.err"; then
        check_input "seeded-$c" "$work/$c.o" "$small"
    else
        echo "FAIL determinism/seeded-$c: does not assemble: $(head -c 200 "$work/$c.err")"
    fi
done

for p in noreturn recurse dispatch; do
    src=$TS_TOP/tests/corpus/programs/$p.c
    if "$CC" -O2 -fPIC -c "$src" -o "$work/$p.o" 2>"$work/$p.err"; then
        check_input "corpus-$p" "$work/$p.o" "$small"
    else
        echo "FAIL determinism/corpus-$p: does not compile: $(head -c 200 "$work/$p.err")"
    fi
done

sqlite=$(ls "$CACHE"/builds/sqlite/gcc12.2.0-O2-nofp-pic-*/sqlite3.o 2>/dev/null | head -n 1)
if [ -n "$sqlite" ]; then
    check_input corpus-sqlite3.o "$sqlite" "$large"
else
    echo "SKIP determinism/corpus-sqlite3.o: no SQLite object in $CACHE (tests/corpus builds it)"
fi

libc=/lib/x86_64-linux-gnu/libc.so.6
if [ -r "$libc" ]; then
    check_input libc.so.6 "$libc" "$large"
else
    echo "SKIP determinism/libc.so.6: $libc not found"
fi
