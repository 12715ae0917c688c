#!/usr/bin/env bash
# Corpus suite: no false alarms on correct compiler output.
#
# Builds (or reuses from the cache) the corpus of build-corpus.sh: SQLite and
# tests/corpus/programs/*, compiled by gcc and clang in many flag combinations. Then, for every
# build, runs "trustack check --rules=stack" on each object and linked file, and additionally
# "--rules=fp" on the builds made with -fno-omit-frame-pointer, expecting no warning (exit 0).
# One PASS/FAIL line per (build, file, rules).
#
# Also runs "--rules=stack" on the system's libc.so.6 and libstdc++.so.6, which must give no
# warning except the ones accepted in tests/corpus/known-defects.txt.
#
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK (see tests/run.sh); TS_CACHE (corpus cache,
# default ~/.cache/trustack-corpus); TS_JOBS (parallel builds and checks, default 2);
# TS_CHECK_TIMEOUT (seconds per trustack run, default 600).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
export TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/corpus
jobs=${TS_JOBS:-2}
timeout_s=${TS_CHECK_TIMEOUT:-600}

# library_warnings FILE OUT RULES: in a statically linked executable of the corpus, move the
# warnings in functions the build's own objects do not define (the C library, libgcc and
# libstdc++ linked in from Debian's static archives: code checked as the system libraries it also
# ships as, below) from OUT to OUT.lib; prints how many moved. The same for --rules=backchain on
# any linked file: gcc's crtbeginS.o (`__do_global_dtors_aux`) is built without -mbackchain, so
# its calls have no chain whatever the build's own flags were.
library_warnings() {
    local file=$1 out=$2 rules=$3 dir own
    dir=$(dirname "$file")
    case $file in *.o) echo 0; return ;; esac
    grep -q '^ldflags=.*-static' "$dir/config.txt" 2>/dev/null || [ "$rules" = backchain ] || { echo 0; return; }
    own=$(mktemp)
    # FUNC symbols defined in the build's objects (readelf reads every machine's ELF)
    for o in "$dir"/*.o; do readelf -sW "$o" 2>/dev/null; done |
        awk '$4 == "FUNC" && $7 != "UND" { print $8 }' | sort -u >"$own"
    awk -v own="$own" -v lib="$out.lib" '
        BEGIN { while ((getline f < own) > 0) mine[f] = 1 }
        /: warning: trustack: / {
            rest = $0; sub(/.*: warning: trustack: /, "", rest)
            fn = rest; sub(/: .*/, "", fn); sub(/\+0x[0-9a-f]+$/, "", fn)
            if (!(fn in mine)) { print > lib; n++; next }
        }
        { print }
        END { print n + 0 > "/dev/stderr" }' "$out" 2>"$own.n" >"$out.own"
    mv "$out.own" "$out"
    cat "$own.n"
    rm -f "$own" "$own.n"
}

# compiler_defects RULES OUT: move the warnings that are a compiler's own defect, named and
# evidenced in the docs, from OUT; prints how many. So far one: with -mbackchain, clang 14 emits
# `__clang_call_terminate` (its C++ terminate helper, in every object that needs one) with a
# frame and two calls but no back chain (docs/s390x.md, "The corpus matrix").
compiler_defects() {
    local rules=$1 out=$2 pat='__clang_call_terminate\+0x[0-9a-f]+: .*\[backchain-missing\]$' n
    [ "$rules" = backchain ] || { echo 0; return; }
    n=$(grep -cE "$pat" "$out")
    grep -vE "$pat" "$out" >"$out.cd"; mv "$out.cd" "$out"
    echo "$n"
}

# check_one NAME RULES FILE RESULTFILE: run trustack once and write one PASS/FAIL line.
check_one() {
    local name=$1 rules=$2 file=$3 res=$4 out err rc
    out=$(mktemp) err=$(mktemp)
    timeout "$timeout_s" "$TRUSTACK" check --rules="$rules" "$file" >"$out" 2>"$err"
    rc=$?
    local n lib cd
    lib=$(library_warnings "$file" "$out" "$rules")
    cd=$(compiler_defects "$rules" "$out")
    [ $((lib + cd)) -gt 0 ] && [ $rc -eq 1 ] && ! grep -q ': warning: trustack: ' "$out" && rc=0
    n=$(grep -c ': warning: trustack: ' "$out")
    if [ $rc -eq 0 ] && [ "$n" -eq 0 ] && [ "$cd" -gt 0 ]; then
        echo "PASS $name ($cd known compiler defect(s): clang 14's __clang_call_terminate stores no back chain, docs/s390x.md; $lib in linked-in library code)" >"$res"
    elif [ $rc -eq 0 ] && [ "$n" -eq 0 ] && [ "$lib" -gt 0 ]; then
        echo "PASS $name ($lib warning(s) in linked-in library code: see tests/corpus/README.md)" >"$res"
    elif [ $rc -eq 0 ] && [ "$n" -eq 0 ]; then
        echo "PASS $name" >"$res"
    elif [ $rc -eq 1 ] || { [ $rc -eq 0 ] && [ "$n" -gt 0 ]; }; then
        {
            printf 'FAIL %s: %s warning(s) on correct compiler output (exit %s); first ones:\n' "$name" "$n" "$rc"
            grep ': warning: trustack: ' "$out" | head -n5 | sed 's/^/    /'
        } >"$res"
    elif [ $rc -eq 124 ]; then
        echo "FAIL $name: timed out after ${timeout_s}s" >"$res"
    elif [ $rc -gt 128 ]; then
        { echo "FAIL $name: killed by signal $((rc - 128))"; head -n5 "$err" | sed 's/^/    /'; } >"$res"
    else
        { echo "FAIL $name: exit status $rc"; head -n5 "$err" | sed 's/^/    /'; } >"$res"
    fi
    rm -f "$out" "$out.lib" "$err"
}

if [ "${1:-}" = --check-one ]; then
    shift
    check_one "$@"
    exit 0
fi

if [ ! -x "$TRUSTACK" ]; then
    echo "FAIL corpus: trustack binary not found or not executable: $TRUSTACK"
    exit 1
fi
rm -rf "$work"
mkdir -p "$work/results"

# ---- build the corpus ------------------------------------------------------------------------
mode_opt=--full
ts_quick && mode_opt=--quick
start=$SECONDS
manifest=$(TS_JOBS=$jobs bash "$here/build-corpus.sh" "$mode_opt" 2>"$work/build.log")
grep '^build-corpus: [0-9]* builds' "$work/build.log" | sed 's/^/INFO /'
# the builds of this run, for the suites that use the corpus after this one (tables/suite_diff.sh)
printf '%s\n' "$manifest" >"$work/manifest.txt"
echo "INFO corpus build took $((SECONDS - start))s (log: $work/build.log)"
if [ -z "$manifest" ]; then
    echo "FAIL corpus/build: build-corpus.sh produced no builds:"
    tail -n5 "$work/build.log" | sed 's/^/    /'
fi

# ---- plan the checks and run them --------------------------------------------------------------
# check_manifest MANIFEST RESULTDIR: every file of every build, --rules=stack, and --rules=fp for
# the builds made with frame pointers (--rules=backchain for s390x's -mbackchain builds); one
# PASS/FAIL line per (build, file, rules).
check_manifest() {
    local manifest=$1 results=$2 tasks=$2.tasks i=0 status name fp dir _role rel start=$SECONDS
    mkdir -p "$results"
    : >"$tasks"
    # Each task: NAME RULES FILE RESULTFILE, NUL-separated for xargs.
    add_task() { i=$((i + 1)); printf '%s\0%s\0%s\0%s\0' "$1" "$2" "$3" "$results/$(printf %06d $i)" >>"$tasks"; }
    while read -r status name fp dir; do
        [ -n "${status:-}" ] || continue
        case $status in
            skipped) echo "SKIP corpus/$name: ${dir//-/ }"; continue ;;
            failed)
                echo "FAIL corpus/$name/build: build failed"
                [ -f "$dir/build.log" ] && tail -n5 "$dir/build.log" | sed 's/^/    /'
                continue ;;
        esac
        while read -r _role rel; do
            [ -n "${rel:-}" ] || continue
            add_task "corpus/$name/$rel/stack" stack "$dir/$rel"
            [ "$fp" = yes ] && add_task "corpus/$name/$rel/fp" fp "$dir/$rel"
            [ "$fp" = bc ] && add_task "corpus/$name/$rel/backchain" backchain "$dir/$rel"
        done <"$dir/files.txt"
    done <<<"$manifest"
    if [ -s "$tasks" ]; then
        xargs -0 -n4 -P "$jobs" bash "$0" --check-one <"$tasks"
        cat "$results"/* 2>/dev/null
    fi
    echo "INFO $i corpus checks took $((SECONDS - start))s"
}
check_manifest "$manifest" "$work/results"

# ---- arm64 (issue 14) ---------------------------------------------------------------------------
# The arm64 matrix of build-corpus.sh (--arch=a64) is checked like the x86-64 one once trustack
# knows the machine. Until then `trustack check` on an arm64 file exits 2 saying "unsupported
# machine": nothing is built, and every arm64 build is listed as a SKIP.
a64_wired() {
    local probe=$work/a64probe
    command -v aarch64-linux-gnu-as >/dev/null || return 2
    printf '\t.text\n\t.globl f\n\t.type f, %%function\nf:\n\tret\n\t.size f, .-f\n' >"$probe.s"
    aarch64-linux-gnu-as -o "$probe.o" "$probe.s" 2>/dev/null || return 2
    "$TRUSTACK" check "$probe.o" >"$probe.out" 2>&1
    [ $? -eq 2 ] && grep -qE 'unsupported machine|not supported by the analysis' "$probe.out" && return 1
    return 0
}
a64_wired; a64=$?
if [ $a64 = 0 ]; then
    start=$SECONDS
    a64_manifest=$(TS_JOBS=$jobs bash "$here/build-corpus.sh" "$mode_opt" --arch=a64 2>"$work/build-a64.log")
    grep '^build-corpus: [0-9]* builds' "$work/build-a64.log" | sed 's/^/INFO arm64 /'
    printf '%s\n' "$a64_manifest" >"$work/manifest-a64.txt"
    echo "INFO arm64 corpus build took $((SECONDS - start))s (log: $work/build-a64.log)"
    check_manifest "$a64_manifest" "$work/results-a64"
else
    why="arm64 analysis not wired yet"
    [ $a64 = 2 ] && why="needs aarch64-linux-gnu-as (binutils-aarch64-linux-gnu)"
    bash "$here/build-corpus.sh" "$mode_opt" --arch=a64 --list | while read -r name; do
        echo "SKIP corpus/$name: $why"
    done
fi

# ---- s390x (issue 16) ---------------------------------------------------------------------------
# The s390x matrix of build-corpus.sh (--arch=s390x): gcc and clang, with and without -mbackchain
# (checked with --rules=backchain too), -mpacked-stack; objects, shared libraries, executables.
if command -v s390x-linux-gnu-as >/dev/null && command -v s390x-linux-gnu-g++ >/dev/null; then
    start=$SECONDS
    s390x_manifest=$(TS_JOBS=$jobs bash "$here/build-corpus.sh" "$mode_opt" --arch=s390x 2>"$work/build-s390x.log")
    grep '^build-corpus: [0-9]* builds' "$work/build-s390x.log" | sed 's/^/INFO s390x /'
    printf '%s\n' "$s390x_manifest" >"$work/manifest-s390x.txt"
    echo "INFO s390x corpus build took $((SECONDS - start))s (log: $work/build-s390x.log)"
    check_manifest "$s390x_manifest" "$work/results-s390x"
else
    bash "$here/build-corpus.sh" "$mode_opt" --arch=s390x --list | while read -r name; do
        echo "SKIP corpus/$name: needs s390x-linux-gnu-as and s390x-linux-gnu-g++ (scripts/install-deps.sh)"
    done
fi

# ---- system libraries against known-defects.txt -----------------------------------------------
known=$here/known-defects.txt
evidence=$top/docs/known-library-defects.md

# norm_key LIB FUNC+OFF KIND -> "LIB FUNC+0xOFF KIND" with the offset in canonical hex
norm_key() {
    local lib=$1 fo=$2 kind=$3
    local func=${fo%+0x*} off=${fo##*+0x}
    if [ "$func" != "$fo" ] && [[ $off =~ ^[0-9a-fA-F]+$ ]]; then
        printf '%s %s+0x%x %s\n' "$lib" "$func" "$((16#$off))" "$kind"
    else
        printf '%s %s %s\n' "$lib" "$fo" "$kind"
    fi
}

# Accepted entries: "<lib basename> <function>+0x<off> <kind>  # reason"
accepted=$work/accepted.txt
: >"$accepted"
: >"$work/cfi-gap.txt"
if [ -f "$known" ]; then
    lineno=0
    while IFS= read -r line; do
        lineno=$((lineno + 1))
        entry=${line%%#*}
        read -r -a f <<<"$entry"
        [ "${#f[@]}" -eq 0 ] && continue
        if [ "${#f[@]}" -lt 3 ]; then
            echo "FAIL corpus/known-defects.txt:$lineno: malformed entry: $line"
            continue
        fi
        lib=${f[0]} kind=${f[${#f[@]}-1]}
        fo=${entry#*"$lib"}; fo=${fo%"$kind"*}; fo=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$fo")
        func=${fo%+0x*}
        if [ "$line" = "$entry" ]; then
            echo "FAIL corpus/known-defects.txt:$lineno: entry without a '# reason': $line"
        elif [ ! -f "$evidence" ] || ! grep -qF -- "$func" "$evidence"; then
            echo "FAIL corpus/known-defects.txt:$lineno: no evidence for $func in docs/known-library-defects.md"
        fi
        norm_key "$lib" "$fo" "$kind" >>"$accepted"
        case "$line" in *"# "*"cfi-gap:"*)
            [[ $func =~ ^fde@0x([0-9a-f]+)$ ]] && printf '%s %016x %s\n' "$lib" "$((16#${BASH_REMATCH[1]}))" "$func" >>"$work/cfi-gap.txt" ;;
        esac
    done <"$known"
fi

# cfi-gap entries claim that the function's FDE ends where no FDE covers the next byte, so the
# fall-through runs code without CFI. readelf's FDE list is the oracle: each claim is re-checked.
if [ -s "$work/cfi-gap.txt" ] && command -v readelf >/dev/null; then
    for lib in $(awk '{ print $1 }' "$work/cfi-gap.txt" | sort -u); do
        path=/lib/x86_64-linux-gnu/$lib
        case $lib in aarch64-linux-gnu/*) path=/usr/aarch64-linux-gnu/lib/${lib#*/} ;; esac
        [ -e "$path" ] || continue
        fdes=$work/${lib//\//_}.fdes
        readelf --debug-dump=frames "$path" 2>/dev/null |
            sed -n 's/.* FDE cie=[0-9a-f]* pc=\([0-9a-f]*\)\.\.\([0-9a-f]*\).*/\1 \2/p' >"$fdes"
        # (addresses as "x" and 16 hex digits: compared as strings, which compares the numbers;
        # without the "x" awk would read 00000000001529e9 as the number 1529e9)
        wrong=$(awk -v lib="$lib" '
            FNR == NR { lo[NR] = "x" $1; hi[NR] = "x" $2; n = NR; next }
            $1 == lib {
                end = ""
                for (i = 1; i <= n; i++) if (lo[i] == "x" $2) end = hi[i]
                covered = 0
                for (i = 1; i <= n && end != ""; i++) if (lo[i] <= end && end < hi[i]) covered = 1
                if (end == "" || covered) print $3
            }' "$fdes" "$work/cfi-gap.txt")
        checked=$(grep -c "^$lib " "$work/cfi-gap.txt")
        if [ -n "$wrong" ]; then
            echo "FAIL corpus/system/$lib/cfi-gaps: readelf shows no gap after:" $wrong
        else
            echo "PASS corpus/system/$lib/cfi-gaps ($checked FDEs end where no FDE covers the next byte, per readelf)"
        fi
    done
fi

# Debian's arm64 libc and libstdc++ (libc6-arm64-cross, libstdc++6-arm64-cross) once arm64 is
# wired; their known-defects.txt entries are named aarch64-linux-gnu/libc.so.6 etc.
a64libs=""
[ $a64 = 0 ] && a64libs="/usr/aarch64-linux-gnu/lib/libc.so.6 /usr/aarch64-linux-gnu/lib/libstdc++.so.6"
for lib in /lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 $a64libs; do
    base=${lib##*/}
    case $lib in /usr/aarch64-linux-gnu/*) base=aarch64-linux-gnu/$base ;; esac
    name=corpus/system/$base/stack
    if [ ! -e "$lib" ]; then
        echo "SKIP $name: $lib not installed"
        continue
    fi
    out=$work/${base//\//_}.out
    timeout "$timeout_s" "$TRUSTACK" check --rules=stack "$lib" >"$out" 2>"$work/${base//\//_}.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        echo "FAIL $name: exit status $rc"
        head -n5 "$work/${base//\//_}.err" | sed 's/^/    /'
        continue
    fi
    total=0 bad=0
    : >"$work/${base//\//_}.unaccepted"
    : >"$work/${base//\//_}.seen"
    while IFS= read -r w; do
        total=$((total + 1))
        rest=${w#*: warning: trustack: }
        fo=${rest%%: *}
        kind=${rest##*[}; kind=${kind%]*}
        key=$(norm_key "$base" "$fo" "$kind")
        echo "$key" >>"$work/${base//\//_}.seen"
        if ! grep -qxF -- "$key" "$accepted"; then
            bad=$((bad + 1))
            echo "$w" >>"$work/${base//\//_}.unaccepted"
        fi
    done < <(grep ': warning: trustack: ' "$out")
    # Open findings: warnings the analyser cannot yet avoid on this library build (see
    # docs/known-library-findings.md). They are neither defects nor a pass: while their number
    # per kind stays within open-findings.txt for this exact build the check is a SKIP that
    # says how many remain; any more is a regression and fails.
    buildid=$(readelf -n "$lib" 2>/dev/null | sed -n 's/.*Build ID: *//p' | head -n1)
    over=""
    open_total=0
    if [ $bad -gt 0 ] && grep -q "^$base $buildid " "$here/open-findings.txt" 2>/dev/null; then
        while read -r k n; do
            have=$(grep -c "\[$k\]\$" "$work/${base//\//_}.unaccepted")
            open_total=$((open_total + have))
            [ "$have" -gt "$n" ] && over="$over $k:$have>$n"
        done < <(awk -v b="$base" -v id="$buildid" '$1 == b && $2 == id { print $3, $4 }' "$here/open-findings.txt")
        listed=$(awk -v b="$base" -v id="$buildid" '$1 == b && $2 == id { print $3 }' "$here/open-findings.txt")
        for k in $(sed 's/.*\[\(.*\)\]$/\1/' "$work/${base//\//_}.unaccepted" | sort -u); do
            grep -qx -- "$k" <<<"$listed" || over="$over $k:new"
        done
    else
        over=" (no open-findings baseline for build $buildid)"
    fi
    if [ $bad -eq 0 ] && [ $rc -eq 1 ] && [ $total -eq 0 ]; then
        echo "FAIL $name: exit status 1 but no warning lines"
    elif [ $bad -eq 0 ]; then
        echo "PASS $name ($total accepted known defect(s))"
    elif [ -z "$over" ]; then
        echo "SKIP $name: $open_total open finding(s) remain on this build (analysis limitations, docs/known-library-findings.md); none new"
    else
        printf 'FAIL %s: %s warning(s) not in known-defects.txt (of %s), beyond the open findings:%s; first ones:\n' "$name" "$bad" "$total" "$over"
        head -n5 "$work/${base//\//_}.unaccepted" | sed 's/^/    /'
    fi
    # Entries that no longer show up are worth pruning, but are not a failure.
    grep "^$base " "$accepted" | while IFS= read -r k; do
        grep -qxF -- "$k" "$work/${base//\//_}.seen" || echo "INFO known-defects.txt entry not reported any more: $k"
    done
done
exit 0
