#!/usr/bin/env bash
# ts-run: alone  (thread stop times and retry intervals are measured: no other suite beside it)
# `trustack stacks PID` suite: traces of a live multi-threaded target and the live-patch check.
#
# Oracles we did not write: the target (tests/stacks/stacks_target.c) says what each thread is
# doing and which tid does it; nm gives the functions' ranges in the target and libc, the
# dynamic loader (dlsym) gives libc's read as mapped, objdump's labels name the PLT stub,
# addr2line gives file:line, readelf the build-ids the cache must be keyed by, the kernel
# (/proc/PID/task) the thread list, names and states; the target's own progress counters show
# that every thread runs again after each run.
# Until the unwinder (issue 4) is on main, traces hold frame 0 only and are unreliable
# ("no-unwinder"): the checks that need deeper frames say SKIP with that reason.
# TS_QUICK=1: 50 SIGKILL rounds instead of 200.
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/stacks
[ "$(uname -m)" = x86_64 ] || { echo "SKIP stacks: x86-64 only"; exit 0; }
for t in gcc python3 readelf nm objdump addr2line; do
    command -v $t >/dev/null || { echo "SKIP stacks: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL stacks: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
cache=$work/cache
T() { "$TRUSTACK" stacks --cache-dir="$cache" "$@"; }

# -no-pie: the PLT stub's address from objdump is its runtime address; lazy binding without
# RELRO: the target may rewrite its own GOT slot
tgt=$work/stacks_target
if ! gcc -O1 -g -pthread -no-pie -Wl,-z,lazy -Wl,-z,norelro "$here/stacks_target.c" -o "$tgt" 2>"$work/build.log"; then
    echo "FAIL stacks-build: $(head -3 "$work/build.log")"; exit 1
fi
stub=$(objdump -d "$tgt" | awk '/<getppid@plt>:/{print $1}')
[ -n "$stub" ] || { echo "FAIL stacks-build: no getppid@plt stub in the target"; exit 1; }

# ---- symbols: every function nm lists, looked up at its first and last byte ---------------------
lib=$(dirname "$TRUSTACK")/libtrustack.a
san=$( [ -n "${TS_SAN:-}" ] && echo -fsanitize=address,undefined )
symtool=$work/sym_tool
if cc -std=gnu11 -O1 -g -I"$top/include" "$here/sym_tool.c" "$lib" -lelf -ldw -lZydis -lpthread $san -o "$symtool" 2>>"$work/build.log"; then
    libc_file=$(gcc -print-file-name=libc.so.6); libc_file=$(readlink -f "$libc_file")
    for f in "$tgt" "$libc_file"; do
        dyn=""; readelf -S "$f" | grep -q '\.symtab' || dyn=-D
        nm $dyn -S --defined-only "$f" | awk '$3 ~ /^[TtWwi]$/ && $2 != "" {print $1, $2, $4}' | sed 's/@.*//' | sort -u > "$work/nm.txt"
        python3 -c 'import sys
for l in open(sys.argv[1]):
    a, z, _ = l.split(); a = int(a, 16); z = int(z, 16)
    if z: print("%x\n%x" % (a, a + z - 1))' "$work/nm.txt" |
            "$symtool" lookup "$f" > "$work/lookup.txt"
        python3 - "$work/nm.txt" "$work/lookup.txt" "$(basename "$f")" <<'PY'
import sys
names = {}; ranges = {}
for l in open(sys.argv[1]):
    a, z, n = l.split(); a = int(a, 16); z = int(z, 16)
    names.setdefault(a, set()).add(n); ranges[a] = max(ranges.get(a, 0), z)
bad = []; n = 0
for l in open(sys.argv[2]):
    p = l.split(); a = int(p[0], 16); n += 1
    # the function nm says holds a (the innermost when ranges nest)
    owner = max((s for s in names if s <= a < s + ranges[s]), default=None)
    if p[1] == "?" or owner is None or p[1] not in names[owner]:
        bad.append("%x: ours %s, nm %s" % (a, p[1], sorted(names.get(owner, [])) if owner is not None else None))
print("PASS symbols-vs-nm-%s (%d addresses)" % (sys.argv[3], n) if not bad and n else
      "FAIL symbols-vs-nm-%s: %d of %d wrong: %s" % (sys.argv[3], len(bad), n, "; ".join(bad[:4])))
PY
    done
    # find: every definition of a name (nm), here spin_loop in the target
    want=$(nm "$tgt" | awk '$3=="spin_loop"{print $1}' | sed 's/^0*//')
    got=$("$symtool" find "$tgt" spin_loop | awk '{print $1}')
    [ -n "$want" ] && [ "$got" = "$want" ] && echo "PASS symbols-find" || echo "FAIL symbols-find: ours '$got' nm '$want'"
else
    echo "FAIL symbols-build: $(tail -3 "$work/build.log")"
fi

pids=()
cleanup() { [ "$BASHPID" = "$$" ] || return 0; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT
# start_target NAME [churn]: sets $tpid once the target has written its layout
start_target() {
    "$tgt" "$work/$1.layout" "$work/$1.status" "$stub" ${2:-} >/dev/null 2>"$work/$1.err" &
    tpid=$!; pids+=("$tpid")
    for _ in $(seq 300); do [ -s "$work/$1.layout" ] && break; sleep 0.02; done
}
# every counter of STATUS moves within 2 s (all threads run) and no thread is in a stop
alive() {
    local st; st=$(cat /proc/"$2"/task/*/stat 2>/dev/null | sed 's/.*) //' | awk '$1=="t"||$1=="T"' | wc -l)
    [ "$st" = 0 ] || return 1
    python3 - "$work/$1.status" <<'PY'
import sys, time
def read():
    try: return [int(x) for x in open(sys.argv[1]).read().split()[1:]]
    except (OSError, ValueError): return []
a = read(); end = time.time() + 2
while time.time() < end:
    time.sleep(0.02)
    b = read()
    if a and len(a) == len(b) and all(y > x for x, y in zip(a, b)): sys.exit(0)
    if not a: a = b
sys.exit(1)
PY
}

start_target main
[ -s "$work/main.layout" ] || { echo "FAIL stacks-target: no layout ($(cat "$work/main.err"))"; exit 1; }
libc=$(awk '$6 ~ /libc\.so/ {print $6; exit}' /proc/"$tpid"/maps)

# ---- text output: every thread, its name, frame 0 where the target says it is ------------------
T --stats "$tpid" > "$work/text.out" 2>"$work/text.err"; rc=$?
T --format=json --stats "$tpid" > "$work/json.out" 2>"$work/json.err"; jrc=$?
python3 - "$work/main.layout" "$work/text.out" "$work/json.out" "$tpid" "$tgt" "$libc" "$rc" "$jrc" > "$work/frames.check" <<'PY'
import json, re, subprocess, sys
layout, text, js, pid, tgt, libc, rc, jrc = sys.argv[1:]
pid = int(pid)
lay = open(layout).read().split("\n")
roles = {l.split()[1]: int(l.split()[2]) for l in lay if l.startswith("thread ")}
read_addr = int([l.split()[1] for l in lay if l.startswith("read ")][0], 16)
def nm(path, dyn):
    out = subprocess.run(["nm", "-S", "--defined-only"] + (["-D"] if dyn else []) + [path],
                         capture_output=True, text=True).stdout
    syms = {}
    for l in out.split("\n"):
        p = l.split()
        if len(p) == 4 and p[2] in "TtWwi":
            syms.setdefault(p[3].split("@")[0], (int(p[0], 16), int(p[1], 16)))
    return syms
ts = nm(tgt, False); ls = nm(libc, True)
def res(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
# the kernel's thread list and names
import os
ktids = sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
kcomm = {t: open("/proc/%d/task/%d/comm" % (pid, t)).read().strip() for t in ktids}
blocks = {}
cur = None
for l in open(text).read().split("\n"):
    m = re.match(r"Thread (\d+) \((.*)\): stopped ([0-9.]+) us$", l)
    if m:
        cur = int(m[1]); blocks[cur] = dict(comm=m[2], stop=float(m[3]), frames=[], verdict=None); continue
    m = re.match(r"#(\d+)\s+0x([0-9a-f]+) in (\S+?)(?:\+0x([0-9a-f]+))? \((\S+)\)(?: at (\S+):(\d+))?$", l)
    if m and cur:
        blocks[cur]["frames"].append(dict(pc=int(m[2], 16), fn=m[3], off=int(m[4] or "0", 16), mod=m[5],
                                          file=m[6], line=int(m[7]) if m[7] else None)); continue
    m = re.match(r"(reliable|unreliable: (\S+) at frame (\d+))$", l)
    if m and cur: blocks[cur]["verdict"] = m[1]
res("text-threads", sorted(blocks) == ktids and all(blocks[t]["comm"] == kcomm[t] for t in ktids),
    "threads %s names %s, kernel %s %s" % (sorted(blocks), [b["comm"] for b in blocks.values()], ktids, kcomm))
res("text-verdicts", all(b["verdict"] and b["frames"] for b in blocks.values()),
    "a thread without frames or verdict line")
allrel = all(b["verdict"] == "reliable" for b in blocks.values())
res("exit-status", rc == ("0" if allrel else "1") and jrc == rc, "rc=%s json rc=%s, all reliable=%s" % (rc, jrc, allrel))
def frame0(role):
    return blocks.get(roles[role], {}).get("frames", [None])[0]
# functions of the target, named by its own roles, checked against nm's ranges
for role, fn in (("spin", "spin_loop"), ("handler", "handler_spin"), ("depth0", "check_depth_0"), ("depth3", "leaf_spin")):
    f = frame0(role); lo, size = ts[fn]
    ok = f and f["fn"] == fn and lo <= f["pc"] < lo + size and f["off"] == f["pc"] - lo and f["mod"] == os.path.basename(tgt)
    res("frame0-%s" % role, ok, "frame 0 %s, nm says %s at %#x+%d" % (f, fn, lo, size))
# file:line of frame 0 against addr2line
bad = []
for role in ("spin", "handler", "depth0", "depth3"):
    f = frame0(role)
    a2l = subprocess.run(["addr2line", "-e", tgt, hex(f["pc"])], capture_output=True, text=True).stdout.strip()
    a2l = re.sub(r" \(discriminator \d+\)$", "", a2l)
    if not f["file"] or a2l != "%s:%d" % (f["file"], f["line"]): bad.append("%s: ours %s:%s, addr2line %s" % (role, f["file"], f["line"], a2l))
res("frame0-lines", not bad, "; ".join(bad))
# blocked in read(): libc's read as the dynamic loader mapped it, size from nm -D
f = frame0("syscall"); lo, size = ls["read"]
bias = read_addr - lo
names = {n for n, (a, s) in ls.items() if a == lo}
res("frame0-syscall", f and read_addr <= f["pc"] < read_addr + size and f["fn"] in names and f["mod"] == os.path.basename(libc),
    "frame 0 %s, read at %#x+%d (names %s)" % (f, read_addr, size, sorted(names)))
# in the PLT stub: objdump's label names it
f = frame0("plt")
dis = subprocess.run(["objdump", "-d", tgt], capture_output=True, text=True).stdout
label = None
for l in dis.split("\n"):
    m = re.match(r"([0-9a-f]+) <(\S+)>:$", l)
    if m and f and int(m[1], 16) <= f["pc"]: label = (m[2], int(m[1], 16))
res("frame0-plt", f and label and f["fn"] == label[0] and f["off"] == f["pc"] - label[1] and label[0] == "getppid@plt",
    "frame 0 %s, objdump label %s" % (f, label))
# JSON: the fields of docs/stacks-json.md, the same threads and frames as the text
try:
    j = json.load(open(js))
    ok = j["pid"] == pid and sorted(t["tid"] for t in j["threads"]) == ktids
    for t in j["threads"]:
        ok &= isinstance(t["reliable"], bool) and (t["reason"] is None) == t["reliable"] and len(t["frames"]) >= 1
        for fr in t["frames"]:
            ok &= all(k in fr for k in ("pc", "module", "function", "offset"))
        # another snapshot: the threads that stay in one function have it again at frame 0
        tb = blocks[t["tid"]]
        if t["tid"] != pid:
            ok &= t["frames"][0]["function"] == tb["frames"][0]["fn"] and t["frames"][0]["module"] == tb["frames"][0]["mod"]
    st = j["stats"]
    ok &= st["max_stop_ns"] == max(t["stop_ns"] for t in j["threads"]) and st["max_stop_ns"] <= st["stopped_ns"] <= st["total_ns"]
    res("json-shape", ok, "fields or values differ from the text output: %s" % js)
    # one thread at a time (TRUSTACK_PROC_ONE_AT_A_TIME): the next thread is interrupted only
    # while the one before is copied, so at most two are stopped at once (the stops sum to at
    # most twice the window) and no thread is stopped for the whole window
    stops = [t["stop_ns"] for t in j["threads"]]
    if len(stops) >= 3:
        res("one-thread-at-a-time", sum(stops) <= 2 * st["stopped_ns"] and max(stops) < st["stopped_ns"],
            "stops %s us in a window of %d us" % ([s // 1000 for s in stops], st["stopped_ns"] // 1000))
    else:
        print("SKIP one-thread-at-a-time: %d threads" % len(stops))
except Exception as e:
    res("json-shape", False, "%s: %r" % (js, e))
unw = any(len(b["frames"]) > 1 for b in blocks.values())
print("UNWINDER %s" % ("yes" if unw else "no"))
PY
grep -v '^UNWINDER' "$work/frames.check"
unwinder=$(awk '/^UNWINDER/{print $2}' "$work/frames.check")

# ---- the tables: keyed by the build-ids readelf reads, the second run takes them from the cache --
bid=$(readelf -n "$tgt" | awk '/Build ID/{print $3}')
if [ -f "$cache/${bid:0:2}/${bid:2}.tsu" ] && [ -f "$cache/$(readelf -n "$libc" | awk '/Build ID/{print $3}' | cut -c1-2)/$(readelf -n "$libc" | awk '/Build ID/{print $3}' | cut -c3-).tsu" ]; then
    echo "PASS tables-cached-by-build-id (the target's and libc's sidecars at their build-id paths)"
else echo "FAIL tables-cached-by-build-id: no $cache/${bid:0:2}/${bid:2}.tsu or libc's"; fi
grep -q "stats: .*tables .*([0-9]* modules: 0 cached, [1-9][0-9]* analysed" "$work/text.out" &&
    T --stats --no-lines "$tpid" | grep -q "modules: \([0-9]*\) cached, 0 analysed, 0 failed" &&
    echo "PASS tables-second-run-warm (first run analysed, second only read the cache)" ||
    echo "FAIL tables-second-run-warm: $(grep 'stats:' "$work/text.out" | tail -1)"
T --no-cache --no-lines --stats "$tpid" | grep -q "0 cached, [1-9][0-9]* analysed" &&
    echo "PASS tables-no-cache" || echo "FAIL tables-no-cache"

# ---- --check -----------------------------------------------------------------------------------
tid_of() { awk -v r="$1" '$1=="thread" && $2==r {print $3}' "$work/main.layout"; }
check_json() { # ARGS...: prints "rc verdict tid:verdict:function:frame ..."
    T --format=json "$@" > "$work/check.json" 2>"$work/check.err"; local rc=$?
    python3 -c '
import json, sys
try: j = json.load(open(sys.argv[1]))
except Exception: print(sys.argv[2], "nojson"); sys.exit()
c = j["check"]
print(sys.argv[2], c["verdict"], " ".join("%d:%s:%s:%s" % (t["tid"], t["verdict"], t.get("function", ""), t.get("frame", "")) for t in c["threads"]))
' "$work/check.json" $rc
}
out=$(check_json --check spin_loop "$tpid")
[[ "$out" == "1 unsafe "* && "$out" == *"$(tid_of spin):unsafe:spin_loop:0"* ]] &&
    echo "PASS check-unsafe-frame0 (spin_loop: the spinning thread named, frame 0)" || echo "FAIL check-unsafe-frame0: $out"
out=$(check_json --check "$(basename "$tgt")":check_depth_0,"$(basename "$libc")":read "$tpid")
[[ "$out" == "1 unsafe "* && "$out" == *"$(tid_of depth0):unsafe:$(basename "$tgt"):check_depth_0:0"* &&
   "$out" == *"$(tid_of syscall):unsafe:$(basename "$libc"):read:0"* ]] &&
    echo "PASS check-module-func (MODULE:FUNC in the program and in libc)" || echo "FAIL check-module-func: $out"
T --check handler_spin "$tpid" > "$work/check.txt"; rc=$?
[ $rc = 1 ] && grep -q "^check: unsafe" "$work/check.txt" && grep -q "thread $(tid_of handler) (.*): unsafe: in handler_spin at frame 0" "$work/check.txt" &&
    echo "PASS check-text-signal-handler (the thread inside its SIGUSR1 handler)" || echo "FAIL check-text-signal-handler: rc=$rc $(cat "$work/check.txt")"
# a function nobody is in: never "safe" on a trace that is not reliable
out=$(check_json --check never_called "$tpid")
if [ "$unwinder" = no ]; then
    [[ "$out" == "1 unknown "* && "$out" != *unsafe* ]] && echo "PASS check-unknown-without-frames (never_called: unknown, not safe, while traces are unreliable)" || echo "FAIL check-unknown-without-frames: $out"
else
    [[ ( "$out" == "0 safe"* || "$out" == "1 unknown "* ) && "$out" != *unsafe* ]] && echo "PASS check-not-unsafe ($out)" || echo "FAIL check-not-unsafe: $out"
fi
# at depth: check_depth_3 is 4 frames below leaf_spin
out=$(check_json --check check_depth_3 "$tpid")
if [ "$unwinder" = no ]; then
    [[ "$out" == "1 unknown "* ]] && echo "PASS check-depth3-not-safe (unknown until frames exist)" || echo "FAIL check-depth3-not-safe: $out"
    echo "SKIP check-depth3-unsafe: the unwinder is not on main (frames beyond the first)"
else
    [[ "$out" == "1 unsafe "* && "$out" == *"$(tid_of depth3):unsafe:check_depth_3:4"* ]] && echo "PASS check-depth3-unsafe" || echo "FAIL check-depth3-unsafe: $out"
fi
# --retry/--interval: three attempts at least 2 x 50 ms apart, still unsafe
s=$(date +%s%N); T --check spin_loop --retry 2 --interval 50 "$tpid" > "$work/retry.txt"; rc=$?; e=$(( ($(date +%s%N) - s) / 1000000 ))
[ $rc = 1 ] && grep -q "^check: unsafe (after 3 attempts)" "$work/retry.txt" && [ $e -ge 100 ] &&
    echo "PASS check-retry (3 attempts in $e ms)" || echo "FAIL check-retry: rc=$rc ${e}ms $(head -1 "$work/retry.txt")"
# usage errors of --check: exit 2 with a message, the target untouched
bad=""
for arg in "" "a,,b" "mod:" ":f" "no_such_function_xyz" "no_such_module.so:read" ","; do
    T --check "$arg" "$tpid" >/dev/null 2>"$work/err.txt"; rc=$?
    { [ $rc = 2 ] && grep -q "check" "$work/err.txt"; } || bad="$bad [$arg] rc=$rc $(head -1 "$work/err.txt")"
done
[ -z "$bad" ] && echo "PASS check-usage-errors (empty names, unknown function/module: exit 2)" || echo "FAIL check-usage-errors:$bad"

# ---- error paths -------------------------------------------------------------------------------
bad=""
for arg in abc 0 -5 "" 99999999999; do
    T "$arg" >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || bad="$bad [$arg] rc=$rc"
done
T >/dev/null 2>&1; [ $? = 2 ] || bad="$bad [none]"
T 1 2 >/dev/null 2>&1; [ $? = 2 ] || bad="$bad [two]"
T --format=xml "$tpid" >/dev/null 2>&1; [ $? = 2 ] || bad="$bad [--format=xml]"
T --mode=magic "$tpid" >/dev/null 2>&1; [ $? = 2 ] || bad="$bad [--mode=magic]"
T --retry=-1 --check f "$tpid" >/dev/null 2>&1; [ $? = 2 ] || bad="$bad [--retry=-1]"
[ -z "$bad" ] && echo "PASS error-usage (bad PIDs and options: exit 2)" || echo "FAIL error-usage:$bad"
true & dead=$!; wait $dead
out=$(T "$dead" 2>&1); rc=$?
[ $rc = 2 ] && grep -qi "no such process" <<<"$out" && echo "PASS error-dead-pid ($out)" || echo "FAIL error-dead-pid: rc=$rc $out"
# a zombie: a child that exited and a parent that never reaps it
python3 -c 'import os, sys, time
p = os.fork()
if p == 0: os._exit(0)
print(p, flush=True); time.sleep(10)' > "$work/zombie.pid" & zparent=$!; pids+=("$zparent")
for _ in $(seq 100); do [ -s "$work/zombie.pid" ] && break; sleep 0.02; done
zpid=$(cat "$work/zombie.pid"); sleep 0.1
if [ -n "$zpid" ] && grep -q "^State:.*Z" /proc/"$zpid"/status 2>/dev/null; then
    out=$(T "$zpid" 2>&1); rc=$?
    [ $rc = 2 ] && grep -qi "zombie" <<<"$out" && echo "PASS error-zombie ($out)" || echo "FAIL error-zombie: rc=$rc $out"
else echo "SKIP error-zombie: could not make a zombie"; fi
kill -9 "$zparent" 2>/dev/null; wait "$zparent" 2>/dev/null
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TRUSTACK" stacks --no-cache "$tpid" 2>&1); rc=$?
    [ $rc = 2 ] && grep -qi "not permitted\|permission" <<<"$out" && echo "PASS error-permission ($(cut -c1-120 <<<"$out"))" || echo "FAIL error-permission: rc=$rc $out"
else echo "SKIP error-permission: needs root and setpriv"; fi
alive main "$tpid" && echo "PASS target-alive-after-runs (every thread progresses, none stopped)" || echo "FAIL target-alive-after-runs"

# ---- threads exiting during the snapshot -------------------------------------------------------
mpid=$tpid; start_target churn churn; cpid=$tpid; tpid=$mpid
bad=0; skipped=0; why=""
for i in $(seq 30); do
    T --no-lines "$cpid" > "$work/churn.out" 2>&1; rc=$?
    [ $rc = 2 ] && { bad=$((bad + 1)); why=$(head -2 "$work/churn.out"); }
    grep -q "not captured: exited" "$work/churn.out" && skipped=$((skipped + 1))
done
[ $bad = 0 ] && alive churn "$cpid" && echo "PASS thread-exit-during-snapshot (30 runs while threads come and go, none failed; $skipped reported a thread that exited)" ||
    echo "FAIL thread-exit-during-snapshot: $bad runs failed ($why)"
kill -9 "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null

# ---- trustack killed at random moments ---------------------------------------------------------
rounds=200; ts_quick && rounds=50
bad=0; why=""
for i in $(seq "$rounds"); do
    "$TRUSTACK" stacks --cache-dir="$cache" --no-lines "$tpid" >/dev/null 2>&1 & l=$!
    sleep "0.00$((RANDOM % 10))"
    kill -9 "$l" 2>/dev/null; wait "$l" 2>/dev/null
    kill -0 "$tpid" 2>/dev/null || { wait "$tpid"; bad=$((bad + 1)); why="target died (status $?, round $i): $(tail -2 "$work/main.err")"; break; }
    s=$(cat /proc/"$tpid"/task/*/stat 2>/dev/null | sed 's/.*) //' | awk '$1=="t"||$1=="T"' | wc -l)
    [ "$s" = 0 ] || { sleep 0.05; s=$(cat /proc/"$tpid"/task/*/stat 2>/dev/null | sed 's/.*) //' | awk '$1=="t"||$1=="T"' | wc -l); }
    [ "$s" = 0 ] || { bad=$((bad + 1)); why="round $i: $s threads stopped"; }
done
[ $bad = 0 ] && alive main "$tpid" && echo "PASS sigkill-$rounds (trustack stacks killed at random moments; the target runs on)" || echo "FAIL sigkill: $bad bad rounds; $why"
"$TRUSTACK" stacks --cache-dir="$cache" "$tpid" >/dev/null 2>&1 & l=$!
sleep 0.01; kill -TERM "$l" 2>/dev/null; wait "$l" 2>/dev/null
alive main "$tpid" && echo "PASS sigterm (the target runs on)" || echo "FAIL sigterm: target stopped or stuck"
