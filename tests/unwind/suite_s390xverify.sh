#!/usr/bin/env bash
# verify-unwind on s390x programs, on this x86-64 machine: the program runs under qemu-s390x
# (-L /usr/s390x-linux-gnu) and is single-stepped through QEMU's gdbstub (lib/proc/emustep.c,
# lib/arch/s390x/emu.c); the true chain comes from the calls and returns executed (brasl, bras,
# basr %r14; br %r14, conditional returns, a jump through another register to the return
# address), and at every point the stopped program is unwound in every mode. The property, as on
# x86-64 and arm64: no validated mode (fp-validated = backchain-validated, orc, sframe, auto) calls
# a trace reliable that differs from the truth. The plain back chain's (fp = backchain)
# false-reliable count is the evidence for validation: it must be above 0, or the test is not
# looking. orc/auto's unreliable share on fully analysed code is printed per workload and bounded
# (S390X_MAX_UNRELIABLE_PPM, parts per million of those points: 1000, arm64's 0.1%), and orc must
# be right at 99% of all points.
# Programs: the corpus programs and the signal program (handlers, one on a sigaltstack, one
# without SA_SIGINFO: both of s390x's signal frames), built with s390x-linux-gnu-gcc and clang
# --target=s390x-linux-gnu, -O0..-O3, with and without -mbackchain.
# TS_QUICK: the signal program in two variants (gcc -O2 -mbackchain, clang -O0), and the error
# checks; otherwise the matrix, every program to its end (S390X_VARIANTS / S390X_PROGRAMS: a part
# by hand; prints the total number of points and the rate).
# Needs: qemu-s390x, the s390x sysroot (/usr/s390x-linux-gnu), s390x-linux-gnu-gcc (clang for the
# clang variants); a missing one is a SKIP that names it. Every run is bounded by `timeout`.
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/s390xverify
sysroot=/usr/s390x-linux-gnu
skip() { echo "SKIP s390xverify/$1: $2"; }
rm -rf "$work"; mkdir -p "$work"
export TRUSTACK_CACHE_DIR=$work/cache
progs="$top/tests/corpus/programs"
limit=${S390X_TIMEOUT:-1800} # seconds for one run of a workload

if [ "${TS_SAN:-0}" = 1 ]; then
    skip all "sanitizer run (each point costs a gdbstub round trip: the ASan build adds nothing there)"
    exit 0
fi
missing=""
command -v qemu-s390x >/dev/null || missing+=" qemu-s390x (qemu-user)"
[ -e "$sysroot/lib/ld64.so.1" ] || missing+=" $sysroot (libc6-s390x-cross)"
command -v s390x-linux-gnu-gcc >/dev/null || missing+=" s390x-linux-gnu-gcc (gcc-s390x-linux-gnu)"
if [ -n "$missing" ]; then
    skip all "not installed:$missing (scripts/install-deps.sh)"
    exit 0
fi

# --- errors: what is missing is named, exit 2, nothing runs
cat >"$work/small.c" <<'C'
#include <stdio.h>
__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }
__attribute__((noinline)) int mid(int x) { return leaf(x) + leaf(x + 1); }
int main(int argc, char **argv) { (void)argv; int s = 0; for (int i = 0; i < 50; i++) s += mid(i + argc); printf("%d\n", s); return s == 0; }
C
s390x-linux-gnu-gcc -O2 -mbackchain -o "$work/small" "$work/small.c" 2>"$work/small.err" ||
    echo "FAIL s390xverify/build-small: $(head -c 200 "$work/small.err")"
timeout -k 5 60 env PATH=/nonexistent "$TRUSTACK" verify-unwind -- "$work/small" >/dev/null 2>"$work/noqemu.err"; rc=$?
[ $rc = 2 ] && grep -q "qemu-s390x, not found in PATH (apt-get install qemu-user)" "$work/noqemu.err" &&
    echo "PASS s390xverify/no-emulator (exit 2: $(head -c 200 "$work/noqemu.err"))" ||
    echo "FAIL s390xverify/no-emulator: exit $rc: $(head -c 300 "$work/noqemu.err")"
QEMU_LD_PREFIX=$work/no-sysroot timeout -k 5 60 "$TRUSTACK" verify-unwind -- "$work/small" >/dev/null 2>"$work/noroot.err"; rc=$?
[ $rc = 2 ] && grep -q "libc6-s390x-cross" "$work/noroot.err" &&
    echo "PASS s390xverify/no-sysroot (exit 2)" || echo "FAIL s390xverify/no-sysroot: exit $rc: $(head -c 300 "$work/noroot.err")"

# --- the emulator does not outlive the run: stopped early (--max-steps)
timeout -k 5 120 "$TRUSTACK" verify-unwind --quiet --max-steps 2000 -- "$work/small" >/dev/null 2>&1; rc=$?
left=$(pgrep -f -- "-0 $work/small" | wc -l)
[ $rc = 0 ] && [ "$left" = 0 ] && echo "PASS s390xverify/stopped-early (no emulator left)" ||
    echo "FAIL s390xverify/stopped-early: exit $rc, $left emulator(s) left"

# --- a signal program without threads: handlers interrupting a loop, raised from nested calls,
# one on a sigaltstack (rt frame, `svc 173`), one installed without SA_SIGINFO (the older
# sigframe, `svc 119`: glibc's signal() sets SA_SIGINFO only when asked), a handler that calls
# deeper
cat >"$work/signals.c" <<'C'
#include <signal.h>
#include <string.h>
static volatile int hits;
__attribute__((noinline)) int deep(int n) { return n ? deep(n - 1) + 1 : hits; }
static void on_usr1(int s) { (void)s; hits += deep(5); }
static void on_usr2(int s, siginfo_t *si, void *uc) { (void)s; (void)si; (void)uc; hits += deep(3); }
__attribute__((noinline)) void raise_from(int n, int sig) { if (n) raise_from(n - 1, sig); else raise(sig); }
int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, 0);
	static char alt[1 << 16];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	sigaltstack(&ss, 0);
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
	sigaction(SIGUSR2, &sa, 0);
	for (int i = 0; i < 6; i++)
		raise_from(i, i & 1 ? SIGUSR2 : SIGUSR1);
	return hits > 0 ? 0 : 1;
}
C

# --- the workloads: cc:opt:bc (bc: -mbackchain; nobc: without)
# The guest's C library is the sysroot's (LD_LIBRARY_PATH, as the arm64 suite does); lazy binding
# stays on (s390x's PLT0 and _dl_runtime_resolve are followed: docs/unwind.md).
export QEMU_SET_ENV=LD_LIBRARY_PATH=$sysroot/lib
if ts_quick; then
    variants="gcc:-O2:bc clang:-O0:nobc"
    programs="signals"
else
    variants="gcc:-O0:bc gcc:-O2:bc gcc:-O2:nobc gcc:-O3:nobc clang:-O0:bc clang:-O2:nobc"
    programs="signals frames bits" # recurse: docs/unwind.md, "verify-unwind on s390x", Next
fi
variants=${S390X_VARIANTS:-$variants} programs=${S390X_PROGRAMS:-$programs} # a part, by hand
max_ppm=${S390X_MAX_UNRELIABLE_PPM:-1000}
total=0 fp_false=0 secs=0
declare -A sum
for v in $variants; do
    IFS=: read -r cc opt bc <<<"$v"
    xcc=s390x-linux-gnu-gcc
    if [ "$cc" = clang ]; then
        command -v clang >/dev/null || { skip "$v" "no clang"; continue; }
        # clang 14 emits no .eh_frame for s390x C code without it (suite_s390xself.sh)
        xcc="clang --target=s390x-linux-gnu -fasynchronous-unwind-tables"
    fi
    bcf=""
    [ "$bc" = bc ] && bcf=-mbackchain
    for p in $programs; do
        name=$cc$opt-$bc-$p bin=$work/$cc$opt-$bc-$p
        src=$progs/$p.c
        [ "$p" = signals ] && src=$work/signals.c
        # shellcheck disable=SC2086
        { $xcc $opt $bcf -c -o "$bin.o" "$src" 2>"$bin.err" &&
            s390x-linux-gnu-gcc -o "$bin" "$bin.o" 2>>"$bin.err"; } ||
            { echo "FAIL s390xverify/$name: build: $(head -c 200 "$bin.err")"; continue; }
        t0=$(date +%s.%N)
        timeout -k 5 "$limit" "$TRUSTACK" verify-unwind --quiet --stats --format=json -- "$bin" >"$bin.json" 2>"$bin.log"; rc=$?
        secs=$(python3 -c "print($secs + $(date +%s.%N) - $t0)")
        r=$(python3 - "$bin.json" "$rc" "$max_ppm" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("bad json: %s" % e); sys.exit(2)
m = d["modes"]; bad = [k for k in ("fp-validated", "orc", "sframe", "auto") if m[k]["false_reliable"]]
orc = m["orc"]
modes = " ".join("%s=%d/%d/%d" % (k, m[k]["correct_reliable"], m[k]["unreliable"], m[k]["false_reliable"])
                 for k in ("fp", "fp-validated", "orc", "auto"))
print("points=%d fp_false=%d orc_correct=%d orc_unreliable=%d orc_analysed_unreliable=%d orc_analysed_of=%d signals=%d [%s] %s %s" % (
    d["points"], m["fp"]["false_reliable"], orc["correct_reliable"], orc["unreliable"],
    orc["analysed"]["unreliable"], orc["analysed"]["points"], d["signals"], modes,
    d["program"].replace(" ", "_"), ("FALSE-RELIABLE in " + ",".join(bad)) if bad else ""))
# exit 1 is the CLI's verdict for false-reliable traces; both must agree. orc must be right at
# 99% of all points (a module left out counts as not analysed, so the bound on analysed code
# alone would not see it)
over = orc["analysed"]["points"] and orc["analysed"]["unreliable"] * 1000000 > int(sys.argv[3]) * orc["analysed"]["points"]
over = over or orc["correct_reliable"] * 100 < 99 * d["points"]
ended = d["program"] == "exited with 0"
sys.exit(1 if bad or over or not ended or d["points"] == 0 or (int(sys.argv[2]) == 1) != bool(bad) else 0)
PY
        ); prc=$?
        if [ $prc = 0 ] && [ $rc = 0 ]; then
            echo "PASS s390xverify/$name ($r)"
        else
            echo "FAIL s390xverify/$name: exit $rc: $r $(head -c 300 "$bin.log")"
        fi
        pts=$(sed -n 's/.*points=\([0-9]*\).*/\1/p' <<<"$r"); total=$((total + ${pts:-0}))
        f=$(sed -n 's/.*fp_false=\([0-9]*\).*/\1/p' <<<"$r"); fp_false=$((fp_false + ${f:-0}))
        for k in orc_correct orc_unreliable orc_analysed_unreliable orc_analysed_of; do
            x=$(sed -n "s/.*$k=\([0-9]*\).*/\1/p" <<<"$r"); sum[$k]=$(( ${sum[$k]:-0} + ${x:-0} ))
        done
    done
done
if [ "$total" -gt 0 ]; then
    echo "INFO s390xverify: $total points in $(printf %.0f "$secs") s ($(python3 -c "print(round($total / max($secs, 1e-9)))") points/s);" \
        "orc correct ${sum[orc_correct]:-0}, unreliable ${sum[orc_unreliable]:-0}" \
        "(on fully analysed code: ${sum[orc_analysed_unreliable]:-0} of ${sum[orc_analysed_of]:-0});" \
        "backchain (fp) false-reliable: $fp_false"
    [ "$fp_false" -gt 0 ] && echo "PASS s390xverify/backchain-is-not-reliable (the plain back-chain walk called $fp_false wrong traces reliable)" ||
        echo "FAIL s390xverify/backchain-is-not-reliable: the plain back chain never erred: the test is not looking"
fi
exit 0
