#!/usr/bin/env bash
# The test suite in three tiers, from a fresh Debian 12 machine (missing packages are installed
# first). Every tier ends with the runner's "N passed, N failed, N skipped" line.
#
#   scripts/test.sh          the CI tier (.ci/run): builds with clang and gcc (warnings are
#                            errors), then `make check` with TS_QUICK=1: every suite, the slow
#                            ones on their documented subset, then again under ASan+UBSan
#   scripts/test.sh --fast   the inner loop: `make test-fast` (build, seeded, cli, lib suites)
#   scripts/test.sh --full   the CI tier's builds, then `make check` on the whole matrix
#                            (TS_QUICK unset: the full SQLite corpus matrix is built first)
# Measured times are in the README ("Tests").
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tier=ci
case "${1:-}" in
'') ;;
--fast) tier=fast ;;
--full) tier=full ;;
--ci) tier=ci ;;
*) echo "usage: scripts/test.sh [--fast|--full]" >&2; exit 2 ;;
esac
scripts/install-deps.sh
jobs=$(nproc)
if [ "$tier" = fast ]; then
    exec make -s -j"$jobs" test-fast
fi
echo "== build with clang (-Werror)"
make -s -j"$jobs" CC=clang B=build-clang CFLAGS=-Werror all
echo "== build with gcc (-Werror)"
make -s -j"$jobs" CC=gcc CFLAGS=-Werror all
if [ "$tier" = full ]; then
    TS_QUICK=0 make -s check
else
    TS_QUICK=1 make -s check
fi
