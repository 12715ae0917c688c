#!/usr/bin/env bash
# `trustack perf FILE` suite: real profiles recorded here with `perf record -e cpu-clock` of C
# and C++ programs (tests/perf/prof_c.c, prof_cxx.cc, leaf.c) with and without frame pointers,
# with --call-graph=dwarf at a small, the default and a large --user-stack-size, and with
# --call-graph=fp.
#
# Oracles we did not write: `perf script` on the same file (the samples, and every frame of our
# reliable traces: tests/perf/compare.py); objdump (the call sites a fp callchain skipped); the file
# format's own fields for the damaged copies (truncated, an unknown record type, another machine,
# pipe mode). If perf cannot record here (not installed, perf_event_paranoid, no software
# events in a container), every case says SKIP with the reason.
# TS_QUICK=1: shorter runs (150 ms of CPU per program instead of 400).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/perf
[ "$(uname -m)" = x86_64 ] || { echo "SKIP perf: x86-64 only"; exit 0; }
for t in gcc g++ python3 objdump; do
    command -v $t >/dev/null || { echo "SKIP perf: $t not installed"; exit 0; }
done
[ -x "$TRUSTACK" ] || { echo "FAIL perf: no trustack binary at $TRUSTACK"; exit 1; }
rm -rf "$work"; mkdir -p "$work"

# ---- the reader on files written from the format description (make_perfdata.py), no perf needed:
# the fields of each sample, the event names, records in time order (an mmap after its sample in
# the file), an unknown record type skipped and counted, a missing mapped file counted
for kind in dwarf fp two unordered; do
    python3 "$here/make_perfdata.py" $kind "$work/syn-$kind.data" >"$work/syn-$kind.want" || {
        echo "FAIL perf/reader/$kind: make_perfdata.py failed"; continue; }
    "$TRUSTACK" perf --cache-dir="$work/cache" --format=json "$work/syn-$kind.data" >"$work/syn-$kind.json" 2>"$work/syn-$kind.err"
    rc=$?
    python3 - "$work/syn-$kind.want" "$work/syn-$kind.json" "$work/syn-$kind.err" "$kind" "$rc" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
kind, rc = sys.argv[4], int(sys.argv[5])
try:
    got = json.load(open(sys.argv[2]))
except ValueError as e:
    print('FAIL perf/reader/%s: exit %d, output is not JSON: %s' % (kind, rc, e)); sys.exit()
err = open(sys.argv[3]).read()
bad = []
if rc != 1:
    bad.append('exit %d (want 1: unreliable, the file is gone)' % rc)
if len(got['samples']) != len(want['samples']):
    bad.append('%d samples, want %d' % (len(got['samples']), len(want['samples'])))
for g, w in zip(got['samples'], want['samples']):
    for k in ('time', 'pid', 'tid', 'event'):
        if g[k] != w[k]:
            bad.append('%s %r, want %r' % (k, g[k], w[k]))
    if not g['frames'] or g['frames'][0]['pc'] != w['pc']:
        bad.append('frame 0 %r, want pc %d' % (g['frames'][:1], w['pc']))
    elif g['frames'][0]['module'] != 'prog':
        bad.append('frame 0 in module %r, want prog (the mmap applied before the sample)' % g['frames'][0]['module'])
    if g['reason'] != 'unknown-code' or g['comm'] != 'prog':
        bad.append('reason %r comm %r, want unknown-code, prog' % (g['reason'], g['comm']))
    if g['source'] != ('callchain' if kind == 'fp' else 'stack'):
        bad.append('source %r' % g['source'])
s = got['summary']
if s['unknown'] != 1 or s['missing_files'] != 1 or '1 records of unknown types' not in err:
    bad.append('unknown %d, missing files %d, stderr %r' % (s['unknown'], s['missing_files'], err[:200]))
print(('FAIL perf/reader/%s: %s' % (kind, '; '.join(bad[:4]))) if bad else 'PASS perf/reader/%s' % kind)
PY
done

command -v perf >/dev/null || { echo "SKIP perf: perf not installed (apt-get install linux-perf)"; exit 0; }
cache=$work/cache
ms=400; ts_quick && ms=150

if ! perf record -q -e cpu-clock -o "$work/probe.data" -- true >"$work/probe.log" 2>&1; then
    echo "SKIP perf: perf cannot record here (perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)): $(grep -m1 -v '^$' "$work/probe.log")"
    exit 0
fi

# ---- the programs: C with and without frame pointers (the leaf always without in "mixed"), C++
build() { # build NAME COMPILER MAIN LEAF_FLAGS MAIN_FLAGS
    local name=$1 cc=$2 src=$3 lf=$4 mf=$5
    gcc -O2 -g $lf -c "$here/leaf.c" -o "$work/$name-leaf.o" &&
        $cc -O2 -g $mf "$here/$src" "$work/$name-leaf.o" -o "$work/$name" 2>>"$work/build.log"
}
build c-fp gcc prof_c.c "-fno-omit-frame-pointer" "-fno-omit-frame-pointer" &&
build c-nofp gcc prof_c.c "-fomit-frame-pointer" "-fomit-frame-pointer" &&
build c-mixed gcc prof_c.c "-fomit-frame-pointer" "-fno-omit-frame-pointer" &&
build cxx-nofp g++ prof_cxx.cc "-fomit-frame-pointer" "-fomit-frame-pointer" || {
    echo "FAIL perf/build: $(head -3 "$work/build.log")"; exit 1; }

record() { # record NAME PROGRAM CALLGRAPH
    perf record -q -e cpu-clock -F 2000 --call-graph="$3" -o "$work/$1.data" -- "$work/$2" "$ms" \
        >"$work/$1.rec.log" 2>&1
}
ours() { # ours NAME: JSON into NAME.json, exit status checked
    "$TRUSTACK" perf --cache-dir="$cache" --format=json "$work/$1.data" >"$work/$1.json" 2>"$work/$1.err"
    local rc=$?
    if [ $rc -gt 1 ]; then
        echo "FAIL perf/$1/run: exit status $rc: $(head -2 "$work/$1.err")"
        return 1
    fi
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/$1.json" 2>"$work/$1.jerr" || {
        echo "FAIL perf/$1/json: $(tail -1 "$work/$1.jerr")"; return 1; }
    echo "PASS perf/$1/run (exit $rc, JSON parses)"
}
theirs() { # theirs NAME: perf script's view
    perf script --ns --no-inline --no-demangle -F tid,time,ip,sym,symoff -i "$work/$1.data" >"$work/$1.script" 2>"$work/$1.script.err"
}
case_dwarf() { # case_dwarf NAME PROGRAM CALLGRAPH [compare.py options]
    local name=$1 prog=$2 cg=$3; shift 3
    if ! record "$name" "$prog" "$cg"; then
        echo "FAIL perf/$name/record: $(head -2 "$work/$name.rec.log")"; return
    fi
    ours "$name" || return
    theirs "$name" || { echo "FAIL perf/$name/perf-script: $(head -2 "$work/$name.script.err")"; return; }
    python3 "$here/compare.py" "$work/$name.json" "$work/$name.script" "$name" "$@"
}

# dwarf: the default 8 KiB copy, a large one, a small one (the deep recursion does not fit)
case_dwarf c-nofp-dwarf c-nofp dwarf --expect-reliable 80
case_dwarf c-fp-dwarf c-fp dwarf --expect-reliable 80
case_dwarf cxx-nofp-dwarf cxx-nofp dwarf --expect-reliable 80
case_dwarf c-nofp-dwarf-large c-nofp dwarf,65528 --expect-reliable 80
case_dwarf c-nofp-dwarf-small c-nofp dwarf,512 --expect-reason stack-copy-too-small

# fp: the kernel's chain; ours are its frames, each judged. The leaf of c-mixed keeps no frame:
# the kernel's walk skips its caller, and every sample in it must say so.
name=c-mixed-fp
if record $name c-mixed fp && ours $name && theirs $name; then
    python3 "$here/compare.py" "$work/$name.json" "$work/$name.script" "$name"
    python3 - "$work/$name.json" "$work/$name.script" "$work/c-mixed" <<'PY'
import json, re, subprocess, sys
doc = json.load(open(sys.argv[1]))
# objdump: the return addresses of the calls to leaf_work, as function+offset: where frame 1 of
# a sample in leaf_work would be if the kernel's walk had not skipped the caller
sites, func, start = set(), None, 0
lines = subprocess.run(['objdump', '-d', '--no-show-raw-insn', sys.argv[3]], capture_output=True, text=True).stdout.split('\n')
for i, l in enumerate(lines):
    m = re.match(r'^([0-9a-f]+) <(.*)>:$', l)
    if m:
        func, start = m.group(2), int(m.group(1), 16)
    elif re.search(r'call.*<leaf_work>', l):
        nxt = next(x for x in lines[i + 1:] if re.match(r'^\s+[0-9a-f]+:', x))
        sites.add((func, int(nxt.split(':')[0], 16) - start))
leaf = [s for s in doc['samples'] if s['frames'] and s['frames'][0]['function'] == 'leaf_work']
marked = [s for s in leaf if s['reason'] == 'fp-leaf-skips-caller' and s['lost_at'] == 0]
seen = [s for s in leaf if len(s['frames']) > 1 and (s['frames'][1]['function'], s['frames'][1]['offset']) in sites]
if not leaf or not sites:
    print('FAIL perf/c-mixed-fp/leaf-skips-caller: %d samples in leaf_work, %d call sites of it' % (len(leaf), len(sites)))
elif len(marked) != len(leaf) or seen:
    print('FAIL perf/c-mixed-fp/leaf-skips-caller: %d of %d samples in the frameless leaf marked; %d show the caller' % (len(marked), len(leaf), len(seen)))
else:
    print('PASS perf/c-mixed-fp/leaf-skips-caller (%d samples in the frameless leaf, all marked; objdump: none has its caller after it, %d call sites)' % (len(leaf), len(sites)))
bad = [s for s in doc['samples'] if s['reliable'] and s['frames'] and s['frames'][0]['function'] == 'leaf_work']
print(('FAIL perf/c-mixed-fp/no-false-reliable: %d' % len(bad)) if bad else 'PASS perf/c-mixed-fp/no-false-reliable')
PY
else
    echo "FAIL perf/$name: $(head -2 "$work/$name.rec.log" "$work/$name.err" 2>/dev/null | tr '\n' ' ')"
fi

# ---- the other outputs, on the C dwarf profile ------------------------------------------------
d=$work/c-nofp-dwarf.data
if [ -f "$d" ]; then
    T() { "$TRUSTACK" perf --cache-dir="$cache" "$@"; }
    T --summary "$d" >"$work/summary.txt" 2>&1
    rc=$?
    total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["samples"])' "$work/c-nofp-dwarf.json")
    if [ $rc -le 1 ] && grep -q "^samples: $total " "$work/summary.txt" && grep -q '^reliable: ' "$work/summary.txt"; then
        echo "PASS perf/summary ($(grep '^reliable' "$work/summary.txt"))"
    else
        echo "FAIL perf/summary: exit $rc: $(head -3 "$work/summary.txt" | tr '\n' ' ')"
    fi
    T --folded "$d" >"$work/folded.txt" 2>"$work/folded.err"
    sum=$(awk '{n += $NF} END {print n + 0}' "$work/folded.txt")
    user=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["user"])' "$work/c-nofp-dwarf.json")
    if [ "$sum" = "$user" ] && grep -q '^prof\|^c-nofp' "$work/folded.txt" && grep -q ';main;' "$work/folded.txt"; then
        echo "PASS perf/folded ($(wc -l <"$work/folded.txt") stacks, $sum samples)"
    else
        echo "FAIL perf/folded: $sum samples in the folded lines, $user user stacks: $(head -2 "$work/folded.txt")"
    fi
    T --svg "$work/flame.svg" "$d" >/dev/null 2>"$work/svg.err"
    if python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.getElementsByTagName("rect").length > 3' "$work/flame.svg" 2>"$work/svg.perr"; then
        echo "PASS perf/svg ($(grep -c '<rect' "$work/flame.svg") boxes, well-formed XML)"
    else
        echo "FAIL perf/svg: $(tail -1 "$work/svg.perr") $(head -1 "$work/svg.err")"
    fi
    T "$d" >"$work/text.txt" 2>&1
    n=$(grep -cE ': (reliable|unreliable)' "$work/text.txt")
    [ "$n" = "$total" ] && echo "PASS perf/text ($n samples with a verdict)" || echo "FAIL perf/text: $n verdicts for $total samples"

    # ---- bad input: clear message, exit 2, never a signal ---------------------------------------
    bad() { # bad NAME FILE PATTERN
        timeout 60 "$TRUSTACK" perf --cache-dir="$cache" --summary "$2" >"$work/bad.out" 2>"$work/bad.err"
        local rc=$?
        if [ $rc -eq 2 ] && grep -qi -- "$3" "$work/bad.err"; then
            echo "PASS perf/bad/$1 ($(head -1 "$work/bad.err"))"
        else
            echo "FAIL perf/bad/$1: exit $rc, want 2 with '$3': $(head -2 "$work/bad.err" | tr '\n' ' ')"
        fi
    }
    size=$(stat -c %s "$d")
    head -c $((size / 2)) "$d" >"$work/half.data"
    bad truncated "$work/half.data" truncated
    head -c 50 "$d" >"$work/head.data"
    bad cut-header "$work/head.data" "not a perf.data\|damaged header\|truncated"
    printf 'not a profile at all, just some text\n' >"$work/text.data"
    bad not-perf "$work/text.data" "not a perf.data"
    : >"$work/empty.data"
    bad empty "$work/empty.data" "not a perf.data"
    bad missing "$work/no-such.data" "no such file\|cannot open\|not found"
    bad directory "$work" "not a regular file\|directory"
    if perf record -q -e cpu-clock -o - -- "$work/c-nofp" 20 >"$work/pipe.data" 2>/dev/null; then
        bad pipe-mode "$work/pipe.data" "pipe-mode"
    else
        echo "SKIP perf/bad/pipe-mode: perf record -o - failed"
    fi
    # another machine: the header's HEADER_ARCH string says s390x
    python3 - "$d" "$work/s390x.data" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
data_off, data_size = struct.unpack_from('<QQ', b, 40)
bits = int.from_bytes(b[72:104], 'little')
at = data_off + data_size
for bit in range(256):
    if bits >> bit & 1:
        off, size = struct.unpack_from('<QQ', b, at); at += 16
        if bit == 6:  # HEADER_ARCH: u32 length, the string
            b[off + 4:off + 4 + 6] = b's390x\0'
open(sys.argv[2], 'wb').write(b)
PY
    bad other-machine "$work/s390x.data" "s390x"
    # an unknown record type: the first record's type becomes 200 (skipped and counted)
    python3 - "$d" "$work/unknown.data" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
data_off = struct.unpack_from('<Q', b, 40)[0]
struct.pack_into('<I', b, data_off, 200)
open(sys.argv[2], 'wb').write(b)
PY
    "$TRUSTACK" perf --cache-dir="$cache" --summary "$work/unknown.data" >"$work/unk.out" 2>"$work/unk.err"
    rc=$?
    if [ $rc -le 1 ] && grep -q '1 records of unknown types' "$work/unk.err" && grep -q '1 of unknown types' "$work/unk.out"; then
        echo "PASS perf/bad/unknown-record (skipped and counted, exit $rc)"
    else
        echo "FAIL perf/bad/unknown-record: exit $rc: $(head -2 "$work/unk.err" | tr '\n' ' ')"
    fi
fi
