#!/usr/bin/env bash
# bench/same-results.sh: does a faster binary still say exactly what the old one said?
#
#   bench/same-results.sh record  [BIN]   run BIN over the fixed input set, keep every output
#   bench/same-results.sh compare [BIN]   run BIN again, compare byte for byte with the record
#
# BIN defaults to build/trustack. Performance work must not change any result: record with
# the binary of the commit the work starts from (`make B=build-base`, then
# `bench/same-results.sh record build-base/trustack`), compare after every change. Outputs
# compared: stdout, stderr and exit status of each command, and the files orc/sframe write.
#
# Inputs (those present): the objects bench/run.sh compiles (sqlite3.o, combined.o, from
# $BENCH_WORK/obj), libc.so.6, libstdc++.so.6, libLLVM-14.so.1 (check only, it takes a while;
# SAME_LLVM=0 leaves it out), and a few objects and libraries of the test corpus cache
# (${TS_CACHE:-~/.cache/trustack-corpus}/builds: gcc and clang, -O0..-O3, fp and nofp).
# Commands per input: check --format=json with --rules=stack and --rules=fp, diff
# --format=json, orc -o (and its JSON report), sframe -o; annotate for the smaller inputs.
#
# Environment: SAME_WORK (default /tmp/trustack-same) keeps record/ and the last run/;
# SAME_J threads for the analysis (default 2; results do not depend on it).
# Exit status: 0 all identical (or recorded), 1 some output differs, 2 usage/setup error.
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
mode=${1:-}
BIN=${2:-$repo/build/trustack}
W=${SAME_WORK:-/tmp/trustack-same}
J=${SAME_J:-2}
BW=${BENCH_WORK:-/tmp/trustack-bench}
CACHE=${TS_CACHE:-$HOME/.cache/trustack-corpus}

case "$mode" in record | compare) ;; *) echo "usage: $0 record|compare [BIN]" >&2; exit 2 ;; esac
[ -x "$BIN" ] || { echo "$0: $BIN is not an executable" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# ---- the input set: name -> path ------------------------------------------------------------
declare -A input
add() { [ -s "$2" ] && input[$1]=$2; }
objdir=$(ls -dt "$BW"/obj/*/ 2>/dev/null | head -n1)
if [ -n "$objdir" ]; then
    add sqlite3.o "$objdir/sqlite3.o"
    add combined.o "$objdir/combined.o"
else
    echo "$0: no bench objects in $BW/obj (run BENCH_PARTS=A bench/run.sh once); left out" >&2
fi
add libc.so.6 /lib/x86_64-linux-gnu/libc.so.6
add libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6
[ "${SAME_LLVM:-1}" = 1 ] && add libLLVM-14.so.1 /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1
for d in "$CACHE"/builds/sqlite/*/ "$CACHE"/builds/programs/*/; do
    [ -d "$d" ] || continue
    cfg=$(basename "$d"); cfg=${cfg%-*}
    case "$cfg" in
    clang14.0.6-O0-fp-nopie | gcc12.2.0-O0-fp-pic | clang14.0.6-O2-nofp-nopie | gcc12.2.0-O2-nofp-pic)
        add "sqlite-$cfg-sqlite3.o" "$d/sqlite3.o"
        add "sqlite-$cfg-libsqlite3.so" "$d/libsqlite3.so"
        add "sqlite-$cfg-sqlite3" "$d/sqlite3" ;;
    gcc12.2.0-O3-nofp-pie | clang14.0.6-O3-fp-pic | gcc12.2.0-O2-fp-pic | clang14.0.6-O3-nofp-nopie-scp)
        for f in "$d"*.o "$d"*.so; do add "prog-$cfg-$(basename "$f")" "$f"; done ;;
    esac
done
[ "${#input[@]}" -gt 0 ] || { echo "$0: no inputs found" >&2; exit 2; }

# ---- run ------------------------------------------------------------------------------------
out=$W/run
rm -rf "$out"; mkdir -p "$out" || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ncmd=0
# one command: stdout, stderr (the input's path replaced, so the record is relocatable) and status
run() {   # run KEY ARGS...
    local key=$1; shift
    (cd "$tmp" && "$BIN" "$@" >"$out/$key.out" 2>"$out/$key.err"); echo $? >"$out/$key.rc"
    ncmd=$((ncmd + 1))
}
for name in $(printf '%s\n' "${!input[@]}" | sort); do
    f=${input[$name]}
    # the analysis reports paths as given: give the same relative name each time
    ln -sf "$f" "$tmp/$name"
    printf '%s ' "$name" >&2
    run "$name.check-stack" check --format=json -j "$J" "$name"
    run "$name.check-fp" check --format=json --rules=fp -j "$J" "$name"
    case "$name" in libLLVM*) continue ;; esac
    run "$name.diff" diff --format=json -j "$J" "$name"
    run "$name.orc" orc --format=json -j "$J" "$name" -o orc.out
    [ -f "$tmp/orc.out" ] && mv "$tmp/orc.out" "$out/$name.orc.file"
    run "$name.sframe" sframe --format=json -j "$J" "$name" -o sframe.out
    [ -f "$tmp/sframe.out" ] && mv "$tmp/sframe.out" "$out/$name.sframe.file"
    # annotate prints every instruction: only for inputs below 1.5 MB (SQLite objects included)
    [ "$(stat -Lc %s "$f")" -lt 1500000 ] && run "$name.annotate-fp" annotate --rules=fp "$name"
done
echo >&2

if [ "$mode" = record ]; then
    rm -rf "$W/record"; mv "$out" "$W/record"
    echo "recorded $ncmd commands over ${#input[@]} inputs from $BIN into $W/record"
    exit 0
fi
[ -d "$W/record" ] || { echo "$0: nothing recorded in $W/record" >&2; exit 2; }
bad=0 same=0
for r in "$W"/record/*; do
    k=$(basename "$r")
    if [ ! -e "$out/$k" ]; then
        echo "MISSING $k"; bad=$((bad + 1))
    elif cmp -s "$r" "$out/$k"; then
        same=$((same + 1))
    else
        echo "DIFFERS $k"; diff "$r" "$out/$k" | head -n 6 | sed 's/^/    /'; bad=$((bad + 1))
    fi
done
for n in "$out"/*; do [ -e "$W/record/$(basename "$n")" ] || { echo "EXTRA $(basename "$n")"; bad=$((bad + 1)); }; done
echo "$same outputs identical, $bad differ ($ncmd commands over ${#input[@]} inputs)"
[ "$bad" -eq 0 ]
