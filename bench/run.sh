#!/usr/bin/env bash
# bench/run.sh: trustack against its peers, side by side, in one run (the targets: docs/targets.md).
#
#   A. `trustack check --rules=fp -q OBJ` vs objtool 6.1 `--stackval --orc` (Debian's
#      linux-kbuild-6.1) on the SQLite amalgamation object and on an `ld -r` combination of
#      several real C programs. Wall time (median) and peak RSS, ratios, targets; trustack's CPU
#      time, at `-j 1` and at the default -j (the number of online CPUs; objtool uses one), each
#      with its own time ratio.
#   B. `trustack check -q -j 1 LIB` (stack rules; for the large library also at the default -j)
#      vs the time Zydis needs just to decode the library's .text (bench/zydis_decode.c).
#
# Prints one Markdown table per part and the exact commands to stdout; the same report is kept
# in $BENCH_WORK/results/. Progress goes to stderr. See bench/README.md for the method.
#
# Environment:
#   BENCH_WORK     scratch directory (default /tmp/trustack-bench): sources, objects, binaries
#   TS_CACHE       the test corpus cache, where the SQLite amalgamation is taken from if present
#   BENCH_REPS     measured repetitions per figure (default 5; the median is reported)
#   BENCH_PARTS    which parts to run: "A B" (default), "A" or "B"
#   BENCH_LIBS     libraries for part B (default: libLLVM-14, libstdc++, libc, those present)
#   BENCH_J2       libraries that also get a row at the default -j: "large" (default: the largest one),
#                  "all", or "none"
#   BENCH_TIMEOUT  seconds before one run is killed and reported as a hang (default 900)
#   BENCH_MAX_LOAD wait while the 1-minute load is above this and the CPUs are busy with
#                  something else (default 1.5); BENCH_WAIT caps the wait (default 900 s)
#   BENCH_MAX_NOISE a measured run during which other processes used more than this many
#                  cores (default 0.3) is dropped and repeated, at most 3x BENCH_REPS attempts
#   OBJTOOL        objtool binary (default /usr/lib/linux-kbuild-6.1/tools/objtool/objtool)
set -uo pipefail
export LC_ALL=C
{ # the whole script is one compound command: bash parses it before running, so editing this
  # file while a benchmark runs cannot derail the run

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
W=${BENCH_WORK:-/tmp/trustack-bench}
REPS=${BENCH_REPS:-5}
PARTS=${BENCH_PARTS:-A B}
TIMEOUT=${BENCH_TIMEOUT:-900}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
MAX_WAIT=${BENCH_WAIT:-900}
J2=${BENCH_J2:-large}
MAX_NOISE=${BENCH_MAX_NOISE:-0.3}
HZ=$(getconf CLK_TCK)
OBJTOOL=${OBJTOOL:-/usr/lib/linux-kbuild-6.1/tools/objtool/objtool}
CC_BENCH=${CC_BENCH:-gcc}
FLAGS="-O2 -fno-omit-frame-pointer -fno-pie -fno-jump-tables"
# The SQLite inside the combined object is built with the feature set distributions enable
# (FTS3/4/5, R*Tree, Geopoly, sessions, ...): more real code, same code-generation flags.
FULL_DEFS="-DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_GEOPOLY -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_STMTVTAB -DSQLITE_ENABLE_BYTECODE_VTAB -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_STAT4"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

mkdir -p "$W"/{bin,obj,run,results,logs} || die "cannot create $W"
cd "$W" || die "cannot enter $W"
stamp=$(date +%Y%m%d-%H%M%S)
report=$W/results/$stamp.md
cmds=$W/run/commands.$$.md
fails=$W/run/failures.$$.md
: >"$cmds"; : >"$fails"

# ---------------------------------------------------------------------------------------------
# Tools
command -v /usr/bin/time >/dev/null || die "/usr/bin/time missing (apt-get install time)"
[ -x "$repo/build/trustack" ] || { log "build/trustack missing: make -C $repo"; make -C "$repo" >&2 || die "make failed"; }
# Snapshot the binary: the tree may be rebuilt while we measure.
cp -f "$repo/build/trustack" "$W/bin/trustack" || die "cannot copy build/trustack"
TS=$W/bin/trustack
ts_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
ts_dirty=$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
ts_built=$(date -r "$repo/build/trustack" '+%Y-%m-%d %H:%M:%S')
ts_ver=$("$TS" version 2>/dev/null | head -n1 | sed 's/^trustack //')

# ---------------------------------------------------------------------------------------------
# Load: wait until nothing else is busy. /proc/loadavg lags (our own previous run raises it),
# so we also sample how busy the CPUs are right now, over 2 s, while we run nothing.
ncpu=$(nproc)
cpu_busy_now() {   # busy cores over the next 2 s, e.g. 0.03
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" -v n="$ncpu" 'BEGIN{split(a,x," ");split(b,y," ");
        busy=y[1]-x[1]; idle=y[2]-x[2]; t=busy+idle; r=0; if (t > 0) r=n*busy/t; printf "%.2f", r}'
}
LOADNOTE=
wait_quiet() {   # $1: what is about to be measured; $2=quiet: no note in the report
    local waited=0 l busy calm=0
    while :; do
        l=$(cut -d' ' -f1 /proc/loadavg)
        busy=$(cpu_busy_now)
        # Quiet = other work below 0.25 cores over a 2 s sample. The load average lags (our
        # own previous runs raise it), so above MAX_LOAD we only ask for two quiet samples in
        # a row instead of one.
        if awk -v b="$busy" 'BEGIN{exit !(b < 0.25)}'; then
            calm=$((calm + 1))
            if [ "$calm" -ge 2 ] || awk -v l="$l" -v m="$MAX_LOAD" 'BEGIN{exit !(l <= m)}'; then
                break
            fi
            waited=$((waited + 2)); continue
        fi
        calm=0
        if [ "$waited" -ge "$MAX_WAIT" ]; then
            log "load $l, $busy cores busy: still busy after ${waited}s, measuring $1 anyway"
            [ "${2:-}" = quiet ] || LOADNOTE+="- $1: started after waiting ${waited} s with load $l and $busy cores busy with other work (figures may be inflated)"$'\n'
            return
        fi
        log "load $l, $busy cores busy with other work: waiting before $1"
        sleep 15; waited=$((waited + 17))
    done
    [ "${2:-}" = quiet ] && return
    [ "$waited" -gt 0 ] && LOADNOTE+="- $1: waited ${waited} s for the machine to become quiet"$'\n'
    LOADNOTE+="- $1: load average $l, $busy cores busy with other work just before"$'\n'
}

# ---------------------------------------------------------------------------------------------
# One measured figure: measure NAME CMD... ; M_PREP is eval'ed before each run (not timed).
# Runs the command until BENCH_REPS runs are kept (after $M_WARMUP untimed runs), each under
# /usr/bin/time (peak RSS, CPU) and timeout. Wall time is taken with bash's $EPOCHREALTIME
# around the run. The CPU other processes used during each run comes from /proc/stat; a run
# where that exceeds BENCH_MAX_NOISE is dropped and repeated once the machine is quiet.
# Results: R_WALL (median), R_WMIN, R_WMAX, R_RSS (max over runs, KB), R_CPU (median user+sys),
# R_BAD (non-empty if a run failed/hung/crashed),
# R_OUT/R_ERR (files of the last run), R_NOISE (max other-CPU cores during a run).
M_PREP=:
M_WARMUP=1
M_SEQ=0
M_SHOW=         # how to show the command in the report (default: the command itself)
M_OK="0 1"      # exit statuses that are not failures (trustack: 0 clean, 1 findings)
measure() {   # measure NAME CMD...
    local name=$1; shift
    local tf=$W/run/time.$$ out=$W/run/$name.out err=$W/run/$name.err
    local t0 t1 rc s0 s1 walls=() cpus=() rss=0 noise=0 line m u s n
    R_BAD=
    : >"$out.all"
    M_SEQ=$((M_SEQ + 1))
    printf '%s\n' "\`${M_SHOW:-$*}\`" >>"$cmds.$(printf %03d $M_SEQ)"
    local runs=0 kept=0 dropped=0 attempts=0
    while [ "$kept" -lt "$REPS" ]; do
        eval "$M_PREP"
        s0=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 10 "$TIMEOUT" "$@" >"$out" 2>"$err"
        rc=$?
        t1=$EPOCHREALTIME
        s1=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
        runs=$((runs + 1))
        line=$(tail -n1 "$tf")
        read -r _ m u s <<<"$line"
        if [[ " $M_OK " != *" $rc "* ]]; then
            local why="exit status $rc"
            [ "$rc" -eq 124 ] && why="killed after ${TIMEOUT}s (hang?)"
            [ "$rc" -gt 128 ] && why="killed by signal $((rc - 128))"
            R_BAD=$why
            {
                echo "- **$name**: $why"
                echo '  ```'
                echo "  $*"
                tail -n 15 "$err" | sed 's/^/  /'
                echo '  ```'
            } >>"$fails"
            log "$name: FAILED ($why)"
            return
        fi
        [ "$runs" -le "$M_WARMUP" ] && continue
        # other processes' CPU during this run, in cores
        n=$(awk -v a="$s0" -v b="$s1" -v u="$u" -v s="$s" -v hz="$HZ" -v w="$t0" -v x="$t1" \
            'BEGIN{o=(b-a)/hz-(u+s); if(o<0)o=0; printf "%.2f", o/(x-w)}')
        attempts=$((attempts + 1))
        # /proc/stat counts in ticks (1/HZ s per CPU): on a short run the estimate is only good
        # to about 2*ncpu/HZ/wall cores, so a run is dropped only if clearly above the limit.
        if awk -v a="$n" -v b="$MAX_NOISE" -v hz="$HZ" -v c="$ncpu" -v w="$t0" -v x="$t1" \
               'BEGIN{exit !(a - 2*c/hz/(x-w) > b)}' && [ "$attempts" -lt $((3 * REPS)) ]; then
            dropped=$((dropped + 1))
            log "$name: run dropped, other work used $n cores meanwhile"
            wait_quiet "$name" quiet
            continue
        fi
        kept=$((kept + 1))
        cat "$out" >>"$out.all"
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}')")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
        [ "$m" -gt "$rss" ] && rss=$m
        awk -v a="$n" -v b="$noise" 'BEGIN{exit !(a > b)}' && noise=$n
    done
    R_WALL=$(printf '%s\n' "${walls[@]}" | sort -g | median)
    R_WMIN=$(printf '%s\n' "${walls[@]}" | sort -g | head -n1)
    R_WMAX=$(printf '%s\n' "${walls[@]}" | sort -g | tail -n1)
    R_CPU=$(printf '%s\n' "${cpus[@]}" | sort -g | median)
    R_RSS=$rss
    R_NOISE="$noise ($dropped dropped)"
    R_OUT=$out; R_ERR=$err
    log "$name: median $R_WALL s (min $R_WMIN, max $R_WMAX), peak RSS $((rss / 1024)) MB, cpu $R_CPU s, rc $rc, $dropped noisy runs dropped"
}
median() { sort -g | awk '{v[NR]=$1} END{ if (NR % 2) m=v[(NR+1)/2]; else m=(v[NR/2]+v[NR/2+1])/2; print m}'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a"}'; }
met_ge() { awk -v r="$1" -v t="$2" 'BEGIN{ if (r == "n/a") s="n/a"; else if (r+0 >= t+0) s="**met**"; else s="**not met**"; print s}'; }
met_le() { awk -v r="$1" -v t="$2" 'BEGIN{ if (r == "n/a") s="n/a"; else if (r+0 <= t+0) s="**met**"; else s="**not met**"; print s}'; }
text_size() { size "$1" | awk 'NR==2{print $1}'; }            # size(1)'s text column
dottext() { local h; h=$(readelf -SW "$1" | awk '$2==".text"{print $6} $3==".text"{print $7}' | head -n1); echo $((16#${h:-0})); }
human() { awk -v b="$1" 'BEGIN{ if (b >= 1048576) printf "%.2f MB", b/1048576; else printf "%.0f KB", b/1024}'; }
sec() { awk -v s="$1" 'BEGIN{ if (s < 10) printf "%.3f", s; else printf "%.2f", s}'; }

{
echo "# trustack benchmark, $(date '+%Y-%m-%d %H:%M:%S')"
echo
echo "trustack $ts_ver, commit $ts_rev$([ "$ts_dirty" -gt 0 ] && echo " + $ts_dirty modified tracked files"), binary built $ts_built;"
echo "$(uname -srm), $ncpu CPUs ($(awk -F: '/model name/{print $2; exit}' /proc/cpuinfo | sed 's/^ *//')), $(gcc --version | head -n1)."
echo "Each figure: median of $REPS runs (warm page cache), one run at a time; RSS: the largest max-RSS of those runs."
} >"$report.head"

# =============================================================================================
# Part A
partA() {
    [ -x "$OBJTOOL" ] || { log "objtool missing ($OBJTOOL): apt-get install linux-kbuild-6.1"; echo "Part A skipped: $OBJTOOL missing" >"$W/run/A.md"; return; }
    local src
    src=$("$here/fetch-sqlite.sh" "$W/src") || die "no SQLite sources (see bench/fetch-sqlite.sh)"
    # Objects: rebuilt only when the sources, flags or compiler change.
    local key
    key=$( { echo "$FLAGS | $FULL_DEFS | v1"; $CC_BENCH --version | head -n1; ld --version | head -n1;
             cat "$src"/SOURCES.txt; md5sum "$src"/*.c "$src"/*.h; } | md5sum | cut -c1-12)
    local O=$W/obj/$key
    local members=()
    if [ ! -s "$O/combined.o" ]; then
        log "compiling the objects into $O (a few minutes on 2 cores; not measured)"
        mkdir -p "$O.tmp"
        local pids=() c
        # two compilers at a time: the machine has 2 cores
        $CC_BENCH $FLAGS -c "$src/sqlite3.c" -o "$O.tmp/sqlite3.o" 2>"$O.tmp/sqlite3.log" & pids+=($!)
        $CC_BENCH $FLAGS $FULL_DEFS -c "$src/sqlite3.c" -o "$O.tmp/sqlite3-full.o" 2>"$O.tmp/sqlite3-full.log" & pids+=($!)
        for c in "${pids[@]}"; do wait "$c" || die "compiling sqlite3.c failed: $(cat "$O.tmp"/sqlite3*.log)"; done
        $CC_BENCH $FLAGS -I"$src" -Dmain=sqlite3_shell_main -c "$src/shell.c" -o "$O.tmp/shell.o" \
            || die "compiling shell.c failed"
        if [ -s "$src/jimsh0.c" ]; then
            $CC_BENCH $FLAGS -Dmain=jimsh_main -c "$src/jimsh0.c" -o "$O.tmp/jimsh0.o" 2>"$O.tmp/jimsh0.log" \
                || log "jimsh0.c did not compile; left out"
        fi
        if [ -s "$src/tclsqlite3.c" ] && [ -f /usr/include/tcl/tcl.h ]; then
            $CC_BENCH $FLAGS -DUSE_SYSTEM_SQLITE -I"$src" -I/usr/include/tcl -c "$src/tclsqlite3.c" \
                -o "$O.tmp/tclsqlite3.o" 2>"$O.tmp/tclsqlite3.log" || log "tclsqlite3.c did not compile; left out"
        fi
        for c in sqlite3-full shell jimsh0 tclsqlite3; do [ -s "$O.tmp/$c.o" ] && members+=("$c.o"); done
        (cd "$O.tmp" && ld -r -o combined.o "${members[@]}") || die "ld -r failed"
        rm -rf "$O"; mv "$O.tmp" "$O"
    fi
    members=()
    for c in sqlite3-full shell jimsh0 tclsqlite3; do [ -s "$O/$c.o" ] && members+=("$c.o"); done

    {
    echo "Objects (in \`$O\`, sources in \`$src\`):"
    echo
    echo '```sh'
    echo "$CC_BENCH $FLAGS -c sqlite3.c -o sqlite3.o"
    echo "$CC_BENCH $FLAGS $FULL_DEFS -c sqlite3.c -o sqlite3-full.o"
    echo "$CC_BENCH $FLAGS -Dmain=sqlite3_shell_main -c shell.c -o shell.o"
    [ -s "$O/jimsh0.o" ] && echo "$CC_BENCH $FLAGS -Dmain=jimsh_main -c jimsh0.c -o jimsh0.o"
    [ -s "$O/tclsqlite3.o" ] && echo "$CC_BENCH $FLAGS -DUSE_SYSTEM_SQLITE -I/usr/include/tcl -c tclsqlite3.c -o tclsqlite3.o"
    echo "ld -r -o combined.o ${members[*]}"
    echo '```'
    echo
    sed 's/^/- /' "$src/SOURCES.txt"
    echo
    } >>"$cmds"

    local rows=() details=() obj base ts_w ts_r ot_w ot_r tr mr orc otw tsw ot_bad ts_bad ot_note ts_cpu ts2 trd
    for obj in sqlite3.o combined.o; do
        base=${obj%.o}
        wait_quiet "A/$base"
        # objtool rewrites the object: a fresh copy before every run (the copy is not timed).
        M_PREP="cp -f '$O/$obj' '$W/run/objtool-$obj'"; M_WARMUP=1
        M_SHOW="cp $O/$obj $W/run/objtool-$obj (untimed); $OBJTOOL --stackval --orc $W/run/objtool-$obj"
        measure "objtool-$base" "$OBJTOOL" --stackval --orc "$W/run/objtool-$obj"
        M_SHOW=
        ot_w=$R_WALL ot_r=$R_RSS ot_min=$R_WMIN ot_max=$R_WMAX ot_bad=$R_BAD ot_noise=$R_NOISE
        otw=$(grep -c 'warning: objtool:' "$R_ERR")
        ot_note=$(grep -v 'warning: objtool:' "$R_ERR" | head -n 3 | paste -sd';' -)
        orc=$(readelf -SW "$W/run/objtool-$obj" | awk '$2==".orc_unwind_ip"{print $6} $3==".orc_unwind_ip"{print $7}' | head -n1)
        [ -n "$orc" ] && orc=$((16#$orc / 4))
        cp -f "$R_ERR" "$W/logs/objtool-$base.txt"
        M_PREP=:; M_WARMUP=1
        measure "trustack-$base" "$TS" check --rules=fp -q -j 1 "$O/$obj"
        ts_w=$R_WALL ts_r=$R_RSS ts_min=$R_WMIN ts_max=$R_WMAX ts_bad=$R_BAD ts_noise=$R_NOISE ts_cpu=$R_CPU
        tsw=$(grep -c ': warning: trustack:' "$R_OUT")
        cp -f "$R_OUT" "$W/logs/trustack-$base.txt"
        # the same at the default -j (one analysis thread per online CPU): wall time, the CPU
        # time it costs, and its own ratio (objtool is single-threaded: the -j 1 ratio is the
        # like-for-like one)
        measure "trustack-jdef-$base" "$TS" check --rules=fp -q "$O/$obj"
        ts2=$(sec "$R_WALL"); [ -n "$R_BAD" ] && ts2=$R_BAD
        trd=n/a; [ -z "$R_BAD$ot_bad" ] && trd=$(ratio "$ot_w" "$R_WALL")
        ts2="$ts2 s, CPU $R_CPU s | $trd"
        local label
        label="\`$obj\` ($(human "$(text_size "$O/$obj")") text)"
        if [ -n "$ot_bad$ts_bad" ]; then
            rows+=("| $label | ${ot_bad:-$(sec "$ot_w")} | ${ts_bad:-$(sec "$ts_w")} | ${ts_cpu:-n/a} | n/a | n/a | $ts2 | $(mb "$ot_r") | ${ts_bad:-$(mb "$ts_r")} | n/a | n/a |")
            continue
        fi
        tr=$(ratio "$ot_w" "$ts_w"); mr=$(ratio "$ts_r" "$ot_r")
        rows+=("| $label | $(sec "$ot_w") | $(sec "$ts_w") | $ts_cpu | $tr | $(met_ge "$tr" 2) | $ts2 | $(mb "$ot_r") | $(mb "$ts_r") | $mr | $(met_le "$mr" 0.5) |")
        details+=("| \`$obj\` | .text $(human "$(dottext "$O/$obj")"), $(readelf -sW "$O/$obj" | awk '$4=="FUNC"' | wc -l) FUNC symbols, $(readelf -sW "$O/$obj" | awk '$4=="FILE"' | wc -l) STT_FILE | $(sec "$ot_min")–$(sec "$ot_max") | $(sec "$ts_min")–$(sec "$ts_max") | $otw | $tsw | ${orc:-none} | ${ot_noise} / ${ts_noise} | ${ot_note:--} |")
    done
    {
    echo "## A. \`trustack check --rules=fp -q\` vs objtool 6.1 \`--stackval --orc\` on objects"
    echo
    echo "| object | objtool s | trustack s (-j 1) | trustack CPU s (user+sys, -j 1) | time objtool/trustack -j 1 (target ≥ 2, like for like) | | trustack default -j ($ncpu CPUs): wall, CPU | time objtool/trustack default -j | objtool peak RSS MB | trustack peak RSS MB (-j 1) | RSS trustack/objtool (target ≤ 0.5) | |"
    echo "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| object | contents | objtool s min–max | trustack s min–max | objtool warnings | trustack warnings | ORC entries written by objtool | other processes' CPU during the kept runs, max cores (noisy runs dropped), objtool / trustack | objtool's other messages |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${details[@]}"
    echo
    } >"$W/run/A.md"
}

# =============================================================================================
# Part B
partB() {
    local zd=$W/bin/zydis_decode
    cc -O2 "$here/zydis_decode.c" -lZydis -lelf -o "$zd" || die "building zydis_decode failed (libzydis-dev, libelf-dev)"
    printf '%s\n\n' "Decode-only baseline: \`cc -O2 bench/zydis_decode.c -lZydis -lelf -o $zd\`" >>"$cmds"
    local libs=() l
    if [ -n "${BENCH_LIBS:-}" ]; then
        read -ra libs <<<"$BENCH_LIBS"
    else
        for l in /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libc.so.6; do
            [ -e "$l" ] && libs+=("$l")
        done
    fi
    local largest='' lsz=0 sz
    for l in "${libs[@]}"; do sz=$(dottext "$l"); [ "${sz:-0}" -gt "$lsz" ] && { lsz=$sz; largest=$l; }; done
    local rows=() details=() base zdec zins zfail zw zr line tw tr tcpu tbad tsw summary r
    for l in "${libs[@]}"; do
        base=$(basename "$l")
        wait_quiet "B/$base"
        M_PREP=:; M_WARMUP=1
        measure "zydis-$base" "$zd" "$l"
        if [ -n "$R_BAD" ]; then rows+=("| \`$base\` | zydis_decode failed: $R_BAD | | | | | | |"); continue; fi
        zw=$R_WALL zr=$R_RSS
        line=$(cat "$R_OUT")
        zins=$(sed -n 's/.*instructions=\([0-9]*\).*/\1/p' <<<"$line")
        zfail=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' <<<"$line")
        # the decode-only figure: the median of zydis_decode's own decode_seconds over the runs
        zdec=$(sed -n 's/.*decode_seconds=\([0-9.]*\).*/\1/p' "$R_OUT.all" | sort -g |
               median)
        # One untimed run without -q gives trustack's own summary (functions, instructions).
        "$TS" check "$l" >/dev/null 2>"$W/run/summary.err"
        summary=$(grep '^trustack:' "$W/run/summary.err" | tail -n1 | sed 's/^trustack: //')
        M_WARMUP=0
        measure "trustack-$base" "$TS" check -q -j 1 "$l"
        tw=$R_WALL tr=$R_RSS tbad=$R_BAD tcpu=$R_CPU tnoise=$R_NOISE
        tsw=$(grep -c ': warning: trustack:' "$R_OUT" 2>/dev/null)
        cp -f "$R_OUT" "$W/logs/trustack-$base.txt" 2>/dev/null
        if [ -n "$tbad" ]; then
            rows+=("| \`$base\` (.text $(human "$(dottext "$l")")) | $zins | $(sec "$zdec") | -j 1 | $tbad | n/a | n/a | n/a |")
            continue
        fi
        r=$(ratio "$tw" "$zdec")
        rows+=("| \`$base\` (.text $(human "$(dottext "$l")")) | $zins | $(sec "$zdec") | -j 1 | $(sec "$tw") | $r | $(met_le "$r" 2) | $(mb "$tr") |")
        details+=("| \`$base\` | -j 1 | $(readlink -f "$l") | $(sec "$R_WMIN")–$(sec "$R_WMAX") | $tcpu | $tsw | $summary | $(sec "$zw") s, $(mb "$zr") MB, $zfail decode failures | $tnoise |")
        if [ "$J2" = all ] || { [ "$J2" = large ] && [ "$l" = "$largest" ]; }; then
            # the default -j: one analysis thread per online CPU (Zydis decodes on one)
            wait_quiet "B/$base default -j"
            measure "trustack-jdef-$base" "$TS" check -q "$l"
            if [ -n "$R_BAD" ]; then
                rows+=("| | | | default -j ($ncpu) | $R_BAD | n/a | n/a | n/a |")
            else
                r=$(ratio "$R_WALL" "$zdec")
                rows+=("| | | | default -j ($ncpu) | $(sec "$R_WALL") | $r | $(met_le "$r" 2) | $(mb "$R_RSS") |")
                details+=("| \`$base\` | default -j ($ncpu) | | $(sec "$R_WMIN")–$(sec "$R_WMAX") | $R_CPU | $(grep -c ': warning: trustack:' "$R_OUT") | | | $R_NOISE |")
            fi
        fi
    done
    {
    echo "## B. \`trustack check -q LIB\` (stack rules) vs Zydis decoding the library's .text"
    echo
    echo "| library | instructions (linear decode) | Zydis decode-only s | trustack | trustack s | trustack/decode (target ≤ 2; like for like at -j 1) | | trustack peak RSS MB |"
    echo "|---|---:|---:|---|---:|---:|---|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| library | trustack | file | trustack s min–max | trustack CPU s (user+sys) | trustack warnings | trustack's summary (untimed run without -q) | zydis_decode process: wall, peak RSS, failures | other processes' CPU during the kept trustack runs, max cores (noisy runs dropped) |"
    echo "|---|---|---|---:|---:|---:|---|---|---:|"
    printf '%s\n' "${details[@]}"
    echo
    } >"$W/run/B.md"
}
rm -f "$W/run/A.md" "$W/run/B.md" "$cmds".*
# The wrapper's own cost (fork/exec of /usr/bin/time and timeout), included in every wall time.
wait_quiet "calibration"
M_PREP=:; M_WARMUP=1; M_OK=0
measure calibrate-true /bin/true
rm -f "$cmds".*
OVERHEAD_MS=$(awk -v s="$R_WALL" 'BEGIN{printf "%.1f", s*1000}')
M_OK="0 1"
echo "Wall times are taken around the wrapper and include its cost: ${OVERHEAD_MS} ms (median for \`/bin/true\`)." >>"$report.head"
case " $PARTS " in *" A "*) partA ;; esac
case " $PARTS " in *" B "*) partB ;; esac

{
cat "$report.head"
echo
[ -f "$W/run/A.md" ] && cat "$W/run/A.md"
[ -f "$W/run/B.md" ] && cat "$W/run/B.md"
if [ -s "$fails" ]; then
    echo "## Failures (trustack or a peer failed, hung or crashed)"
    echo
    cat "$fails"
    echo
fi
echo "## Machine load"
echo
printf '%s' "$LOADNOTE"
echo
echo "## Commands"
echo
cat "$cmds"
echo "Measured commands (each run under \`/usr/bin/time -f '%e %M %U %S' timeout -k 10 $TIMEOUT ...\`; objtool's object is copied fresh from the built one before every run, untimed):"
echo
for f in "$cmds".*; do [ -f "$f" ] && sed 's/^/- /' "$f"; done
echo
echo "Outputs of the last run of each: \`$W/logs/\`."
} >"$report"
rm -f "$report.head" "$cmds" "$cmds".* "$fails"
cat "$report"
log "report kept in $report"
exit 0
}
