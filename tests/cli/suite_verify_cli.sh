#!/usr/bin/env bash
# verify-unwind's contract with a script (issue 12, item 5): forked children and exec'd programs
# are followed (and counted), PROG of another machine or no executable at all is refused at once
# (never handed to /bin/sh), the report can go to its own file while PROG prints on stdout, and a
# program whose timer outruns a single-stepped handler ends with a message instead of running on.
set -u
T=${TRUSTACK:-${TS_TOP:-.}/build/trustack}
work=${TS_WORK:-/tmp/ts-cli}/verify-cli
rm -rf "$work"; mkdir -p "$work"
[ -x "$T" ] || { echo "FAIL verify-cli: trustack binary missing"; exit 1; }

ok() { echo "PASS verify-cli/$1"; }
bad() { echo "FAIL verify-cli/$1: $2"; }

# fork: the child computes, then (with an argument) executes this program again, which ends at
# once; the parent waits. Static: the loader's 100,000 steps per program are not needed here
cat >"$work/fork.c" <<'EOF'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static int __attribute__((noinline)) work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i * 3; return s; }
int main(int argc, char **argv)
{
	if (argc > 2)
		return 0; /* the program the child executes */
	pid_t p = fork();
	if (p == 0) {
		int r = work(3000);
		if (argc > 1)
			execl("/proc/self/exe", argv[0], "x", "y", (char *)0);
		_exit(r & 1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child said %d\n", WEXITSTATUS(st));
	return work(10) & 0;
}
EOF
gcc -O1 -static "$work/fork.c" -o "$work/fork" 2>/dev/null || gcc -O1 "$work/fork.c" -o "$work/fork" || exit 1

# the same run three times would be slow: one run with exec, and one without, both in JSON
"$T" verify-unwind --modes=orc --format=json -o "$work/fork.json" -- "$work/fork" >"$work/fork.out" 2>"$work/err"
rc=$?
if [ $rc -ne 0 ]; then bad fork-followed "exit $rc: $(head -c 300 "$work/err")"
else
	python3 - "$work/fork.json" <<'EOF' 2>"$work/py" && ok fork-followed || bad fork-followed "$(tail -1 "$work/py")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["processes"] == 2 and d["execs"] == 0, d
m = d["modes"]["orc"]
# the child's 3000 iterations (about 4 instructions each) were stepped and compared too
assert d["points"] > 12000, d["points"]
assert m["false_reliable"] == 0, m
EOF
fi
# PROG's stdout stays PROG's, the report is in the file only
grep -qx "child said 0" "$work/fork.out" && ! grep -q '"points"' "$work/fork.out" && ok report-own-file ||
	bad report-own-file "stdout: $(head -c 200 "$work/fork.out")"

"$T" verify-unwind --modes=orc --format=json -o "$work/exec.json" -- "$work/fork" x >/dev/null 2>"$work/err"
rc=$?
if [ $rc -ne 0 ]; then bad exec-followed "exit $rc: $(head -c 300 "$work/err")"
else
	python3 - "$work/exec.json" <<'EOF' 2>"$work/py" && ok exec-followed || bad exec-followed "$(tail -1 "$work/py")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["processes"] == 2 and d["execs"] == 1, d
assert d["modes"]["orc"]["false_reliable"] == 0, d["modes"]["orc"]
EOF
fi
# posix_spawn: the child (clone with CLONE_VM|CLONE_VFORK) runs on a stack of its own, so its
# chain starts empty, not as its parent's (7,530 false-reliable traces when it was copied)
cat >"$work/spawn.c" <<'EOF'
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
int main(int argc, char **argv)
{
	if (argc > 1)
		return 7;
	pid_t p;
	char *a[] = { argv[0], "x", 0 };
	posix_spawn(&p, "/proc/self/exe", 0, 0, a, environ);
	int st;
	waitpid(p, &st, 0);
	return WEXITSTATUS(st);
}
EOF
gcc -O1 -static "$work/spawn.c" -o "$work/spawn" 2>/dev/null || gcc -O1 "$work/spawn.c" -o "$work/spawn" || exit 1
"$T" verify-unwind --modes=orc --format=json -o "$work/spawn.json" -- "$work/spawn" >/dev/null 2>"$work/err"
python3 - "$work/spawn.json" <<'EOF' 2>"$work/py" && ok spawn-followed || bad spawn-followed "$(tail -1 "$work/py") $(head -c 200 "$work/err")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["processes"] == 2 and d["execs"] == 1 and d["program"] == "exited with 7", d
assert d["modes"]["orc"]["false_reliable"] == 0, d["modes"]["orc"]
EOF
left=$(pgrep -f "$work/fork" || true)
[ -z "$left" ] && ok nothing-left-running || bad nothing-left-running "still there: $left"

# --max-steps stops a run while the child computes (the child's work is the last 12,000 or so
# steps before the parent's last few thousand): every process is killed, none left stopped
total=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["steps"])' "$work/fork.json" 2>/dev/null || echo 0)
"$T" verify-unwind --modes=orc --format=json -o "$work/cut.json" --max-steps $((total - 8000)) -- "$work/fork" >/dev/null 2>&1
sleep 0.2
left=$(pgrep -f "$work/fork" || true)
procs=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["processes"])' "$work/cut.json" 2>/dev/null)
if [ -n "$left" ]; then bad max-steps-kills-children "left: $(ps -o pid,stat,cmd -p $left)"
elif [ "$procs" != 2 ]; then bad max-steps-kills-children "stopped with $procs processes, not inside the child"
else ok max-steps-kills-children; fi

# -o refuses what any writer refuses, before the program runs
mkfifo "$work/fifo"
timeout 10 "$T" verify-unwind -o "$work/fifo" -- /bin/true >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && grep -q "a FIFO, not a regular file" "$work/err" && ok report-to-fifo-refused ||
	bad report-to-fifo-refused "exit $rc: $(head -c 200 "$work/err")"

# PROG of another machine with no emulator trustack knows (this machine's `true` with a RISC-V
# e_machine, 243), an arm64 program without qemu-aarch64 (arm64 and s390x programs run under QEMU
# otherwise: tests/unwind/suite_a64verify.sh, suite_s390xverify.sh), or a file that is no
# program: exit 2 at once, no shell
start=$SECONDS
echo 'int main(void) { return 0; }' >"$work/m.c"
cp "$(type -P true)" "$work/riscv" && printf '\363\000' | dd of="$work/riscv" bs=1 seek=18 conv=notrunc status=none
timeout 20 "$T" verify-unwind -- "$work/riscv" >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && grep -q "machine 243" "$work/err" && ok prog-other-machine || bad prog-other-machine "exit $rc: $(head -c 200 "$work/err")"
if command -v aarch64-linux-gnu-gcc >/dev/null && aarch64-linux-gnu-gcc "$work/m.c" -o "$work/a64" 2>/dev/null; then
	timeout 20 env PATH=/nonexistent "$T" verify-unwind -- "$work/a64" >/dev/null 2>"$work/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "qemu-aarch64, not found in PATH (apt-get install qemu-user)" "$work/err" && ok prog-arm64-no-emulator ||
		bad prog-arm64-no-emulator "exit $rc: $(head -c 200 "$work/err")"
else
	echo "SKIP verify-cli/prog-arm64-no-emulator: no aarch64-linux-gnu-gcc"
fi
printf 'echo this is not a program\n' >"$work/text"; chmod +x "$work/text"
timeout 20 "$T" verify-unwind -- "$work/text" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 2 ] && grep -q "neither an ELF executable nor a #! script" "$work/err" && ! grep -q "this is not" "$work/out" &&
	ok prog-not-executable-no-shell || bad prog-not-executable-no-shell "exit $rc: $(head -c 200 "$work/err")"
[ $((SECONDS - start)) -lt 15 ] && ok prog-refused-at-once || bad prog-refused-at-once "took $((SECONDS - start)) s"
# the interpreter is a static program (single-stepping /bin/sh through the dynamic loader would
# take most of this suite's time); what matters is that the #! line is followed
echo 'int main(void) { return 3; }' >"$work/exit3.c"
gcc -O1 -static "$work/exit3.c" -o "$work/exit3" 2>/dev/null || gcc -O1 "$work/exit3.c" -o "$work/exit3" || exit 1
printf '#!%s\n' "$work/exit3" >"$work/script"; chmod +x "$work/script"
"$T" verify-unwind --modes=orc --every 100 -- "$work/script" >"$work/out" 2>&1
grep -q "exited with 3" "$work/out" && ok prog-script-runs || bad prog-script-runs "$(head -c 200 "$work/out")"

# ITIMER_PROF at 200 us with a handler longer than the interval under single-stepping: the main
# code never runs again. verify-unwind must say so and stop (exit 2), not run forever. (A profiling
# timer counts the system time single-stepping costs the program, so it fires at a steady pace
# and the starvation shows within the tracer's 10 s window; a virtual timer counts user time
# only, fires rarely under ptrace and took a minute.)
cat >"$work/itimer.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
static volatile long ticks, sink;
static void on_tick(int sig) { (void)sig; for (int i = 0; i < 1000; i++) sink += i; ticks++; }
int main(void)
{
	struct sigaction sa = { .sa_handler = on_tick };
	sigaction(SIGPROF, &sa, 0);
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	setitimer(ITIMER_PROF, &it, 0);
	for (long i = 0; i < 2000000; i++)
		sink += i;
	printf("ticks %ld\n", ticks);
	return 0;
}
EOF
gcc -O1 -static "$work/itimer.c" -o "$work/itimer" 2>/dev/null || gcc -O1 "$work/itimer.c" -o "$work/itimer" || exit 1
timeout 300 "$T" verify-unwind --modes=orc --every 1000 -- "$work/itimer" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -eq 124 ]; then bad itimer-starved "ran on for 300 s"
elif [ $rc -ne 2 ] || ! grep -q "no progress: .*timer interval" "$work/err"; then bad itimer-starved "exit $rc: $(head -c 300 "$work/err")"
else ok itimer-starved; fi
pgrep -f "$work/itimer" >/dev/null && bad itimer-killed "the program is still there" || ok itimer-killed
exit 0
