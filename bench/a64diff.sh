#!/usr/bin/env bash
# bench/a64diff.sh: `trustack diff` agreement with the compilers' arm64 CFI, per compiler (the
# figures of docs/arm64.md, "Tables"). Not a speed benchmark: it prints, per group, instructions
# compared, the agreement (agree + equivalent) / compared, the same without the classes that say
# the table is wrong, and every class.
#
# Groups: the corpus programs (tests/corpus/programs) as objects built by aarch64-linux-gnu-gcc 12
# and clang 14 at -O0 -O1 -O2 -O3 -Os, fp and nofp, -mbranch-protection=standard and
# pac-ret+leaf (cached in build/a64diff-cache/); the arm64 builds of the corpus cache
# (tests/corpus/build-corpus.sh --arch=a64: programs and SQLite, objects and linked files); Debian's
# arm64 libc.so.6 (libc6-arm64-cross). Against .eh_frame (the signing state included).
# Usage: bench/a64diff.sh [-j N]   (JSON of each group kept in build/a64diff/)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
T=${TRUSTACK:-$top/build/trustack}
J=${2:-2}
cache=$top/build/a64diff-cache
out=$top/build/a64diff
corpus=${TS_CACHE:-$HOME/.cache/trustack-corpus}/builds
mkdir -p "$cache" "$out"
progs=$top/tests/corpus/programs

compile() { # CC FLAGS SRC: cached object path
    local cc=$1 flags=$2 src=$3 key o
    key=$( { echo "$cc $flags"; cat "$src"; } | sha1sum | cut -c1-16)
    o=$cache/$key.o
    [ -s "$o" ] || $cc $flags -c "$src" -o "$o" 2>>"$out/compile.err" || return 1
    echo "$o"
}

report() { # NAME FILES...
    local name=$1; shift
    "$T" diff -j "$J" --against=eh_frame --format=json "$@" >"$out/$name.json" 2>"$out/$name.err"
    python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]
comp = s["compared"]; ok = s["agree"] + s["equivalent"]
cls = {k: v for k, v in d.get("classes", {}).items() if v}
wrong = sum(v for k, v in cls.items() if k in ("table-misses-sp-adjust", "table-misses-epilogue", "table-stale-ra-sign", "table-misses-plt-push",
                                               "table-stale-fp-rule"))
print("| %s | %d | %.3f%% | %.3f%% | %s |" % (sys.argv[2], comp, 100.0 * ok / comp if comp else 0,
      100.0 * ok / (comp - wrong) if comp > wrong else 0, ", ".join("%s %d" % kv for kv in sorted(cls.items()))))
PY
}

echo "| group | compared | agreement | without table-is-wrong classes | classes |"
echo "|---|---|---|---|---|"
for comp in gcc clang; do
    files=()
    for o in -O0 -O1 -O2 -O3 -Os; do
        for fp in -fno-omit-frame-pointer -fomit-frame-pointer; do
            for bp in standard pac-ret+leaf; do
                for src in "$progs"/*.c "$progs"/*.cc; do
                    case $comp,$src in
                        gcc,*.cc) c=aarch64-linux-gnu-g++ ;; gcc,*) c=aarch64-linux-gnu-gcc ;;
                        clang,*.cc) c="clang++ --target=aarch64-linux-gnu" ;; clang,*) c="clang --target=aarch64-linux-gnu" ;;
                    esac
                    f=$(compile "$c" "$o $fp -mbranch-protection=$bp" "$src") && files+=("$f")
                done
            done
        done
    done
    report "programs-$comp (${#files[@]} objects)" "${files[@]}"
done
for comp in gcc clang; do
    files=()
    for d in "$corpus"/programs/a64-*"$comp"* "$corpus"/sqlite/a64-*"$comp"*; do
        [ -f "$d/files.txt" ] || continue
        while read -r _ rel; do files+=("$d/$rel"); done <"$d/files.txt"
    done
    [ ${#files[@]} -gt 0 ] && report "corpus-cache-$comp (${#files[@]} files)" "${files[@]}"
done
libc=/usr/aarch64-linux-gnu/lib/libc.so.6
[ -s "$libc" ] && report "libc.so.6 (Debian arm64)" "$libc"
