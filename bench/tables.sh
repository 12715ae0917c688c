#!/usr/bin/env bash
# Unwind-table sizes side by side: .eh_frame + .eh_frame_hdr, gas's .sframe (files built with
# gcc -O2 -Wa,--gsframe), our SFrame v2 (and v1/v3), and ORC (.orc_unwind + .orc_unwind_ip) when
# this build has `trustack orc`, and the sidecar of linked files (`trustack cache`, docs/sidecar.md). Files: the SQLite object and the corpus programs from the SFrame
# suite's cache (tests/tables/suite_sframe.sh builds them), a linked SQLite shell, libc.so.6.
# Missing pieces are skipped. Usage: bench/tables.sh [FILE...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
T=${TRUSTACK:-$top/build/trustack}
cache=${TS_CACHE:-$HOME/.cache/trustack-corpus}
work=${TS_WORK:-$top/build/bench-tables}; mkdir -p "$work"
files=("$@")
if [ ${#files[@]} = 0 ]; then
    b=$(ls -d "$cache"/sframe/*/ 2>/dev/null | head -1)
    [ -n "$b" ] && files+=("$b"sqlite3-nofp.o "$b"frames-nofp "$b"recurse-fp)
    if [ -f "$cache/sqlite/shell.c" ] && [ ! -f "$work/sqlite3-shell" ]; then
        gcc -O2 -Wa,--gsframe -I"$cache/sqlite" "$cache/sqlite/shell.c" "$cache/sqlite/sqlite3.c" -o "$work/sqlite3-shell" \
            -lpthread -ldl -lm 2>/dev/null || true
    fi
    [ -f "$work/sqlite3-shell" ] && files+=("$work/sqlite3-shell")
    for l in /usr/lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libc.so.6; do
        [ -f "$l" ] && { files+=("$l"); break; }
    done
fi
secsize() { # FILE NAME...: sum of the sizes of the named sections, or "-"
    local f=$1; shift
    local sum=0 found=0 line name size
    while read -r line; do
        line=${line#*]}
        set -- $line
        name=$1 size=$5
        for want in "${names[@]}"; do
            [ "$name" = "$want" ] && { sum=$((sum + 0x$size)); found=1; }
        done
    done < <(readelf -SW "$f" 2>/dev/null | grep '^ *\[ *[0-9]')
    [ $found = 1 ] && echo $sum || echo -
}
sizes() { local f=$1; shift; names=("$@"); secsize "$f"; }
has_orc=0; "$T" orc --help >/dev/null 2>&1 && has_orc=1
printf '%-28s %12s %10s %10s %10s %10s %12s %10s\n' file eh_frame+hdr gas-sframe our-v1 our-v2 our-v3 orc sidecar
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    eh=$(sizes "$f" .eh_frame .eh_frame_hdr)
    gas=$(sizes "$f" .sframe)
    in=$f
    if [ "$gas" != "-" ]; then in=$work/$n.in; objcopy -R .sframe "$f" "$in"; fi
    v=()
    for ver in 1 2 3; do
        "$T" sframe -q --sframe-version=$ver "$in" -o "$work/$n.v$ver" >/dev/null 2>&1
        [ $? -le 1 ] && v+=("$(sizes "$work/$n.v$ver" .sframe)") || v+=("-")
    done
    orc=-
    if [ $has_orc = 1 ] && "$T" orc "$in" -o "$work/$n.orc" >/dev/null 2>&1; then
        orc=$(sizes "$work/$n.orc" .orc_unwind .orc_unwind_ip)
    fi
    sc=-
    if p=$(TRUSTACK_CACHE_DIR=$work/cache "$T" cache --path "$in" 2>/dev/null) &&
        TRUSTACK_CACHE_DIR=$work/cache "$T" cache "$in" >/dev/null 2>&1; then
        sc=$(stat -c %s "${p#*: }")
    fi
    printf '%-28s %12s %10s %10s %10s %10s %12s %10s\n' "$n" "$eh" "$gas" "${v[0]}" "${v[1]}" "${v[2]}" "$orc" "$sc"
done

# The time `trustack diff` takes (every table the file has), on a large library when present.
for f in /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1 /usr/lib/x86_64-linux-gnu/libc.so.6; do
    [ -f "$f" ] || continue
    r=$( { /usr/bin/time -f '%e %M' "$T" diff -j "$(nproc)" "$f" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    printf 'diff %-23s %8s s wall, %8s KB peak RSS (-j %s)\n' "$(basename "$f")" "${r% *}" "${r#* }" "$(nproc)"
done
