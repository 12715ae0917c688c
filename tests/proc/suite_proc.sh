#!/usr/bin/env bash
# Process access suite: snapshots of live processes and the single-step ground truth.
#
# Oracles we did not write: the target (tests/proc/target.c) publishes from inline assembly what
# each thread's registers and stack top must be, glibc's dl_iterate_phdr gives load biases and
# the vDSO's build-id, readelf gives the files' build-ids, the kernel's /proc/PID/task/*/stat
# says whether a thread is left stopped, the target's progress counters say whether every thread
# runs again; the single-step chain is compared with the list the program keeps of its own
# __builtin_return_address(0) values and with gdb's backtrace (CFI-based) at the same points.
# Every step that waits on another program has a time limit (timeout's exit 124 in the FAIL
# line says which one hung).
# TS_QUICK=1: 50 SIGKILL rounds instead of 200, two compilations of the chain program instead of five.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK, TS_SAN (see tests/run.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/proc
[ "$(uname -m)" = x86_64 ] || { echo "SKIP proc: x86-64 only"; exit 0; }
for t in gcc python3 readelf nm setarch; do
    command -v $t >/dev/null || { echo "SKIP proc: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL proc: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
lib=$(dirname "$TRUSTACK")/libtrustack.a
san=$( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined )
# The tool exits without freeing on some paths (loop is killed); leaks are the library's
# business only in the CLI runs, so leak detection is off for the helper.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
tool=$work/proc_tool
if ! cc -std=gnu11 -O1 -g -I"$top/include" "$here/proc_tool.c" "$lib" -lelf -ldw -lZydis -lpthread $san -o "$tool" 2>"$work/build.log" ||
   ! gcc -O2 -g -pthread "$here/target.c" -o "$work/target" 2>>"$work/build.log"; then
    echo "FAIL proc-build: $(head -3 "$work/build.log")"; exit 1
fi

pids=()
# (only in the suite's own shell: a subshell that ran the trap would kill the targets mid-test)
cleanup() { [ "$BASHPID" = "$$" ] || return 0; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT

# start_target NAME [churn]: runs the target, waits for its layout file, sets $tpid
start_target() {
    "$work/target" "$work/$1.layout" "$work/$1.status" ${2:-} >/dev/null 2>&1 &
    tpid=$!; pids+=("$tpid")
    for _ in $(seq 200); do [ -s "$work/$1.layout" ] && break; sleep 0.02; done
}
# every counter of the status file moves (all threads run): polled for up to 2 s, since a busy
# machine may not schedule the target for a while
all_progress() {
    python3 - "$work/$1.status" <<'PY'
import sys, time
def read():
    try: return [int(x) for x in open(sys.argv[1]).read().split()[1:]]
    except (OSError, ValueError): return []
a = read(); end = time.time() + 2
while time.time() < end:
    time.sleep(0.01)
    b = read()
    if a and len(a) == len(b) and all(y > x for x, y in zip(a, b)): sys.exit(0)
sys.exit(1)
PY
}
# threads of $1 in a stop (tracing stop t or job-control T)
stopped_threads() { cat /proc/"$1"/task/*/stat 2>/dev/null | sed 's/.*) //' | awk '$1=="t"||$1=="T"' | wc -l; }

# ---- a snapshot of the multi-threaded target --------------------------------------------------
start_target main
timeout -k 5 120 "$tool" snap "$tpid" > "$work/snap.out" 2>&1; rc=$?
python3 - "$work/main.layout" "$work/snap.out" "$tpid" > "$work/snap.check" 2>&1 <<'PY'
import re, subprocess, sys
layout = open(sys.argv[1]).read().split("\n"); snap = open(sys.argv[2]).read().split("\n"); pid = int(sys.argv[3])
threads = {}
for l in snap:
    m = re.match(r"thread (\d+) pc=(\S+) sp=(\S+) r12=(\S+) stack=(\S+)\+(\d+) top=(\S+) stop_ns=(\d+)", l)
    if m:
        threads[int(m[1])] = dict(pc=int(m[2], 16), sp=int(m[3], 16), r12=int(m[4], 16), lo=int(m[5], 16),
                                  len=int(m[6]), top=m[7], stop=int(m[8]))
fails = []
if pid not in threads: fails.append("main thread missing")
if len(threads) != 7: fails.append("%d threads, want 7" % len(threads))
for l in layout:
    m = re.match(r"thread (\d+) (\S+) sp=(\S+) lo=(\S+) hi=(\S+) magic=(\S+)", l)
    if not m: continue
    tid, kind, sp, lo, hi, magic = int(m[1]), m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16), int(m[6], 16)
    t = threads.get(tid)
    if not t: fails.append("%s thread %d missing" % (kind, tid)); continue
    if t["sp"] != sp: fails.append("%s thread: sp %x, it published %x" % (kind, t["sp"], sp))
    if not lo <= t["pc"] <= hi: fails.append("%s thread: pc %x outside [%x,%x]" % (kind, t["pc"], lo, hi))
    if t["r12"] != magic: fails.append("%s thread: r12 %x, want %x" % (kind, t["r12"], magic))
    if t["top"] != hex(magic): fails.append("%s thread: word at sp %s, want %x" % (kind, t["top"], magic))
    if not (t["lo"] <= sp - 128 and t["lo"] + t["len"] > sp): fails.append("%s thread: stack copy misses sp" % kind)
    if t["stop"] <= 0: fails.append("%s thread: no stop time" % kind)
# modules: biases against dl_iterate_phdr, build-ids against readelf (files) and the vDSO's own
mods = {}
for l in snap:
    m = re.match(r"module (\S+) \S+ bias=(\S+) exec=\d+ buildid=(\S+) path=(.*)", l)
    if m: mods[m[4]] = (m[1], m[2], m[3])
import os
for l in layout:
    m = re.match(r"module (\S+) bias=(\S+) buildid=(\S+)", l)
    if not m: continue
    name, bias, bid = m[1], m[2], m[3]
    if name == "(main)": key = os.readlink("/proc/%d/exe" % pid)
    elif name.startswith("linux-vdso"): key = "[vdso]"
    else: key = next((p for p in mods if os.path.realpath(p) == os.path.realpath(name)), name)
    got = mods.get(key)
    if not got: fails.append("module %s not found" % name); continue
    if got[1] != bias: fails.append("module %s: bias %s, glibc says %s" % (name, got[1], bias))
    if got[2] != bid: fails.append("module %s: build-id %s, in memory %s" % (name, got[2], bid))
    if key != "[vdso]":
        out = subprocess.run(["readelf", "-n", key], capture_output=True, text=True).stdout
        m2 = re.search(r"Build ID: (\S+)", out)
        if m2 and m2[1] != got[2]: fails.append("module %s: build-id %s, readelf %s" % (name, got[2], m2[1]))
print("\n".join(fails) if fails else "ok")
sys.exit(1 if fails else 0)
PY
if [ $rc -ne 0 ]; then echo "FAIL snapshot-registers: $(head -2 "$work/snap.out")"
elif grep -q '^ok$' "$work/snap.check"; then
    echo "PASS snapshot-registers (7 threads: blocked, spinning, in handlers, on a sigaltstack; pc, sp, r12, stack top)"
    echo "PASS snapshot-modules (load bias = dl_iterate_phdr's, build-ids = readelf's and the vDSO's own)"
else echo "FAIL snapshot-registers: $(head -3 "$work/snap.check" | tr '\n' ';')"; fi
awk '/^stats/{print "     " $0}' "$work/snap.out"
if all_progress main && [ "$(stopped_threads "$tpid")" = 0 ]; then echo "PASS snapshot-resumed (every thread progresses after the snapshot)"
else echo "FAIL snapshot-resumed: a thread of the target does not run after the snapshot"; fi

# ---- error paths ------------------------------------------------------------------------------
sh -c 'exit 0' & dead=$!; wait $dead
out=$("$tool" snap "$dead" 2>&1); rc=$?
[ $rc = 2 ] && grep -q "^error 7 .*no such process" <<<"$out" && echo "PASS error-dead-pid" || echo "FAIL error-dead-pid: rc=$rc $out"
( sleep 0.01 & exec sleep 5 ) & zparent=$!; pids+=("$zparent")
zpid=""; for _ in $(seq 100); do zpid=$(ps -o pid=,stat= --ppid "$zparent" | awk '$2 ~ /^Z/{print $1}'); [ -n "$zpid" ] && break; sleep 0.02; done
out=$("$tool" snap "$zpid" 2>&1); rc=$?
[ -n "$zpid" ] && [ $rc = 2 ] && grep -q "^error 9 .*zombie" <<<"$out" && echo "PASS error-zombie" || echo "FAIL error-zombie: pid=$zpid rc=$rc $out"
"$tool" chain 0 0 -- sleep 5 >/dev/null 2>&1 & tracer=$!; pids+=("$tracer")
traced=""; for _ in $(seq 100); do traced=$(pgrep -P "$tracer" | head -1); [ -n "$traced" ] && grep -q "TracerPid:[[:space:]]*[1-9]" /proc/"$traced"/status 2>/dev/null && break; sleep 0.02; done
out=$("$tool" snap "$traced" 2>&1); rc=$?
[ $rc = 2 ] && grep -q "^error 8 .*already traced by process $tracer" <<<"$out" && echo "PASS error-already-traced" || echo "FAIL error-already-traced: rc=$rc $out"
kill -9 "$tracer" 2>/dev/null; wait "$tracer" 2>/dev/null
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tool" snap "$tpid" 2>&1); rc=$?
    [ $rc = 2 ] && grep -q "^error 8 .*not permitted" <<<"$out" && echo "PASS error-permission ($(sed 's/.*: not/not/' <<<"$out" | cut -c1-90)...)" || echo "FAIL error-permission: rc=$rc $out"
else echo "SKIP error-permission: needs root and setpriv"; fi
"$tool" snap 0 >/dev/null 2>&1; [ $? = 2 ] && echo "PASS error-bad-pid" || echo "FAIL error-bad-pid"

# ---- threads that exit during the snapshot ---------------------------------------------------
start_target churn churn
out=$(timeout -k 5 300 "$tool" churn "$tpid" 100 2>&1); rc=$?
if [ $rc = 0 ] && all_progress churn; then echo "PASS snapshot-thread-churn (100 snapshots while threads come and go: $(tail -1 <<<"$out"))"
else echo "FAIL snapshot-thread-churn: rc=$rc $(tail -2 <<<"$out" | tr '\n' ' ')"; fi
kill -9 "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null

# ---- trustack killed at random moments (SIGKILL), and interrupted (SIGINT) -------------------
rounds=200; ts_quick && rounds=50
tpid_main=$(awk '/^pid/{print $2}' "$work/main.layout")
bad=0; why=""
for i in $(seq "$rounds"); do
    "$tool" loop "$tpid_main" >/dev/null 2>&1 & l=$!
    sleep "0.0$((RANDOM % 40))"
    kill -9 "$l" 2>/dev/null; wait "$l" 2>/dev/null
    if ! kill -0 "$tpid_main" 2>/dev/null; then bad=$((bad + 1)); why="target died"; break; fi
    s=$(stopped_threads "$tpid_main")
    if [ "$s" != 0 ] || ! all_progress main; then bad=$((bad + 1)); why="round $i: $s threads stopped or no progress"; fi
done
[ $bad = 0 ] && echo "PASS sigkill-$rounds (trustack killed at random moments; the target keeps running, every thread progresses)" || echo "FAIL sigkill: $bad bad rounds; $why"
bad=0; why=""
for i in $(seq 20); do
    timeout -k 5 120 "$tool" intr "$tpid_main" > "$work/intr.out" 2>&1 & l=$!
    for _ in $(seq 200); do grep -q ready "$work/intr.out" 2>/dev/null && break; sleep 0.01; done
    sleep "0.0$((RANDOM % 30))"
    kill -INT "$l" 2>/dev/null; wait "$l"; rc=$?
    res=$(cat "$work/intr.out")
    if [ $rc != 0 ] || ! grep -q "stopped_threads=0" <<<"$res"; then bad=$((bad + 1)); why="rc=$rc $res"; fi
done
if [ $bad = 0 ] && all_progress main; then echo "PASS sigint-guard-20 (SIGINT during snapshots: every thread resumed while trustack lives on)"
else echo "FAIL sigint-guard: $bad bad rounds; $why"; fi

# ---- single-step ground truth ----------------------------------------------------------------
chain_case() { # NAME CC FLAGS...
    local name=$1 cc=$2; shift 2
    command -v "$cc" >/dev/null || { echo "SKIP chain-$name: no $cc"; return; }
    local bin=$work/chain_$name
    "$cc" "$@" -g -no-pie -pthread "$here/chain_prog.c" -o "$bin" 2>>"$work/build.log" || { echo "FAIL chain-$name: build"; return; }
    local probe; probe=0x$(nm "$bin" | awk '$3=="probe"{print $1}')
    setarch -R timeout -k 5 600 "$tool" chain "$probe" 97 -- "$bin" > "$work/chain_$name.out" 2>&1; local rc=$?
    local sum; sum=$(grep '^trace' "$work/chain_$name.out")
    if [ $rc = 0 ] && grep -q "probes=12 mismatches=0" <<<"$sum" && grep -q "signals=2" <<<"$sum"; then
        echo "PASS chain-$name (12 probes in recursion, longjmp, tail call, signal handlers incl. sigaltstack, threads = the program's own list; $(sed 's/.*\(steps=[0-9]*\).*\(invariant_checks=[0-9]*\).*/\1 \2/' <<<"$sum"))"
    else echo "FAIL chain-$name: rc=$rc $(grep -m2 'MISMATCH\|invariant\|error' "$work/chain_$name.out" | cut -c1-200) $sum"; fi
}
chain_case gcc-O2 gcc -O2
chain_case clang-O2 clang -O2
if ! ts_quick; then
    chain_case gcc-O0 gcc -O0
    chain_case gcc-O2-nofp gcc -O2 -fomit-frame-pointer
    chain_case clang-O0 clang -O0
fi

# gdb's backtrace (from the compiler's CFI) at the same probes, ASLR off in both runs
if command -v gdb >/dev/null && [ -s "$work/chain_gcc-O2.out" ]; then
    cat > "$work/bt.gdb" <<'GDB'
set pagination off
set confirm off
set backtrace past-main on
set backtrace past-entry on
handle SIGUSR1 nostop noprint pass
handle SIGUSR2 nostop noprint pass
break probe
commands
silent
python
f = gdb.selected_frame().older()
l = []
while f is not None:
    l.append(f.pc())
    f = f.older()
print("gdb tag=%d chain %s" % (int(gdb.parse_and_eval("$rdx")), " ".join(hex(x) for x in l)))
end
continue
end
run
GDB
    DEBUGINFOD_URLS= timeout -k 5 600 gdb -q -batch -x "$work/bt.gdb" "$work/chain_gcc-O2" > "$work/gdb.out" 2>&1
    python3 - "$work/gdb.out" "$work/chain_gcc-O2.out" "$work/chain_gcc-O2" > "$work/gdb.check" <<'PY'
import re, subprocess, sys
from collections import defaultdict
syms = []
for l in subprocess.run(["nm", "-S", sys.argv[3]], capture_output=True, text=True).stdout.split("\n"):
    p = l.split()
    if len(p) == 4: syms.append((int(p[0], 16), int(p[0], 16) + int(p[1], 16), p[3]))
def func(a):
    return next((n for s, e, n in syms if s <= a < e), None)
def read(path, prefix):
    d = defaultdict(list)
    for l in open(path):
        m = re.match(prefix + r" tag=(\d+).* chain (.*)", l)
        if m: d[int(m[1])].append(m[2].replace("sig:", "").split())
    return d
g, t = read(sys.argv[1], "gdb"), read(sys.argv[2], "probe")
bad, n = [], 0
for tag in sorted(set(g) | set(t)):
    a, b = sorted(g.get(tag, [])), sorted(t.get(tag, []))
    if len(a) != len(b): bad.append("tag %d: %d gdb hits, %d ours" % (tag, len(a), len(b))); continue
    for x, y in zip(a, b):
        n += 1
        if len(x) != len(y): bad.append("tag %d: gdb %d frames, ours %d" % (tag, len(x), len(y))); continue
        for i, (u, v) in enumerate(zip(x, y)):
            # the pc a signal interrupted (after the restorer) depends on timing: same function
            if u != v and not (i and func(int(u, 16)) and func(int(u, 16)) == func(int(v, 16))):
                bad.append("tag %d frame %d: gdb %s ours %s" % (tag, i, u, v))
print("\n".join(bad) if bad else "ok %d" % n)
PY
    if grep -q '^ok' "$work/gdb.check"; then echo "PASS chain-vs-gdb ($(cut -d' ' -f2 "$work/gdb.check") probes: whole chains incl. libc start code and clone = gdb's backtrace)"
    else echo "FAIL chain-vs-gdb: $(head -3 "$work/gdb.check" | tr '\n' ';')"; fi
else echo "SKIP chain-vs-gdb: no gdb"; fi

# ---- the verify-unwind CLI --------------------------------------------------------------------
out=$(timeout -k 5 600 "$TRUSTACK" verify-unwind --every 100 --format=json --quiet -- "$work/chain_gcc-O2" 2>&1); rc=$?
if [ $rc = 0 ] && python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["points"] == d["steps"] // 100 and d["threads"] == 5 and d["signals"] == 2 and d["depth"]["max"] >= 34, d
assert d["program"] == "exited with 0"
m = d["modes"]
assert sorted(m) == ["auto", "fp", "fp-validated", "orc", "sframe"], m
assert all(m[k]["false_reliable"] == 0 for k in ("fp-validated", "orc", "sframe", "auto")), m
assert all(sum(m[k][c] for c in ("correct_reliable", "unreliable", "false_reliable")) == d["points"] for k in m), m
' "$out" 2>"$work/vu.err"; then echo "PASS verify-unwind-json (points = steps / every, 5 threads, 2 signal frames, depth >= 34, every mode counted, none false-reliable but fp)"
else echo "FAIL verify-unwind-json: rc=$rc $out $(head -2 "$work/vu.err")"; fi
out=$(timeout -k 5 120 "$TRUSTACK" verify-unwind --max-steps 5000 -- /bin/true 2>&1); rc=$?
[ $rc = 0 ] && grep -q "stopped after 5000 steps" <<<"$out" && echo "PASS verify-unwind-max-steps" || echo "FAIL verify-unwind-max-steps: $out"
"$TRUSTACK" verify-unwind -- "$work/does-not-exist" >/dev/null 2>&1; a=$?
"$TRUSTACK" verify-unwind >/dev/null 2>&1; b=$?
"$TRUSTACK" verify-unwind --every 0 -- /bin/true >/dev/null 2>&1; c=$?
[ "$a$b$c" = 222 ] && echo "PASS verify-unwind-usage-errors (exit 2)" || echo "FAIL verify-unwind-usage-errors: $a $b $c"
exit 0
