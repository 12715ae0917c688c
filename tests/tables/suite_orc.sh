#!/usr/bin/env bash
# ORC suite: `trustack orc` against Debian's objtool (linux-kbuild-6.1) and our own reader.
#
# 1. For every object objtool accepts without a warning (gcc -fno-pie -fno-jump-tables
#    -fno-omit-frame-pointer: tests/objtool/cases, the corpus programs at -O0/-O1/-O2/-Os and
#    with stack-clash protection, SQLite -O2), objtool --stackval --orc writes its ORC into a
#    copy; trustack orc --orc-layout=6.1 writes ours; objtool --dump=orc reads both. The entry in
#    effect at every instruction (objdump -d) and every section terminator must agree, except in
#    the documented classes of tests/tables/orc_compare.py (docs/orc.md), each checked there.
# 2. A linked executable (frames.c, -fomit-frame-pointer, with 40 KiB and 1 MiB frames): the
#    frames are reported, not truncated; objtool's reader and ours read the same table; it says
#    what the analysis rows say at every instruction; the copy still runs.
# 3. The writer: output of objects passes eu-elflint and links (gcc, ld -r), also for an object
#    whose .text had no section symbol; an object with ORC already is refused; truncated or
#    garbage input gives exit 2; the input is never modified.
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK (tests/run.sh); OBJTOOL.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
OBJTOOL=${OBJTOOL:-/usr/lib/linux-kbuild-6.1/tools/objtool/objtool}
work=${TS_WORK:-$top/build/test-work}/orc
cmp_py=$here/orc_compare.py
flags=(-fno-pie -fno-jump-tables -fno-omit-frame-pointer -g)

if [ ! -x "$TRUSTACK" ]; then
    echo "FAIL orc: trustack binary not found or not executable: $TRUSTACK"
    exit 1
fi
for t in gcc objdump readelf python3; do
    command -v $t >/dev/null || { echo "SKIP orc: $t not installed"; exit 0; }
done
have_objtool=1
[ -x "$OBJTOOL" ] || have_objtool=0
rm -rf "$work"
mkdir -p "$work/cases" "$work/out"

# ---- 1. objtool as the oracle ---------------------------------------------------------------
if [ $have_objtool = 0 ]; then
    echo "SKIP orc/objtool: objtool not found at $OBJTOOL (apt-get install -y linux-kbuild-6.1)"
else
    objects=$work/objects.txt
    : >"$objects"
    for src in "$top"/tests/objtool/cases/*.c; do
        b=${src##*/}; b=${b%.c}
        # objtool_silent.c holds the stack changes objtool 6.1 does not see (pop %rsp, a load of
        # %rsp, %rbp clobbered in a frame): its table is wrong there by construction, no oracle
        [ "$b" = objtool_silent ] && continue
        gcc -O2 "${flags[@]}" -c "$src" -o "$work/cases/$b.o" 2>/dev/null && echo "cases $work/cases/$b.o" >>"$objects"
    done
    builds="programs/gcc-O0-fp-nopie-nojt programs/gcc-O1-fp-nopie-nojt programs/gcc-O2-fp-nopie-nojt programs/gcc-Os-fp-nopie-nojt programs/gcc-O2-fp-nopie-nojt-scp sqlite/gcc-O2-fp-nopie-nojt"
    # shellcheck disable=SC2086
    manifest=$(bash "$top/tests/corpus/build-corpus.sh" $builds 2>"$work/build.log")
    while read -r status name _fp dir; do
        [ -n "${status:-}" ] || continue
        case $status in
            skipped) echo "SKIP orc/$name: ${dir//-/ }"; continue ;;
            failed) echo "FAIL orc/$name/build: build failed"; continue ;;
        esac
        while read -r role rel; do
            [ "$role" = obj ] && echo "${name#*/}-${name%%/*} $dir/$rel" >>"$objects"
        done <"$dir/files.txt"
    done <<<"$manifest"

    n=0 compared=0 skipped=0
    while read -r build path; do
        n=$((n + 1))
        obj=${path##*/}
        name=orc/objtool/$build/$obj
        o=$work/out/$n-$obj
        cp "$path" "$o.objtool.o"
        "$OBJTOOL" --stackval --orc "$o.objtool.o" >"$o.objtool.log" 2>&1
        if [ -s "$o.objtool.log" ]; then
            # objtool warns: its table is not an oracle here (it may follow one path of a
            # switch, stop at an unknown noreturn call...). Not compared.
            skipped=$((skipped + 1))
            continue
        fi
        "$TRUSTACK" orc -q --orc-layout=6.1 "$path" -o "$o.trustack.o" >"$o.problems" 2>"$o.err"
        rc=$?
        if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
            echo "FAIL $name: trustack orc exit status $rc: $(head -c 300 "$o.err")"
            continue
        fi
        "$OBJTOOL" --dump=orc "$o.objtool.o" >"$o.objtool.dump" 2>&1
        "$OBJTOOL" --dump=orc "$o.trustack.o" >"$o.trustack.dump" 2>&1
        objdump -d --no-show-raw-insn "$path" >"$o.dis"
        if res=$(python3 "$cmp_py" "$o.dis" "$o.objtool.dump" "$o.trustack.dump" "$o.problems"); then
            echo "PASS $name ($(grep -c . "$o.trustack.dump") entries; $(tail -n1 <<<"$res"))"
        else
            echo "FAIL $name: tables differ:"
            grep '^DIFF' <<<"$res" | head -n 8 | sed 's/^/    /'
        fi
        compared=$((compared + 1))
    done <"$objects"
    echo "INFO orc/objtool: $compared objects compared, $skipped not compared (objtool warns on them)"
    [ $compared -gt 0 ] || echo "FAIL orc/objtool: no object compared"
fi

# ---- 2. a linked executable -----------------------------------------------------------------
L=$work/linked
mkdir -p "$L"
if ! gcc -O2 -fomit-frame-pointer -g "$top/tests/corpus/programs/frames.c" -o "$L/frames" 2>"$L/build.log"; then
    echo "FAIL orc/linked/build: $(head -c 300 "$L/build.log")"
else
    sum_before=$(sha256sum <"$L/frames")
    "$TRUSTACK" orc -q --orc-layout=6.1 "$L/frames" -o "$L/frames.orc" >"$L/problems" 2>"$L/err"
    rc=$?
    if [ $rc -ne 1 ]; then
        echo "FAIL orc/linked/exit: want 1 (written, with problems), got $rc: $(head -c 300 "$L/err")"
    else
        echo "PASS orc/linked/exit"
    fi
    if grep -q 'big_frame+0x[0-9a-f]*: CFA rsp+40976: the offset does not fit .*\[orc-unrepresentable\]' "$L/problems"; then
        echo "PASS orc/linked/40k-frame-reported"
    else
        echo "FAIL orc/linked/40k-frame-reported: $(head -c 400 "$L/problems")"
    fi
    "$TRUSTACK" orc --dump "$L/frames.orc" >"$L/ours.dump" 2>"$L/dump.err"
    # the 40,976-byte CFA, truncated to 16 bits, would read sp+(-24560): no negative sp offset may appear
    if grep -q 'sp:sp-' "$L/ours.dump" || ! grep -q '.' "$L/ours.dump"; then
        echo "FAIL orc/linked/no-truncation: $(grep -m3 'sp:sp-' "$L/ours.dump")"
    else
        echo "PASS orc/linked/no-truncation"
    fi
    if [ $have_objtool = 1 ]; then
        "$OBJTOOL" --dump=orc "$L/frames.orc" 2>&1 | sort >"$L/objtool.sorted"
        if sort "$L/ours.dump" | cmp -s - "$L/objtool.sorted"; then
            echo "PASS orc/linked/objtool-reads-the-same ($(grep -c . "$L/ours.dump") entries)"
        else
            echo "FAIL orc/linked/objtool-reads-the-same: $(sort "$L/ours.dump" | diff - "$L/objtool.sorted" | head -n4 | tr '\n' ' ')"
        fi
    fi
    "$TRUSTACK" annotate "$L/frames" >"$L/annotate" 2>/dev/null
    if res=$(python3 "$cmp_py" --annotate "$L/annotate" "$L/ours.dump" "$L/problems"); then
        echo "PASS orc/linked/rows-read-back ($res)"
    else
        echo "FAIL orc/linked/rows-read-back: $(head -n5 <<<"$res" | tr '\n' ' ')"
    fi
    if grep -qE "^$(nm "$L/frames" | awk '$3 == "_start" { sub(/^0+/, "", $1); print $1 }'): sp:\(und\) bp:\(und\) type:call end:1" "$L/ours.dump"; then
        echo "PASS orc/linked/start-is-end-of-stack"
    else
        echo "FAIL orc/linked/start-is-end-of-stack"
    fi
    "$L/frames" >/dev/null 2>&1; r1=$?
    "$L/frames.orc" >/dev/null 2>&1; r2=$?
    if [ $r1 = $r2 ] && readelf -a "$L/frames.orc" >/dev/null 2>"$L/readelf.err" && [ ! -s "$L/readelf.err" ] &&
        [ "$(readelf -SW "$L/frames.orc" | awk '$2 ~ /^\.orc_unwind/ { print $2, $8 }' | tr '\n' ' ')" = ".orc_unwind_ip 0 .orc_unwind 0 " ] ||
        [ "$(readelf -SW "$L/frames.orc" | grep -c 'orc_unwind.* A ')" = 0 ]; then
        echo "PASS orc/linked/copy-runs-and-is-clean"
    else
        echo "FAIL orc/linked/copy-runs-and-is-clean: exit $r1 vs $r2; $(head -c 200 "$L/readelf.err")"
    fi
    if command -v eu-elflint >/dev/null; then
        eu-elflint --gnu-ld "$L/frames" >"$L/lint.in" 2>&1
        eu-elflint --gnu-ld "$L/frames.orc" 2>&1 | sed "s|$L/frames.orc|$L/frames|g" >"$L/lint.out"
        if diff -q "$L/lint.in" "$L/lint.out" >/dev/null; then
            echo "PASS orc/linked/elflint"
        else
            echo "FAIL orc/linked/elflint: $(diff "$L/lint.in" "$L/lint.out" | head -n4 | tr '\n' ' ')"
        fi
    fi
    [ "$(sha256sum <"$L/frames")" = "$sum_before" ] && echo "PASS orc/linked/input-unchanged" ||
        echo "FAIL orc/linked/input-unchanged"
fi

# ---- 3. the writer on objects, refusals, bad input --------------------------------------------
W=$work/writer
mkdir -p "$W"
gcc -O2 "${flags[@]}" -c "$top/tests/corpus/programs/recurse.c" -o "$W/recurse.o" 2>/dev/null
"$TRUSTACK" orc -q "$W/recurse.o" -o "$W/recurse.orc.o" >/dev/null 2>"$W/err"; rc=$?
if [ $rc -le 1 ] && gcc -no-pie "$W/recurse.orc.o" -o "$W/recurse" 2>"$W/link.err" && ld -r "$W/recurse.orc.o" -o "$W/r.o" 2>>"$W/link.err"; then
    echo "PASS orc/object/links"
else
    echo "FAIL orc/object/links: rc $rc; $(head -c 300 "$W/err" "$W/link.err")"
fi
if command -v eu-elflint >/dev/null; then
    if eu-elflint --gnu-ld "$W/recurse.orc.o" | grep -q '^No errors'; then
        echo "PASS orc/object/elflint"
    else
        echo "FAIL orc/object/elflint: $(eu-elflint --gnu-ld "$W/recurse.orc.o" 2>&1 | head -n3 | tr '\n' ' ')"
    fi
fi
# default (current) layout: our reader detects it and sees call frames
if "$TRUSTACK" orc --dump "$W/recurse.orc.o" | grep -q 'type:call signal:0'; then
    echo "PASS orc/object/current-layout-read-back"
else
    echo "FAIL orc/object/current-layout-read-back"
fi

# an object whose .text has no section symbol (gas >= 2.36 drops unused ones): one is added
cat >"$W/nosym.s" <<'EOF'
	.text
	.globl	first
	.type	first, @function
first:
	pushq	%rbp
	movq	%rsp, %rbp
	call	second
	popq	%rbp
	ret
	.size	first, .-first
	.globl	second
	.type	second, @function
second:
	movl	$1, %eax
	ret
	.size	second, .-second
	.section	.text.other,"ax",@progbits
	.globl	third
	.type	third, @function
third:
	jmp	first
	.size	third, .-third
	.section	.note.GNU-stack,"",@progbits
EOF
if gcc -c "$W/nosym.s" -o "$W/nosym.o" 2>/dev/null; then
    if readelf -sW "$W/nosym.o" | grep -q 'SECTION.*\.text$'; then
        echo "SKIP orc/object/no-section-symbol: this assembler keeps the .text section symbol"
    else
        "$TRUSTACK" orc -q --orc-layout=6.1 "$W/nosym.o" -o "$W/nosym.orc.o" >/dev/null 2>"$W/err"; rc=$?
        # expected, from the code above: .text+0 (entry), +1 (after push), +4 (after mov: CFA=rbp),
        # +a (after pop), +11 terminator (second's rows equal first's last); .text.other+0, +5
        relocs=$(objdump -r -j .orc_unwind_ip "$W/nosym.orc.o" 2>/dev/null | awk '/R_X86_64_PC32/ { print $3 }' | tr '\n' ' ')
        lint=ok
        command -v eu-elflint >/dev/null && { eu-elflint --gnu-ld "$W/nosym.orc.o" | grep -q '^No errors' || lint=bad; }
        if [ $rc = 0 ] && [ $lint = ok ] && ld -r "$W/nosym.orc.o" -o "$W/n.o" 2>/dev/null &&
            [ "$relocs" = ".text .text+0x0000000000000001 .text+0x0000000000000004 .text+0x000000000000000a .text+0x0000000000000011 .text.other .text.other+0x0000000000000005 " ] &&
            objdump -r -j .text "$W/nosym.orc.o" | grep -q 'R_X86_64_PLT32 *second-0x0*4$'; then
            echo "PASS orc/object/no-section-symbol"
        else
            echo "FAIL orc/object/no-section-symbol: rc $rc lint $lint relocs: $relocs"
        fi
    fi
fi

# refusals and bad input
if [ $have_objtool = 1 ]; then
    cp "$W/recurse.o" "$W/has-orc.o"
    "$OBJTOOL" --stackval --orc "$W/has-orc.o" >/dev/null 2>&1
    "$TRUSTACK" orc "$W/has-orc.o" -o "$W/x.o" >/dev/null 2>"$W/err"; rc=$?
    if [ $rc = 2 ] && grep -q 'already has ORC' "$W/err" && [ ! -e "$W/x.o" ]; then
        echo "PASS orc/refuses-existing-orc"
    else
        echo "FAIL orc/refuses-existing-orc: exit $rc: $(head -c 200 "$W/err")"
    fi
fi
head -c 100 "$W/recurse.o" >"$W/trunc.o"
head -c 4096 /dev/urandom >"$W/garbage.o"
for b in trunc garbage; do
    "$TRUSTACK" orc "$W/$b.o" -o "$W/$b.out" >/dev/null 2>"$W/err"; rc=$?
    if [ $rc = 2 ] && [ ! -e "$W/$b.out" ] && [ -s "$W/err" ]; then
        echo "PASS orc/bad-input/$b"
    else
        echo "FAIL orc/bad-input/$b: exit $rc"
    fi
done
"$TRUSTACK" orc "$W/recurse.o" >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && echo "PASS orc/usage/no-output" || echo "FAIL orc/usage/no-output: exit $rc"
exit 0
