#!/usr/bin/env bash
# Fetch the SQLite amalgamation (sqlite3.c, sqlite3.h, shell.c) into the corpus cache.
#
# Source: the npm package "sqlite3" ships deps/sqlite-autoconf-*.tar.gz, which holds the
# amalgamation. We take whatever version the registry serves as "latest" (no version is
# hard-coded); once cached, the same files are reused until the cache is deleted.
#
# Cache: ${TS_CACHE:-$HOME/.cache/trustack-corpus}/sqlite/{sqlite3.c,sqlite3.h,shell.c,VERSION}
# Prints the cache directory on stdout. Exit 0 on success, 2 if npm is missing, 1 on other errors.
set -euo pipefail
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
dst=$cache/sqlite
if [ -s "$dst/sqlite3.c" ] && [ -s "$dst/shell.c" ] && [ -s "$dst/sqlite3.h" ] && [ -s "$dst/VERSION" ]; then
    echo "$dst"
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "fetch-sqlite: npm not found" >&2; exit 2; }
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent sqlite3 >npm-pack.out 2>npm-pack.err) || {
    echo "fetch-sqlite: 'npm pack sqlite3' failed:" >&2; cat "$tmp/npm-pack.err" >&2; exit 1; }
tgz=$(ls "$tmp"/sqlite3-*.tgz 2>/dev/null | head -n1)
[ -n "$tgz" ] || { echo "fetch-sqlite: npm pack produced no tarball" >&2; exit 1; }
mkdir "$tmp/pkg"
tar -xzf "$tgz" -C "$tmp/pkg"
inner=$(ls "$tmp"/pkg/package/deps/sqlite-autoconf-*.tar.gz 2>/dev/null | head -n1)
[ -n "$inner" ] || { echo "fetch-sqlite: no deps/sqlite-autoconf-*.tar.gz in $(basename "$tgz")" >&2; exit 1; }
mkdir "$tmp/src"
tar -xzf "$inner" -C "$tmp/src" --wildcards '*/sqlite3.c' '*/sqlite3.h' '*/shell.c' '*/VERSION'
srcdir=$(dirname "$(ls "$tmp"/src/*/sqlite3.c | head -n1)")
mkdir -p "$tmp/out"
cp "$srcdir/sqlite3.c" "$srcdir/sqlite3.h" "$srcdir/shell.c" "$tmp/out/"
{
    echo "sqlite $(tr -d '\n' <"$srcdir/VERSION")"
    echo "npm $(basename "$tgz" .tgz)"
    echo "tarball $(basename "$inner")"
} >"$tmp/out/VERSION"
# Publish atomically: a concurrent or interrupted fetch never leaves a half-filled directory.
rm -rf "$dst.old"
[ -d "$dst" ] && mv "$dst" "$dst.old"
mv "$tmp/out" "$dst"
rm -rf "$dst.old"
echo "$dst"
