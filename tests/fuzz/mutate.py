#!/usr/bin/env python3
"""The mutation run's driver (tests/fuzz/mutate.sh makes the inputs and calls this).

Run i takes base input i % ninputs, derives one variant of it from (seed, input name, i) alone
(truncated, or 1-16 bytes changed), and runs one of the commands that read that kind of input
(the input's commands in turn), under `timeout`. Then the special cases: FIFOs, devices,
directories, symlink loops, output onto a device or onto the input, long names, deep trees.
Prints every bad run and special case, then the counts; exits 1 on any crash, hang or error
without a message, or a special case that did not give what it must.
"""
import argparse
import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import threading
import time

CLASSES = ["ok", "error-with-message", "crash", "hang", "error-without-message"]
BAD = {"crash", "hang", "error-without-message"}
SANITIZER = (b"AddressSanitizer", b"LeakSanitizer", b"UndefinedBehaviorSanitizer", b"runtime error:")

# What reads each kind of input. {in}: the variant; {out}: an output path; {cache}: a cache
# directory of the worker's own; "stacks": the variant placed in the cache as exe-pie's file
# of that kind, then `stacks` on a running exe-pie.
ELF_CMDS = [
    ["check", "{in}"],
    ["check", "--rules=fp", "--format=json", "{in}"],
    ["annotate", "{in}"],
    ["diff", "{in}"],
    ["orc", "{in}", "-o", "{out}"],
    ["sframe", "{in}", "-o", "{out}"],
    ["dump", "--cache-dir={cache}", "{in}"],
    ["cache", "--cache-dir={cache}", "{in}"],
]
CMDS = {
    "object": ELF_CMDS,
    "exe": ELF_CMDS,
    "shlib": ELF_CMDS,
    "archive": ELF_CMDS,
    "sframe": ELF_CMDS + [["sframe", "--dump", "{in}"], ["diff", "--against=sframe", "{in}"]],
    "orc": ELF_CMDS + [["orc", "--dump", "{in}"], ["diff", "--against=orc", "{in}"]],
    "debugz": ELF_CMDS + [["diff", "--against=debug_frame", "{in}"]],
    "tsu": [["dump", "{in}"], "stacks", ["dump", "--cache-dir={stackcache}", "{exe}"]],
    "tss": ["stacks"],
    "tsl": ["stacks"],
}


def classify(rc, err, elapsed, timeout):
    """(class, why) of one finished run; rc is timeout(1)'s status."""
    if any(s in err for s in SANITIZER):
        line = next((ln for ln in err.splitlines() if any(s in ln for s in SANITIZER)), b"")
        return "crash", line.decode(errors="replace").strip()[:200]
    if rc == 124 or (rc == 137 and elapsed >= timeout):
        return "hang", "no exit within %d s" % timeout
    if rc > 128:
        return "crash", "signal %d" % (rc - 128)
    if rc in (0, 1):
        return "ok", ""
    if rc == 2:
        return ("error-with-message", "") if err.strip() else ("error-without-message", "exit 2, stderr empty")
    return "crash", "exit status %d (the CLI uses 0, 1, 2)" % rc


def mutate(data, rng):
    """A truncated copy (one run in three) or a copy with 1-16 positions changed. Positions
    favour the first 64 bytes (headers, counts) and the last tenth (ELF section headers)."""
    if not data:
        return b"", "empty"
    if rng.random() < 1 / 3:
        cut = rng.randrange(len(data))
        return data[:cut], "truncated at %d" % cut
    buf = bytearray(data)
    what = []
    for _ in range(rng.choice([1, 1, 2, 3, 4, 8, 16])):
        r = rng.random()
        if r < 0.3:
            pos = rng.randrange(min(64, len(buf)))
        elif r < 0.5:
            pos = len(buf) - 1 - rng.randrange(max(1, len(buf) // 10))
        else:
            pos = rng.randrange(len(buf))
        how = rng.randrange(4)
        if how == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif how == 1:
            buf[pos] = rng.randrange(256)
        else:  # a 1/2/4/8-byte boundary value, little-endian
            width = rng.choice([1, 2, 4, 8])
            val = rng.choice([0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000,
                              0xffffffff, 0xffffffffffffffff, 0x8000000000000000])
            raw = (val & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
            pos = min(pos, len(buf) - len(raw)) if len(buf) >= len(raw) else 0
            buf[pos:pos + len(raw)] = raw[:len(buf) - pos]
        what.append(pos)
    return bytes(buf), "bytes changed at " + ",".join("%d" % p for p in what)


class Worker:
    """One worker's directories and its running exe-pie (for `stacks`)."""

    def __init__(self, args, w, inputs):
        self.a = args
        self.dir = os.path.join(args.work, "w%d" % w)
        os.makedirs(self.dir, exist_ok=True)
        self.cache = os.path.join(self.dir, "cache")           # cache/dump of mutated ELF files
        self.stackcache = os.path.join(self.dir, "stackcache")  # a copy of the base cache
        shutil.copytree(os.path.join(args.base, "cache"), self.stackcache)
        with open(os.path.join(args.base, "exe-pie.cachepath")) as f:
            rel = f.read().strip()
        self.slot = {ext: os.path.join(self.stackcache, rel[:-3] + ext) for ext in ("tsu", "tss", "tsl")}
        self.orig = {ext: inputs[("%s" % ext, "exe-pie." + ext)] for ext in self.slot}
        self.exe = os.path.join(args.base, "exe-pie")
        self.prog = None

    def pid(self):
        if self.prog is None or self.prog.poll() is not None:
            self.prog = subprocess.Popen([self.exe, "park"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
            self.prog.stdout.readline()  # "ready": parked in pause()
        return self.prog.pid

    def stop(self):
        if self.prog is not None:
            self.prog.kill()
            self.prog.wait()


def run(args, argv, timeout=None):
    timeout = timeout or args.timeout
    t0 = time.monotonic()
    p = subprocess.run(["timeout", "-k", "5", str(timeout), args.trustack] + argv, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - t0
    cls, why = classify(p.returncode, p.stderr, elapsed, timeout)
    return cls, why, p.returncode, p.stderr


def mutated_run(args, wk, i, names, inputs, kinds, counts, bad, lock):
    kind, name = names[i % len(names)]
    data = inputs[(kind, name)]
    rng = random.Random("%d:%s:%d" % (args.seed, name, i))
    var, how = mutate(data, rng)
    cmds = CMDS[kind]
    cmd = cmds[(i // len(names)) % len(cmds)]
    vin = os.path.join(wk.dir, "in")
    out = os.path.join(wk.dir, "out")
    for p in (vin, out):
        if os.path.lexists(p):
            os.unlink(p)
    if cmd == "stacks":
        for ext, slot in wk.slot.items():
            with open(slot, "wb") as f:
                f.write(var if ext == kind else wk.orig[ext])
        argv = ["stacks", "--cache-dir=" + wk.stackcache, str(wk.pid())]
    else:
        with open(vin, "wb") as f:
            f.write(var)
        if "{exe}" in cmd:  # the variant as exe-pie's sidecar in the cache
            with open(wk.slot["tsu"], "wb") as f:
                f.write(var)
        argv = [a.format(**{"in": vin, "out": out, "cache": wk.cache, "stackcache": wk.stackcache, "exe": wk.exe})
                for a in cmd]
    cls, why, rc, err = run(args, argv)
    label = " ".join(cmd if cmd == "stacks" else cmd[:-1] if cmd[-1] == "{in}" else cmd)
    with lock:
        counts[cls] += 1
        counts["kind:" + kind] = counts.get("kind:" + kind, 0) + 1
        if cls in BAD:
            keep = os.path.join(args.work, "found", "%s-%d-%s" % (cls, i, name))
            os.makedirs(os.path.dirname(keep), exist_ok=True)
            with open(keep, "wb") as f:
                f.write(var)
            with open(keep + ".txt", "wb") as f:
                f.write(("run %d: %s: trustack %s (%s; exit %d)\n" % (i, kind, " ".join(argv), how, rc)).encode())
                f.write(err[-20000:])
            bad.append("run %d: %s: %s %s [%s] (%s): %s -> %s" % (i, cls, label, name, how, kind, why, keep))


# ---- special cases -------------------------------------------------------------------------------

FILE_CMDS = [["check"], ["annotate"], ["diff"], ["orc", "-o", "{out}"], ["sframe", "-o", "{out}"], ["dump"],
             ["cache", "--cache-dir={cache}"]]


def cmd_name(c):
    return c[0]


def deep_tree(root, depth, component):
    """root/component/component/... depth levels (made with dirfds: the whole path may be
    longer than PATH_MAX), with an object at the bottom; returns nothing."""
    os.makedirs(root, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir(component, dir_fd=fd)
        nfd = os.open(component, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    return fd


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def specials(args, inputs):
    """[(name, argv, expected classes, check after the run -> why not / None, timeout)]"""
    d = os.path.join(args.work, "special")
    os.makedirs(d, exist_ok=True)
    obj = os.path.join(d, "obj")
    with open(obj, "wb") as f:
        f.write(inputs[("object", "obj-gcc-O2")])
    cache = os.path.join(d, "cache")
    out = os.path.join(d, "out")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    loop_a, loop_b = os.path.join(d, "loop-a"), os.path.join(d, "loop-b")
    os.symlink(loop_b, loop_a)
    os.symlink(loop_a, loop_b)
    adir = os.path.join(d, "dir")
    os.mkdir(adir)
    shutil.copy(obj, os.path.join(adir, "obj"))
    # our own character device (the null device's numbers): never the machine's /dev/null as an
    # output, a failing case would replace it for everyone
    dev = os.path.join(d, "nulldev")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        dev = None
    longname = os.path.join(d, "n" * 300)  # longer than NAME_MAX
    cases = []
    always = lambda: None  # noqa: E731
    err2 = {"error-with-message"}
    for c in FILE_CMDS:
        n = cmd_name(c)
        fill = lambda a: [x.format(out=out, cache=cache) for x in a]  # noqa: E731
        for what, path in (("fifo", fifo), ("dev-null", "/dev/null"), ("dev-zero", "/dev/zero"),
                           ("symlink-loop", loop_a), ("long-name", longname)):
            cases.append(("%s/%s" % (what, n), [c[0], path] + fill(c[1:]), err2, always, None))
        cases.append(("directory/%s" % n, [c[0], adir] + fill(c[1:]), {"ok"} if n == "check" else err2, always, None))
    # outputs: each case writes from a copy of its own (a case that overwrites its input must
    # not change the next case's)
    for n in ("orc", "sframe"):
        def own(case):
            p = os.path.join(d, "in-%s-%s" % (case, n))
            shutil.copy(obj, p)
            return p, sha(p)
        if dev:
            cases.append(("output-device/" + n, [n, own("dev")[0], "-o", dev], err2,
                          lambda: None if stat.S_ISCHR(os.lstat(dev).st_mode) else "the device was replaced", None))
        cases.append(("output-fifo/" + n, [n, own("fifo")[0], "-o", fifo], err2,
                      lambda: None if stat.S_ISFIFO(os.lstat(fifo).st_mode) else "the FIFO was replaced", None))
        cases.append(("output-directory/" + n, [n, own("dir")[0], "-o", adir], err2, always, None))
        src, h = own("same")
        cases.append(("output-is-input/" + n, [n, src, "-o", src], err2,
                      lambda src=src, h=h: None if sha(src) == h else "the input was overwritten", None))
        src, h = own("link")
        link = src + ".link"
        os.symlink(src, link)
        cases.append(("output-is-input-via-link/" + n, [n, src, "-o", link], err2,
                      lambda src=src, h=h: None if sha(src) == h else "the input was overwritten", None))
        name = os.path.join(d, n + "o" * (250 - len(n)))  # fits NAME_MAX; a temporary suffix must too
        cases.append(("output-long-name/" + n, [n, own("long")[0], "-o", name], {"ok"},
                      lambda name=name: None if os.path.isfile(name) else "no output written", None))
    # trees: deeper than 64 directories; a path longer than PATH_MAX
    deep = os.path.join(d, "deep")
    fd = deep_tree(deep, 70, "d")
    with open(os.open("obj", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as f:
        f.write(inputs[("object", "obj-gcc-O2")])
    os.close(fd)
    cases.append(("deep-tree/check", ["check", deep], err2, always, None))
    longp = os.path.join(d, "long")
    fd = deep_tree(longp, 20, "p" * 250)  # 20 * 251 bytes > PATH_MAX (4096)
    with open(os.open("obj", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as f:
        f.write(inputs[("object", "obj-gcc-O2")])
    os.close(fd)
    cases.append(("path-max-tree/check", ["check", longp], err2, always, None))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trustack", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=20)
    ap.add_argument("--special-timeout", type=int, default=0, help="for the special cases (default: --timeout)")
    ap.add_argument("--no-special", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")

    names, inputs = [], {}
    with open(os.path.join(args.base, "manifest")) as f:
        for line in f:
            kind, name = line.rstrip("\n").split("\t")
            with open(os.path.join(args.base, name), "rb") as g:
                inputs[(kind, name)] = g.read()
            names.append((kind, name))

    counts = {c: 0 for c in CLASSES}
    bad, lock = [], threading.Lock()
    workers = [Worker(args, w, inputs) for w in range(args.jobs)]
    t0 = time.monotonic()

    def stripe(w):
        for i in range(w, args.runs, args.jobs):
            mutated_run(args, workers[w], i, names, inputs, None, counts, bad, lock)

    threads = [threading.Thread(target=stripe, args=(w,)) for w in range(args.jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for wk in workers:
        wk.stop()
    secs = time.monotonic() - t0
    for line in sorted(bad, key=lambda s: int(s.split()[1].rstrip(":"))):
        print("    bad " + line)
    kinds = ", ".join("%s %d" % (k[5:], v) for k, v in counts.items() if k.startswith("kind:"))
    failed = sum(counts[c] for c in BAD)
    print("%s mutate/runs: %d runs in %d s (%s): %s" % (
        "FAIL" if failed else "PASS", args.runs, secs, kinds, ", ".join("%s %d" % (c, counts[c]) for c in CLASSES)))
    sigs = {}
    for line in bad:
        sig = line.split("): ", 1)[1].rsplit(" -> ", 1)[0]
        sigs[sig] = sigs.get(sig, 0) + 1
    for sig, k in sorted(sigs.items(), key=lambda x: -x[1]):
        print("  %5d x %s" % (k, sig))

    if not args.no_special:
        scounts = {c: 0 for c in CLASSES}
        sfail = 0
        for name, argv, expect, after, tmo in specials(args, inputs):
            cls, why, rc, err = run(args, argv, tmo or args.special_timeout or args.timeout)
            scounts[cls] += 1
            late = after()
            if cls in expect and not late:
                print("PASS mutate/special/%s" % name)
            else:
                sfail += 1
                first = err.decode(errors="replace").strip().splitlines()
                print("FAIL mutate/special/%s: %s%s (exit %d; expected %s)%s%s" % (
                    name, cls, ": " + why if why else "", rc, " or ".join(sorted(expect)),
                    "; " + late if late else "", "; stderr: " + first[0][:160] if first else ""))
        print("special cases: %d: %s; %d not as expected" % (
            sum(scounts.values()), ", ".join("%s %d" % (c, scounts[c]) for c in CLASSES), sfail))
        failed += sfail
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
