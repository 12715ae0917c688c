#!/usr/bin/env python3
"""compare.py OURS.json PERF_SCRIPT.txt NAME [--expect-reliable PCT] [--expect-reason R] [--max-prefix PCT]

The oracle of the perf suite: `perf script --ns --no-inline --no-demangle -F tid,time,ip,sym,symoff`
on the same file. Every sample must be in both (by thread and time). Where our trace is reliable,
perf's user frames must be ours, frame by frame: the same address (perf prints the frames it
unwound itself as addresses in their file, ours are where they were mapped: equal modulo the
page-aligned load bias; perf's return addresses may be one less, as its unwinder keeps them)
and, where both name the function, the same offset in it (one less for such a return address),
except that perf may stop earlier (its unwinder gave up: counted, at most --max-prefix percent
of the reliable samples) - never a different frame, never more frames. Prints PASS/FAIL lines
named after NAME.
"""
import json
import re
import sys

KERNEL = 0xffff800000000000


def perf_samples(path):
    out = {}
    cur = None
    head = re.compile(r'^\s*(\d+)\s+(\d+)\.(\d{9}):')
    for line in open(path, errors='replace'):
        m = head.match(line)
        if m and not line.startswith('\t'):
            cur = []
            out[(int(m.group(1)), int(m.group(2)) * 10**9 + int(m.group(3)))] = cur
            continue
        f = line.split()
        if cur is not None and f and re.fullmatch(r'[0-9a-f]+', f[0]):
            a = int(f[0], 16)
            m = re.fullmatch(r'(.*)\+0x([0-9a-f]+)', f[1]) if len(f) > 1 else None
            if a < KERNEL:
                cur.append((a, m.group(1) if m else None, int(m.group(2), 16) if m else None))
    return out


def main():
    ours_path, perf_path, name = sys.argv[1:4]
    opts = sys.argv[4:]
    want_rel = float(opts[opts.index('--expect-reliable') + 1]) if '--expect-reliable' in opts else None
    want_reason = opts[opts.index('--expect-reason') + 1] if '--expect-reason' in opts else None
    max_prefix = float(opts[opts.index('--max-prefix') + 1]) if '--max-prefix' in opts else 100.0
    doc = json.load(open(ours_path))
    perf = perf_samples(perf_path)
    samples = doc['samples']
    missing = [s for s in samples if (s['tid'], s['time']) not in perf]
    if not samples or missing or len(perf) != len(samples):
        print('FAIL perf/%s/samples: ours %d, perf script %d, %d of ours not in perf script' %
              (name, len(samples), len(perf), len(missing)))
        return
    print('PASS perf/%s/samples (%d, as perf script)' % (name, len(samples)))
    rel = [s for s in samples if s['reliable']]
    bad, shorter = [], 0
    names = 0
    for s in rel:
        ours = s['frames']
        theirs = perf[(s['tid'], s['time'])]
        if len(theirs) > len(ours):
            bad.append((s, ours, theirs))
            continue
        for k, (a, sym, off) in enumerate(theirs):
            f = ours[k]
            same = (f['pc'] - a) % 4096 == 0 or (k and (f['pc'] - 1 - a) % 4096 == 0)
            if same and sym and f['function'] is not None:
                same = off == f['offset'] or (k and off == f['offset'] - 1)
                names += sym != f['function']
            if not same:
                bad.append((s, ours, theirs))
                break
        else:
            shorter += len(theirs) < len(ours)
    if bad:
        s, ours, theirs = bad[0]
        print('FAIL perf/%s/frames-equal-perf: %d of %d reliable samples differ; first at time %d: ours %s, perf %s' %
              (name, len(bad), len(rel), s['time'],
               ' '.join('%x:%s+%s' % (f['pc'], f['function'], f['offset']) for f in ours[:8]),
               ' '.join('%x:%s+%s' % (a, sym, off) for a, sym, off in theirs[:8])))
    elif rel and 100.0 * shorter / len(rel) > max_prefix:
        print('FAIL perf/%s/frames-equal-perf: perf stopped early on %d of %d reliable samples (limit %.0f%%)' %
              (name, shorter, len(rel), max_prefix))
    elif rel:
        print('PASS perf/%s/frames-equal-perf (%d reliable samples; perf stopped earlier on %d; %d frames named otherwise, same offset)' %
              (name, len(rel), shorter, names))
    else:
        print('SKIP perf/%s/frames-equal-perf: no reliable sample to compare' % name)
    summ = doc['summary']
    share = 100.0 * summ['reliable'] / summ['user'] if summ['user'] else 0.0
    if want_rel is not None:
        ok = share >= want_rel
        print('%s perf/%s/reliable-share: %.1f%% of %d user stacks (want >= %.0f%%), reasons %s' %
              ('PASS' if ok else 'FAIL', name, share, summ['user'], want_rel, json.dumps(summ['reasons'])))
    if want_reason is not None:
        n = summ['reasons'].get(want_reason, 0)
        print('%s perf/%s/reason-%s: %d samples, reasons %s' %
              ('PASS' if n else 'FAIL', name, want_reason, n, json.dumps(summ['reasons'])))


main()
