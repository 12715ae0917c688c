#!/usr/bin/env bash
# Gather the C sources bench/run.sh compiles into DEST (default ${BENCH_WORK:-/tmp/trustack-bench}/src):
#
#   sqlite3.c sqlite3.h shell.c   the SQLite amalgamation and its shell. Taken from the test
#                                 corpus cache ${TS_CACHE:-$HOME/.cache/trustack-corpus}/sqlite if
#                                 it is there (tests/corpus/fetch-sqlite.sh fills it; that script is
#                                 run if it exists), else from the npm tarball below.
#   jimsh0.c                      Jim Tcl (SQLite's autosetup interpreter), self-contained
#   tclsqlite3.c                  SQLite's Tcl binding (needs tcl.h: tcl-dev)
#
# The last two come only from the npm package "sqlite3" (`npm pack sqlite3`, then its
# deps/sqlite-autoconf-*.tar.gz), the same tarball the corpus uses. If npm is unavailable they
# are left out and bench/run.sh builds the combined object without them (it says so).
# Once DEST/SOURCES.txt exists nothing is fetched again; delete DEST to start afresh.
# Prints DEST on stdout. Exit 0 if at least sqlite3.c, sqlite3.h and shell.c are there, else 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
dst=${1:-${BENCH_WORK:-/tmp/trustack-bench}/src}
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}

if [ -s "$dst/SOURCES.txt" ] && [ -s "$dst/sqlite3.c" ]; then
    echo "$dst"
    exit 0
fi
mkdir -p "$dst"
tmp=$(mktemp -d "$dst/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/SOURCES.txt"

# 1. The npm tarball (for jimsh0.c and tclsqlite3.c; also the fallback for the amalgamation).
inner=
if command -v npm >/dev/null 2>&1; then
    if (cd "$tmp" && npm pack --silent sqlite3 >npm-pack.out 2>npm-pack.err); then
        tgz=$(ls "$tmp"/sqlite3-*.tgz 2>/dev/null | head -n1)
        if [ -n "$tgz" ]; then
            mkdir "$tmp/pkg"
            tar -xzf "$tgz" -C "$tmp/pkg"
            inner=$(ls "$tmp"/pkg/package/deps/sqlite-autoconf-*.tar.gz 2>/dev/null | head -n1)
        fi
    else
        echo "fetch-sqlite: 'npm pack sqlite3' failed (jimsh0.c, tclsqlite3.c left out):" >&2
        cat "$tmp/npm-pack.err" >&2
    fi
else
    echo "fetch-sqlite: npm not found (jimsh0.c, tclsqlite3.c left out)" >&2
fi
if [ -n "$inner" ]; then
    mkdir "$tmp/ac"
    tar -xzf "$inner" -C "$tmp/ac"
    ac=$(dirname "$(ls "$tmp"/ac/*/sqlite3.c | head -n1)")
    for f in autosetup/jimsh0.c tea/generic/tclsqlite3.c; do
        [ -s "$ac/$f" ] && cp "$ac/$f" "$tmp/" \
            && echo "$(basename "$f") from $(basename "$tgz") $(basename "$inner")" >>"$tmp/SOURCES.txt"
    done
fi

# 2. The amalgamation: the corpus cache first.
src=
if [ ! -s "$cache/sqlite/sqlite3.c" ] && [ -x "$repo/tests/corpus/fetch-sqlite.sh" ]; then
    "$repo/tests/corpus/fetch-sqlite.sh" >/dev/null || true
fi
if [ -s "$cache/sqlite/sqlite3.c" ] && [ -s "$cache/sqlite/shell.c" ] && [ -s "$cache/sqlite/sqlite3.h" ]; then
    src=$cache/sqlite
    ver=$(tr '\n' ' ' <"$cache/sqlite/VERSION" 2>/dev/null || echo "unknown version")
    origin="corpus cache $cache/sqlite ($ver)"
elif [ -n "$inner" ]; then
    src=$ac
    origin="$(basename "$tgz") $(basename "$inner") (sqlite $(tr -d '\n' <"$ac/VERSION" 2>/dev/null))"
else
    echo "fetch-sqlite: no SQLite amalgamation: neither $cache/sqlite nor npm" >&2
    exit 1
fi
cp "$src/sqlite3.c" "$src/sqlite3.h" "$src/shell.c" "$tmp/"
for f in sqlite3.c sqlite3.h shell.c; do echo "$f from $origin" >>"$tmp/SOURCES.txt"; done

for f in sqlite3.c sqlite3.h shell.c jimsh0.c tclsqlite3.c SOURCES.txt; do
    [ -e "$tmp/$f" ] && mv -f "$tmp/$f" "$dst/$f"
done
echo "$dst"
