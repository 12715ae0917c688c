#!/usr/bin/env python3
"""Regenerate tests/fuzz/seeds/core/: small synthetic core files for fuzz_core (under 8 KiB each).

    python3 tests/fuzz/make-seeds-core.py [OUTDIR]

Each seed is a core as the kernel lays it out (ELF header, one PT_NOTE with NT_PRSTATUS per
thread, NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, then PT_LOAD segments), shrunk: a code mapping
whose first page holds an ELF header with a build-id note, a stack mapping with a frame chain,
a mapping not dumped (filesz 0). Variants: truncated, big-endian of another machine, zstd-compressed
(when the zstd tool is there), no NT_FILE, many threads.
"""
import os, shutil, struct, subprocess, sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'seeds', 'core')
os.makedirs(out, exist_ok=True)

CODE, STACK, GAP = 0x400000, 0x7ffc00000000, 0x500000


def note(e, name, ntype, desc):
    n = name.encode() + b'\0'
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    return struct.pack(e + 'III', len(n), len(desc), ntype) + pad(n) + pad(desc)


def prstatus(e, tid, sig, rip, rsp, rbp):
    regs = [0] * 27
    regs[16], regs[19], regs[4] = rip, rsp, rbp  # rip, rsp, rbp in elf_gregset_t order
    head = struct.pack(e + 'iiih2xQQiiii', sig, 0, 0, sig, 0, 0, tid, 1, tid, tid) + b'\0' * 64
    return head + struct.pack(e + '27Q', *regs) + struct.pack(e + 'i4x', 1)


def elf_image(e, machine):
    """First page of the mapped program: an ELF header, one PT_LOAD, one PT_NOTE with a build-id."""
    bid = bytes(range(1, 21))
    gnu = note(e, 'GNU', 3, bid)
    ph = struct.pack(e + 'IIQQQQQQ', 1, 5, 0, 0, 0, 0x1000, 0x1000, 0x1000)
    ph += struct.pack(e + 'IIQQQQQQ', 4, 4, 64 + 112, 64 + 112, 64 + 112, len(gnu), len(gnu), 4)
    eh = b'\x7fELF' + bytes([2, 2 if e == '>' else 1, 1]) + b'\0' * 9
    eh += struct.pack(e + 'HHIQQQIHHHHHH', 3, machine, 1, 0x1000, 64, 0, 0, 64, 56, 2, 64, 0, 0)
    img = eh + ph + gnu
    return img + b'\xc3' * (256 - len(img))


def core(e='<', machine=62, threads=2, with_file=True, sig=11):
    stack = bytearray(2048)
    # a frame chain: rbp -> [saved rbp, return address] pairs, ending with 0
    for k in range(4):
        at = 256 + k * 64
        nxt = STACK + 256 + (k + 1) * 64 if k < 3 else 0
        struct.pack_into(e + 'QQ', stack, at, nxt, CODE + 0x20 + k)
    notes = b''
    for t in range(threads):
        notes += note(e, 'CORE', 1, prstatus(e, 100 + t, sig if t == 0 else 0, CODE + 0x10, STACK + 200, STACK + 256))
        if t == 0:
            notes += note(e, 'CORE', 0x53494749, struct.pack(e + 'iii4xQ', sig, 0, 1, 16) + b'\0' * 104)
    notes += note(e, 'CORE', 3, struct.pack(e + 'BBBBxxxxQIIiiii', 0x52, 0x52, 0, 0, 0, 0, 0, 100, 1, 100, 100)
                  + b'prog'.ljust(16, b'\0') + b'prog arg'.ljust(80, b'\0'))
    notes += note(e, 'CORE', 6, struct.pack(e + '6Q', 9, CODE + 0x10, 33, 0, 0, 0))
    if with_file:
        names = b'/nonexistent/prog\0'
        notes += note(e, 'CORE', 0x46494c45, struct.pack(e + '5Q', 1, 4096, CODE, CODE + 0x1000, 0) + names)
    img = elf_image(e, machine)
    segs = [(CODE, 5, img, 0x1000), (GAP, 4, b'', 0x1000), (STACK, 6, bytes(stack), len(stack))]
    phnum = 1 + len(segs)
    off = 64 + 56 * phnum
    ph = struct.pack(e + 'IIQQQQQQ', 4, 0, off, 0, 0, len(notes), 0, 4)
    data = notes
    off += len(notes)
    for va, fl, b, memsz in segs:
        ph += struct.pack(e + 'IIQQQQQQ', 1, fl, off, va, 0, len(b), memsz, 4096)
        data += b
        off += len(b)
    eh = b'\x7fELF' + bytes([2, 2 if e == '>' else 1, 1]) + b'\0' * 9
    eh += struct.pack(e + 'HHIQQQIHHHHHH', 4, machine, 1, 0, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    return eh + ph + data


seeds = {
    'min': core(),
    'many-threads': core(threads=12),
    'no-nt-file': core(with_file=False),
    'abort': core(sig=6),
    's390x-be': core(e='>', machine=22),
    'other-machine': core(machine=183),
}
seeds['truncated-notes'] = seeds['min'][:300]
seeds['truncated-memory'] = seeds['min'][:len(seeds['min']) - 1500]
for name, b in seeds.items():
    assert len(b) < 8192, name
    with open(os.path.join(out, name), 'wb') as f:
        f.write(b)
if shutil.which('zstd'):
    subprocess.run(['zstd', '-q', '-f', os.path.join(out, 'min'), '-o', os.path.join(out, 'min.zst')], check=True)
