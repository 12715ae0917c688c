#!/usr/bin/env bash
# a64-ground-truth.sh - the candidate ground-truth routes for verify-unwind on arm64, measured
# under qemu-aarch64 (docs/unwind.md, "arm64"):
#   1. the gdbstub, single-stepping with a minimal client (bench/a64-gdbstub.py): steps/s alone,
#      with every register at each step, with 64 bytes of stack, and with 4 KiB of stack (what an
#      unwind at a point reads) at every step and at every 16th;
#   2. `-singlestep -d cpu,nochain`: every register before every instruction, no memory
#      (instructions/s: the log's PC= lines over the run's wall time).
# Usage: bench/a64-ground-truth.sh [STEPS]   (default 20000)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
steps=${1:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sysroot=/usr/aarch64-linux-gnu
aarch64-linux-gnu-gcc -O2 -fno-omit-frame-pointer -mbranch-protection=standard -o "$work/work" "$here/a64-work.c"
qemu-aarch64 --version | head -1
for m in step regs stack; do
    python3 "$here/a64-gdbstub.py" --steps "$steps" --mode $m "$work/work"
done
python3 "$here/a64-gdbstub.py" --steps "$steps" --mode point --every 1 --len 4096 "$work/work"
python3 "$here/a64-gdbstub.py" --steps "$steps" --mode point --every 16 --len 4096 "$work/work"
t0=$(date +%s.%N)
qemu-aarch64 -L $sysroot -cpu max,pauth-impdef=on -singlestep -d cpu,nochain -D "$work/log" "$work/work" 20
t1=$(date +%s.%N)
n=$(grep -c '^ PC=' "$work/log")
awk -v n="$n" -v a="$t0" -v b="$t1" -v mb="$(du -m "$work/log" | cut -f1)" \
    'BEGIN { printf "singlestep -d cpu,nochain: %d instructions in %.2f s: %.0f instructions/s, log %d MB\n", n, b - a, n / (b - a), mb }'
t0=$(date +%s.%N)
qemu-aarch64 -L $sysroot -cpu max,pauth-impdef=on "$work/work" 20
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "the same run without logging: %.2f s\n", b - a }'
