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

KINDS=" call-without-frame fp-clobbered fp-scratch return-modified-frame sibling-call-modified-frame
 stack-mismatch falls-through unreachable undefined-stack unsupported-stack-op unsupported-realign
 unresolved-indirect-jump decode-error lr-clobbered "
KINDS=$(echo $KINDS)
KINDS=" $KINDS "

selfcheck=0
[ "${1:-}" = --selfcheck ] && selfcheck=1

if [ "$selfcheck" = 0 ] && [ ! -x "$TRUSTACK" ]; then
    echo "FAIL seeded: trustack binary missing"
    exit 1
fi

mkdir -p "$work" || { echo "FAIL seeded: cannot create $work"; exit 1; }

failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# run_tool OBJ... : runs trustack check with $mode_args on the objects.
# Sets: rc, got (sorted unique "FILE|FUNC+0xOFF KIND" lines), malformed (bad warning-like lines),
# errtext (first line of stderr, for messages).
run_tool() {
    local out=$work/.out err=$work/.err line re
    if command -v timeout >/dev/null 2>&1; then
        timeout "$TIMEOUT" "$TRUSTACK" check $mode_args "$@" >"$out" 2>"$err"; rc=$?
    else
        "$TRUSTACK" check $mode_args "$@" >"$out" 2>"$err"; rc=$?
    fi
    got="" malformed=""
    re='^(.+): warning: trustack: ([^ ]+)\+0x([0-9a-f]+): (.*) \[([a-z-]+)\]$'
    while IFS= read -r line; do
        case $line in
        *": warning: trustack: "*) ;;
        *) continue ;;
        esac
        if [[ $line =~ $re ]]; then
            local wfile=${BASH_REMATCH[1]} wfunc=${BASH_REMATCH[2]} woff=${BASH_REMATCH[3]} wkind=${BASH_REMATCH[5]}
            if [[ $woff =~ ^(0|[1-9a-f][0-9a-f]*)$ ]]; then
                got+="$wfile|$wfunc+0x$woff $wkind"$'\n'
                continue
            fi
        fi
        malformed+="[$line] "
    done < <(cat "$out" "$err")
    got=$(printf '%s' "$got" | LC_ALL=C sort -u)
    errtext=$(head -n 1 "$err" | cut -c1-160)
}

# set_diff "expected" "got" : prints "missing {...}; unexpected {...}" (empty if equal)
set_diff() {
    local miss extra msg=""
    miss=$(LC_ALL=C comm -23 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d') | paste -sd, -)
    extra=$(LC_ALL=C comm -13 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d') | paste -sd, -)
    [ -n "$miss" ] && msg="missing {$miss}"
    [ -n "$extra" ] && msg="${msg:+$msg; }unexpected {$extra}"
    printf '%s' "$msg"
}

# load_symbols OBJ : fills sym_val/sym_ndx (all named symbols) and the FUNC table.
load_symbols() {
    unset sym_val sym_ndx
    declare -gA sym_val=() sym_ndx=()
    func_names=() func_vals=() func_sizes=() func_ndx=()
    local num val size type bind vis ndx name
    while read -r num val size type bind vis ndx name; do
        [[ $num =~ ^[0-9]+:$ ]] || continue
        [ -n "${name:-}" ] || continue
        case $ndx in UND | ABS | COM) continue ;; esac
        sym_val[$name]=$((16#$val))
        sym_ndx[$name]=$ndx
        if [ "$type" = FUNC ]; then
            func_names+=("$name")
            func_vals+=($((16#$val)))
            func_sizes+=($((size)))
            func_ndx+=("$ndx")
        fi
    done < <(readelf -sW "$1" 2>/dev/null)
}

# locate LABEL : prints FUNC+0xOFF for the STT_FUNC symbol containing LABEL, or nothing.
locate() {
    local label=$1 v n i
    [ -n "${sym_val[$label]:-}" ] || return 1
    v=${sym_val[$label]} n=${sym_ndx[$label]}
    for i in "${!func_names[@]}"; do
        [ "${func_ndx[$i]}" = "$n" ] || continue
        if [ "$v" -ge "${func_vals[$i]}" ] && [ "$v" -lt $((func_vals[i] + func_sizes[i])) ]; then
            printf '%s+0x%x' "${func_names[$i]}" $((v - func_vals[i]))
            return 0
        fi
    done
    return 1
}

shopt -s nullglob
files=("$here"/[0-9]*.S)
[ "${#files[@]}" -gt 0 ] || { echo "FAIL seeded: no test cases in $here"; exit 1; }

all_objs=()
declare -A all_expect=()   # mode -> "FILE|FUNC+0xOFF KIND" lines over all files
all_expect[stack]="" all_expect[fp]=""

for src in "${files[@]}"; do
    file=$(basename "$src")
    [ -n "${TS_SEEDED_ONLY:-}" ] && case $file in $TS_SEEDED_ONLY) ;; *) continue ;; esac
    base=${file%.S}
    obj=$work/$base.o
    twin=$work/$base.twin.o

    # --- annotations
    modes=() problem=""
    while read -r _ _ rest; do
        for m in $rest; do
            case $m in stack | fp) modes+=("$m") ;; *) problem="bad RULES mode '$m'" ;; esac
        done
    done < <(grep -E '^[[:space:]]*#[[:space:]]*RULES([[:space:]]|$)' "$src" | sed 's/#/# /')
    [ "${#modes[@]}" -eq 0 ] && modes=(stack fp)
    exp_lines=$(grep -E '^[[:space:]]*#[[:space:]]*EXPECT([[:space:]]|$)' "$src" | sed 's/#/ /')

    # --- assemble
    rm -f "$obj" "$twin"
    if ! asm_err=$("$CC" -c -o "$obj" "$src" 2>&1) || ! asm_err=$("$CC" -c -DTWIN_ONLY -o "$twin" "$src" 2>&1); then
        problem="does not assemble: $(printf '%s' "$asm_err" | head -n 1)"
    fi

    # --- expected warnings of the full object, per mode
    exp_stack="" exp_fp=""
    if [ -z "$problem" ]; then
        load_symbols "$obj"
        while read -r kw emode kind label extra; do
            [ -n "${kw:-}" ] || continue
            if [ -z "${label:-}" ] || [ -n "${extra:-}" ]; then problem="malformed EXPECT line: $kw $emode $kind ${label:-} ${extra:-}"; break; fi
            case $emode in stack | fp) ;; *) problem="bad EXPECT mode '$emode'"; break ;; esac
            case $KINDS in *" $kind "*) ;; *) problem="unknown kind '$kind'"; break ;; esac
            if ! where=$(locate "$label"); then problem="label '$label' missing or outside any STT_FUNC symbol"; break; fi
            case ${where%+0x*} in *_ok) problem="label '$label' lies in a twin (_ok) function"; break ;; esac
            if [ "$emode" = stack ]; then exp_stack+="$where $kind"$'\n'; fi
            exp_fp+="$where $kind"$'\n'
        done <<<"$exp_lines"
    fi
    if [ -z "$problem" ]; then
        twins=0
        for f in "${func_names[@]}"; do
            case $f in
            *_ok)
                twins=$((twins + 1))
                [ -n "${sym_val[${f%_ok}]:-}" ] || problem="twin $f has no buggy counterpart ${f%_ok}"
                ;;
            esac
        done
        [ "$twins" -eq 0 ] && problem="no corrected twin (*_ok) function"
        [ -z "$exp_fp" ] && problem="no EXPECT lines"
    fi
    exp_stack=$(printf '%s' "$exp_stack" | LC_ALL=C sort -u)
    exp_fp=$(printf '%s' "$exp_fp" | LC_ALL=C sort -u)

    if [ "$selfcheck" = 1 ]; then
        if [ -n "$problem" ]; then
            fail "seeded/$file/annotations" "$problem"
        else
            pass "seeded/$file/annotations"
            if [ "${TS_VERBOSE:-0}" = 1 ]; then
                printf '    stack: %s\n' "$(printf '%s' "$exp_stack" | paste -sd, -)"
                printf '    fp:    %s\n' "$(printf '%s' "$exp_fp" | paste -sd, -)"
            fi
        fi
        continue
    fi

    if [ -n "$problem" ]; then
        for mode in "${modes[@]}"; do fail "seeded/$file/$mode" "bad test case: $problem"; done
        continue
    fi
    all_objs+=("$obj")

    for mode in "${modes[@]}"; do
        mode_args="--rules=$mode"
        if [ "$mode" = stack ]; then expect=$exp_stack; else expect=$exp_fp; fi
        all_expect[$mode]+=$(printf '%s\n' "$expect" | sed "/^\$/d; s#^#$obj|#")$'\n'
        want_rc=0
        [ -n "$expect" ] && want_rc=1
        why=""

        run_tool "$obj"
        case $rc in
        124) why="timed out after ${TIMEOUT}s" ;;
        0 | 1) ;;
        *) why="exit status $rc${errtext:+ ($errtext)}" ;;
        esac
        if [ -z "$why" ]; then
            got_plain="" wrong_file=""
            while IFS= read -r g; do
                [ -n "$g" ] || continue
                [ "${g%%|*}" = "$obj" ] || wrong_file="${g%%|*}"
                got_plain+="${g#*|}"$'\n'
            done <<<"$got"
            got_plain=$(printf '%s' "$got_plain" | LC_ALL=C sort -u)
            d=$(set_diff "$expect" "$got_plain")
            [ -n "$d" ] && why="$d (expected {$(printf '%s' "$expect" | paste -sd, -)})"
            [ -n "$wrong_file" ] && why="${why:+$why; }warning names file '$wrong_file', not '$obj'"
            [ -n "$malformed" ] && why="${why:+$why; }malformed warning lines: $malformed"
            [ "$rc" -ne "$want_rc" ] && why="${why:+$why; }exit status $rc, want $want_rc"
        fi

        # twin-only object: must be clean
        if [ -z "$why" ]; then
            run_tool "$twin"
            if [ "$rc" -ne 0 ] || [ -n "$got" ] || [ -n "$malformed" ]; then
                why="twin-only object not clean: exit status $rc"
                [ -n "$got" ] && why+=", warnings {$(printf '%s' "$got" | sed 's/^[^|]*|//' | paste -sd, -)}"
                [ -n "$malformed" ] && why+=", malformed lines: $malformed"
                [ "$rc" -gt 1 ] && [ -n "$errtext" ] && why+=" ($errtext)"
            fi
        fi

        if [ -z "$why" ]; then pass "seeded/$file/$mode"; else fail "seeded/$file/$mode" "$why"; fi
    done
done

if [ "$selfcheck" = 1 ]; then
    [ "$failures" -eq 0 ]
    exit
fi

# --- all objects in one invocation: FILE prefixes, union of the warnings, default mode = stack
if [ "${#all_objs[@]}" -gt 1 ] && [ -z "${TS_SEEDED_ONLY:-}" ]; then
    for mode in stack fp default; do
        if [ "$mode" = default ]; then mode_args=""; key=stack; else mode_args="--rules=$mode"; key=$mode; fi
        expect=$(printf '%s' "${all_expect[$key]}" | sed '/^$/d' | LC_ALL=C sort -u)
        run_tool "${all_objs[@]}"
        why=""
        case $rc in
        124) why="timed out after ${TIMEOUT}s" ;;
        1) ;;
        *) why="exit status $rc, want 1${errtext:+ ($errtext)}" ;;
        esac
        if [ -z "$why" ]; then
            d=$(set_diff "$expect" "$got")
            [ -n "$d" ] && why=$(printf '%s' "$d" | sed "s#$work/##g")
            [ -n "$malformed" ] && why="${why:+$why; }malformed warning lines: $malformed"
        fi
        if [ -z "$why" ]; then pass "seeded/all-files/$mode"; else fail "seeded/all-files/$mode" "$why"; fi
    done
fi

# --- error handling: exit status 2 and a message
check_error_case() { # name file
    local name=$1 f=$2 why=""
    mode_args=""
    run_tool "$f"
    if [ "$rc" -ne 2 ]; then
        why="exit status $rc, want 2"
    elif [ ! -s "$work/.out" ] && [ ! -s "$work/.err" ]; then
        why="no message printed"
    elif [ -n "$got" ] || [ -n "$malformed" ]; then
        why="printed warnings for an unreadable file"
    fi
    if [ -z "$why" ]; then pass "seeded/errors/$name"; else fail "seeded/errors/$name" "$why"; fi
}
if [ -z "${TS_SEEDED_ONLY:-}" ]; then
    rm -f "$work/no-such-file.o"
    check_error_case nonexistent "$work/no-such-file.o"
    first=""
    for o in "$work"/*.o; do case $o in *.twin.o) ;; *) first=$o; break ;; esac; done
    if [ -n "$first" ]; then
        head -c 100 "$first" >"$work/truncated.o"
        check_error_case truncated "$work/truncated.o"
    else
        fail "seeded/errors/truncated" "no object to truncate"
    fi
fi

[ "$failures" -eq 0 ]
