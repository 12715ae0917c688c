#!/usr/bin/env python3
"""make_perfdata.py KIND OUT - a small perf.data written from the format description alone
(the kernel's tools/perf/Documentation/perf.data-file-format.txt, include/uapi/linux/perf_event.h),
for the fuzz seeds and the perf suite's reader cases, which must not depend on perf itself.

KIND: dwarf  one event with user registers and a 64-byte stack copy, a COMM, an MMAP2 of a file
             that does not exist, two samples, a FINISHED_ROUND and a record of unknown type 300;
      fp     the same with the kernel's callchain instead of registers and stack;
      two    two events told apart by PERF_SAMPLE_IDENTIFIER, names in HEADER_EVENT_DESC;
      unordered  the MMAP2 after the sample it serves, with a later timestamp on the sample.
Prints what the file holds as JSON on stdout (what trustack perf must find).
"""
import json
import struct
import sys

IP, TID, TIME, ID, CPU, PERIOD, CALLCHAIN = 1, 2, 4, 64, 128, 256, 32
REGS_USER, STACK_USER, IDENTIFIER = 1 << 12, 1 << 13, 1 << 16
CONTEXT_USER = (1 << 64) - 512
SAMPLE_ID_ALL = 1 << 18
MASK = sum(1 << i for i in list(range(0, 9)) + list(range(16, 24)))
PID = 4242
BASE = 0x555555554000


def attr(sample_type, regs=0, stack=0):
    a = bytearray(120)
    struct.pack_into('<IIQQQQQ', a, 0, 1, 120, 0, 4000, sample_type, 0, SAMPLE_ID_ALL | 1 << 23)
    struct.pack_into('<QI', a, 80, regs, stack)
    return bytes(a)


def rec(typ, misc, body):
    body = body + b'\0' * (-len(body) % 8)
    return struct.pack('<IHH', typ, misc, 8 + len(body)) + body


TWO = False


def trailer(tid, t):
    # sample_id_all's trailer for this file's sample_type: {pid, tid}, time, {cpu, res}, [identifier]
    return struct.pack('<IIQII', PID, tid, t, 0, 0) + (struct.pack('<Q', 100) if TWO else b'')


def cstr(s):
    b = s.encode() + b'\0'
    return b + b'\0' * (-len(b) % 8)


def main():
    global TWO
    kind, out = sys.argv[1], sys.argv[2]
    TWO = kind == 'two'
    st = IP | TID | TIME | CPU | PERIOD
    if kind == 'fp':
        st |= CALLCHAIN
    else:
        st |= REGS_USER | STACK_USER
    events = [attr(st | (IDENTIFIER if kind == 'two' else 0), MASK if st & REGS_USER else 0, 64)]
    names = ['cpu-clock']
    if kind == 'two':
        events.append(attr(st | IDENTIFIER, MASK, 64))
        names.append('task-clock')
    expect = {'samples': []}
    pc = BASE + 0x1139
    recs = []
    recs.append(rec(3, 1 << 13, struct.pack('<II', PID, PID) + cstr('prog') + trailer(PID, 1000)))
    mmap = rec(10, 2, struct.pack('<IIQQQIIQQII', PID, PID, BASE, 0x2000, 0, 8, 1, 77, 0, 5, 2) +
               cstr('/nonexistent/prog') + trailer(PID, 1500 if kind != 'unordered' else 9000))
    if kind != 'unordered':
        recs.append(mmap)
    for i, t in enumerate((2000, 3000) if kind != 'unordered' else (10000, 11000)):
        body = b''
        if kind == 'two':
            body += struct.pack('<Q', 100 + i % 2)  # IDENTIFIER: ids 100 and 101
        body += struct.pack('<QIIQIIQ', pc + i, PID, PID + i, t, i, 0, 250000)
        if st & CALLCHAIN:
            chain = [CONTEXT_USER, pc + i, BASE + 0x1200, BASE + 0x1300]
            body += struct.pack('<Q', len(chain)) + b''.join(struct.pack('<Q', c) for c in chain)
        if st & REGS_USER:
            regs = {i: 0 for i in range(24)}
            regs[6] = 0x7ffc00000100  # bp
            regs[7] = 0x7ffc00000000  # sp
            regs[8] = pc + i          # ip
            body += struct.pack('<Q', 2) + b''.join(struct.pack('<Q', regs[r]) for r in range(24) if MASK >> r & 1)
            body += struct.pack('<Q', 64) + bytes(range(64)) + struct.pack('<Q', 64)
        recs.append(rec(9, 2, body))
        expect['samples'].append({'time': t, 'pid': PID, 'tid': PID + i, 'pc': pc + i,
                                  'event': names[i % len(names)]})
    if kind == 'unordered':
        recs.append(mmap)  # in the file after the samples, in time before them
    recs.append(rec(68, 0, b''))
    recs.append(rec(300, 0, b'\1' * 16))
    data = b''.join(recs)

    attr_size = 120 + 16
    attrs_off = 104
    ids_off = attrs_off + attr_size * len(events)
    ids = [struct.pack('<Q', 100 + k) for k in range(len(events))]
    data_off = ids_off + 8 * len(events)
    data_off += -data_off % 8
    attr_blob = b''
    for k, a in enumerate(events):
        attr_blob += a + struct.pack('<QQ', ids_off + 8 * k, 8)
    feat_at = data_off + len(data)
    # features: BUILD_ID (2, empty), ARCH (6), EVENT_DESC (12)
    arch = struct.pack('<I', 8) + b'x86_64\0\0'
    desc = struct.pack('<II', len(events), 120)
    for k, a in enumerate(events):
        n = names[k].encode() + b'\0'
        n += b'\0' * (-len(n) % 8)
        desc += a + struct.pack('<II', 1, len(n)) + n + struct.pack('<Q', 100 + k)
    bodies = [(2, b''), (6, arch), (12, desc)]
    sec_at = feat_at + 16 * len(bodies)
    secs, blobs = b'', b''
    for _, b in bodies:
        secs += struct.pack('<QQ', sec_at + len(blobs), len(b))
        blobs += b
    bitmap = sum(1 << bit for bit, _ in bodies).to_bytes(32, 'little')
    header = b'PERFILE2' + struct.pack('<QQ', 104, attr_size)
    header += struct.pack('<QQ', attrs_off, len(attr_blob)) + struct.pack('<QQ', data_off, len(data))
    header += struct.pack('<QQ', 0, 0) + bitmap
    assert len(header) == 104
    blob = header + attr_blob + b''.join(ids)
    blob += b'\0' * (data_off - len(blob))
    blob += data + secs + blobs
    open(out, 'wb').write(blob)
    json.dump(expect, sys.stdout)
    print()


main()
