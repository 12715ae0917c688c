#!/usr/bin/env bash
# The command-line contract: help and usage errors, output formats that parse, -j giving the
# same report as one thread, directories searched for ELF files only, annotate.
set -u
T=${TRUSTACK:-${TS_TOP:-.}/build/trustack}
top=${TS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${TS_WORK:-/tmp/ts-cli}/cli
rm -rf "$work"; mkdir -p "$work/dir/sub"
[ -x "$T" ] || { echo "FAIL cli: trustack binary missing"; exit 1; }

ok() { echo "PASS cli/$1"; }
bad() { echo "FAIL cli/$1: $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name" "${msg:-condition false}"; fi; }

# a small program with one bug (the demo's checksum.S) and clean C
gcc -O2 -fno-omit-frame-pointer -c "$top/demo/src/eval.c" -o "$work/dir/eval.o" || exit 1
gcc -c "$top/demo/src/checksum.S" -o "$work/dir/sub/checksum.o" || exit 1
echo "not an ELF file" > "$work/dir/notes.txt"

"$T" --help >"$work/h" 2>&1; check help-exit0 test $? -eq 0
check help-lists-check grep -q "check FILE" "$work/h"
"$T" check --help >"$work/h" 2>&1; check check-help test $? -eq 0
check check-help-kinds grep -q "unresolved-indirect-jump" "$work/h"
"$T" frobnicate >/dev/null 2>&1; check unknown-command-exit2 test $? -eq 2
"$T" check --rules=nope "$work/dir/eval.o" >/dev/null 2>"$work/e"; check bad-rules-exit2 test $? -eq 2
check bad-rules-message grep -q "rules must be" "$work/e"
"$T" check >/dev/null 2>&1; check no-input-exit2 test $? -eq 2
"$T" check "$work/dir/notes.txt" >/dev/null 2>"$work/e"; check not-elf-exit2 test $? -eq 2
check not-elf-message grep -q "notes.txt: error:" "$work/e"

"$T" check -q "$work/dir/eval.o" >"$work/o" 2>&1; check clean-exit0 test $? -eq 0
"$T" check -q --rules=fp "$work/dir/sub/checksum.o" >"$work/o" 2>&1; check findings-exit1 test $? -eq 1
check text-shape grep -qE '^.*checksum\.o: warning: trustack: fast_checksum\+0x[0-9a-f]+: .* \[fp-clobbered\]$' "$work/o"

"$T" check -q --rules=fp --format=json "$work/dir" >"$work/j"
check json-parses python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert s["files"] == 2 and s["errors"] == 0 and s["rules"] == "fp", s
assert s["warnings"] == len(d["warnings"]) == 3, s
for w in d["warnings"]:
    assert set(["file","function","offset","address","section","kind","message"]) <= set(w), w
    assert w["function"] == "fast_checksum" and w["file"].endswith("checksum.o"), w
' "$work/j"
"$T" check -q --rules=fp --format=sarif "$work/dir" >"$work/s"
check sarif-parses python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
r = d["runs"][0]
assert r["tool"]["driver"]["name"] == "trustack"
assert len(r["results"]) == 3 and all(x["ruleId"] for x in r["results"])
ids = {x["id"] for x in r["tool"]["driver"]["rules"]}
assert {x["ruleId"] for x in r["results"]} <= ids
' "$work/s"

# a directory: only ELF files, recursively; -j must not change the report
"$T" check -q "$work/dir" >"$work/j1" 2>/dev/null
"$T" check -q -j 2 "$work/dir" >"$work/j2" 2>/dev/null
check dir-finds-nested grep -q "sub/checksum.o" "$work/j1"
check jobs-same-report cmp -s "$work/j1" "$work/j2"

# progress of a scan: on a terminal (script(1) gives one) a line with files done, MB/s and
# warnings so far, erased before the summary; nothing of it when stderr is not a terminal
if command -v script >/dev/null 2>&1; then
    script -qec "$T check $work/dir" /dev/null >"$work/tty" 2>&1
    check progress-on-terminal grep -qaE "[12]/2 files, [0-9]+/[0-9]+ MB, [0-9.]+ MB/s, [0-9]+ warnings?" "$work/tty"
    "$T" check "$work/dir" >/dev/null 2>"$work/notty"
    if grep -qa "MB/s" "$work/notty"; then bad progress-not-on-pipe "a progress line in piped stderr"; else ok progress-not-on-pipe; fi
    script -qec "$T check -q $work/dir" /dev/null >"$work/tty" 2>&1
    if grep -qa "MB/s" "$work/tty"; then bad progress-quiet "a progress line with -q"; else ok progress-quiet; fi
else
    echo "SKIP cli/progress-on-terminal: no script(1)"
fi

"$T" annotate "$work/dir/sub/checksum.o" fast_checksum >"$work/a" 2>&1; check annotate-findings-exit1 test $? -eq 1
check annotate-state grep -q "cfa=rbp+16 ra=cfa-8 fp=cfa-16" "$work/a"
check annotate-entry grep -q "cfa=rsp+8 ra=cfa-8 fp=same" "$work/a"
"$T" annotate "$work/dir/eval.o" no_such_function >/dev/null 2>&1; check annotate-unknown-exit2 test $? -eq 2
# a tail call through an array of structures holding function pointers (jimsh's pattern):
# `jmp *ops(,%rax*3,8)` after the epilogue is not a switch, and no bound is needed
cat >"$work/fnptr.c" <<'CEOF'
long f0(long x) { return x + 1; }
long f1(long x) { return x * 3; }
long f2(long x) { return x - 7; }
struct op { long (*fn)(long); const char *name; long cost; };
const struct op ops[] = { { f0, "inc", 1 }, { f1, "triple", 2 }, { f2, "sub7", 1 } };
long dispatch(int i, long x) { return ops[i].fn(x); }
CEOF
cat >"$work/fnptr-ext.c" <<'CEOF'
long g0(long), g1(long), g2(long); /* defined elsewhere */
struct op { long (*fn)(long); const char *name; long cost; };
const struct op xops[] = { { g0, "a", 1 }, { g1, "b", 2 }, { g2, "c", 1 } };
long dispatch_ext(int i, long x) { return xops[i].fn(x); }
CEOF
for fl in "-O2" "-O2 -fno-omit-frame-pointer" "-O2 -fPIC"; do
    for src in fnptr fnptr-ext; do
        gcc $fl -c "$work/$src.c" -o "$work/$src.o" || continue
        "$T" check -q --rules=stack "$work/$src.o" >"$work/fp.out" 2>&1
        check "$src-table-tailcall${fl// /}" test $? -eq 0
    done
done
# in a shared library the table's slots are 0 in the file, filled by dynamic relocations
# (R_X86_64_64 against interposable symbols); the pointer sits in the middle of a structure
cat >"$work/optab.c" <<'CEOF'
struct node { int type; void *arg; };
typedef int (*opfn)(void *interp, struct node *n);
struct op { const char *name; opfn f; int prec; };
int op_a(void *x, struct node *n) { return n->type + (x != 0); }
int op_b(void *x, struct node *n) { return n->type * 2 + (x != 0); }
static const struct op ops[] = { {"a", op_a, 1}, {"b", op_b, 2} };
extern int other(void *, void *);
int eval_term(void *interp, struct node *n)
{
    switch (n->type) {
    case 1: return other(interp, n->arg);
    case 3: return 7;
    default:
        if (n->type > 19)
            return ops[n->type - 20].f(interp, n);
        return 1;
    }
}
CEOF
if gcc -O2 -fPIC -shared -nostdlib "$work/optab.c" -o "$work/libfnptr.so" 2>/dev/null; then
    "$T" check -q --rules=stack "$work/libfnptr.so" >"$work/fp.out" 2>&1
    check fnptr-table-tailcall-shared test $? -eq 0
fi

# ar archives: member by member, named ARCHIVE(MEMBER); thin archives: a clear error
rm -f "$work/lib.a" "$work/thin.a"
ar rcs "$work/lib.a" "$work/dir/eval.o" "$work/dir/sub/checksum.o"
"$T" check -q --rules=fp "$work/lib.a" >"$work/ar" 2>&1; check archive-exit1 test $? -eq 1
check archive-member-name grep -q 'lib\.a(checksum\.o): warning: trustack: fast_checksum+0x13: .*\[fp-clobbered\]' "$work/ar"
"$T" check -q --format=json "$work/lib.a" >"$work/arj" 2>/dev/null
check archive-json-files python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["files"] == 2, d["summary"]' "$work/arj"
ar rcsT "$work/thin.a" "$work/dir/eval.o"
"$T" check -q "$work/thin.a" >/dev/null 2>"$work/e"; check thin-archive-exit2 test $? -eq 2
check thin-archive-message grep -q "thin archives are not supported" "$work/e"
exit 0
