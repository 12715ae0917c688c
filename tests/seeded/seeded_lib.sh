# Shared logic of the seeded-bug suites (sourced by suite_seeded.sh for x86-64 and
# suite_a64seeded.sh for arm64; the conventions are in README.md here and in a64/README.md).
#
# The caller sets, then calls seeded_main:
#   SEEDED_DIR        directory of the NN_name.S cases
#   SEEDED_TAG        prefix of the result names ("seeded" -> "PASS seeded/<file>/<mode>")
#   SEEDED_CC         the compiler driver that assembles a case (`$SEEDED_CC -c [-DTWIN_ONLY]`)
#   SEEDED_KINDS      the warning kinds an EXPECT line may name (space separated)
#   SEEDED_MODES      the rule sets: "stack" and one more (default "stack fp"; s390x: "stack
#                     backchain"); an EXPECT line of the second is expected in it only, one of
#                     stack in both
#   SEEDED_INSN_ALIGN if set: every label must lie at a multiple of it from its function, and the
#                     function at a multiple of it (fixed-width instructions)
#   SEEDED_SKIP       if set: assemble and validate each case, then print
#                     "SKIP <tag>/<file>: $SEEDED_SKIP" instead of running the check
#   SEEDED_PENDING    optional file of expected failures, one line per case file:
#                     "<file> <reason>" (# comments and blank lines allowed). A pending case still
#                     runs: a mode that fails prints "SKIP <tag>/<file>/<mode>: pending: <reason>";
#                     if every mode passes, "FAIL <tag>/<file>: now passes: remove it from PENDING",
#                     so the list cannot go stale. The all-files checks leave pending files out.
#   selfcheck         1: validate the annotations only (no binary)
#   TRUSTACK, TIMEOUT, work, TS_SEEDED_ONLY as in suite_seeded.sh
# and may define seeded_case_extra FILE OBJ TWIN, called for every case whose annotations are
# valid; it prints its own PASS/FAIL lines (through pass/fail, so they are counted).
# seeded_main returns 0 when nothing failed.

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

# on_boundary LABEL FUNC+0xOFF : the label and its function are aligned to SEEDED_INSN_ALIGN.
on_boundary() {
    local off=$((16#${2##*+0x})) fval=${sym_val[${2%+0x*}]:-0}
    [ $((off % SEEDED_INSN_ALIGN)) -eq 0 ] && [ $((fval % SEEDED_INSN_ALIGN)) -eq 0 ]
}

# load_pending: fills the global map pending[<file>]=<reason> from $SEEDED_PENDING (if set and
# present). A line that names no case file of SEEDED_DIR, or gives no reason, is a FAIL: the list
# must not go stale.
load_pending() {
    unset pending
    declare -gA pending=()
    [ -n "${SEEDED_PENDING:-}" ] && [ -f "$SEEDED_PENDING" ] || return 0
    local f reason ok=0
    while read -r f reason; do
        case $f in '' | '#'*) continue ;; esac
        if [ ! -f "$SEEDED_DIR/$f" ]; then
            fail "$SEEDED_TAG/pending" "PENDING names '$f', which is not a case file"; ok=1
        elif [ -z "$reason" ]; then
            fail "$SEEDED_TAG/pending" "PENDING gives no reason for '$f'"; ok=1
        elif [ -n "${pending[$f]:-}" ]; then
            fail "$SEEDED_TAG/pending" "PENDING names '$f' twice"; ok=1
        else
            pending[$f]=$reason
        fi
    done <"$SEEDED_PENDING"
    return "$ok"
}

# seeded_main: every case of SEEDED_DIR (see the head of this file).
seeded_main() {
    local tag=$SEEDED_TAG
    KINDS=" $(echo $SEEDED_KINDS) "
    local modes_all=${SEEDED_MODES:-stack fp}
    local m2=${modes_all#stack }
    shopt -s nullglob
    files=("$SEEDED_DIR"/[0-9]*.S)
    [ "${#files[@]}" -gt 0 ] || { echo "FAIL $tag: no test cases in $SEEDED_DIR"; return 1; }

    declare -A all_objs=()     # mode -> the objects checked in that mode (one a line)
    declare -A all_expect=()   # mode -> "FILE|FUNC+0xOFF KIND" lines over all files
    all_objs[stack]="" all_objs[$m2]="" all_expect[stack]="" all_expect[$m2]=""

    load_pending

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
                case " $modes_all " in *" $m "*) modes+=("$m") ;; *) problem="bad RULES mode '$m'" ;; esac
            done
        done < <(grep -E '^[[:space:]]*#[[:space:]]*RULES([[:space:]]|$)' "$src" | sed 's/#/# /')
        [ "${#modes[@]}" -eq 0 ] && read -ra modes <<<"$modes_all"
        exp_lines=$(grep -E '^[[:space:]]*#[[:space:]]*EXPECT([[:space:]]|$)' "$src" | sed 's/#/ /')

        # --- assemble
        rm -f "$obj" "$twin"
        if ! asm_err=$($SEEDED_CC -c -o "$obj" "$src" 2>&1) || ! asm_err=$($SEEDED_CC -c -DTWIN_ONLY -o "$twin" "$src" 2>&1); then
            problem="does not assemble: $(printf '%s' "$asm_err" | head -n 1)"
        fi

        # --- expected warnings of the full object, per mode (exp_fp: the second mode's, m2)
        exp_stack="" exp_fp=""
        if [ -z "$problem" ]; then
            load_symbols "$obj"
            while read -r kw emode kind label extra; do
                [ -n "${kw:-}" ] || continue
                if [ -z "${label:-}" ] || [ -n "${extra:-}" ]; then problem="malformed EXPECT line: $kw $emode $kind ${label:-} ${extra:-}"; break; fi
                case " $modes_all " in *" $emode "*) ;; *) problem="bad EXPECT mode '$emode'"; break ;; esac
                case $KINDS in *" $kind "*) ;; *) problem="unknown kind '$kind'"; break ;; esac
                if ! where=$(locate "$label"); then problem="label '$label' missing or outside any STT_FUNC symbol"; break; fi
                case ${where%+0x*} in *_ok) problem="label '$label' lies in a twin (_ok) function"; break ;; esac
                if [ -n "$SEEDED_INSN_ALIGN" ] && ! on_boundary "$label" "$where"; then
                    problem="label '$label' ($where) is not on a $SEEDED_INSN_ALIGN-byte instruction boundary"; break
                fi
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

        # per-machine checks of the objects (the arm64 suite decodes every word)
        if [ -z "$problem" ] && declare -F seeded_case_extra >/dev/null; then
            seeded_case_extra "$file" "$obj" "$twin"
        fi

        if [ "$selfcheck" = 1 ] || [ -n "$SEEDED_SKIP" ]; then
            if [ -n "$problem" ]; then
                fail "$tag/$file/annotations" "$problem"
            else
                pass "$tag/$file/annotations"
                if [ "${TS_VERBOSE:-0}" = 1 ]; then
                    printf '    stack: %s\n' "$(printf '%s' "$exp_stack" | paste -sd, -)"
                    printf '    %s:    %s\n' "$m2" "$(printf '%s' "$exp_fp" | paste -sd, -)"
                fi
            fi
            [ -n "$SEEDED_SKIP" ] && [ "$selfcheck" = 0 ] && echo "SKIP $tag/$file: $SEEDED_SKIP"
            continue
        fi

        if [ -n "$problem" ]; then
            for mode in "${modes[@]}"; do fail "$tag/$file/$mode" "bad test case: $problem"; done
            continue
        fi

        pending_why=${pending[$file]:-}
        mode_fails=0
        for mode in "${modes[@]}"; do
            mode_args="--rules=$mode"
            if [ "$mode" = stack ]; then expect=$exp_stack; else expect=$exp_fp; fi
            if [ -z "$pending_why" ]; then
                all_objs[$mode]+="$obj"$'\n'
                all_expect[$mode]+=$(printf '%s\n' "$expect" | sed "/^\$/d; s#^#$obj|#")$'\n'
            fi
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

            if [ -z "$why" ]; then
                pass "$tag/$file/$mode"
            elif [ -n "$pending_why" ]; then
                echo "SKIP $tag/$file/$mode: pending: $pending_why ($why)"
                mode_fails=$((mode_fails + 1))
            else
                fail "$tag/$file/$mode" "$why"
            fi
        done
        if [ -n "$pending_why" ] && [ "$mode_fails" -eq 0 ]; then
            fail "$tag/$file" "now passes: remove it from PENDING"
        fi
    done

    if [ "$selfcheck" = 1 ] || [ -n "$SEEDED_SKIP" ]; then
        [ "$failures" -eq 0 ]
        return
    fi

    # --- all objects in one invocation: FILE prefixes, union of the warnings, default mode = stack.
    # Per mode, the objects whose RULES include it; pending cases are left out.
    local -a objs
    if [ -z "${TS_SEEDED_ONLY:-}" ]; then
        for mode in stack $m2 default; do
            if [ "$mode" = default ]; then mode_args=""; key=stack; else mode_args="--rules=$mode"; key=$mode; fi
            mapfile -t objs < <(printf '%s' "${all_objs[$key]}")
            [ "${#objs[@]}" -gt 1 ] || continue
            expect=$(printf '%s' "${all_expect[$key]}" | sed '/^$/d' | LC_ALL=C sort -u)
            run_tool "${objs[@]}"
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
            if [ -z "$why" ]; then pass "$tag/all-files/$mode"; else fail "$tag/all-files/$mode" "$why"; fi
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
        if [ -z "$why" ]; then pass "$tag/errors/$name"; else fail "$tag/errors/$name" "$why"; fi
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
            fail "$tag/errors/truncated" "no object to truncate"
        fi
    fi

    [ "$failures" -eq 0 ]
}
