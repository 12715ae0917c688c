#!/usr/bin/env bash
# Exit codes and messages a script can trust (issue 12, item 5, all but verify-unwind's, which
# are in suite_verify.sh): truncated archives, what a directory search could not read or does not
# analyse, --cache-dir='', stacks on PID 0, a kernel thread and a process whose main thread has
# exited, and no UBSan report on empty input.
set -u
T=${TRUSTACK:-${TS_TOP:-.}/build/trustack}
top=${TS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${TS_WORK:-/tmp/ts-cli}/exits
rm -rf "$work"; mkdir -p "$work"
[ -x "$T" ] || { echo "FAIL exits: trustack binary missing"; exit 1; }

ok() { echo "PASS exits/$1"; }
bad() { echo "FAIL exits/$1: $2"; }
# expect NAME RC WANT CMD...: exit RC, WANT (a grep -E pattern, may be empty) on stderr, no sanitizer report
expect() {
	local name=$1 want_rc=$2 want=$3; shift 3
	timeout 60 "$@" >"$work/out" 2>"$work/err" </dev/null
	local rc=$?
	if [ $rc -ne "$want_rc" ]; then bad "$name" "exit $rc, not $want_rc: $(head -c 300 "$work/err")"
	elif [ -n "$want" ] && ! grep -qE -- "$want" "$work/err"; then bad "$name" "no '$want' in: $(head -c 300 "$work/err")"
	elif grep -q "runtime error\|AddressSanitizer" "$work/err"; then bad "$name" "$(grep -m1 "runtime error\|AddressSanitizer" "$work/err")"
	else ok "$name"; fi
}

gcc -O2 -c "$top/demo/src/eval.c" -o "$work/m1.o" || exit 1
cp "$work/m1.o" "$work/m2.o"
ar rcs "$work/lib.a" "$work/m1.o" "$work/m2.o"
size=$(stat -c %s "$work/lib.a")
m2=$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
print(d.index(b"m2.o/"))' "$work/lib.a")   # where the second member's header starts

# --- truncated archives: exit 2, naming the archive and the offset --------------------------
expect ar-whole 0 "" "$T" check -q "$work/lib.a"
head -c $((m2 + 20)) "$work/lib.a" >"$work/cut-header.a"        # the 2nd member's header cut
expect ar-cut-in-header 2 "cut-header.a: error: .*offset $m2" "$T" check -q "$work/cut-header.a"
head -c $((size - 100)) "$work/lib.a" >"$work/cut-data.a"         # the 2nd member's data cut
expect ar-cut-in-data 2 "cut-data.a: error: .*offset $m2" "$T" check -q "$work/cut-data.a"
head -c 70 "$work/lib.a" >"$work/cut-index.a"                    # the symbol index cut
expect ar-cut-in-index 2 "cut-index.a: error: .*offset 8" "$T" check -q "$work/cut-index.a"
printf '!<arch>\n' >"$work/empty.a"                             # glibc's libdl.a is this
expect ar-empty 0 "" "$T" check -q "$work/empty.a"

# --- directory searches ------------------------------------------------------------------------
mkdir -p "$work/scan/sub"
cp "$work/m1.o" "$work/scan/ok.o"
echo 'int f(int x) { return x + 1; }' >"$work/f.c"
if clang --target=aarch64-linux-gnu -c "$work/f.c" -o "$work/scan/sub/a64.o" 2>/dev/null &&
   clang --target=riscv64-linux-gnu -c "$work/f.c" -o "$work/scan/sub/rv.o" 2>/dev/null &&
   clang --target=i386-linux-gnu -c "$work/f.c" -o "$work/scan/sub/i386.o" 2>/dev/null; then
	# riscv64 and i386 (and aarch64 until its analysis exists) are skipped, not errors
	"$T" check "$work/scan" >"$work/out" 2>"$work/err"; rc=$?
	[ $rc -eq 0 ] && ok dir-unsupported-exit0 || bad dir-unsupported-exit0 "exit $rc: $(head -c 300 "$work/err")"
	grep -q "rv.o: skipped: " "$work/err" && grep -q "i386.o: skipped: " "$work/err" && ok dir-unsupported-named ||
		bad dir-unsupported-named "$(head -c 300 "$work/err")"
	grep -qE "[0-9]+ skipped" "$work/err" && ok dir-unsupported-counted || bad dir-unsupported-counted "$(tail -1 "$work/err")"
	"$T" check -q --format=json "$work/scan" >"$work/j" 2>/dev/null
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
sk = {x["file"].rsplit("/", 1)[1]: x["reason"] for x in d["skipped"]}
assert s["skipped"] == len(d["skipped"]) and s["errors"] == 0 == len(d["errors"]), s
assert "rv.o" in sk and "i386.o" in sk and all(sk.values()), sk
assert s["files"] + s["skipped"] == 4, s
' "$work/j" 2>"$work/py"; then ok dir-unsupported-json; else bad dir-unsupported-json "$(tail -1 "$work/py")"; fi
	expect named-unsupported-is-error 2 "rv.o: error: " "$T" check -q "$work/scan/sub/rv.o"
else
	echo "SKIP exits/dir-unsupported: clang cannot make aarch64/riscv64/i386 objects"
fi

# a directory deeper than 64 levels: named, exit 2 (it was skipped without a word, exit 0)
d=$work/deep/top
for i in $(seq 66); do d=$d/d; done
mkdir -p "$d"; cp "$work/m1.o" "$d/"
expect dir-too-deep 2 "error: not searched: deeper than 64" "$T" check -q "$work/deep"
# a path longer than PATH_MAX below the directory: named, exit 2
python3 - "$work/long" "$work/m1.o" <<'EOF'
import os, shutil, sys
os.makedirs(sys.argv[1]); os.chdir(sys.argv[1])
for i in range(18):
    os.mkdir("n" * 250); os.chdir("n" * 250)
shutil.copy(sys.argv[2], "m1.o")
EOF
expect dir-path-too-long 2 "nnnnnnnnnn: error: cannot read: File name too long" "$T" check -q "$work/long"
mkdir -p "$work/empty-dir"
expect dir-empty 0 "0 files" "$T" check "$work/empty-dir"   # qsort(NULL, 0): UBSan in build-san

# an object without functions: the SFrame builder has no FDEs to sort (qsort(NULL, 0))
echo 'int data = 1;' | gcc -x c -c - -o "$work/nofunc.o"
expect sframe-no-functions 0 "" "$T" sframe -q "$work/nofunc.o" -o "$work/nofunc-sframe.o"

# --- --cache-dir='' is refused, not the default ---------------------------------------------
expect cache-dir-empty-cache 2 "cache-dir needs a directory" "$T" cache --cache-dir= "$work/m1.o"
expect cache-dir-empty-dump 2 "cache-dir needs a directory" "$T" dump --cache-dir= "$work/m1.o"
expect cache-dir-empty-stacks 2 "cache-dir needs a directory" "$T" stacks --cache-dir= $$
expect cache-dir-empty-verify 2 "cache-dir needs a directory" "$T" verify-unwind --cache-dir= -- /bin/true

# --- stacks: PID 0, a kernel thread, a process whose main thread exited -----------------------
expect stacks-pid0 2 "PID 0 is not a process" "$T" stacks 0
kt=
for s in /proc/[0-9]*/stat; do
	f=$(sed 's/.*) //' "$s" 2>/dev/null | cut -d' ' -f7)
	[ -n "$f" ] && [ $((f & 0x00200000)) -ne 0 ] && { kt=${s#/proc/}; kt=${kt%/stat}; break; }
done
if [ -n "$kt" ]; then
	expect stacks-kernel-thread 2 "is a kernel thread" "$T" stacks "$kt"
	grep -q "not permitted" "$work/err" && bad stacks-kernel-thread-not-eperm "$(cat "$work/err")" || ok stacks-kernel-thread-not-eperm
else
	echo "SKIP exits/stacks-kernel-thread: no kernel thread visible (a PID namespace)"
fi
# --- ORC is x86-64's: an arm64 file is refused (exit 2), pointing at the formats that describe it;
# no output is written
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	aarch64-linux-gnu-gcc -O2 -c "$top/demo/src/eval.c" -o "$work/a64.o"
	expect orc-arm64-refused 2 "ORC is defined for x86-64 only.*trustack sframe.*trustack cache" \
		"$T" orc "$work/a64.o" -o "$work/a64-orc.o"
	[ -e "$work/a64-orc.o" ] && bad orc-arm64-no-output "an output was written"
else
	echo "SKIP exits/orc-arm64-refused: no aarch64-linux-gnu-gcc"
fi

cat >"$work/leader.c" <<'EOF'
#include <pthread.h>
#include <unistd.h>
static void *run(void *a) { (void)a; for (;;) pause(); return 0; }
/* the main thread exits, the process lives on in its other thread: /proc shows the leader as a zombie */
int main(void) { pthread_t t; pthread_create(&t, 0, run, 0); write(1, "r\n", 2); pthread_exit(0); }
EOF
if gcc -O1 -pthread "$work/leader.c" -o "$work/leader"; then
	"$work/leader" >"$work/leader.out" &
	lp=$!
	for i in $(seq 50); do [ -s "$work/leader.out" ] && break; sleep 0.1; done
	sleep 0.2
	"$T" stacks --no-cache --no-lines "$lp" >"$work/out" 2>"$work/err"; rc=$?
	if grep -q "not permitted" "$work/err"; then bad stacks-exited-leader "$(cat "$work/err")"
	elif [ $rc -eq 2 ]; then bad stacks-exited-leader "exit 2: $(cat "$work/err")"
	elif ! grep -q "exited" "$work/out"; then bad stacks-exited-leader "the exited thread is not said so: $(head -5 "$work/out")"
	else ok stacks-exited-leader; fi
	kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null
fi
exit 0
