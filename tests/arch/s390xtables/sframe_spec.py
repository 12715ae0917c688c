#!/usr/bin/env python3
"""sframe_spec.py - an SFrame decoder for s390x written from the format's specification alone
(binutils' sframe-spec: version 2 errata 1 of binutils 2.45, version 3 of 2.46, and the s390x
definitions of include/sframe.h), not from trustack's reader: the independent half of
tests/arch/suite_s390xsframe.sh.

  sframe_spec.py FILE     check FILE's .sframe field by field and print one line per row:
                          "PC SIZE KIND START CFA FP RA" (KIND inc or mask; START the row's
                          offset from the function, or within the block for mask FDEs)
  sframe_spec.py --dump   the same lines from `trustack sframe --dump` text on stdin

Layout violations are printed as "LAYOUT: ..." lines and give exit status 1.

What the specification says for s390x (ABI 4, big-endian):
  - CFA = BASE_REG + word0 * 8 + 160 (the stored word is (offset - 160) / 8); BASE_REG is r15
    (bit 0 of the FRE info byte set) or r11 (clear); libsframe 2.46 reads a flexible FDE's CFA
    offset word the same way;
  - word1 locates RA: CFA + word1, or 0 = padding (RA not saved, still in r14);
    word2 locates FP (r11): CFA + word2; absent: FP unchanged;
  - v2: an odd RA/FP word is a DWARF register number: (regnum << 1) | 1; v3 moved these
    registers into flexible FDEs (control word reg << 3 | deref << 1 | reg_p, then an offset,
    or a single padding word 0), so an odd word in a v3 default FDE is invalid;
  - no data words: the return address is undefined (outermost frame, v2 errata 1 and v3);
  - the FDE's PAC-key bit and the FRE's mangled-RA bit are AArch64's: unused (0) on s390x.
"""
import re
import struct
import sys

SHT_RELA, SHT_SYMTAB = 4, 2
R_390_PC32, R_390_PC64 = 5, 23
problems = []


def bad(msg):
    problems.append(msg)


def cstr(data, off):
    return data[off:data.index(b"\0", off)].decode()


def elf(data):
    """The sections of a 64-bit big-endian ELF file (e_ident, then the fixed header)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 2:
        raise SystemExit("not a 64-bit big-endian ELF file")
    f = struct.unpack_from(">HHIQQQIHHHHHH", data, 16)
    e_type, e_machine, e_shoff, e_shnum, e_shstrndx = f[0], f[1], f[5], f[11], f[12]
    if e_machine != 22:
        bad("e_machine %d is not EM_S390" % e_machine)
    secs = []
    for i in range(e_shnum):
        v = struct.unpack_from(">IIQQQQIIQQ", data, e_shoff + 64 * i)
        secs.append(dict(zip("name type flags addr off size link info align entsize".split(), v)))
    names = secs[e_shstrndx]["off"]
    for s in secs:
        s["name"] = cstr(data, names + s["name"])
    return e_type, secs


def start_relocs(data, secs, idx):
    """Relocatable objects: offset in .sframe -> (type, target as section offset)."""
    out = {}
    for s in secs:
        if s["type"] != SHT_RELA or s["info"] != idx:
            continue
        sym = secs[s["link"]]
        for k in range(s["size"] // 24):
            off, info, addend = struct.unpack_from(">QQq", data, s["off"] + 24 * k)
            value = struct.unpack_from(">IBBHQQ", data, sym["off"] + 24 * (info >> 32))[4]
            out[off] = (info & 0xFFFFFFFF, value + addend)
    return out


def regname(r):
    return {15: "sp", 11: "fp"}.get(r, "r%d" % r)


def sframe_rows(data, secs, e_type):
    idx = next((i for i, s in enumerate(secs) if s["name"] == ".sframe"), None)
    if idx is None:
        raise SystemExit("no .sframe section")
    sec = secs[idx]
    sf = data[sec["off"]:sec["off"] + sec["size"]]
    relocs = start_relocs(data, secs, idx) if e_type == 1 else {}
    magic, version, flags, abi, fixed_fp, fixed_ra, auxlen, nfdes, nfres, frelen, fdeoff, freoff = \
        struct.unpack_from(">HBBBbbBIIIII", sf, 0)
    if magic != 0xDEE2:
        bad("magic %#x is not 0xdee2 in big-endian order" % magic)
    if version not in (2, 3):
        bad("version %d: s390x SFrame exists from version 2 on" % version)
    if abi != 4:
        bad("ABI %d is not SFRAME_ABI_S390X_ENDIAN_BIG" % abi)
    if flags & ~0x7:
        bad("undefined flags %#x" % flags)
    if fixed_fp or fixed_ra:
        bad("fixed FP/RA offsets %d/%d: s390x tracks both per row" % (fixed_fp, fixed_ra))
    hdr = 28 + auxlen
    fdesz = 20 if version == 2 else 16
    fres0 = hdr + freoff
    if fres0 + frelen != len(sf):
        bad("FRE sub-section (offset %d, %d bytes) does not end the %d-byte section" % (freoff, frelen, len(sf)))
    if fdeoff + nfdes * fdesz > freoff:
        bad("FDE sub-section overlaps the FREs")
    rows, total, prev_end, used = [], 0, None, 0
    for i in range(nfdes):
        at = hdr + fdeoff + i * fdesz
        if version == 2:
            start, size, fre_off, n, info, rep, pad = struct.unpack_from(">iIIIBBH", sf, at)
            info2 = 0
            if pad:
                bad("FDE %d: padding %#x is not 0" % (i, pad))
            p = fres0 + fre_off
        else:
            start, size, fre_off = struct.unpack_from(">qII", sf, at)
            n, info, info2, rep = struct.unpack_from(">HBBB", sf, fres0 + fre_off)
            p = fres0 + fre_off + 5
            if info2 & ~0x1F or (info2 & 0x1F) > 1:
                bad("FDE %d: info2 %#x names no defined FDE type" % (i, info2))
        fretype, pctype, key = info & 0xF, (info >> 4) & 1, (info >> 5) & 1
        if fretype > 2:
            bad("FDE %d: FRE type %d" % (i, fretype))
            continue
        if key or (info & 0x40) or (version == 2 and info & 0x80):
            bad("FDE %d: info %#x sets bits s390x leaves unused" % (i, info))
        if pctype and not rep:
            bad("FDE %d: mask FDE without a block size" % i)
        # the function's start: the start field (relative to itself with FUNC_START_PCREL, else
        # to the section), or in an object the PC-relative relocation gas would put there too
        if e_type == 1:
            rtype, pc = relocs.get(at, (None, None))
            if rtype != (R_390_PC32 if version == 2 else R_390_PC64) or start != 0:
                bad("FDE %d: start field without its R_390_PC%d relocation" % (i, 32 if version == 2 else 64))
                continue
        else:
            pc = start + (at if flags & 0x4 else 0) + sec["addr"]
        if flags & 0x1 and prev_end is not None and pc < prev_end and e_type != 1:
            bad("FDE %d at %#x: not sorted although FDE_SORTED is set" % (i, pc))
        prev_end = pc + size
        flex = version == 3 and (info2 & 0x1F) == 1
        last = -1
        for k in range(n):
            aw = 1 << fretype
            fstart = int.from_bytes(sf[p:p + aw], "big")
            finfo = sf[p + aw]
            p += aw + 1
            base_sp, cnt, wsz = finfo & 1, (finfo >> 1) & 0xF, (finfo >> 5) & 3
            if wsz > 2:
                bad("FDE %d FRE %d: data word size code 3" % (i, k))
                break
            if finfo & 0x80:
                bad("FDE %d FRE %d: mangled-RA bit set (AArch64 only)" % (i, k))
            ws = 1 << wsz
            w = [int.from_bytes(sf[p + ws * j:p + ws * (j + 1)], "big", signed=True) for j in range(cnt)]
            p += ws * cnt
            if fstart <= last or (not pctype and fstart >= size) or (pctype and fstart >= rep):
                bad("FDE %d FRE %d: start %#x out of order or outside the function" % (i, k, fstart))
            last = fstart
            rows.append("%#x %d %s %#x %s" % (pc, size, "mask" if pctype else "inc", fstart,
                                              fre_text(i, k, flex, base_sp, w, version)))
            total += 1
        used = max(used, p - fres0)
    if total != nfres:
        bad("the FDEs hold %d FREs, the header says %d" % (total, nfres))
    if used != frelen:
        bad("the FREs end at %d, the header says %d bytes" % (used, frelen))
    return rows


def fre_text(i, k, flex, base_sp, w, version):
    """One FRE as "CFA FP RA" in the dump's notation."""
    if not w:
        return "RA undefined"
    if not flex:
        if len(w) > 3:
            bad("FDE %d FRE %d: %d data words, s390x has at most 3" % (i, k, len(w)))
        cfa = "%s+%d" % ("sp" if base_sp else "fp", w[0] * 8 + 160)

        def loc(x, what):
            if x & 1:
                if version != 2:
                    bad("FDE %d FRE %d: odd %s word %d in a v%d default FDE" % (i, k, what, x, version))
                return "r%d+0" % (x >> 1)
            return "c%+d" % x
        ra = "u" if len(w) < 2 or w[1] == 0 else loc(w[1], "RA")
        fp = loc(w[2], "FP") if len(w) > 2 else "u"
        if len(w) == 2 and w[1] == 0:
            bad("FDE %d FRE %d: RA padding without an FP word" % (i, k))
        return "%s %s %s" % (cfa, fp, ra)
    # flexible FDE: (control, offset) for the CFA, then RA and FP each (control, offset) or 0
    ctl = w[0] & 0xFFFFFFFF if len(w) else 0
    if len(w) < 2 or not ctl & 1 or ctl & 4:
        bad("FDE %d FRE %d: flexible CFA rule needs a register (control %#x)" % (i, k, ctl))
        return "?"
    off = w[1] * 8 + 160
    cfa = ("(%s%+d)" if ctl & 2 else "%s+%d") % (regname(ctl >> 3), off)
    j, out = 2, []
    for what in ("RA", "FP"):
        if j >= len(w) or w[j] == 0:
            out.append("u")
            j += 1
            continue
        c = w[j] & 0xFFFFFFFF
        if j + 1 >= len(w):
            bad("FDE %d FRE %d: %s control word without its offset" % (i, k, what))
            return "?"
        o = w[j + 1]
        j += 2
        if c & 4:
            bad("FDE %d FRE %d: %s control word %#x sets bit 2" % (i, k, what, c))
        if not c & 1:
            out.append("c%+d" % o)  # *(CFA + offset)
        else:
            out.append(("(%s%+d)" if c & 2 else "%s%+d") % (regname(c >> 3), o))
    if j < len(w):
        bad("FDE %d FRE %d: %d flexible data words, more than the rules take" % (i, k, len(w)))
    return "%s %s %s" % (cfa, out[1], out[0])


RULE = r"\((?:sp|fp|r\d+)[+-]\d+\)|(?:sp|fp|r\d+)\+-?\d+|(?:sp|fp|r\d+)-\d+|c[+-]\d+|[ufU](?![a-z0-9])"


def dump_rows(text):
    """`trustack sframe --dump` text -> the same row lines."""
    rows, pc = [], None
    for line in text.splitlines():
        m = re.match(r"\s+func idx \[\d+\]: pc = (0x[0-9a-f]+|0), size = (\d+) bytes", line)
        if m:
            pc, size, mask = int(m.group(1), 16), int(m.group(2)), False
            continue
        if re.match(r"\s+STARTPC", line):
            mask = "[m]" in line
            continue
        m = re.match(r"\s+([0-9a-f]{16})\s+(.*\S)", line)
        if m and pc is not None:
            a = int(m.group(1), 16)
            rest = m.group(2)
            # the columns are objdump's fixed widths, which a long entry fills without a space
            # ("sp+1048912u"): take the rules apart by their shape
            if rest != "RA undefined":
                rest = " ".join(re.findall(RULE, rest))
            rows.append("%#x %d %s %#x %s" % (pc, size, "mask" if mask else "inc", a if mask else a - pc, rest))
    return rows


def main():
    if sys.argv[1:] == ["--dump"]:
        rows = dump_rows(sys.stdin.read())
    else:
        data = open(sys.argv[1], "rb").read()
        e_type, secs = elf(data)
        rows = sframe_rows(data, secs, e_type)
    for r in rows:
        print(r)
    for p in problems:
        print("LAYOUT: " + p)
    sys.exit(1 if problems else 0)


main()
