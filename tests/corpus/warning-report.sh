#!/usr/bin/env bash
# Developer helper (not a test suite): run trustack over the whole corpus and summarise the
# warnings it gives on correct compiler output, to find the analyser's false alarms by pattern.
#
# Usage: warning-report.sh [--quick|--full] [--rules=stack|fp] [OUTDIR]
# Builds/reuses the corpus (build-corpus.sh), runs "trustack check --rules=R" on every object and
# linked file (--rules=fp only on frame-pointer builds), and writes to OUTDIR (default
# build/test-work/warning-report):
#   all.txt          every warning, prefixed with the build name
#   by-kind.txt      counts per kind
#   by-function.txt  counts per (kind, function with build-specific suffixes stripped)
#   by-message.txt   counts per (kind, message with numbers and names blanked)
# and prints by-kind and the top of by-message.
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
TRUSTACK=${TRUSTACK:-$top/build/trustack}
preset=--full
ts_quick && preset=--quick
rules=stack
out=
for a in "$@"; do
    case $a in
        --quick|--full) preset=$a ;;
        --rules=*) rules=${a#--rules=} ;;
        *) out=$a ;;
    esac
done
out=${out:-${TS_WORK:-$top/build/test-work}/warning-report}
mkdir -p "$out"
[ -x "$TRUSTACK" ] || { echo "trustack not found: $TRUSTACK" >&2; exit 2; }
manifest=$(bash "$here/build-corpus.sh" "$preset" 2>"$out/build.log")
: >"$out/all.txt"
while read -r status name fp dir; do
    case ${status:-} in built|cached) ;; *) continue ;; esac
    [ "$rules" = fp ] && [ "$fp" != yes ] && continue
    while read -r _role rel; do
        "$TRUSTACK" check -q --rules="$rules" "$dir/$rel" 2>/dev/null |
            grep ': warning: trustack: ' | sed "s|^$dir/|$name/|" >>"$out/all.txt"
    done <"$dir/files.txt"
done <<<"$manifest"

sed 's/.*\[\([^]]*\)\]$/\1/' "$out/all.txt" | sort | uniq -c | sort -rn >"$out/by-kind.txt"
sed 's/^[^ ]* warning: trustack: //' "$out/all.txt" |
    sed -E 's/^([^ ]+)\+0x[0-9a-f]+: .*\[([^]]*)\]$/\2 \1/; s/fde@0x[0-9a-f]+/fde@ADDR/; s/\.(constprop|isra|part|cold|lto_priv)\.[0-9]+//g' |
    sort | uniq -c | sort -rn >"$out/by-function.txt"
sed 's/^[^ ]* warning: trustack: [^ ]*: //' "$out/all.txt" |
    sed -E 's/0x[0-9a-f]+/N/g; s/[0-9]+/N/g; s/<[^>]*>/<..>/g; s/fde@N/fde@N/g; s/ to [A-Za-z_][A-Za-z0-9_.@]*/ to SYM/g' |
    sort | uniq -c | sort -rn >"$out/by-message.txt"
echo "== $(wc -l <"$out/all.txt") warnings ($rules rules, $preset); details in $out"
cat "$out/by-kind.txt"
echo "== top messages"
head -n 30 "$out/by-message.txt"
