# mc_oracle.sh - what the llvm-mc decoding suites share (sourced by suite_a64decode.sh and
# suite_s390xdecode.sh): building a check tool with tests/arch/mc_oracle.c, and running llvm-mc
# (cached by the input's hash) and the check tool over a build.
#
# The sourcing suite sets: here top bdir work cache; SUITE (the result-name prefix); LLVM_MC;
# MC_ARGS (llvm-mc's machine options, e.g. "-triple=s390x -mcpu=z15"); MC_NO_ALIASES=1 to hand the
# tool a second listing made with -M no-aliases (-n); MC_WHY_ALWAYS=1 to show the tool's
# explanations after a PASS too (MC_WHY_LINES of them, default 12).

. "$here/cross.sh" # compile

mc_san=""
case "$bdir" in *san*) mc_san="-fsanitize=address,undefined -fno-sanitize-recover=undefined" ;; esac

# Build $bdir/NAME from $here/NAME.c and mc_oracle.c when missing or older than its inputs and
# set tool to its path; or print a FAIL line and return 1.
mc_build_tool() {
    local name=$1 src
    tool=$bdir/$1
    for src in "$here/$name.c" "$here/mc_oracle.c" "$here/mc_oracle.h" "$bdir/libtrustack.a"; do
        if [ ! -x "$tool" ] || [ "$tool" -ot "$src" ]; then
            if ! cc -std=gnu11 -O1 -g $mc_san -Wall -Wextra -Wno-unused-parameter -I"$top/lib" -I"$top/include" \
                -o "$tool" "$here/$name.c" "$here/mc_oracle.c" "$bdir/libtrustack.a" -lelf 2>"$work/$name.err"; then
                echo "FAIL $SUITE/tool: does not build: $(head -3 "$work/$name.err")"
                return 1
            fi
            break
        fi
    done
}

# Run a check tool for case NAME: its result line, or a FAIL when it printed none (a crash; ASan
# exits with status 1), then the first lines of its explanations.
run_case() {
    local name=$1 out rc; shift
    out=$("$@" 2>"$work/$name.why"); rc=$?
    if grep -qE '^(PASS|FAIL) ' <<<"$out"; then
        printf '%s\n' "$out"
    else
        echo "FAIL $SUITE/$name: the check tool ended without a result (status $rc)"
    fi
    if [ -s "$work/$name.why" ] && { [ "${MC_WHY_ALWAYS:-0}" = 1 ] || grep -q '^FAIL' <<<"$out"; }; then
        sed -n "1,${MC_WHY_LINES:-12}p" "$work/$name.why"
    fi
}

# Decode FILES with llvm-mc (cached) and compare with the check tool $tool: one result line NAME.
# llvm-mc reads stdin: its warnings name the rejected instructions by line as <stdin>:LINE:COL.
check() {
    local name=$1; shift
    local hex=$work/$name.hex key mc na=()
    if ! "$tool" words "$@" >"$hex"; then
        echo "FAIL $SUITE/$name: cannot read its files"
        return
    fi
    key=$( { echo "$MC_ARGS"; "$LLVM_MC" --version | head -2; cat "$hex"; } | sha1sum | cut -c1-16)
    mc=$cache/mc-$key.txt
    if [ ! -s "$mc" ] || [ ! -f "$mc.err" ] || { [ "${MC_NO_ALIASES:-0}" = 1 ] && [ ! -s "$mc.na" ]; }; then
        if [ "${MC_NO_ALIASES:-0}" = 1 ]; then # the mnemonics of the canonical forms (orr, not mov)
            "$LLVM_MC" --disassemble $MC_ARGS -M no-aliases <"$hex" >"$mc.na.tmp" 2>/dev/null
            mv "$mc.na.tmp" "$mc.na"
        fi
        "$LLVM_MC" --disassemble $MC_ARGS <"$hex" >"$mc.tmp" 2>"$mc.err"
        mv "$mc.tmp" "$mc"
    fi
    [ "${MC_NO_ALIASES:-0}" = 1 ] && na=(-n "$mc.na")
    run_case "$name" "$tool" check "$mc" "$SUITE/$name" -v "${na[@]}" "$@"
}
