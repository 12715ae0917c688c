#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: install what is missing, build with gcc
# and with clang (warnings are errors), then `make check` (the suites, then again under
# ASan+UBSan). Ends with the runner's "N passed, N failed, N skipped" line.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
jobs=$(nproc)
echo "== build with clang (-Werror)"
make -s -j"$jobs" CC=clang B=build-clang CFLAGS=-Werror all
echo "== build with gcc (-Werror)"
make -s -j"$jobs" CC=gcc CFLAGS=-Werror all
make -s check
