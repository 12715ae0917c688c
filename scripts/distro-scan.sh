#!/usr/bin/env bash
# scripts/distro-scan.sh: `trustack check` over every ELF file under directories (a whole /usr),
# one process per file, with a summary anyone can repeat and compare.
#
#   scripts/distro-scan.sh [-o OUT] [-j N] [--rules=stack|fp] [--timeout SEC] [--exclude DIR]...
#                          [--list FILE] [--diff] DIR|FILE...
#
# Writes OUT (default ./distro-scan-DATE): files/<path>.json (check --format=json of each file),
# results.jsonl (one line per file: size, exit status, wall and CPU time, peak memory, functions,
# warnings per kind), summary.json and summary.md (warnings per kind and per 1,000 functions,
# the defect kinds apart from the kinds that name a limit of the analysis, top files, time,
# memory). Prints summary.md at the end. --list FILE adds the files FILE names (one a line, then
# `# why`); --diff runs `trustack diff` instead (scripts/diff-scan.sh: per file the instructions
# compared, agreement, instructions per class, unclassified; docs/diff.md).
# TRUSTACK=BIN picks the binary (default build/trustack).
# Details: docs/distro-scan.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export TRUSTACK=${TRUSTACK:-$(dirname "$here")/build/trustack}
exec python3 "$here/distro_scan.py" "$@"
