#!/usr/bin/env bash
# No two modules (lib/<module>/) know each other: the graph of #include lines and calls (nm on
# the objects of the build under test) between lib/ files has no loop that crosses modules, and
# lib/common/ depends on no other module (tests/lib/depgraph.py; pending exceptions, each with
# its reason: tests/lib/module-edges-allowed.txt).
# Environment: TRUSTACK, TS_TOP (see tests/run.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
build=$(dirname "$TRUSTACK")
out=$(python3 "$here/depgraph.py" "$top" "$build" 2>&1); rc=$?
if [ "$rc" -eq 0 ]; then
    echo "PASS modules/no-loops ($(tail -1 <<<"$out"))"
else
    echo "FAIL modules/no-loops: $(paste -sd';' - <<<"$out" | cut -c1-600)"
fi
