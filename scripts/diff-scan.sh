#!/usr/bin/env bash
# scripts/diff-scan.sh: `trustack diff` over a fixed set of libraries (issue 17's 62: C, C++, Rust,
# hand-written assembly), one process per file, with a summary anyone can repeat and compare:
# per library the instructions compared, agreement, instructions per class, unclassified; a total.
#
#   scripts/diff-scan.sh [-o OUT] [-j N] [--timeout SEC] [--list FILE] [FILE...]
#
# The list (default scripts/diff-scan-libs.txt: one path a line, then `# why it is there`) is the
# set the figures in docs/diff.md are measured on. Writes OUT (default ./diff-scan-DATE):
# files/<path>.json (diff --format=json of each file), results.jsonl, summary.json, summary.md
# (printed at the end). Exit 1 when a file could not be compared, crashed, or has unclassified
# disagreements. This is scripts/distro-scan.sh --diff (one driver, scripts/distro_scan.py).
set -u
here=$(cd "$(dirname "$0")" && pwd)
list=$here/diff-scan-libs.txt
for a in "$@"; do case $a in --list|--list=*) list= ;; esac; done
exec "$here/distro-scan.sh" --diff ${list:+--list "$list"} "$@"
