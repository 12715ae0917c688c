#!/usr/bin/env bash
# Callee-saved registers in the unwinder's rows (sidecar v2) and their recovery by the walk.
#
# 1. regsave_prog.S: tramp's CFA is rbx-based around its call (ld.so's lazy-binding trampoline
#    in small); f and g below it push rbx and reuse it. verify-unwind single-steps the program
#    (the truth: the calls and returns actually executed) and unwinds at every step: every point
#    inside f and g must be correct-reliable in orc and auto - which needs tramp's rbx from f's
#    or g's save slot - and no validated mode may call a wrong trace reliable. Without the
#    recovery these points are all lost-register.
# 2. The same program with h directly under tramp: h keeps rbx in r11 while it clobbers it, so
#    some of its points must be unreliable (lost-register) and none false-reliable; its first and
#    last instructions (rbx still the caller's) correct.
# 3. Damaged v2 sidecars are refused with a message (exit 2), never crash: more saved registers
#    than a row holds, a register both saved and lost, a non-zero unused offset. A v1 sidecar
#    in the cache is stale: rebuilt, not an error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/regsave
rm -rf "$work"; mkdir -p "$work"
export TRUSTACK_CACHE_DIR=$work/cache
case "$(uname -m)" in x86_64) ;; *) echo "SKIP regsave: x86-64 assembly"; exit 0 ;; esac
pass() { echo "PASS regsave/$1${2:+ ($2)}"; }
fail() { echo "FAIL regsave/$1: $2"; }

prog=$work/regsave_prog
gcc -o "$prog" "$here/regsave_prog.S" 2>"$work/cc.err" || { fail build "$(head -c 200 "$work/cc.err")"; exit 0; }
addr() { nm "$prog" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print $1 }'; }
fa=$(addr f) ha=$(addr h) ma=$(addr main)
[ -n "$fa" ] && [ -n "$ha" ] && [ -n "$ma" ] || { fail build "no symbols f, h, main"; exit 0; }
every=1; [ "${TS_SAN:-0}" = 1 ] && every=3

# check JSON FOCUS_RULE: FOCUS_RULE is "all" (every focus point correct in orc and auto) or
# "some" (some correct, some lost-register, in both)
check() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); rule = sys.argv[2]
n = d.get("focus_points", 0); m = d["modes"]
fr = [k for k in m if k != "fp" and m[k]["false_reliable"]]
if fr:
    print("FALSE-RELIABLE in " + ",".join(fr)); sys.exit(1)
if n == 0:
    print("no points in the focus range"); sys.exit(1)
for k in ("orc", "auto"):
    f = m[k]["focus"]
    if rule == "all" and f["correct_reliable"] != n:
        print("%s: %d of %d focus points correct (%s)" % (k, f["correct_reliable"], n, m[k]["reasons"])); sys.exit(1)
    if rule == "some" and not (f["correct_reliable"] > 0 and f["unreliable"] > 0 and m[k]["reasons"].get("lost-register", 0) > 0):
        print("%s: focus %s, reasons %s: expected correct and lost-register points" % (k, f, m[k]["reasons"])); sys.exit(1)
print("%d points; orc %s; auto %s" % (n, m["orc"]["focus"], m["auto"]["focus"]))
PY
}

# 1. f and g under the rbx-based frame
"$TRUSTACK" verify-unwind --quiet --every $every --format=json --modes=fp-validated,orc,auto \
    --focus="regsave_prog:$fa-$ha" -- "$prog" >"$work/fg.json" 2>"$work/fg.log"; rc=$?
r=$(check "$work/fg.json" all) && [ $rc = 0 ] && pass recovered-through-saves "$r" ||
    fail recovered-through-saves "exit $rc: $r $(head -c 300 "$work/fg.log")"

# 2. h directly under it: rbx in r11 is beyond any row
"$TRUSTACK" verify-unwind --quiet --every 1 --format=json --modes=fp-validated,orc,auto \
    --focus="regsave_prog:$ha-$ma" -- "$prog" x >"$work/h.json" 2>"$work/h.log"; rc=$?
r=$(check "$work/h.json" some) && [ $rc = 0 ] && pass lost-stays-unreliable "$r" ||
    fail lost-stays-unreliable "exit $rc: $r $(head -c 300 "$work/h.log")"

# 3. damaged sidecars
out=$("$TRUSTACK" cache "$prog" 2>&1) || { fail sidecar "trustack cache: $out"; exit 0; }
sc=$("$TRUSTACK" cache --path "$prog" | sed 's/.*: //; s/ .*//')
[ -f "$sc" ] || { fail sidecar "no sidecar at '$sc' ($out)"; exit 0; }
damage() { # damage KIND OUT: the first row with a saved register, altered
    python3 - "$sc" "$1" "$2" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read()); kind = sys.argv[2]
n, nrows = struct.unpack_from('<II', b, 56)
rows = 64 + 4 * (n + 1) + 4 * n
for i in range(nrows):
    o = rows + 48 * i
    saved, lost = struct.unpack_from('<II', b, o + 20)
    if saved:
        break
else:
    print("no row with a saved register"); sys.exit(1)
if kind == "too-many":
    struct.pack_into('<I', b, o + 20, 0xfff)         # 12 saved registers: a row holds 10
elif kind == "both":
    struct.pack_into('<I', b, o + 24, lost | saved)  # saved and lost at once
elif kind == "tail":
    struct.pack_into('<h', b, o + 28 + 2 * 9, 7)     # an unused offset not zero
elif kind == "v1":
    struct.pack_into('<I', b, 8, 1)
open(sys.argv[3], 'wb').write(b)
PY
}
grep -q 'rows' <<<"$out" && python3 -c 'import struct,sys; b=open(sys.argv[1],"rb").read(); sys.exit(struct.unpack_from("<I",b,8)[0]!=3)' "$sc" &&
    pass sidecar-v3 "$out" || fail sidecar-v3 "$out: not version 3"
for k in too-many both tail; do
    if ! m=$(damage $k "$work/$k.tsu"); then fail "damaged-$k" "$m"; continue; fi
    "$TRUSTACK" dump "$work/$k.tsu" >/dev/null 2>"$work/$k.err"; rc=$?
    [ $rc = 2 ] && grep -q 'saved-register' "$work/$k.err" && pass "damaged-$k" ||
        fail "damaged-$k" "exit $rc: $(head -c 200 "$work/$k.err")"
done
# a v1 file: refused when named, stale (rebuilt) in the cache
damage v1 "$work/v1.tsu" >/dev/null
"$TRUSTACK" dump "$work/v1.tsu" >/dev/null 2>"$work/v1.err"; rc=$?
[ $rc = 2 ] && grep -q 'version' "$work/v1.err" && pass v1-refused || fail v1-refused "exit $rc: $(cat "$work/v1.err")"
cp "$work/v1.tsu" "$sc"
out=$("$TRUSTACK" cache "$prog" 2>&1); rc=$?
[ $rc = 0 ] && ! grep -q cached <<<"$out" && "$TRUSTACK" dump "$sc" >/dev/null 2>&1 && pass v1-rebuilt ||
    fail v1-rebuilt "exit $rc: $out"
exit 0
