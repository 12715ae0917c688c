#!/usr/bin/env bash
# `trustack perf FILE` against `perf script` and `perf script --no-inline` on the same profile
# (issue 18: >= 10x faster than perf script, >= 3x faster than --no-inline), and the reliability
# summary of that profile.
#
# The profile: python3 running a small script (recursion, sorting, string work) under
# `perf record -e cpu-clock --call-graph=dwarf` (8 KiB stack copies, the default), as in the
# issue's measurement. Measured: wall time of each command with its output to /dev/null, the
# median of BENCH_REPS runs (default 5), runs alternating so that all see the same load; the
# load average before the first run is printed with the table. trustack runs warm: a first run
# fills the sidecar and symbol caches (its time is shown as "cold").
# Usage: bench/perf.sh [PERF.DATA]   Environment: TRUSTACK, BENCH_REPS, BENCH_WORK, BENCH_SECONDS
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=${TRUSTACK:-$top/build/trustack}
reps=${BENCH_REPS:-5}
work=${BENCH_WORK:-/tmp/trustack-bench}/perf
mkdir -p "$work"
[ -x "$T" ] || make -C "$top" -j2 >/dev/null
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)"; exit 2; }
cache=$work/cache
data=${1:-}
if [ -z "$data" ]; then
    data=$work/python.data
    cat >"$work/work.py" <<'EOF'
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def words(n):
    s = " ".join(str(i * 7919 % 1000) for i in range(n))
    return sorted(s.split(), key=lambda w: (len(w), w))
end = time.process_time() + float(__import__("sys").argv[1])
while time.process_time() < end:
    fib(18)
    words(2000)
EOF
    py=$(command -v python3); [ -x /usr/bin/python3 ] && py=/usr/bin/python3 # not a wrapper script
    perf record -q -e cpu-clock --call-graph=dwarf -o "$data" -- "$py" "$work/work.py" "${BENCH_SECONDS:-0.5}" \
        >/dev/null 2>"$work/record.log" || { cat "$work/record.log"; exit 2; }
fi

secs() { # secs CMD...: "wall cpu" seconds of one run (cpu: user + system), output discarded
    /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" >/dev/null 2>&1
    # (a non-zero exit status adds a line before the times: trustack's 1 means "some unreliable")
    tail -n 1 "$work/time.txt" | awk '{printf "%s %.3f\n", $1, $2 + $3}'
}
median() { # median COLUMN < lines
    awk -v c="$1" '{print $c}' | sort -n | awk '{v[NR] = $1} END {printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

rm -rf "$cache"
cold=$(secs "$T" perf --cache-dir="$cache" --summary "$data")
: >"$work/t.txt" >"$work/s.txt" >"$work/n.txt"
load=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$reps"); do
    secs "$T" perf --cache-dir="$cache" "$data" >>"$work/t.txt"
    secs perf script -i "$data" >>"$work/s.txt"
    secs perf script --no-inline -i "$data" >>"$work/n.txt"
done
samples=$("$T" perf --cache-dir="$cache" --format=json "$data" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["samples"])')
echo "profile: $data ($samples samples, $(du -k "$data" | cut -f1) KiB); load average before: $load; median of $reps runs"
echo "(wall: elapsed seconds, as the issue measured; cpu: user + system seconds, what the load does not change)"
printf '| %-34s | %6s | %6s | %s |\n' command wall cpu "trustack is (wall, cpu)"
row() { # row NAME FILE
    local w c
    w=$(median 1 <"$2"); c=$(median 2 <"$2")
    if [ "$1" = trustack ]; then
        printf '| %-34s | %6s | %6s | |\n' "trustack perf (warm caches)" "$w" "$c"
        tw=$w tc=$c
    else
        printf '| %-34s | %6s | %6s | %.1fx, %.1fx faster (target %s) |\n' "$1" "$w" "$c" \
            "$(python3 -c "print($w / max($tw, 1e-3))")" "$(python3 -c "print($c / max($tc, 1e-3))")" "$3"
    fi
}
row trustack "$work/t.txt"
printf '| %-34s | %6s | %6s | |\n' "trustack perf (cold: analysis)" $cold
row "perf script" "$work/s.txt" 10x
row "perf script --no-inline" "$work/n.txt" 3x
echo
"$T" perf --cache-dir="$cache" --summary "$data"
