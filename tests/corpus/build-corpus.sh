#!/usr/bin/env bash
# Build the "correct compiler output" corpus for trustack: the SQLite amalgamation and the small
# programs in tests/corpus/programs/, across compilers, optimisation levels, frame-pointer
# settings and link modes.
#
# Usage: build-corpus.sh [--quick|--full] [--arch x86|a64|s390x|all] [--jobs N] [--list] [TARGET/CONFIG...]
#   --quick      the CI subset (also selected by TS_QUICK=1): a few sqlite configurations, all programs
#                (arm64, s390x: a handful of builds, see a64_configs, s390x_configs)
#   --full       everything (the default unless TS_QUICK=1)
#   --arch A     which machine's presets: x86 (x86-64, the default), a64 (arm64, cross-compiled),
#                s390x (cross-compiled), all (also TS_CORPUS_ARCH); explicit TARGET/CONFIG names
#                may be of any
#   --jobs N     parallel builds (default ${TS_JOBS:-2}; each build is one compiler process at a time)
#   --list       print the selected TARGET/CONFIG names and exit, building nothing
#   TARGET/CONFIG...  build exactly these instead of a preset (e.g. sqlite/gcc-O2-fp-nopie-nojt)
#
# A configuration is CC-OPT-FP-MODE[-EXTRA...]:
#   CC    gcc | clang           (C++ sources use g++ | clang++)
#         a64gcc | a64clang     arm64: aarch64-linux-gnu-gcc/g++ 12 | clang/clang++ 14
#                               --target=aarch64-linux-gnu (libc6-dev-arm64-cross, libstdc++ cross)
#         s390gcc | s390clang   s390x: s390x-linux-gnu-gcc/g++ 12 | clang/clang++ 14
#                               --target=s390x-linux-gnu (libc6-dev-s390x-cross, g++-s390x-linux-gnu)
#   OPT   O0 O1 O2 O3 Os
#   FP    fp   = -fno-omit-frame-pointer
#         nofp = the compiler's default (frame pointer omitted at -O1 and above)
#         bc   = -mbackchain (s390x: the back chain, checked with --rules=backchain; manifest FP "bc")
#         nobc = s390x without the back chain
#   MODE  pic   = -fPIC objects linked with -shared into lib*.so
#         nopie = -fno-pie objects linked with -no-pie into an executable
#         pie   = -fPIE objects linked with -pie into an executable (gcc's default on Debian)
#         static = -fno-pie objects linked with -static into an executable
#   EXTRA scp  = -fstack-clash-protection
#         nojt = -fno-jump-tables (what objtool needs)
#         bp   = -mbranch-protection=standard (arm64: PAC-RET and BTI, the objects BTI-marked)
#         pacleaf = -mbranch-protection=pac-ret+leaf (arm64: leaf functions signed too)
#         ps   = -mpacked-stack (s390x, without -mbackchain: gcc refuses the two together with
#                hardware floating point)
# Every build uses -g, so DWARF (DW_AT_noreturn etc.) is present.
#
# Cache: ${TS_CACHE:-$HOME/.cache/trustack-corpus}/builds/TARGET/CONFIG-HASH/, where HASH covers the
# compiler identity (full --version), the flags, the sources and this script's recipe version, so a
# compiler upgrade or a source change builds afresh and an existing build is never rebuilt.
# A finished build directory holds .ok, files.txt ("obj|linked RELPATH" per line), config.txt,
# build.log and seconds.txt. A failed build leaves .failed and build.log, and is retried next run.
#
# Output (stdout): one manifest line per selected build:
#   STATUS TARGET/CONFIG FP DIR
# STATUS is built | cached | failed | skipped (tool missing; DIR is then the reason), FP is yes|no
# (s390x: bc for -mbackchain builds).
# Progress goes to stderr. Exit status: 0 if nothing failed, 1 if some build failed.
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
export TS_CACHE=$cache
recipe=1 # bump when the build recipe changes in a way that should invalidate cached builds

sqlite_configs_full() {
    local cc opt fp mode
    for opt in O3 O2 Os O1 O0; do # most expensive first, for better packing over the jobs
        for cc in gcc clang; do
            for fp in fp nofp; do
                for mode in pic nopie; do echo "sqlite/$cc-$opt-$fp-$mode"; done
            done
        done
        for fp in fp nofp; do echo "sqlite/gcc-$opt-$fp-pie"; done
    done
}

# CI subset: -O0 and -O2 for both compilers, each in two flag variants that between them cover
# fp/nofp and pic/exec, plus gcc's default (PIE, no frame pointer) at -O2.
sqlite_configs_quick() {
    printf 'sqlite/%s\n' \
        gcc-O2-fp-nopie gcc-O2-nofp-pic clang-O2-fp-pic clang-O2-nofp-nopie gcc-O2-nofp-pie \
        gcc-O0-fp-pic gcc-O0-nofp-nopie clang-O0-fp-nopie clang-O0-nofp-pic
}

# Programs are small: the full matrix, stack-clash protection on and off, in both presets.
program_configs() {
    local cc opt fp mode extra
    for opt in O3 O2 Os O1 O0; do
        for cc in gcc clang; do
            for fp in fp nofp; do
                for mode in pic nopie; do
                    for extra in "" -scp; do echo "programs/$cc-$opt-$fp-$mode$extra"; done
                done
            done
        done
        for fp in fp nofp; do
            for extra in "" -scp; do echo "programs/gcc-$opt-$fp-pie$extra"; done
        done
    done
}

# arm64 (issue 14): gcc 12 and clang 14 cross, -O0..-O3 -Os, fp and nofp, shared libraries, PIE
# and static executables, and per level the branch-protection and stack-clash variants. Programs
# (C and C++ with exceptions): base pic/pie/static + pie-bp + pic-pacleaf + pie-scp + static-bp-scp
# = 2 x 5 x 2 x 7 = 140 builds. SQLite: pic and pie + (at O2 and O3) pie-bp, pic-pacleaf,
# static-scp = 40 + 24 = 64 builds.
a64_configs_full() {
    local cc opt fp v
    for opt in O3 O2 Os O1 O0; do
        for cc in a64gcc a64clang; do
            for fp in fp nofp; do
                for v in pic pie; do echo "sqlite/$cc-$opt-$fp-$v"; done
                case $opt in O2|O3)
                    for v in pie-bp pic-pacleaf static-scp; do echo "sqlite/$cc-$opt-$fp-$v"; done ;;
                esac
            done
        done
    done
    for opt in O3 O2 Os O1 O0; do
        for cc in a64gcc a64clang; do
            for fp in fp nofp; do
                for v in pic pie static pie-bp pic-pacleaf pie-scp static-bp-scp; do
                    echo "programs/$cc-$opt-$fp-$v"
                done
            done
        done
    done
}

# CI subset: each compiler once with PAC+BTI, once with pac-ret+leaf, fp and nofp, every link mode,
# stack-clash once per compiler; SQLite once per compiler (the two slowest builds).
# the CI subset: programs only (a cold arm64 SQLite build costs 3-7 minutes; the full set has 64)
a64_configs_quick() {
    printf '%s\n' programs/a64gcc-O2-fp-pie-bp programs/a64clang-O2-nofp-pie-bp \
        programs/a64gcc-Os-nofp-pic-pacleaf programs/a64clang-O3-fp-pic-pacleaf \
        programs/a64gcc-O0-fp-static-scp programs/a64clang-O1-nofp-static-bp-scp
}

# s390x (issue 16): gcc 12 and clang 14 cross, -O0..-O3 -Os, with and without the back chain,
# shared libraries, PIE and non-PIE executables; gcc also -mpacked-stack. Programs only (C and
# C++): 2 x 5 x (2 x 3) + 5 x 2 (gcc packed-stack pic, pie) = 70 builds.
s390x_configs_full() {
    local cc opt bc v
    for opt in O3 O2 Os O1 O0; do
        for cc in s390gcc s390clang; do
            for bc in bc nobc; do
                for v in pic pie nopie; do echo "programs/$cc-$opt-$bc-$v"; done
            done
        done
        for v in pic pie; do echo "programs/s390gcc-$opt-nobc-$v-ps"; done
    done
}

# CI subset: each compiler with and without the back chain, each link mode once, packed-stack once
s390x_configs_quick() {
    printf '%s\n' programs/s390gcc-O2-bc-pie programs/s390clang-O2-bc-pic programs/s390gcc-O0-nobc-nopie \
        programs/s390clang-Os-nobc-pie programs/s390gcc-O3-nobc-pic-ps
}

# ---- one build -------------------------------------------------------------------------------

# parse_config CONFIG: sets cc cxx opt fp mode cflags (array) ldflags (array) or returns 1
parse_config() {
    local config=$1 IFS=-
    local -a parts
    read -r -a parts <<<"$config"
    [ "${#parts[@]}" -ge 4 ] || return 1
    arch=x86 target_flags=()
    case ${parts[0]} in
        gcc) cc=gcc cxx=g++ ;;
        clang) cc=clang cxx=clang++ ;;
        a64gcc) cc=aarch64-linux-gnu-gcc cxx=aarch64-linux-gnu-g++ arch=a64 ;;
        a64clang) cc=clang cxx=clang++ arch=a64 target_flags=(--target=aarch64-linux-gnu) ;;
        s390gcc) cc=s390x-linux-gnu-gcc cxx=s390x-linux-gnu-g++ arch=s390x ;;
        s390clang) cc=clang cxx=clang++ arch=s390x target_flags=(--target=s390x-linux-gnu) ;;
        *) return 1 ;;
    esac
    case ${parts[1]} in O0|O1|O2|O3|Os) opt=${parts[1]} ;; *) return 1 ;; esac
    cflags=("${target_flags[@]}" -g "-$opt")
    # fp on arm64: frame records in leaf functions too (both compilers omit them there by default
    # with -fno-omit-frame-pointer, and clang then uses x29 as a general register in a leaf: a
    # frame-pointer unwinder's chain is broken inside it, which --rules=fp reports as fp-scratch)
    case ${parts[2]} in
        fp) fp=yes; cflags+=(-fno-omit-frame-pointer); [ $arch = a64 ] && cflags+=(-mno-omit-leaf-frame-pointer) ;;
        nofp) fp=no ;;
        bc) [ $arch = s390x ] || return 1; fp=bc; cflags+=(-mbackchain) ;;
        nobc) [ $arch = s390x ] || return 1; fp=no ;;
        *) return 1 ;;
    esac
    mode=${parts[3]}
    case $mode in
        pic) cflags+=(-fPIC); ldflags=(-shared) ;;
        nopie) cflags+=(-fno-pie); ldflags=(-no-pie) ;;
        pie) cflags+=(-fPIE); ldflags=(-pie) ;;
        static) cflags+=(-fno-pie); ldflags=(-static) ;;
        *) return 1 ;;
    esac
    ldflags=("${target_flags[@]}" "${ldflags[@]}")
    local x
    for x in "${parts[@]:4}"; do
        case $x in
            scp) cflags+=(-fstack-clash-protection) ;;
            nojt) cflags+=(-fno-jump-tables) ;;
            bp) [ $arch = a64 ] || return 1; cflags+=(-mbranch-protection=standard) ;;
            pacleaf) [ $arch = a64 ] || return 1; cflags+=(-mbranch-protection=pac-ret+leaf) ;;
            ps) [ $arch = s390x ] && [ "$fp" != bc ] || return 1; cflags+=(-mpacked-stack) ;;
            *) return 1 ;;
        esac
    done
}

# Compiler identity (first line of --version). The main process computes these once and exports
# them as BC_ID_<tool> so the per-build processes need not start every compiler again.
tool_var() { local v=${1//[^A-Za-z0-9]/_}; echo "BC_ID_$v"; }
tool_id() {
    local v; v=$(tool_var "$1")
    if [ -n "${!v:-}" ]; then echo "${!v}"; else "$1" --version 2>/dev/null | head -n1; fi
}
# Digest of a target's sources ("name\nsha1" per file), likewise exported as BC_SRC_<target>.
srcs_digest() {
    local v=BC_SRC_$1 t; shift
    if [ -n "${!v:-}" ]; then echo "${!v}"; return; fi
    for t in "$@"; do [ -f "$t" ] && { echo "${t##*/}"; sha1sum <"$t"; }; done
}

build_one() {
    local name=$1 target=${1%%/*} config=${1#*/}
    local cc cxx opt fp mode arch
    local -a cflags ldflags target_flags
    if ! parse_config "$config"; then
        echo "failed $name no bad-configuration-name"; return 0
    fi
    local -a srcs
    local srcdir
    case $target in
        sqlite)
            local errf=$cache/.fetch.err.$$ rc=0
            if [ -n "${BC_SQLITE_DIR:-}" ]; then srcdir=$BC_SQLITE_DIR; : >"$errf"
            else srcdir=$("$here/fetch-sqlite.sh" 2>"$errf") || rc=$?; fi
            local err; err=$(tr '\n ' '__' <"$errf" | cut -c1-200); rm -f "$errf"
            if [ $rc -eq 2 ]; then echo "skipped $name $fp npm-not-installed"; return 0; fi
            if [ $rc -ne 0 ]; then echo "failed $name $fp fetch-sqlite-failed:$err"; return 0; fi
            srcs=("$srcdir/sqlite3.c" "$srcdir/shell.c" "$srcdir/sqlite3.h") ;;
        programs)
            srcdir=$here/programs
            srcs=("$srcdir"/*.c "$srcdir"/*.cc) ;;
        *) echo "failed $name no unknown-target"; return 0 ;;
    esac
    local t need=$cc
    for t in "${srcs[@]}"; do case $t in *.cc) need="$need $cxx" ;; esac; done
    for t in $need; do
        command -v "$t" >/dev/null 2>&1 || { echo "skipped $name $fp $t-not-installed"; return 0; }
    done
    local ver
    ver=$("$cc" -dumpfullversion 2>/dev/null || "$cc" -dumpversion)
    local key
    key=$( {
        echo "recipe $recipe target $target config $config"
        tool_id "$cc"; tool_id "$cxx"
        echo "cflags ${cflags[*]}"; echo "ldflags ${ldflags[*]}"
        srcs_digest "$target" "${srcs[@]}"
    } | sha1sum | cut -c1-10)
    local prefix=""
    [ $arch = a64 ] && prefix=a64-
    [ $arch = s390x ] && prefix=s390x-
    local dir=$cache/builds/$target/$prefix$cc$ver-${config#*-}-$key
    if [ -f "$dir/.ok" ]; then echo "cached $name $fp $dir"; return 0; fi
    local tmp=$dir.tmp.$$
    rm -rf "$dir" "$tmp"; mkdir -p "$tmp"
    local start=$SECONDS ok=1 log=$tmp/build.log
    {
        echo "target=$target config=$config"
        echo "cc=$(tool_id "$cc")"; echo "cxx=$(tool_id "$cxx")"
        echo "cflags=${cflags[*]}"; echo "ldflags=${ldflags[*]}"; echo "fp=$fp"; echo "arch=$arch"
    } >"$tmp/config.txt"
    : >"$tmp/files.txt"
    run() { echo "+ $*" >>"$log"; "$@" >>"$log" 2>&1; }
    case $target in
        sqlite)
            run "$cc" "${cflags[@]}" -w -c "$srcdir/sqlite3.c" -o "$tmp/sqlite3.o" || ok=0
            echo "obj sqlite3.o" >>"$tmp/files.txt"
            if [ "$mode" = pic ]; then
                [ $ok = 1 ] && { run "$cc" "${ldflags[@]}" -o "$tmp/libsqlite3.so" "$tmp/sqlite3.o" -lm || ok=0; }
                echo "linked libsqlite3.so" >>"$tmp/files.txt"
            else
                [ $ok = 1 ] && { run "$cc" "${cflags[@]}" -w -I"$srcdir" -c "$srcdir/shell.c" -o "$tmp/shell.o" || ok=0; }
                [ $ok = 1 ] && { run "$cc" "${ldflags[@]}" -o "$tmp/sqlite3" "$tmp/sqlite3.o" "$tmp/shell.o" -lm || ok=0; }
                printf 'obj shell.o\nlinked sqlite3\n' >>"$tmp/files.txt"
            fi ;;
        programs)
            local src base comp out
            for src in "${srcs[@]}"; do
                [ -f "$src" ] || continue
                base=${src##*/}; base=${base%.*}
                case $src in *.cc) comp=$cxx ;; *) comp=$cc ;; esac
                if [ "$mode" = pic ]; then out=lib$base.so; else out=$base; fi
                run "$comp" "${cflags[@]}" -w -c "$src" -o "$tmp/$base.o" || { ok=0; continue; }
                run "$comp" "${ldflags[@]}" -o "$tmp/$out" "$tmp/$base.o" || { ok=0; continue; }
                printf 'obj %s\nlinked %s\n' "$base.o" "$out" >>"$tmp/files.txt"
            done ;;
    esac
    echo $((SECONDS - start)) >"$tmp/seconds.txt"
    if [ $ok = 1 ]; then
        touch "$tmp/.ok"
        # Another run may have finished the same build meanwhile: keep the one that is there.
        if [ -f "$dir/.ok" ]; then
            rm -rf "$tmp"
        else
            rm -rf "$dir"
            mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
        fi
        echo "built $name $fp $dir"
        echo "build-corpus: built $name in $((SECONDS - start))s" >&2
    else
        touch "$tmp/.failed"
        if [ -f "$dir/.ok" ]; then rm -rf "$tmp"; else rm -rf "$dir"; mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"; fi
        echo "failed $name $fp $dir"
        echo "build-corpus: FAILED $name (see $dir/build.log)" >&2
    fi
}

# ---- main ------------------------------------------------------------------------------------

if [ "${1:-}" = --one ]; then
    mkdir -p "$cache"
    build_one "$2"
    exit 0
fi

preset=full
ts_quick && preset=quick
arch_sel=${TS_CORPUS_ARCH:-x86}
jobs=${TS_JOBS:-2}
list=0
explicit=()
while [ $# -gt 0 ]; do
    case $1 in
        --quick) preset=quick ;;
        --full) preset=full ;;
        --jobs) jobs=$2; shift ;;
        --jobs=*) jobs=${1#--jobs=} ;;
        --list) list=1 ;;
        --arch) arch_sel=$2; shift ;;
        --arch=*) arch_sel=${1#--arch=} ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-corpus: unknown option $1" >&2; exit 2 ;;
        *) explicit+=("$1") ;;
    esac
    shift
done

case $arch_sel in x86|a64|s390x|all) ;; *) echo "build-corpus: --arch must be x86, a64, s390x or all" >&2; exit 2 ;; esac
if [ "${#explicit[@]}" -gt 0 ]; then
    selected=$(printf '%s\n' "${explicit[@]}")
else
    selected=$(
        if [ $arch_sel = x86 ] || [ $arch_sel = all ]; then
            if [ $preset = quick ]; then sqlite_configs_quick; else sqlite_configs_full; fi
            program_configs
        fi
        if [ $arch_sel = a64 ] || [ $arch_sel = all ]; then
            if [ $preset = quick ]; then a64_configs_quick; else a64_configs_full; fi
        fi
        if [ $arch_sel = s390x ] || [ $arch_sel = all ]; then
            if [ $preset = quick ]; then s390x_configs_quick; else s390x_configs_full; fi
        fi
    )
fi
if [ $list = 1 ]; then printf '%s\n' "$selected"; exit 0; fi

mkdir -p "$cache"
# Fetch once up front so parallel builds don't race on it.
if grep -q '^sqlite/' <<<"$selected"; then
    if sqdir=$("$here/fetch-sqlite.sh"); then
        export BC_SQLITE_DIR=$sqdir
        BC_SRC_sqlite=$(srcs_digest sqlite "$sqdir/sqlite3.c" "$sqdir/shell.c" "$sqdir/sqlite3.h")
        export BC_SRC_sqlite
    else
        echo "build-corpus: fetching sqlite failed (sqlite builds will be skipped or fail)" >&2
    fi
fi
if grep -q '^programs/' <<<"$selected"; then
    BC_SRC_programs=$(srcs_digest programs "$here"/programs/*.c "$here"/programs/*.cc)
    export BC_SRC_programs
fi
for t in gcc g++ clang clang++ aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ s390x-linux-gnu-gcc s390x-linux-gnu-g++; do
    command -v "$t" >/dev/null 2>&1 && export "$(tool_var "$t")=$(tool_id "$t")"
done
start=$SECONDS
manifest=$(printf '%s\n' "$selected" | xargs -r -d '\n' -n1 -P "$jobs" bash "$0" --one)
echo "build-corpus: $(grep -c . <<<"$selected") builds ($(grep -c '^built ' <<<"$manifest") built, $(grep -c '^cached ' <<<"$manifest") cached, $(grep -c '^failed ' <<<"$manifest") failed, $(grep -c '^skipped ' <<<"$manifest") skipped) in $((SECONDS - start))s" >&2
# Print in selection order.
awk 'NR == FNR { line[$2] = $0; next } $0 in line { print line[$0] }' <(printf '%s\n' "$manifest") <(printf '%s\n' "$selected")
! grep -q '^failed ' <<<"$manifest"
