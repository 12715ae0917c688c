#!/usr/bin/env python3
"""Compare two ORC tables of one object instruction by instruction (tests/tables/suite_orc.sh).

usage: orc_compare.py OBJDUMP_D OBJTOOL_DUMP TRUSTACK_DUMP PROBLEMS
       orc_compare.py --annotate ANNOTATE DUMP PROBLEMS

The second form checks a linked file's table read back (DUMP: `trustack orc --dump`, addresses in
hex) against the analysis rows `trustack annotate` prints for every instruction: where a row is
expressible in ORC (and its function has no reported problem, and is not _start), the entry in
effect must say the same sp and bp rule.

OBJDUMP_D: `objdump -d --no-show-raw-insn` of the object (the instruction addresses, an oracle we
did not write). The two dumps are `objtool --dump=orc` of objtool's own output and of ours. At every
instruction the entry in effect (the last one at or before it in its section) must be the same,
and so must the section terminators. A difference is accepted only in a documented class
(docs/orc.md, "Differences from objtool"), each checked against the instructions here:

  fp-same-after-push  objtool bp:prevsp-16, ours bp:(und), same sp, and the instruction lies
                      between a `push %rbp` and the next instruction that writes %rbp: the caller's
                      rbp is still in rbp, so "unchanged" is as true as "saved at CFA-16".
  drap-epilogue       objtool sp:r10+0, in a function that set up r10 as its DRAP register
                      (`lea 0x8(%rsp),%r10` at its start), once r10 was reloaded from the frame
                      (`pop %r10` or `mov -N(%rbp),%r10`); ours either sp:(bp-N) with the same bp
                      rule (the spilled DRAP, still valid until `pop %rbp`/`leave`) or (und) with a
                      problem reported for that function (after `leave`/`pop %rbp` the analysis
                      keeps the CFA as *(rsp-K), which ORC cannot express).
Prints one line per difference not in a class ("DIFF ..."), then "classes: NAME=N ..." and exits 1
when any difference is unexplained.
"""
import bisect
import re
import sys


def load_dump(path):
    ent = {}
    for line in open(path):
        m = re.match(r'^(\S+)\+([0-9a-f]+): (.*)$', line.strip())
        if m:
            ent.setdefault(m.group(1), []).append((int(m.group(2), 16), m.group(3)))
    for s in ent:
        ent[s].sort(key=lambda x: x[0])  # stable: a terminator stays before a real entry
    return ent


def load_insns(path):
    """section -> [(addr, function, text)] in address order."""
    out, sec, func = {}, None, None
    for line in open(path):
        m = re.match(r'^Disassembly of section (\S+):', line)
        if m:
            sec = m.group(1)
            out.setdefault(sec, [])
            continue
        m = re.match(r'^[0-9a-f]+ <([^>]+)>:', line)
        if m:
            func = m.group(1)
            continue
        m = re.match(r'^\s+([0-9a-f]+):\s+(.*)$', line)
        if m and sec:
            out[sec].append((int(m.group(1), 16), func, m.group(2).strip()))
    return out


def effective(entries, keys, addr):
    i = bisect.bisect_right(keys, addr)
    return entries[i - 1][1] if i else None


REGS = {'rsp': 'sp', 'rbp': 'bp', 'r10': 'r10', 'r13': 'r13', 'rdi': 'di', 'rdx': 'dx'}


def expected_orc(state):
    """ORC 'sp:... bp:...' for an annotate state, or None when ORC cannot say it."""
    m = re.match(r'cfa=(?:(\w+)([+-]\d+)|\[(\w+)([+-]\d+)\]) ra=cfa-8 fp=(\S+)$', state)
    if not m:
        return None
    if m.group(1):
        if m.group(1) not in REGS or not -32768 <= int(m.group(2)) <= 32767:
            return None
        sp = '%s%+d' % (REGS[m.group(1)], int(m.group(2)))
    elif m.group(3) == 'rbp':
        sp = '(bp%+d)' % int(m.group(4))
    else:
        return None
    fp = m.group(5)
    if fp == 'same':
        bp = '(und)'
    elif re.match(r'cfa[+-]\d+$', fp):
        bp = 'prevsp%+d' % int(fp[3:])
    elif re.match(r'\[rbp[+-]\d+\]$', fp):
        bp = 'bp%+d' % int(fp[4:-1])
    else:
        return None
    return 'sp:%s bp:%s' % (sp, bp)


def annotate_mode(ann, dump, problems):
    entries = []
    for line in open(dump):
        m = re.match(r'^([0-9a-f]+): (sp:\S+ bp:\S+)', line)
        if m:
            entries.append((int(m.group(1), 16), m.group(2)))
    entries.sort(key=lambda x: x[0])
    keys = [e[0] for e in entries]
    bad_funcs = {'_start'}
    for line in open(problems):
        m = re.search(r': warning: trustack: ([^+]+)\+0x[0-9a-f]+: .*\[orc-unrepresentable\]', line)
        if m:
            bad_funcs.add(m.group(1))
    func, checked, bad = None, 0, 0
    for line in open(ann):
        m = re.match(r'^(\S+):$', line)
        if m:
            func = m.group(1)
            continue
        m = re.match(r'^\s+([0-9a-f]+) <\+\d+\s*>.*\s(cfa=\S+ ra=\S+ fp=\S+)$', line)
        if not m or func in bad_funcs:
            continue
        want = expected_orc(m.group(2))
        if want is None:
            continue
        got = effective(entries, keys, int(m.group(1), 16))
        checked += 1
        if got != want:
            bad += 1
            if bad <= 20:
                print("DIFF %s %s: row '%s' wants '%s', table says '%s'" % (func, m.group(1), m.group(2), want, got))
    print("checked: %d instructions, %d differ" % (checked, bad))
    return 1 if bad or not checked else 0


def main():
    if sys.argv[1] == '--annotate':
        return annotate_mode(sys.argv[2], sys.argv[3], sys.argv[4])
    insns = load_insns(sys.argv[1])
    ot = load_dump(sys.argv[2])
    tr = load_dump(sys.argv[3])
    problem_funcs = set()
    for line in open(sys.argv[4]):
        m = re.search(r': warning: trustack: ([^+]+)\+0x[0-9a-f]+: .*\[orc-unrepresentable\]', line)
        if m:
            problem_funcs.add(m.group(1))
    classes = {}
    bad = 0
    for sec in sorted(set(ot) | set(tr)):
        a, b = ot.get(sec, []), tr.get(sec, [])
        ka, kb = [e[0] for e in a], [e[0] for e in b]
        # terminators: the last entry of each section, at its end
        if (a[-1] if a else None) != (b[-1] if b else None):
            print("DIFF %s terminator: objtool %s, trustack %s" % (sec, a[-1] if a else None, b[-1] if b else None))
            bad += 1
        since_push = False
        drap_func, r10_popped, cur_func = None, False, None
        for addr, func, text in insns.get(sec, []):
            if func != cur_func:
                cur_func, since_push, r10_popped = func, False, False
                drap_func = func if re.match(r'lea\s+0x8\(%rsp\),%r10$', text) else None
            x, y = effective(a, ka, addr), effective(b, kb, addr)
            if x != y:
                cls = None
                if (x and y and since_push and x.replace('bp:prevsp-16', 'bp:(und)') == y
                        and 'bp:prevsp-16' in x):
                    cls = 'fp-same-after-push'
                elif (x and y and drap_func == func and r10_popped and x.startswith('sp:r10+0 ') and
                      ((re.match(r'sp:\(bp-\d+\) ', y) and x.split(' ')[1:] == y.split(' ')[1:]) or
                       (y.startswith('sp:(und) ') and func in problem_funcs))):
                    cls = 'drap-epilogue'
                if cls:
                    classes[cls] = classes.get(cls, 0) + 1
                else:
                    print("DIFF %s+%x (%s: %s): objtool '%s', trustack '%s'" % (sec, addr, func, text, x, y))
                    bad += 1
            # state after this instruction
            if re.match(r'push\s+%rbp$', text):
                since_push = True
            elif re.search(r',%rbp$', text) or re.match(r'(pop\s+%rbp|leave)', text):
                since_push = False
            if re.match(r'pop\s+%r10$', text) or re.match(r'mov\s+-0x[0-9a-f]+\(%rbp\),%r10$', text):
                r10_popped = True
    print("classes: " + (" ".join("%s=%d" % kv for kv in sorted(classes.items())) or "none"))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
