#!/usr/bin/env bash
# Fuzzing suite (see tests/fuzz/README.md). In the order they run:
#   fuzz/cli/<name>       the real CLI ($TRUSTACK check --rules=stack, --rules=fp, annotate) on
#                         every crasher and seed of fuzz_check, each under timeout 20: exit status
#                         0, 1 or 2, never a signal or a hang
#   fuzz/stress/<name>    the CLI on two generated files of 100000 functions (a call chain, a
#                         jump chain), under timeout 20: no stack overflow, nothing quadratic
#   fuzz/mutate/...       the mutation run (mutate.sh --quick, or --full with TS_MUTATE_FULL=1):
#                         mutated inputs through every file-reading command, and the special
#                         files; under the ASan+UBSan build when there is one
#   fuzz/build            make fuzz (libFuzzer + ASan + UBSan); "SKIP fuzz/build" and nothing more
#                         when clang or libFuzzer is missing (the parts above need neither)
#   fuzz/replay/<target>/<name>  every crasher and seed of each target through its fuzzer
#                         binary, one process each: exit status 0 (no crash, leak, sanitizer
#                         report or timeout)
#   fuzz/run/<target>     a fresh session of each target on a copy of its seeds in $TS_WORK,
#                         TS_FUZZ_SECONDS each (default 120, TS_QUICK=1: 5); a crash input is
#                         copied to $TS_WORK/fuzz-crashes/<target>/
# Targets: tests/fuzz/fuzz_<target>.c. The seeds and crashers of fuzz_check are the files at the
# top of seeds/ and crashers/; those of fuzz_<target> are in seeds/<target>/, crashers/<target>/.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK (see tests/run.sh); TS_FUZZ_SECONDS;
# TS_MUTATE_FULL; TRUSTACK_SAN (default build-san/trustack); FUZZ_CC (clang).
# Nothing is written into the repository except build-fuzz/ (by make fuzz).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/fuzz
if ts_quick; then secs=${TS_FUZZ_SECONDS:-5}; else secs=${TS_FUZZ_SECONDS:-120}; fi
targets=()
for t in "$here"/fuzz_*.c; do
    t=${t##*/fuzz_}
    targets+=("${t%.c}")
done
rm -rf "$work"
mkdir -p "$work"

inputs=()
for f in "$here"/crashers/* "$here"/seeds/*; do
    [ -f "$f" ] && inputs+=("$f")
done

# ---- (d) the CLI: never a signal, never a hang --------------------------------------------------
# Exit status 0/1/2 only; 124 is timeout's, >128 a signal.
if [ -x "$TRUSTACK" ]; then
    for f in "${inputs[@]}"; do
        name=${f#"$here"/}
        bad=
        for cmd in "check --rules=stack" "check --rules=fp" "annotate"; do
            # shellcheck disable=SC2086
            timeout 20 "$TRUSTACK" $cmd "$f" >"$work/cli.out" 2>&1
            rc=$?
            case $rc in
                0|1|2) ;;
                124) bad="$cmd: timed out after 20 s"; break ;;
                *) bad="$cmd: exit status $rc$([ $rc -gt 128 ] && echo " (signal $((rc - 128)))")"; break ;;
            esac
        done
        if [ -z "$bad" ]; then
            echo "PASS fuzz/cli/$name"
        else
            echo "FAIL fuzz/cli/$name: $bad"
            tail -n 5 "$work/cli.out" | sed 's/^/    /'
        fi
    done
else
    echo "FAIL fuzz/cli: trustack binary not found or not executable: $TRUSTACK"
fi

# ---- generated stress inputs: too big to keep as files, generated into $TS_WORK --------------
# call-chain: 100000 functions, each calling the next (noreturn inference must not recurse once
# per function: it overflowed the stack at ~16000). many-functions: 100000 functions, each
# jumping to the next (per-function work must not scan all functions: it was quadratic).
gen_chain() { # gen_chain KIND N: assembly of N+1 functions f0..fN, each reaching the next
    awk -v kind="$1" -v n="$2" 'BEGIN {
        print ".text"
        for (i = 0; i <= n; i++) {
            printf ".globl f%d\n.type f%d,@function\nf%d:\n", i, i, i
            if (i < n && kind == "call")
                printf "\tcall f%d\n\tret\n", i + 1
            else if (i < n)
                printf "\ttest %%edi,%%edi\n\tje f%d\n\tcall abort\n", i + 1
            else
                print "\tret"
            printf ".size f%d,.-f%d\n", i, i
        } }'
}
stress() { # stress NAME KIND
    local name=$1 s=$work/stress/$1.s o=$work/stress/$1.obj
    mkdir -p "$work/stress"
    if ! gen_chain "$2" 100000 >"$s" || ! as "$s" -o "$o" 2>"$work/stress/$name.log"; then
        echo "SKIP fuzz/stress/$name: cannot generate the input (awk, as)"
        return
    fi
    local start=$SECONDS
    timeout 20 "$TRUSTACK" check "$o" >"$work/stress/$name.out" 2>&1
    local rc=$?
    case $rc in
        0|1|2) echo "PASS fuzz/stress/$name ($((SECONDS - start)) s)" ;;
        124) echo "FAIL fuzz/stress/$name: timed out after 20 s" ;;
        *) echo "FAIL fuzz/stress/$name: exit status $rc$([ $rc -gt 128 ] && echo " (signal $((rc - 128)))") after $((SECONDS - start)) s" ;;
    esac
    rm -f "$s" "$o"
}
if [ -x "$TRUSTACK" ] && command -v as >/dev/null; then
    stress call-chain call
    stress many-functions jump
else
    echo "SKIP fuzz/stress: needs $TRUSTACK and as"
fi

# ---- the mutation run (mutate.sh): every file-reading command, mutated inputs, special files ----
san=${TRUSTACK_SAN:-$top/build-san/trustack}
[ "${TS_SAN:-0}" = 1 ] && san=$TRUSTACK
[ -x "$san" ] || san=$TRUSTACK # no sanitizer build: crashes, hangs and silent errors still show
mode=--quick
[ "${TS_MUTATE_FULL:-0}" = 1 ] && mode=--full
if [ -x "$san" ] && command -v python3 >/dev/null; then
    TRUSTACK_SAN=$san TS_WORK="$work" bash "$here/mutate.sh" $mode 2>&1 | sed -E 's/^(PASS|FAIL|SKIP) /\1 fuzz\//'
else
    echo "SKIP fuzz/mutate: needs $san and python3"
fi

# ---- (a) build ----------------------------------------------------------------------------------
cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null; then
    echo "SKIP fuzz/build: $cc not installed (apt-get install -y clang libclang-rt-14-dev)"
    exit 0
fi
# libFuzzer is a separate package on Debian: probe it with an empty target.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" >"$work/probe.log" 2>&1; then
    echo "SKIP fuzz/build: $cc cannot link -fsanitize=fuzzer (apt-get install -y libclang-rt-14-dev): $(head -n1 "$work/probe.log")"
    exit 0
fi
if ! make -C "$top" --no-print-directory fuzz FUZZ_CC="$cc" >"$work/build.log" 2>&1; then
    echo "FAIL fuzz/build: make fuzz failed:"
    tail -n 15 "$work/build.log" | sed 's/^/    /'
    exit 1
fi
echo "PASS fuzz/build"

# ---- (b) replay crashers and seeds --------------------------------------------------------------
# One process per input, so a leak or a crash is attributed to its file.
fopts=(-rss_limit_mb=2048 -timeout=10)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
sub() { # sub TARGET: where its inputs are below crashers/ and seeds/ ("" for check)
    [ "$1" = check ] && echo "" || echo "/$1"
}
for t in "${targets[@]}"; do
    d=$(sub "$t")
    for f in "$here"/crashers$d/* "$here"/seeds$d/*; do
        [ -f "$f" ] || continue
        name=${f#"$here"/}
        log=$work/replay-$t-${name//\//-}.log
        t0=$SECONDS
        if timeout 120 "$top/build-fuzz/fuzz_$t" "${fopts[@]}" "$f" >"$log" 2>&1; then
            # libFuzzer's -timeout does not stop a replayed input: time it here (a small input
            # takes milliseconds; the crashers kept for slowness took 20 s and more)
            if [ $((SECONDS - t0)) -gt 10 ]; then
                echo "FAIL fuzz/replay/$t/$name: took $((SECONDS - t0)) s (limit 10)"
            else
                echo "PASS fuzz/replay/$t/$name"
            fi
        else
            rc=$?
            why=$(grep -m1 -E 'ERROR: |runtime error: |SUMMARY: |ALARM|Timeout|invariant' "$log")
            echo "FAIL fuzz/replay/$t/$name: exit status $rc: ${why:-see $log}"
            grep -E '^ +#[0-9]+ ' "$log" | head -n 8 | sed 's/^/    /'
        fi
    done
done

# ---- (c) a fresh fuzzing session per target -----------------------------------------------------
for t in "${targets[@]}"; do
    d=$(sub "$t")
    corpus=$work/corpus/$t
    arts=$work/artifacts/$t
    crashes=${TS_WORK:-$top/build/test-work}/fuzz-crashes/$t
    mkdir -p "$corpus" "$arts"
    for f in "$here"/seeds$d/*; do
        [ -f "$f" ] && cp "$f" "$corpus"/
    done
    dict=()
    [ "$t" = check ] && dict=(-dict="$here/elf.dict")
    # the outer timeout only guards against libFuzzer itself wedging (e.g. in its exit-time leak check)
    timeout $((secs + 300)) "$top/build-fuzz/fuzz_$t" "${fopts[@]}" -max_total_time="$secs" -max_len=16384 \
        -print_final_stats=1 "${dict[@]}" -artifact_prefix="$arts/" "$corpus" >"$work/run-$t.log" 2>&1
    rc=$?
    found=("$arts"/*)
    if [ "$rc" -eq 0 ] && [ ! -e "${found[0]}" ]; then
        stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/run-$t.log" | sed 's/^stat:://' | tr '\n' ' ' | tr -s ' ')
        cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/run-$t.log" | tail -n1)
        echo "PASS fuzz/run/$t"
        echo "    ${secs}s: $stats$cov"
    else
        mkdir -p "$crashes"
        crash=none
        for a in "${found[@]}"; do
            [ -e "$a" ] || continue
            cp "$a" "$crashes"/ && crash=$crashes/${a##*/}
        done
        why=$(grep -m1 -E 'ERROR: |runtime error: |SUMMARY: |ALARM|Timeout|invariant' "$work/run-$t.log")
        echo "FAIL fuzz/run/$t: $crash (exit status $rc: ${why:-see $work/run-$t.log})"
        grep -E '^ +#[0-9]+ ' "$work/run-$t.log" | head -n 8 | sed 's/^/    /'
    fi
done
exit 0
