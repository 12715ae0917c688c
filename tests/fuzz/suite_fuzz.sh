#!/usr/bin/env bash
# Fuzzing suite (see tests/fuzz/README.md). In the order they run:
#   fuzz/cli/<name>       the real CLI ($TRUSTACK check --rules=stack, --rules=fp, annotate) on
#                         every crasher and seed, each under timeout 20: exit status 0, 1 or 2,
#                         never a signal or a hang
#   fuzz/stress/<name>    the CLI on two generated files of 100000 functions (a call chain, a
#                         jump chain), under timeout 20: no stack overflow, nothing quadratic
#   fuzz/build            make fuzz (libFuzzer + ASan + UBSan); "SKIP fuzz/build" and nothing more
#                         when clang or libFuzzer is missing (the CLI parts above need neither)
#   fuzz/replay/<name>    every file of tests/fuzz/crashers/ and tests/fuzz/seeds/ through the
#                         fuzzer binary, one process each: exit status 0 (no crash, leak,
#                         sanitizer report or timeout)
#   fuzz/run              a fresh session of TS_FUZZ_SECONDS (default 60) seconds on a copy of the
#                         seeds in $TS_WORK/fuzz/corpus; a crash input is copied to
#                         $TS_WORK/fuzz-crashes/
# Environment: TRUSTACK, TS_TOP, TS_WORK (see tests/run.sh); TS_FUZZ_SECONDS; FUZZ_CC (clang).
# Nothing is written into the repository except build-fuzz/ (by make fuzz).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/fuzz
secs=${TS_FUZZ_SECONDS:-60}
fuzzer=$top/build-fuzz/fuzz_check
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
for f in "${inputs[@]}"; do
    name=${f#"$here"/}
    log=$work/replay-${name//\//-}.log
    if timeout 120 "$fuzzer" "${fopts[@]}" "$f" >"$log" 2>&1; then
        echo "PASS fuzz/replay/$name"
    else
        rc=$?
        why=$(grep -m1 -E 'ERROR: |runtime error: |SUMMARY: |ALARM|Timeout' "$log")
        echo "FAIL fuzz/replay/$name: exit status $rc: ${why:-see $log}"
        grep -E '^ +#[0-9]+ ' "$log" | head -n 8 | sed 's/^/    /'
    fi
done

# ---- (c) a fresh fuzzing session ----------------------------------------------------------------
corpus=$work/corpus
crashes=${TS_WORK:-$top/build/test-work}/fuzz-crashes
mkdir -p "$corpus" "$work/artifacts"
cp "$here"/seeds/* "$corpus"/
# the outer timeout only guards against libFuzzer itself wedging (e.g. in its exit-time leak check)
timeout $((secs + 300)) "$fuzzer" "${fopts[@]}" -max_total_time="$secs" -max_len=16384 -print_final_stats=1 -dict="$here/elf.dict" \
    -artifact_prefix="$work/artifacts/" "$corpus" >"$work/run.log" 2>&1
rc=$?
arts=("$work"/artifacts/*)
if [ "$rc" -eq 0 ] && [ ! -e "${arts[0]}" ]; then
    stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/run.log" | sed 's/^stat:://' | tr '\n' ' ' | tr -s ' ')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/run.log" | tail -n1)
    echo "PASS fuzz/run"
    echo "    ${secs}s: $stats$cov"
else
    mkdir -p "$crashes"
    crash=none
    for a in "${arts[@]}"; do
        [ -e "$a" ] || continue
        cp "$a" "$crashes"/ && crash=$crashes/${a##*/}
    done
    why=$(grep -m1 -E 'ERROR: |runtime error: |SUMMARY: |ALARM|Timeout' "$work/run.log")
    echo "FAIL fuzz/run: $crash (exit status $rc: ${why:-see $work/run.log})"
    grep -E '^ +#[0-9]+ ' "$work/run.log" | head -n 8 | sed 's/^/    /'
fi
exit 0
