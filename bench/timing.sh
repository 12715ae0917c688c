# bench/timing.sh - sourced by bench/stacks.sh and bench/core.sh (needs $work): how a `stacks`
# run is timed and how long to wait for a quiet machine, written once.

# time_cmd NAME REPS PREP CMD...: median wall ms of CMD (PREP run before each, untimed)
time_cmd() {
    local name=$1 n=$2 prep=$3; shift 3
    python3 - "$n" "$prep" "$work/$name.out" "$@" <<'PY'
import statistics, subprocess, sys, time
n, prep, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
ts = []
for _ in range(n):
    if prep: subprocess.run(prep, shell=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ts.append((time.perf_counter() - t) * 1000)
open(out, "wb").write(r.stdout)
print("%.1f" % statistics.median(ts))
PY
}
# frames per thread in an output: lines starting with "#N" over thread headers
frames() { awk '/^#[0-9]/{f++} /^(Thread|TID) /{t++} END{printf "%.1f", t ? f / t : 0}' "$work/$1.out"; }

# the machine is shared: wait (at most BENCH_WAIT s, default 300) until other work uses less
# than a quarter of a core over a 2 s sample, and say what the load was
busy_now() {
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat); sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN{split(a,x," ");split(b,y," ");
        t=(y[1]-x[1])+(y[2]-x[2]); r=0; if (t > 0) r=n*(y[1]-x[1])/t; printf "%.2f", r}'
}
# wait_quiet: sets $loadnote after waiting as above
wait_quiet() {
    waited=0; maxwait=${BENCH_WAIT:-300}
    while busy=$(busy_now); awk -v b="$busy" 'BEGIN{exit !(b >= 0.25)}' && [ $waited -lt "$maxwait" ]; do
        sleep 10; waited=$((waited + 12))
    done
    loadnote="$busy cores busy with other work, load average $(cut -d' ' -f1-3 /proc/loadavg) before measuring (waited ${waited} s)"
}
