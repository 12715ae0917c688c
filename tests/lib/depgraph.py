#!/usr/bin/env python3
"""depgraph.py - the dependency graph of lib/ files, from #include lines and calls, and the loops
in it that cross modules (lib/<module>/ is a module; lib/arch/<machine>/ counts as lib/arch).

Nodes are source files. Edges:
  - F includes "m/x.h"                     F -> lib/m/x.h
  - a header stands for its implementation  lib/m/x.h -> lib/m/x.c (when that file exists)
  - F's object calls a function that G's object defines (nm: U in F.o, T in G.o)   F -> G
Files of two modules in one loop (module A's file reaches module B's, and some file of B
reaches A's) mean two modules know each other: reported, exit status 1; so is lib/common/
depending on any other module (it is the bottom layer). Loops between the files of one module
are allowed.
Usage: depgraph.py TOP BUILD_DIR   (BUILD_DIR: where make put lib/**/*.o)
"""
import os, re, subprocess, sys
from collections import defaultdict

top, build = sys.argv[1], sys.argv[2]
lib = os.path.join(top, 'lib')

def module(path):               # lib/arch/x86/decode.c -> arch
    return path.split('/')[1]

files = []
for d, _, names in os.walk(lib):
    for n in names:
        if n.endswith(('.c', '.h')):
            files.append(os.path.relpath(os.path.join(d, n), top))
fileset = set(files)
edges = defaultdict(set)
why = {}
inc = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
for f in files:
    src = open(os.path.join(top, f), encoding='utf-8', errors='replace').read()
    for h in inc.findall(src):
        for cand in ('lib/' + h, os.path.join(os.path.dirname(f), h)):
            cand = os.path.normpath(cand)
            if cand in fileset and cand != f:
                edges[f].add(cand); why.setdefault((f, cand), 'includes')
                break
    if f.endswith('.h') and f[:-2] + '.c' in fileset:
        edges[f].add(f[:-2] + '.c'); why.setdefault((f, f[:-2] + '.c'), 'implemented by')

defined, undefined = {}, defaultdict(set)
for f in files:
    if not f.endswith('.c'):
        continue
    obj = os.path.join(build, f[:-2] + '.o')
    if not os.path.exists(obj):
        sys.exit(f'depgraph: no {obj}: build first (make)')
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == 'U':
            undefined[f].add(parts[1])
        elif len(parts) == 3 and parts[1] in 'TDRBV':
            defined[parts[2]] = f
for f, syms in undefined.items():
    for s in syms:
        g = defined.get(s)
        if g and g != f:
            edges[f].add(g); why.setdefault((f, g), 'calls ' + s)

def sccs(nodes, succ):
    """Tarjan's strongly connected components, iteratively."""
    index, low, onstack, stack, comps, counter = {}, {}, set(), [], [], [0]
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); onstack.add(v)
    for root in sorted(nodes):
        if root in index:
            continue
        visit(root)
        work = [(root, iter(sorted(succ(root))))]
        while work:
            node, it = work[-1]
            for w in it:
                if w not in index:
                    visit(w)
                    work.append((w, iter(sorted(succ(w)))))
                    break
                if w in onstack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop(); onstack.discard(w); comp.append(w)
                        if w == node:
                            break
                    comps.append(comp)
    return comps

# Edges allowed while a known piece of work is pending: "FILE MODULE  reason" (tests/lib/
# module-edges-allowed.txt). An allowance no edge uses any more is stale and reported.
allowed, used = {}, set()
allow_file = os.path.join(top, 'tests/lib/module-edges-allowed.txt')
if os.path.exists(allow_file):
    for line in open(allow_file):
        line = line.split('#', 1)[0].strip()
        if line:
            f, m = line.split()[:2]
            allowed[(f, m)] = True

medges = defaultdict(dict)      # module -> module -> one (file, file, why) as evidence
for f in files:
    for g in edges[f]:
        mf, mg = module(f), module(g)
        if mf == mg:
            continue
        if (f, mg) in allowed:
            used.add((f, mg))
            continue
        medges[mf].setdefault(mg, (f, g, why[(f, g)]))

bad = 0
for f, g in sorted((f, g) for f in files for g in edges[f] if module(f) == 'common' and module(g) != 'common'):
    print(f'common depends on another module: {f} -> {g} ({why[(f, g)]})'); bad += 1
modules = {module(f) for f in files}
for comp in sccs(modules, lambda m: medges[m].keys()):
    if len(comp) < 2:
        continue
    bad += 1
    cs = set(comp)
    print(f'loop between modules {", ".join(sorted(cs))}:')
    for m in sorted(cs):
        for n, (f, g, w) in sorted(medges[m].items()):
            if n in cs:
                print(f'  {m} -> {n}: {f} -> {g} ({w})')
for f, m in sorted(set(allowed) - used):
    print(f'stale allowance in tests/lib/module-edges-allowed.txt: {f} {m} (no such edge: remove it)'); bad += 1
nedges = sum(len(v) for v in edges.values())
print(f'{len(files)} files, {nedges} edges, {len(modules)} modules, {bad} problem(s)')
sys.exit(1 if bad else 0)
