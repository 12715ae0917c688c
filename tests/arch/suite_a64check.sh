#!/usr/bin/env bash
# a64check suite: `trustack check` on arm64 compiler output must say nothing (issue 14). The corpus
# programs (tests/corpus/programs) built by aarch64-linux-gnu-gcc/g++ 12 and clang 14
# (--target=aarch64-linux-gnu) at -O0 -O2 -O3 -Os, with and without frame pointers: every object,
# and the executables gcc links from them. --rules=stack on all, --rules=fp on the fp builds.
# The objects again with -mbranch-protection=standard, pac-ret+leaf and pac-ret+b-key (signed
# return addresses; TS_QUICK: -O2 only), --rules=stack. BTI: -O2 -fPIC standard objects linked
# into BTI-marked shared libraries (missing-landing-pad). SVE frames: tests/arch/a64_sve_frames.c
# (addvl areas; rows VG-scaled where the compiler's CFI is).
# One PASS/FAIL line per variant, with the warnings of a failing one in the lines after it.
# Then hand-written cases (tests/arch/a64check/*.S) proving the arm64 rules fire: each names the
# kind it must report on its first line (`// expect: KIND` or `// expect: none`); optional second
# and third lines `// rules: RULES` and `// link: FLAGS` (linked by gcc with FLAGS, not an object).
#
# Builds are cached under build/a64check-cache/ by compiler, options and source.
# TS_QUICK=1: -O0 and -O2 only.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cross.sh" # compile, warnings
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
cache=$top/build/a64check-cache
work=${TS_WORK:-$top/build/test-work}/a64check
rm -rf "$work"; mkdir -p "$work" "$cache"
GCC=aarch64-linux-gnu-gcc
GXX=aarch64-linux-gnu-g++
progs=$top/tests/corpus/programs

if ! command -v $GCC >/dev/null || ! command -v $GXX >/dev/null || ! command -v clang >/dev/null; then
    echo "SKIP a64check: needs $GCC, $GXX and clang (scripts/install-deps.sh)"
    exit 0
fi

opts="-O0 -O2 -O3 -Os"
ts_quick && opts="-O0 -O2"
for comp in gcc clang; do
    for o in $opts; do
        for fp in fp nofp; do
            case $comp in
                gcc) cc=$GCC; cxx=$GXX; base="" ;;
                clang) cc="clang --target=aarch64-linux-gnu"; cxx="clang++ --target=aarch64-linux-gnu"; base="" ;;
            esac
            if [ $fp = fp ]; then f="$o -fno-omit-frame-pointer"; else f="$o -fomit-frame-pointer"; fi
            name=$comp$o-$fp
            files=() ; bad=0
            for src in "$progs"/*.c "$progs"/*.cc; do
                case $src in *.cc) c=$cxx ;; *) c=$cc ;; esac
                obj=$(compile "$c" "$f" o "$src") || { bad=1; continue; }
                files+=("$obj")
                # executables: linked by gcc/g++ (clang has no arm64 linker setup here)
                case $src in *.cc) l=$GXX ;; *) l=$GCC ;; esac
                exe=$(compile "$l" "" exe "$obj") && files+=("$exe")
            done
            if [ $bad = 1 ]; then
                echo "FAIL a64check/$name: a build failed: $(tail -2 "$work/compile.err")"
                continue
            fi
            w=$(warnings stack "${files[@]}")
            [ $fp = fp ] && w=$(printf '%s\n%s' "$w" "$(warnings fp "${files[@]}")" | grep .)
            if [ -z "$w" ]; then
                echo "PASS a64check/$name: ${#files[@]} files, 0 warnings"
            else
                echo "FAIL a64check/$name: $(grep -c . <<<"$w") warnings"
                printf '%s\n' "$w" | sed -n 1,12p | sed "s|$cache/||"
            fi
        done
    done
done

# Pointer authentication (ra-sign-mismatch): the same programs signed with
# -mbranch-protection=standard (paciasp/autiasp, bti) and pac-ret+leaf (leaves signed too), key B
# too: correct compiler output, so 0 warnings (gcc shrink-wraps the signing after early returns).
popts="-O0 -O2 -O3 -Os"
ts_quick && popts="-O2"
for comp in gcc clang; do
    case $comp in
        gcc) cc=$GCC; cxx=$GXX ;;
        clang) cc="clang --target=aarch64-linux-gnu"; cxx="clang++ --target=aarch64-linux-gnu" ;;
    esac
    for o in $popts; do
        for bp in standard pac-ret+leaf pac-ret+b-key; do
            name=$comp$o-$bp
            files=() ; bad=0
            for fp in -fno-omit-frame-pointer -fomit-frame-pointer; do
                for src in "$progs"/*.c "$progs"/*.cc; do
                    case $src in *.cc) c=$cxx ;; *) c=$cc ;; esac
                    obj=$(compile "$c" "$o $fp -mbranch-protection=$bp" o "$src") || { bad=1; continue; }
                    files+=("$obj")
                done
            done
            if [ $bad = 1 ]; then
                echo "FAIL a64check/$name: a build failed: $(tail -2 "$work/compile.err")"
                continue
            fi
            w=$(warnings stack "${files[@]}")
            if [ -z "$w" ]; then
                echo "PASS a64check/$name: ${#files[@]} files, 0 warnings"
            else
                echo "FAIL a64check/$name: $(grep -c . <<<"$w") warnings"
                printf '%s\n' "$w" | sed -n 1,12p | sed "s|$cache/||"
            fi
        done
    done
done

# Branch target identification (missing-landing-pad): the -mbranch-protection=standard objects
# above carry the BTI property (checked, or the variants would not test BTI at all); each program
# linked alone into a shared library without crt files and libc_nonshared.a (Debian's carry no BTI note, and the linker
# marks its output only when every object is marked) is marked too, with a BTI PLT and RELATIVE
# relocations: no missing-landing-pad (other kinds are counted and named, not failed: these -fPIC
# builds are outside the matrix above, and clang's TLS descriptor calls, which keep every register
# but x0, are still taken for ordinary calls: a jump-table base across one is lost). The C programs (with crtbeginS.o's __dso_handle from a marked object of
# our own: atexit needs it; the C++ one needs more of crtbeginS.o); the -O2 builds by both
# compilers (TS_QUICK: gcc only).
READELF=aarch64-linux-gnu-readelf
bti_marked() { $READELF -n "$1" 2>/dev/null | grep -q 'AArch64 feature:.*BTI'; }
bcomps="gcc clang"
printf '__attribute__((visibility("hidden"))) void *__dso_handle = &__dso_handle;\n' >"$work/dso_handle.c"
ts_quick && bcomps=gcc
for comp in $bcomps; do
    case $comp in
        gcc) cc=$GCC; cxx=$GXX ;;
        clang) cc="clang --target=aarch64-linux-gnu"; cxx="clang++ --target=aarch64-linux-gnu" ;;
    esac
    name=$comp-O2-bti-shared
    files=() ; bad=""
    for src in "$progs"/*.c "$progs"/*.cc; do
        case $src in *.cc) c=$cxx; l=$GXX ;; *) c=$cc; l=$GCC ;; esac
        obj=$(compile "$c" "-O2 -fPIC -mbranch-protection=standard" o "$src") || { bad="a build failed"; continue; }
        bti_marked "$obj" || bad="$(basename "$src"): the object is not BTI-marked"
        files+=("$obj")
        [ "$c" = "$cxx" ] && continue
        dso=$(compile "$c" "-O2 -fPIC -mbranch-protection=standard" o "$work/dso_handle.c") || { bad="a build failed"; continue; }
        so=$(compile "$l" "-shared -nostdlib" so "$obj" "$dso") || { bad="a link failed"; continue; }
        bti_marked "$so" || bad="$(basename "$src"): the shared library is not BTI-marked"
        files+=("$so"); lastso=$so
    done
    if [ -n "$bad" ]; then
        echo "FAIL a64check/$name: $bad $(tail -1 "$work/compile.err" 2>/dev/null)"
        continue
    fi
    w=$(warnings stack "${files[@]}")
    lp=$(grep -E '\[(missing-landing-pad|check-error)\]$' <<<"$w")
    if [ -z "$lp" ]; then
        other=$(grep -c . <<<"$w")
        echo "PASS a64check/$name: ${#files[@]} BTI-marked files, 0 missing-landing-pad ($other other warnings$(
            [ "$other" != 0 ] && sed -E 's/.*\[([a-z-]+)\]$/\1/' <<<"$w" | sort | uniq -c | awk '{printf ", %s %s", $1, $2}'))"
    else
        echo "FAIL a64check/$name: $(grep -c . <<<"$lp") missing-landing-pad"
        printf '%s\n' "$lp" | sed -n 1,12p | sed "s|$cache/||"
    fi
    # The rule fires on a linked file: the first `bti c` of an exported function and of a local
    # one (whose address the code takes, or it would have none) patched to `nop` (objdump finds
    # them, readelf maps the address to the file offset) must give exactly those two findings.
    so=$lastso
    mut=$work/$comp-mutated.so
    picks=$(aarch64-linux-gnu-objdump -d "$so" | awk '
        /^[0-9a-f]+ <[^>.@]+>:$/ { fn = $2; gsub(/[<>:]/, "", fn); first = 1; next }
        first && /\tbti\tc$/ { split($1, a, ":"); print fn, a[1] } { first = 0 }')
    glob=""; loc=""
    while read -r fn addr; do
        bind=$($READELF -sW "$so" | awk -v f="$fn" '$8 == f && $4 == "FUNC" { print $5; exit }')
        [ "$bind" = GLOBAL ] && [ -z "$glob" ] && glob="$fn $addr"
        [ "$bind" = LOCAL ] && [ -z "$loc" ] && loc="$fn $addr"
    done <<<"$picks"
    if [ -z "$glob" ] || [ -z "$loc" ]; then
        echo "FAIL a64check/$name-mutated: no global and local function starting with bti c in $(basename "$so")"
        continue
    fi
    text=$($READELF -SW "$so" | awk '{ for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 2), $(i + 3) }')
    cp "$so" "$mut"
    for fa in "$glob" "$loc"; do
        python3 - "$mut" ${fa#* } $text <<'PY'
import sys
path, addr, sh_addr, sh_off = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), int(sys.argv[4], 16)
b = bytearray(open(path, 'rb').read())
o = addr - sh_addr + sh_off
assert b[o:o + 4] == bytes.fromhex('5f2403d5'), 'not bti c'
b[o:o + 4] = bytes.fromhex('1f2003d5')  # nop
open(path, 'wb').write(b)
PY
    done
    got=$(warnings stack "$mut" | grep -E '\[missing-landing-pad\]$' | sed -E 's/.*trustack: ([^+]+)\+0x0: .*/\1/' | sort | tr '\n' ' ')
    want=$(printf '%s\n' "${glob% *}" "${loc% *}" | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then
        echo "PASS a64check/$name-mutated: bti c removed from ${glob% *} (global) and ${loc% *} (address taken): both found"
    else
        echo "FAIL a64check/$name-mutated: bti c removed from $want; missing-landing-pad at: ${got:-none}"
    fi
done

# SVE frames (addvl): tests/arch/a64_sve_frames.c by both compilers, fp and nofp, plain and
# -mbranch-protection=standard: 0 warnings (--rules=fp too on fp builds), and where the
# compiler's own CFI describes the CFA with an expression on VG (DWARF register 46), our rows
# are VG-scaled too (`cfa=...*vg` in annotate): the addvl areas were followed, not skipped.
sve=$here/a64_sve_frames.c
for comp in gcc clang; do
    case $comp in
        gcc) cc=$GCC ;;
        clang) cc="clang --target=aarch64-linux-gnu" ;;
    esac
    for fp in fp nofp; do
        for bp in none standard; do
            name=$comp-O2-sve-$fp-$bp
            f="-O2 -march=armv8.2-a+sve"
            [ $fp = fp ] && f="$f -fno-omit-frame-pointer" || f="$f -fomit-frame-pointer"
            [ $bp = standard ] && f="$f -mbranch-protection=standard"
            obj=$(compile "$cc" "$f" o "$sve") || { echo "FAIL a64check/$name: does not compile: $(tail -1 "$work/compile.err")"; continue; }
            w=$(warnings stack "$obj")
            [ $fp = fp ] && w=$(printf '%s\n%s' "$w" "$(warnings fp "$obj")" | grep .)
            vg_cfi=$($READELF --debug-dump=frames "$obj" 2>/dev/null | grep -c 'DW_CFA_def_cfa_expression.*DW_OP_bregx: 46')
            vg_rows=$("$TRUSTACK" annotate "$obj" 2>/dev/null | grep -c 'cfa=[^ ]*vg')
            if [ -n "$w" ]; then
                echo "FAIL a64check/$name: $(grep -c . <<<"$w") warnings"
                printf '%s\n' "$w" | sed -n 1,12p | sed "s|$cache/||"
            elif [ "$vg_cfi" -gt 0 ] && [ "$vg_rows" = 0 ]; then
                echo "FAIL a64check/$name: the CFI scales the CFA by VG $vg_cfi times, no row of ours does"
            else
                echo "PASS a64check/$name: 0 warnings; CFA rules on VG: CFI $vg_cfi, rows $vg_rows"
            fi
        done
    done
done

# Debian's arm64 libc: not yet 0 warnings (docs/arm64.md), but paths always agree where they meet
# (stack-mismatch came from adrp pages read as address-taken entries) and nothing stops the check.
libc=/usr/aarch64-linux-gnu/lib/libc.so.6
if [ -s "$libc" ]; then
    w=$(warnings stack "$libc")
    bad=$(grep -cE '\[(stack-mismatch|check-error|decode-error)\]$' <<<"$w")
    if [ "$bad" = 0 ]; then
        echo "PASS a64check/libc: no stack-mismatch, decode-error or error ($(grep -c . <<<"$w") other warnings)"
    else
        echo "FAIL a64check/libc: $bad stack-mismatch/decode-error/error"
        grep -E '\[(stack-mismatch|check-error|decode-error)\]$' <<<"$w" | head -5
    fi
else
    echo "SKIP a64check/libc: no $libc (libc6-arm64-cross)"
fi

# Hand-written cases: one rule each.
for s in "$here"/a64check/*.S; do
    [ -e "$s" ] || continue
    name=$(basename "$s" .S)
    want=$(sed -n '1s|^// expect: ||p' "$s")
    rules=$(sed -n '2s|^// rules: ||p' "$s"); rules=${rules:-stack}
    link=$(sed -n '3s|^// link: ||p' "$s") # link flags: the case is a linked file, not an object
    if [ -n "$link" ]; then
        obj=$(compile $GCC "$link" exe "$s") || { echo "FAIL a64check/$name: does not link"; continue; }
    else
        obj=$(compile $GCC "" o "$s") || { echo "FAIL a64check/$name: does not assemble"; continue; }
    fi
    got=$(warnings "$rules" "$obj" | sed -E 's/.*\[([a-z-]+)\]$/\1/' | sort -u | tr '\n' ' ' | sed 's/ $//')
    if [ "$want" = none ] && [ -z "$got" ]; then
        echo "PASS a64check/$name: no warning"
    elif [ "$want" != none ] && [ "$got" = "$want" ]; then
        echo "PASS a64check/$name: $want"
    else
        echo "FAIL a64check/$name: expected ${want}, got ${got:-none}"
    fi
done
