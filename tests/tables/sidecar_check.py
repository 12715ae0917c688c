#!/usr/bin/env python3
"""Checks of a trustack sidecar dump against other views of the same file.

usage: sidecar_check.py roundtrip SIDECAR_DUMP ANNOTATE_OUTPUT
         every instruction annotate shows with a state has the same row in the sidecar
       sidecar_check.py outermost SIDECAR_DUMP READELF_FRAMES
         the outermost ranges start exactly where readelf shows an FDE with DW_CFA_undefined r16
       sidecar_check.py plt SIDECAR_DUMP READELF_FRAMES_INTERP PLT_ADDR
         the rows of PLT0 equal the linker's CFI rows for it (readelf --debug-dump=frames-interp)
Prints 'ok ...' and exits 0, or prints what differs and exits 1.
"""
import re
import sys


def load_dump(path):
    ranges = []
    for line in open(path):
        m = re.match(r'^0x([0-9a-f]+)\.\.0x([0-9a-f]+)  (.*)$', line.rstrip('\n'))
        if m:
            ranges.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    return ranges


def find(ranges, addr):
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][0] <= addr:
            lo = mid + 1
        else:
            hi = mid
    if lo and addr < ranges[lo - 1][1]:
        return ranges[lo - 1][2]
    return None


def roundtrip(dump, annotate):
    ranges = load_dump(dump)
    n = bad = 0
    for line in open(annotate):
        m = re.match(r'^\s+([0-9a-f]+) <\+\d+\s*>.*\s(cfa=\S+ ra=\S+ fp=\S+)\s*$', line)
        if not m:
            continue
        addr, row = int(m.group(1), 16), m.group(2)
        if 'cfa=und' in row or 'ra=und' in row:
            continue  # unreliable in the sidecar, by design
        got = find(ranges, addr)
        n += 1
        if got is None or (got != row and got not in ('outermost',) and not got.startswith(row)):
            bad += 1
            if bad <= 5:
                print('0x%x: annotate %s, sidecar %s' % (addr, row, got))
    if n == 0 or bad:
        print('%d of %d instructions differ' % (bad, n))
        return 1
    print('ok %d instructions' % n)
    return 0


def outermost(dump, frames):
    want = set()
    fde = None
    for line in open(frames):
        m = re.search(r'FDE cie=\S+ pc=([0-9a-f]+)\.\.', line)
        if m:
            fde = int(m.group(1), 16)
        elif 'DW_CFA_undefined: r16' in line and fde is not None:
            want.add(fde)
    got = set(s for s, e, t in load_dump(dump) if t == 'outermost')
    # a marked range may start later than its FDE when the FDE begins in code no function covers
    if not want or got != want:
        print('readelf FDEs with RA undefined: %s; sidecar outermost starts: %s' %
              (sorted(hex(x) for x in want), sorted(hex(x) for x in got)))
        return 1
    print('ok %d outermost ranges' % len(want))
    return 0


def plt(dump, interp, plt_addr):
    plt_addr = int(plt_addr, 16)
    rows = []
    in_fde = False
    for line in open(interp):
        m = re.search(r'FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)', line)
        if m:
            in_fde = int(m.group(1), 16) == plt_addr
            continue
        m = re.match(r'^([0-9a-f]{8,16}) (rsp\+\d+)\s+(\S+)', line)
        if in_fde and m:
            rows.append((int(m.group(1), 16), m.group(2), m.group(3)))
    rows = [r for r in rows if r[0] < plt_addr + 16]
    if not rows:
        print('no linker CFI rows for the PLT at 0x%x' % plt_addr)
        return 1
    ranges = load_dump(dump)
    for addr, cfa, ra in rows:
        got = find(ranges, addr)
        want = 'cfa=%s ra=%s fp=same' % (cfa, 'cfa-8' if ra == 'c-8' else ra)
        if got != want:
            print('PLT0 0x%x: linker CFI %s, sidecar %s' % (addr, want, got))
            return 1
    print('ok %d PLT0 rows' % len(rows))
    return 0


if __name__ == '__main__':
    cmd = sys.argv[1]
    sys.exit({'roundtrip': roundtrip, 'outermost': outermost, 'plt': plt}[cmd](*sys.argv[2:]))
