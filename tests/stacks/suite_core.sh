#!/usr/bin/env bash
# `trustack stacks --core FILE` suite: real cores of real crashes, made here.
#
# Cores: the kernel's (ulimit -c and a core_pattern that writes a file into the working directory);
# when core_pattern pipes to a helper or writes elsewhere, gdb's `generate-core-file` at the fatal
# signal instead (the case's name says which); `gcore` of a live process; a zstd-compressed copy;
# truncated and patched copies. Programs: tests/stacks/core_target.c (threads parked in a
# recursion, one thread dying 12 calls deep: SIGSEGV, abort, SIGSEGV inside libc reached through
# the PLT, abort in a signal handler; stopped by gdb in a PLT stub) and core_target_cxx.cc (std::terminate inside exception
# handling).
# Oracles we did not write: gdb on the same core (tests/stacks/gdb_frames.py: every thread's
# frames): ours must equal gdb's wherever ours are reliable (up to lost_at otherwise); the program
# itself (it writes the dying thread's tid; the signal and the fault address are its own doing);
# for gcore, `trustack stacks PID` of the same stopped process; readelf for the build-ids.
# About a minute; TS_QUICK changes nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/core
[ "$(uname -m)" = x86_64 ] || { echo "SKIP core: x86-64 only"; exit 0; }
for t in gcc g++ gdb python3 readelf; do
    command -v $t >/dev/null || { echo "SKIP core: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL core: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work/cores"
cache=$work/cache
T() { "$TRUSTACK" stacks --cache-dir="$cache" "$@"; }
pids=()
cleanup() { [ "$BASHPID" = "$$" ] || return 0; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT

tgt=$work/core_target
cxx=$work/core_target_cxx
if ! gcc -O2 -g -pthread "$here/core_target.c" -o "$tgt" 2>"$work/build.log" ||
   ! g++ -O1 -g -pthread "$here/core_target_cxx.cc" -o "$cxx" 2>>"$work/build.log"; then
    echo "FAIL core-build: $(head -3 "$work/build.log")"; exit 1
fi

# How cores are made here: the kernel's when core_pattern writes a plain file into the working
# directory and the core size limit can be raised; gdb's otherwise.
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
kernel_cores=yes
case "$pattern" in
    '|'* | */* | '') kernel_cores="no: core_pattern is '$pattern' (a helper or another directory)" ;;
esac
if [ "$kernel_cores" = yes ] && ! (ulimit -c unlimited) 2>/dev/null; then
    kernel_cores="no: the core size limit cannot be raised (hard limit $(ulimit -Hc))"
fi
[ "$kernel_cores" = yes ] || echo "SKIP core-kernel: $kernel_cores; cores made with gdb's generate-core-file instead"

# make_core NAME PROG ARGS...: a core of PROG dying, in $work/cores/NAME.core; prints how it was made
make_core() {
    local name=$1; shift
    local d=$work/run-$name
    mkdir -p "$d"
    if [ "$kernel_cores" = yes ]; then
        (cd "$d" && ulimit -c unlimited && exec "$@" >/dev/null 2>&1)
        local f
        f=$(ls "$d"/core* 2>/dev/null | head -n1)
        if [ -n "$f" ]; then mv "$f" "$work/cores/$name.core"; echo kernel; return 0; fi
    fi
    (cd "$d" && gdb -batch -nx -ex 'handle SIGUSR1 nostop noprint pass' -ex run \
        -ex "generate-core-file $work/cores/$name.core" --args "$@" >"$d/gdb.log" 2>&1)
    [ -s "$work/cores/$name.core" ] && echo gdb
}

# check_core NAME PROG SIGNAL [ADDR]: ours against gdb and the program on cores/NAME.core
check_core() {
    local name=$1 prog=$2 sig=$3 addr=${4:-} core=$work/cores/$1.core
    T --format=json --core "$core" >"$work/$name.json" 2>"$work/$name.err"; local rc=$?
    T --core "$core" >"$work/$name.txt" 2>>"$work/$name.err"; local trc=$?
    gdb -batch -nx -x "$here/gdb_frames.py" "$prog" "$core" >"$work/$name.gdb" 2>/dev/null
    python3 - "$name" "$work/$name.json" "$work/$name.txt" "$work/$name.gdb" "$work/run-$name/tid" \
        "$sig" "$addr" "$rc" "$trc" "$work/$name.err" <<'PY'
import json, re, sys
name, js, txt, gdbf, tidf, sig, addr, rc, trc, errf = sys.argv[1:]
def res(case, ok, why=""):
    print(("PASS core/%s/%s" % (name, case)) if ok else ("FAIL core/%s/%s: %s" % (name, case, why)))
try:
    j = json.load(open(js))
except Exception as e:
    res("json", False, "%r; stderr: %s" % (e, open(errf).read()[:300])); sys.exit(0)
tid = int(open(tidf).read())
threads = j["threads"]
allrel = all(t["reliable"] for t in threads)
res("exit-status", rc == trc and rc == ("0" if allrel else "1"), "json %s text %s, all reliable %s" % (rc, trc, allrel))
c = j.get("core", {})
res("crashing-thread-first", threads and threads[0]["tid"] == tid and c.get("crash_tid") == tid,
    "first %s, core says %s, the program %d" % (threads and threads[0]["tid"], c.get("crash_tid"), tid))
ok = c.get("signal") == int(sig) and threads[0].get("signal") == c.get("signal_name")
if addr:
    ok &= c.get("addr") == int(addr)
res("signal", ok, "signal %s (%s) addr %s; wanted %s addr %s" % (c.get("signal"), c.get("signal_name"), c.get("addr"), sig, addr or "-"))
text = open(txt).read().split("\n")
res("text-header", bool(re.match(r"Core .*: process %d \(.*\), %s.* in thread %d$" % (j["pid"], c.get("signal_name"), tid), text[0]))
    and ("Thread %d (" % tid) in text[2] and text[2].endswith(c.get("signal_name") or "?"), "%r / %r" % (text[0], text[2] if len(text) > 2 else ""))
gdb = {}
for l in open(gdbf):
    p = l.split()
    if p and p[0] == "T":
        gdb[int(p[1])] = [int(x, 16) for x in p[2:]]
res("threads-as-gdb", sorted(gdb) == sorted(t["tid"] for t in threads), "gdb %s, ours %s" % (sorted(gdb), [t["tid"] for t in threads]))
bad = []; compared = 0; nrel = 0
for t in threads:
    ours = [f["pc"] for f in t["frames"]]
    g = gdb.get(t["tid"], [])
    n = len(ours) if t["reliable"] else min(t["lost_at"] + 1, len(ours))
    nrel += t["reliable"]
    # reliable: every frame, and gdb has no more; unreliable: up to where ours was lost
    if ours[:n] != g[:n] or (t["reliable"] and len(g) != len(ours)):
        bad.append("thread %d (%s): ours %s, gdb %s" % (t["tid"], t["reason"] or "reliable",
                   [hex(x) for x in ours[:n]], [hex(x) for x in g[:n + 1]]))
    compared += min(n, len(ours))
res("frames-as-gdb", not bad and compared, "; ".join(bad)[:1500])
print("    %s: %d threads, %d reliable, %d frames compared with gdb; verdicts: %s" % (name, len(threads), nrel, compared,
      ", ".join("%d %s" % (t["tid"], t["reason"] or "reliable") for t in threads)))
PY
}

# ---- kernel (or gdb) cores of crashes ------------------------------------------------------------
for mode in segv abort plt handler; do
    how=$(make_core "$mode" "$tgt" "$mode" "$work/run-$mode/tid")
    if [ -z "$how" ]; then echo "FAIL core/$mode: no core was made ($(tail -2 "$work/run-$mode/gdb.log" 2>/dev/null))"; continue; fi
    echo "    $mode: core by $how, $(stat -c %s "$work/cores/$mode.core") bytes"
    case $mode in segv) check_core segv "$tgt" 11 16 ;; abort) check_core abort "$tgt" 6 ;;
                  plt) check_core plt "$tgt" 11 0 ;; handler) check_core handler "$tgt" 6 ;; esac
done
# gdb's writer too (generate-core-file at the fatal signal), whatever the kernel can do here
mkdir -p "$work/run-gdbsegv"
(cd "$work/run-gdbsegv" && gdb -batch -nx -ex run -ex "generate-core-file $work/cores/gdbsegv.core" \
    --args "$tgt" segv "$work/run-gdbsegv/tid" >gdb.log 2>&1)
if [ -s "$work/cores/gdbsegv.core" ]; then check_core gdbsegv "$tgt" 11 16; else
    echo "FAIL core/gdbsegv: gdb made no core: $(tail -1 "$work/run-gdbsegv/gdb.log")"; fi
# in a PLT stub itself: gdb stops the dying thread at the first instruction of strlen@plt (a
# breakpoint, SIGTRAP) and writes the core there
mkdir -p "$work/run-pltstub"
(cd "$work/run-pltstub" && gdb -batch -nx -ex "break *'strlen@plt'" -ex run \
    -ex "generate-core-file $work/cores/pltstub.core" --args "$tgt" plt "$work/run-pltstub/tid" >gdb.log 2>&1)
if [ -s "$work/cores/pltstub.core" ]; then
    check_core pltstub "$tgt" 5
    python3 - "$work/pltstub.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["threads"][0]
fn = [f["function"] for f in t["frames"]]
print("PASS core/pltstub/names" if fn[:3] == ["strlen@plt", "crash_here", "recurse"] and t["reliable"]
      else "FAIL core/pltstub/names: %s, %s" % (fn[:4], t["reason"] or "reliable"))
PY
else
    echo "FAIL core/pltstub: gdb made no core: $(tail -1 "$work/run-pltstub/gdb.log")"
fi
how=$(make_core cxx "$cxx" "$work/run-cxx/tid")
if [ -n "$how" ]; then echo "    cxx: core by $how"; check_core cxx "$cxx" 6; else echo "FAIL core/cxx: no core was made"; fi

# the crashing thread's frames name the program's own functions (the symbols of the core's files)
python3 - "$work/segv.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["threads"][0]
fn = [f["function"] for f in t["frames"]]
# recurse(0) reaches crash_here by a tail call (gcc -O2): 12 recurse frames on the machine stack
ok = fn[:1] == ["crash_here"] and fn[1:13] == ["recurse"] * 12 and fn[13] == "crasher"
print("PASS core/segv/names" if ok else "FAIL core/segv/names: %s" % fn)
PY

# ---- --check on a core ---------------------------------------------------------------------------
T --core "$work/cores/segv.core" --check crash_here >"$work/check1.out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q unsafe "$work/check1.out" && echo "PASS core/check-unsafe" ||
    echo "FAIL core/check-unsafe: exit $rc, $(head -3 "$work/check1.out")"
T --core "$work/cores/segv.core" --check on_usr1 --format=json >"$work/check2.json" 2>&1; rc=$?
python3 - "$work/check2.json" "$rc" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); v = j["check"]["verdict"]
want = "safe" if all(t["reliable"] for t in j["threads"]) else "unknown"
print("PASS core/check-not-on-stack" if v == want and sys.argv[2] == ("0" if v == "safe" else "1")
      else "FAIL core/check-not-on-stack: verdict %s exit %s, wanted %s" % (v, sys.argv[2], want))
PY

# ---- gcore of a live process: the same frames as a live snapshot ----------------------------------
if command -v gcore >/dev/null; then
    mkdir -p "$work/run-gcore"
    "$tgt" park "$work/run-gcore/tid" >"$work/run-gcore/out" 2>&1 &
    gpid=$!; pids+=("$gpid")
    for _ in $(seq 200); do grep -q ready "$work/run-gcore/out" 2>/dev/null && break; sleep 0.02; done
    T --format=json "$gpid" >"$work/live.json" 2>"$work/live.err"
    gcore -o "$work/cores/gcore" "$gpid" >"$work/gcore.log" 2>&1
    if [ -s "$work/cores/gcore.$gpid" ]; then
        mv "$work/cores/gcore.$gpid" "$work/cores/gcore.core"
        echo "$gpid" >"$work/run-gcore/tid"
        T --format=json --core "$work/cores/gcore.core" >"$work/gcore.json" 2>"$work/gcore.err"
        gdb -batch -nx -x "$here/gdb_frames.py" "$tgt" "$work/cores/gcore.core" >"$work/gcore.gdb" 2>/dev/null
        python3 - "$work/live.json" "$work/gcore.json" "$work/gcore.gdb" <<'PY'
import json, sys
live, core = (json.load(open(f)) for f in sys.argv[1:3])
fr = lambda j: {t["tid"]: ([f["pc"] for f in t["frames"]], t["reliable"]) for t in j["threads"]}
a, b = fr(live), fr(core)
print("PASS core/gcore-as-live" if a == b and core["pid"] == live["pid"] else
      "FAIL core/gcore-as-live: live %s, core %s" % (a, b))
gdb = {int(l.split()[1]): [int(x, 16) for x in l.split()[2:]] for l in open(sys.argv[3]) if l.startswith("T ")}
bad = [t for t, (pcs, rel) in b.items() if rel and gdb.get(t) != pcs]
print("PASS core/gcore-as-gdb" if gdb and not bad and any(r for _, r in b.values()) else
      "FAIL core/gcore-as-gdb: threads %s differ (gdb %s)" % (bad, sorted(gdb)))
PY
    else
        echo "SKIP core/gcore: gcore made no core: $(tail -1 "$work/gcore.log")"
    fi
    kill -9 "$gpid" 2>/dev/null; wait "$gpid" 2>/dev/null
else
    echo "SKIP core/gcore: gcore not installed"
fi

# ---- zstd: the same answer as the plain core -------------------------------------------------------
if command -v zstd >/dev/null; then
    zstd -q -f "$work/cores/segv.core" -o "$work/cores/segv.core.zst"
    T --format=json --core "$work/cores/segv.core.zst" >"$work/zst.json" 2>"$work/zst.err"; rc=$?
    python3 - "$work/segv.json" "$work/zst.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
ok = b["core"]["compressed"] and not a["core"]["compressed"]
for j in (a, b):
    del j["core"]["file"], j["core"]["compressed"]
print("PASS core/zstd" if ok and a == b else "FAIL core/zstd: differs from the plain core")
PY
else
    echo "SKIP core/zstd: the zstd tool is not installed"
fi

# ---- damaged cores, wrong input: a clear message, exit 2 only when nothing can be shown ------------
seg=$work/cores/segv.core
size=$(stat -c %s "$seg")
head -c $((size / 2)) "$seg" >"$work/cores/half.core"
T --format=json --core "$work/cores/half.core" >"$work/half.json" 2>"$work/half.err"; rc=$?
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["threads"]))' "$work/half.json" 2>/dev/null)
want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["threads"]))' "$work/segv.json")
[ "$rc" != 2 ] && [ "$n" = "$want" ] && grep -q "truncated" "$work/half.err" && echo "PASS core/truncated-memory" ||
    echo "FAIL core/truncated-memory: exit $rc, $n threads (want $want), stderr: $(head -2 "$work/half.err")"
bad_input() { # bad_input NAME WANT-IN-MESSAGE ARGS...
    local name=$1 want=$2; shift 2
    T "$@" >"$work/bad.out" 2>"$work/bad.err"; local rc=$?
    [ $rc = 2 ] && grep -q -- "$want" "$work/bad.err" && [ "$(wc -l <"$work/bad.err")" -le 3 ] && echo "PASS core/$name" ||
        echo "FAIL core/$name: exit $rc, stderr: $(head -3 "$work/bad.err")"
}
head -c 300 "$seg" >"$work/cores/head.core"
bad_input truncated-notes "truncated" --core "$work/cores/head.core"
python3 - "$seg" "$work/cores/s390x.core" 22 "$work/cores/sparc.core" 43 <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
for out, m in ((sys.argv[2], int(sys.argv[3])), (sys.argv[4], int(sys.argv[5]))):
    struct.pack_into("<H", b, 18, m); open(out, "wb").write(b)
PY
bad_input other-machine-s390x "a core of s390x (ELF machine 22)" --core "$work/cores/s390x.core"
bad_input other-machine-unknown "a core of another machine (ELF machine 43)" --core "$work/cores/sparc.core"
# a real core of another machine: qemu-user writes the guest's core; arm64's registers are read
# (lib/arch/aarch64/core.c) on this x86-64 host. The oracle for the register layout: the pc read
# from NT_PRSTATUS is the address of the faulting store, as the arm64 objdump shows it. qemu 7.2
# writes no NT_FILE note, so no module is known and the frame is unknown code (unreliable).
if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
    mkdir -p "$work/run-qemu"
    printf 'int *volatile p;\nint main(void) { *p = 1; return 0; }\n' >"$work/run-qemu/s.c"
    aarch64-linux-gnu-gcc -static -O1 "$work/run-qemu/s.c" -o "$work/run-qemu/s64" 2>/dev/null
    (cd "$work/run-qemu" && ulimit -c unlimited 2>/dev/null && qemu-aarch64 ./s64; true) >/dev/null 2>&1
    qcore=$(ls "$work"/run-qemu/qemu_s64_*.core 2>/dev/null | head -n1)
    if [ -n "$qcore" ]; then
        T --core "$qcore" >"$work/qemu.out" 2>"$work/qemu.err"; rc=$?
        pc=$(sed -n 's/^#0  0x0*\([0-9a-f]*\) .*/\1/p' "$work/qemu.out" | head -n1)
        insn=$(aarch64-linux-gnu-objdump -d "$work/run-qemu/s64" 2>/dev/null | grep -m1 "^ *$pc:" | cut -f3-)
        # exit 1: a trace is unreliable (no module is known: unknown code, as it must say)
        if [ $rc = 1 ] && grep -q "SIGSEGV" "$work/qemu.out" && grep -q "unreliable: unknown-code at frame 0" "$work/qemu.out" &&
            [[ "$insn" == str* ]]; then
            echo "PASS core/qemu-arm64-core (pc $pc: $insn)"
        else
            echo "FAIL core/qemu-arm64-core: exit $rc, pc '$pc' ('$insn'): $(head -c 300 "$work/qemu.out") $(head -c 200 "$work/qemu.err")"
        fi
    else
        echo "SKIP core/qemu-arm64-core: qemu-aarch64 wrote no core (core size limit $(ulimit -Hc))"
    fi
else
    echo "SKIP core/qemu-arm64-core: needs qemu-aarch64 (qemu-user) and aarch64-linux-gnu-gcc"
fi
bad_input not-a-core "not a core" --core "$tgt"
bad_input missing-file "no such file" --core "$work/cores/none.core"
: >"$work/cores/empty.core"
bad_input empty-file "empty file" --core "$work/cores/empty.core"
bad_input device "not a regular file" --core /dev/null
bad_input core-and-pid "takes no PID" --core "$seg" 1
bad_input core-and-retry "mean nothing" --core "$seg" --retry 2
bad_input exe-without-core "go with --core" --exe "$tgt" 1

# ---- files gone or changed: named, their frames unreliable; --exe and --sysroot find them ----------
mkdir -p "$work/mm"
cp "$tgt" "$work/mm/prog"
how=$(make_core mm "$work/mm/prog" segv "$work/run-mm/tid")
cp "$work/mm/prog" "$work/mm/prog.orig"
gcc -O2 -g -pthread -DREBUILT=1 -Wl,--build-id=md5 "$here/core_target.c" -o "$work/mm/prog"
T --format=json --core "$work/cores/mm.core" >"$work/mm.json" 2>"$work/mm.err"; rc=$?
T --format=json --core "$work/cores/mm.core" --exe "$work/mm/prog.orig" >"$work/mm-exe.json" 2>"$work/mm-exe.err"; rc2=$?
want_id=$(readelf -n "$work/mm/prog.orig" | awk '/Build ID/{print $3}')
python3 - "$work/mm.json" "$work/mm.err" "$rc" "$work/mm-exe.json" "$work/mm-exe.err" "$rc2" "$want_id" <<'PY'
import json, sys
mm, err, rc, ex, exerr, rc2, want = sys.argv[1:]
j = json.load(open(mm)); e = open(err).read()
t0 = j["threads"][0]
ok = "prog: build-id mismatch" in e and want in e and rc == "1" and not t0["reliable"] and t0["reason"] == "unknown-code"
print("PASS core/build-id-mismatch" if ok else "FAIL core/build-id-mismatch: exit %s, thread 0 %s, stderr %r" % (rc, t0["reason"], e[:300]))
k = json.load(open(ex)); e2 = open(exerr).read()
mods = [m for m in k["core"]["modules"] if m["path"].endswith("/prog")]
ok = not e2 and k["threads"][0]["reliable"] and mods and mods[0]["file"].endswith("prog.orig") and mods[0]["problem"] is None
print("PASS core/exe" if ok else "FAIL core/exe: exit %s, stderr %r, module %s" % (rc2, e2[:200], mods))
PY
rm -f "$work/mm/prog"
mkdir -p "$work/sysroot$work/mm"
cp "$work/mm/prog.orig" "$work/sysroot$work/mm/prog"
T --format=json --core "$work/cores/mm.core" >"$work/gone.json" 2>"$work/gone.err"
T --format=json --core "$work/cores/mm.core" --sysroot "$work/sysroot" >"$work/sr.json" 2>"$work/sr.err"
python3 - "$work/gone.err" "$work/sr.json" "$work/sr.err" "$work/mm-exe.json" <<'PY'
import json, sys
gone, sr, srerr, exe = sys.argv[1:]
e = open(gone).read()
print("PASS core/file-gone" if "prog: " in e and "no such file" in e else "FAIL core/file-gone: stderr %r" % e[:300])
a, b = json.load(open(sr)), json.load(open(exe))
fr = lambda j: [(t["tid"], [f["pc"] for f in t["frames"]], t["reliable"]) for t in j["threads"]]
print("PASS core/sysroot" if not open(srerr).read() and fr(a) == fr(b) else "FAIL core/sysroot: %s" % open(srerr).read()[:300])
PY
exit 0
