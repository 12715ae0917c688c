#!/usr/bin/env python3
"""The driver of scripts/distro-scan.sh and scripts/diff-scan.sh (usage there, in
docs/distro-scan.md and docs/diff.md).

One `trustack check -j 1 --format=json` process per file (with --diff: `trustack diff`), N at a
time (the largest files first, so that the last one to finish is a small one): a process per
file is what gives each file its own peak memory (wait4's ru_maxrss) and CPU time, and a crash
or a timeout costs that file only. Every file is named once: hard links and symbolic links to
one file are one file.
"""
import argparse
import datetime
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

# Kinds that say the analysis could not follow the code, not that the code is wrong
# (docs/warnings.md). Every other kind claims a defect of the code.
LIMIT_KINDS = {"unresolved-indirect-jump", "unsupported-stack-op", "unsupported-realign"}


def is_elf_or_archive(path):
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return head[:4] == b"\x7fELF" or head == b"!<arch>\n"


def find_inputs(roots, exclude):
    """Regular ELF files and archives under roots, each (device, inode) once; symbolic links are
    not followed; directories in exclude are not searched. Returns [(path, size)] and the
    number of duplicate names left out."""
    seen, files, dups = set(), [], 0
    exclude = {os.path.abspath(e) for e in exclude}

    def consider(path):
        nonlocal dups
        try:
            st = os.lstat(path)
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode) or st.st_size < 8:
            return
        if (st.st_dev, st.st_ino) in seen:
            dups += 1
            return
        if is_elf_or_archive(path):
            seen.add((st.st_dev, st.st_ino))
            files.append((path, st.st_size))

    for root in roots:
        if os.path.isdir(root) and not os.path.islink(root):
            for d, subdirs, names in os.walk(root):
                subdirs[:] = sorted(x for x in subdirs if os.path.abspath(os.path.join(d, x)) not in exclude)
                for n in sorted(names):
                    consider(os.path.join(d, n))
        else:
            consider(root)
    return files, dups


def read_list(path):
    """The inputs a list file names: one path a line, then (optionally) `# why it is there`;
    blank lines and lines starting with # are skipped. Returns [(path, why)]."""
    out = []
    with open(path) as f:
        for line in f:
            name, _, why = line.partition("#")
            name = name.strip()
            if name:
                out.append((name, why.strip()))
    return out


def json_name(path):
    """files/<path>.json: the path's slashes become '%' (a name that cannot collide)."""
    return path.strip("/").replace("%", "%25").replace("/", "%") + ".json"


def run_one(binary, mode, rules, timeout, path, outdir):
    """Check (mode "check") or diff (mode "diff") one file in a process of its own; the record
    of results.jsonl."""
    out = os.path.join(outdir, "files", json_name(path))
    rec = {"file": path}
    t0 = time.monotonic()
    cmd = [binary, mode] + (["-q"] if mode == "check" else []) + ["-j", "1", "--format=json", "--rules=" + rules, path]
    with open(out, "wb") as fo:
        p = subprocess.Popen(cmd, stdout=fo, stderr=subprocess.PIPE)
        timer = threading.Timer(timeout, lambda: p.send_signal(signal.SIGKILL))
        timer.start()
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        timer.cancel()
    rec["wall"] = round(time.monotonic() - t0, 3)
    rec["cpu"] = round(ru.ru_utime + ru.ru_stime, 3)
    rec["maxrss_kb"] = ru.ru_maxrss
    rec["rc"] = p.returncode
    if p.returncode < 0:
        rec["crash"] = "timeout" if rec["wall"] >= timeout else "signal %d" % -p.returncode
        return rec
    if mode == "diff" and p.returncode == 2:
        # an error (no table, unreadable file): the message is on stderr
        rec["error"] = err.decode(errors="replace").strip()[:300]
        return rec
    try:
        with open(out) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        rec["crash"] = "no JSON report (%s): %s" % (e, err.decode(errors="replace")[:200])
        return rec
    if mode == "diff":
        rec.update(d["summary"])  # compared, agree, equivalent, disagree, only_analysis, only_table
        rec["classes"] = d["classes"]
        return rec
    s = d["summary"]
    for k in ("functions", "instructions", "warnings"):
        rec[k] = s[k]
    kinds = {}
    for w in d["warnings"]:
        kinds[w["kind"]] = kinds.get(w["kind"], 0) + 1
    rec["kinds"] = kinds
    if d["errors"]:
        e = d["errors"][0]
        rec["skipped" if e.get("unsupported") else "error"] = e["message"]
    return rec


class Progress:
    """files done, MB/s and warnings so far, on a terminal only"""

    def __init__(self, total, total_bytes):
        self.on = sys.stderr.isatty()
        self.total, self.total_bytes = total, total_bytes
        self.done = self.bytes = self.warnings = 0
        self.t0 = self.last = time.monotonic()
        self.lock = threading.Lock()

    def note(self, size, rec):
        with self.lock:
            self.done += 1
            self.bytes += size
            self.warnings += rec.get("warnings", 0)
            now = time.monotonic()
            if self.on and (now - self.last > 0.25 or self.done == self.total):
                self.last = now
                mb = self.bytes / 1e6
                sys.stderr.write("\rdistro-scan: %d/%d files, %.0f/%.0f MB, %.1f MB/s, %d warnings\033[K" % (
                    self.done, self.total, mb, self.total_bytes / 1e6, mb / max(now - self.t0, 1e-3), self.warnings))
                if self.done == self.total:
                    sys.stderr.write("\n")
                sys.stderr.flush()


def summarise(recs, wall, jobs, rules, roots, dups):
    analysed = [r for r in recs if "functions" in r and "error" not in r and "skipped" not in r]
    kinds, functions = {}, 0
    for r in analysed:
        functions += r["functions"]
        for k, n in r["kinds"].items():
            kinds[k] = kinds.get(k, 0) + n
    warnings = sum(kinds.values())
    defect = sum(n for k, n in kinds.items() if k not in LIMIT_KINDS)
    per_k = lambda n: round(1000.0 * n / functions, 3) if functions else 0.0
    top = lambda key, n=15: sorted(analysed, key=key, reverse=True)[:n]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "roots": roots, "rules": rules, "jobs": jobs,
        "files": len(analysed),
        "skipped": sum(1 for r in recs if "skipped" in r),
        "errors": [{"file": r["file"], "message": r["error"]} for r in recs if "error" in r],
        "crashes": [{"file": r["file"], "what": r["crash"]} for r in recs if "crash" in r],
        "duplicate_names": dups,
        "bytes": sum(r["size"] for r in analysed),
        "functions": functions,
        "instructions": sum(r["instructions"] for r in analysed),
        "warnings": warnings,
        "defect_warnings": defect,
        "defect_per_10k_functions": round(10000.0 * defect / functions, 2) if functions else 0.0,
        "kinds": {k: {"count": n, "per_1000_functions": per_k(n), "limit": k in LIMIT_KINDS}
                  for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])},
        "wall_s": round(wall, 1),
        "cpu_s": round(sum(r.get("cpu", 0) for r in recs), 1),
        "top_warnings": [{"file": r["file"], "warnings": r["warnings"], "functions": r["functions"], "kinds": r["kinds"]}
                         for r in top(lambda r: r["warnings"]) if r["warnings"]],
        "top_memory": [{"file": r["file"], "maxrss_mb": round(r["maxrss_kb"] / 1024, 1), "cpu_s": r["cpu"]}
                       for r in top(lambda r: r["maxrss_kb"], 5)],
        "top_cpu": [{"file": r["file"], "cpu_s": r["cpu"], "size_mb": round(r["size"] / 1e6, 1)}
                    for r in top(lambda r: r["cpu"], 5)],
    }


def agreement(agree, equivalent, compared):
    return 100.0 * (agree + equivalent) / compared if compared else 100.0


def summarise_diff(recs, wall, jobs, roots, reasons):
    """Per file and in total: instructions compared, agreement, instructions per class (every
    instruction that is not an exact agreement is in one), unclassified."""
    fields = ("compared", "agree", "equivalent", "disagree", "only_analysis", "only_table")
    done = [r for r in recs if "compared" in r]
    total = {k: sum(r[k] for r in done) for k in fields}
    classes = {}
    for r in done:
        for k, n in r["classes"].items():
            classes[k] = classes.get(k, 0) + n
    per_file = [{"file": r["file"], "why": reasons.get(r["file"], ""), "agreement": round(
        agreement(r["agree"], r["equivalent"], r["compared"]), 4), "unclassified": r["classes"].get("unclassified", 0),
        "cpu_s": r["cpu"], "maxrss_mb": round(r["maxrss_kb"] / 1024, 1),
        **{k: r[k] for k in fields}, "classes": r["classes"]} for r in done]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "roots": roots, "jobs": jobs, "files": len(done),
        "errors": [{"file": r["file"], "message": r["error"]} for r in recs if "error" in r],
        "crashes": [{"file": r["file"], "what": r["crash"]} for r in recs if "crash" in r],
        **total,
        "agreement": round(agreement(total["agree"], total["equivalent"], total["compared"]), 4),
        "unclassified": classes.get("unclassified", 0),
        "classes": dict(sorted(classes.items(), key=lambda kv: -kv[1])),
        "wall_s": round(wall, 1),
        "cpu_s": round(sum(r.get("cpu", 0) for r in recs), 1),
        "per_file": per_file,
    }


def markdown_diff(s):
    L = ["# trustack diff scan: %s" % " ".join(s["roots"]), "",
         "%s; `diff -j 1`, %d files at a time; %d files, %d errors, %d crashes/timeouts; wall %.0f s, CPU %.0f s" % (
             s["date"], s["jobs"], s["files"], len(s["errors"]), len(s["crashes"]), s["wall_s"], s["cpu_s"]), "",
         "| file | compared | agreement | unclassified | classes (instructions) |", "|---|---:|---:|---:|---|"]
    cls = lambda c: ", ".join("%s %d" % kv for kv in sorted(c.items(), key=lambda kv: -kv[1]) if kv[1])
    for f in sorted(s["per_file"], key=lambda f: f["agreement"]):
        L.append("| %s | %d | %.3f%% | %d | %s |" % (os.path.basename(f["file"]), f["compared"], f["agreement"],
                                                   f["unclassified"], cls(f["classes"])))
    L.append("| **total** | %d | %.3f%% | %d | %s |" % (s["compared"], s["agreement"], s["unclassified"],
                                                       cls(s["classes"])))
    L += ["", "agree %d, equivalent %d, disagree %d (of %d compared); only in the analysis %d, only in the table %d" % (
        s["agree"], s["equivalent"], s["disagree"], s["compared"], s["only_analysis"], s["only_table"])]
    for what, key, fld in (("errors", "errors", "message"), ("crashes and timeouts", "crashes", "what")):
        if s[key]:
            L += ["", "%s:" % what] + ["- %s: %s" % (e["file"], e[fld]) for e in s[key]]
    return "\n".join(L) + "\n"


def markdown(s):
    L = ["# trustack distro scan: %s" % " ".join(s["roots"]), "",
         "%s; `check --rules=%s`, %d files at a time" % (s["date"], s["rules"], s["jobs"]), "",
         "| files | skipped | errors | crashes/timeouts | MB | functions | warnings | defect kinds per 10,000 functions | wall | CPU |",
         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
         "| %d | %d | %d | %d | %.0f | %d | %d | %.2f | %.0f s | %.0f s |" % (
             s["files"], s["skipped"], len(s["errors"]), len(s["crashes"]), s["bytes"] / 1e6, s["functions"],
             s["warnings"], s["defect_per_10k_functions"], s["wall_s"], s["cpu_s"]),
         "", "| kind | warnings | per 1,000 functions | |", "|---|---:|---:|---|"]
    for k, v in s["kinds"].items():
        L.append("| `%s` | %d | %.3f | %s |" % (k, v["count"], v["per_1000_functions"],
                                              "limit of the analysis" if v["limit"] else "defect kind"))
    L += ["", "| file | warnings | functions | kinds |", "|---|---:|---:|---|"]
    for t in s["top_warnings"]:
        ks = ", ".join("%s %d" % kv for kv in sorted(t["kinds"].items(), key=lambda kv: -kv[1]))
        L.append("| %s | %d | %d | %s |" % (t["file"], t["warnings"], t["functions"], ks))
    L += ["", "| peak memory | CPU | file |", "|---:|---:|---|"]
    for t in s["top_memory"]:
        L.append("| %.1f MB | %.2f s | %s |" % (t["maxrss_mb"], t["cpu_s"], t["file"]))
    L += ["", "| CPU | MB | file |", "|---:|---:|---|"]
    for t in s["top_cpu"]:
        L.append("| %.2f s | %.1f | %s |" % (t["cpu_s"], t["size_mb"], t["file"]))
    for what, key, fld in (("errors", "errors", "message"), ("crashes and timeouts", "crashes", "what")):
        if s[key]:
            L += ["", "%s:" % what] + ["- %s: %s" % (e["file"], e[fld]) for e in s[key]]
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(prog="distro-scan.sh", description="trustack check over a whole tree")
    ap.add_argument("roots", nargs="*", metavar="DIR|FILE")
    ap.add_argument("-o", dest="out", default=None)
    ap.add_argument("--diff", action="store_true", help="run `trustack diff` on each file, not `check`")
    ap.add_argument("--list", metavar="FILE", help="also the files this list names (one a line, `# why` after it)")
    ap.add_argument("-j", dest="jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--rules", default="stack", choices=["stack", "fp"])
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per file (then killed: a timeout)")
    ap.add_argument("--exclude", action="append", default=[], metavar="DIR", help="a directory not to search")
    a = ap.parse_args()
    mode = "diff" if a.diff else "check"
    if a.out is None:
        a.out = "%s-scan-%s" % ("diff" if a.diff else "distro", time.strftime("%Y%m%d-%H%M%S"))
    listed, reasons, missing = [], {}, []
    if a.list:
        try:
            listed = read_list(a.list)
        except OSError as e:
            sys.exit("distro-scan: %s: %s" % (a.list, e.strerror))
        for name, why in listed:
            # a listed name may be a symbolic link (a soname): the file it names is the input
            real = os.path.realpath(name)
            if os.path.isfile(real):
                reasons[real] = why
            else:
                missing.append(name)
    if not a.roots and not reasons:
        sys.exit("distro-scan: nothing to scan (name directories or files, or --list FILE)")
    binary = os.environ.get("TRUSTACK", "trustack")
    if not os.access(binary, os.X_OK):
        sys.exit("distro-scan: %s is not an executable (set TRUSTACK=)" % binary)
    if a.jobs < 1:
        sys.exit("distro-scan: -j must be at least 1")
    os.makedirs(os.path.join(a.out, "files"), exist_ok=True)
    t0 = time.monotonic()
    files, dups = find_inputs(a.roots + sorted(reasons), a.exclude)
    files.sort(key=lambda f: -f[1])
    prog = Progress(len(files), sum(f[1] for f in files))
    recs, lock, nxt = [], threading.Lock(), [0]

    def worker():
        while True:
            with lock:
                if nxt[0] >= len(files):
                    return
                path, size = files[nxt[0]]
                nxt[0] += 1
            rec = run_one(binary, mode, a.rules, a.timeout, path, a.out)
            rec["size"] = size
            with lock:
                recs.append(rec)
            prog.note(size, rec)

    threads = [threading.Thread(target=worker) for _ in range(min(a.jobs, max(len(files), 1)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recs += [{"file": m, "error": "not found (in %s)" % a.list} for m in missing]
    recs.sort(key=lambda r: r["file"])
    with open(os.path.join(a.out, "results.jsonl"), "w") as f:
        for r in recs:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    roots = a.roots + (["--list " + a.list] if a.list else []) + ["--exclude " + e for e in a.exclude]
    if a.diff:
        s = summarise_diff(recs, time.monotonic() - t0, a.jobs, roots, reasons)
        md = markdown_diff(s)
    else:
        s = summarise(recs, time.monotonic() - t0, a.jobs, a.rules, roots, dups)
        md = markdown(s)
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(s, f, indent=1)
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(md)
    sys.stdout.write(md)
    # diff: an unclassified disagreement fails the scan too (what `trustack diff` itself says)
    return 1 if s["crashes"] or s["errors"] or (a.diff and s["unclassified"]) else 0


if __name__ == "__main__":
    sys.exit(main())
