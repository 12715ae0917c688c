#!/usr/bin/env bash
# Regenerate the seed corpora of the reader targets (tests/fuzz/README.md): seeds/<target>/ for
# fuzz_sidecar, fuzz_symcache, fuzz_linememo, fuzz_sframe, fuzz_tables, fuzz_archive and
# fuzz_perfdata.
#
#   bash tests/fuzz/make-seeds-readers.sh [OUTDIR]   (default tests/fuzz/seeds; its <target>/
#                                                      subdirectories are replaced)
#
# Every seed is made by our own writers or by the toolchain from the small sources below: sidecars
# (trustack cache), symbol and line files (.tss/.tsl, written by trustack stacks looking at a
# small program, so this needs ptrace), .sframe sections as gas and trustack sframe write them (v1,
# v2, v3, objects and linked files), ELF files carrying ORC (both layouts), .sframe or a compressed
# .debug_frame, and small ar archives. Seeds stay under 8 KiB. Needs build/trustack (or
# $TRUSTACK), gcc, binutils.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/seeds}
trustack=${TRUSTACK:-$top/build/trustack}
mkdir -p "$out" && out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
prog=
trap '[ -n "$prog" ] && kill "$prog" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"

cat >lib.c <<'XEOF'
int ext(int);
int sw(int x, int y)
{
	switch (x) {
	case 0: return y + 1;
	case 1: return y * 3;
	case 2: return y - 7;
	case 3: return y ^ 0x55;
	case 4: return y << 2;
	default: return ext(y);
	}
}
int framed(int n)
{
	char *p = __builtin_alloca(n);
	p[0] = 1;
	return ext(p[n / 2]) + 1;
}
XEOF
cat >prog.c <<'XEOF'
#include <stdio.h>
#include <unistd.h>
__attribute__((noinline)) static void park(int depth)
{
	if (depth)
		park(depth - 1);
	for (;;)
		pause();
}
int main(void)
{
	printf("ready\n");
	fflush(stdout);
	park(2);
}
XEOF
small=(-nostdlib -Wl,--build-id -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--hash-style=gnu)
gcc -O2 -c lib.c -o obj
gcc -O2 -fPIC -shared "${small[@]}" lib.c -o lib.so
gcc -O2 -g -gz=zlib -fno-asynchronous-unwind-tables -c lib.c -o obj-debugz
gcc -O2 -g -gz=zlib -fno-asynchronous-unwind-tables -fPIC -shared "${small[@]}" lib.c -o lib-debugz.so
gcc -O2 -Wa,--gsframe -c lib.c -o obj-gas-sframe
gcc -O2 -g -o prog prog.c

for t in sidecar symcache linememo sframe tables archive; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
done

# ---- fuzz_tables: ELF files with ORC, .sframe, compressed .debug_frame ------------------------
"$trustack" orc obj -o "$out/tables/obj-orc" >/dev/null 2>&1
"$trustack" orc --orc-layout=6.1 obj -o "$out/tables/obj-orc61" >/dev/null 2>&1
"$trustack" orc lib.so -o "$out/tables/lib-orc" >/dev/null 2>&1
for v in 1 2 3; do
	"$trustack" sframe --sframe-version=$v obj -o "obj-sframe-v$v" >/dev/null 2>&1
	"$trustack" sframe --sframe-version=$v lib.so -o "lib-sframe-v$v" >/dev/null 2>&1
done
cp obj-sframe-v2 lib-sframe-v3 obj-gas-sframe obj-debugz lib-debugz.so "$out/tables/"
# arm64 with signed return addresses, key B (.cfi_negate_ra_state and the CIE's 'B' read by
# cfi_rasign.c; gas's AArch64 .sframe with the mangled-RA bit), when the cross compiler is there
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	aarch64-linux-gnu-gcc -O2 -mbranch-protection=pac-ret+b-key -Wa,--gsframe -c lib.c -o obj-a64-pac
	cp obj-a64-pac "$out/tables/"
fi
# s390x: trustack's big-endian SFrame (v2, v3: scaled CFA words, RA tracked) in a big-endian object
if command -v s390x-linux-gnu-gcc >/dev/null; then
	s390x-linux-gnu-gcc -O2 -c lib.c -o obj-s390x
	for v in 2 3; do "$trustack" sframe --sframe-version=$v obj-s390x -o "obj-s390x-sframe-v$v" >/dev/null 2>&1; done
	cp obj-s390x-sframe-v3 "$out/tables/"
fi

# ---- fuzz_sframe: the bytes of .sframe sections ------------------------------------------------
for f in obj-sframe-v1 obj-sframe-v2 obj-sframe-v3 lib-sframe-v1 lib-sframe-v2 lib-sframe-v3 obj-gas-sframe; do
	objcopy --dump-section .sframe="$out/sframe/$f" "$f" /dev/null
done
[ -f obj-a64-pac ] && aarch64-linux-gnu-objcopy --dump-section .sframe="$out/sframe/obj-a64-pac" obj-a64-pac /dev/null
for f in obj-s390x-sframe-v2 obj-s390x-sframe-v3; do
	[ -f $f ] && s390x-linux-gnu-objcopy --dump-section .sframe="$out/sframe/$f" $f /dev/null
done

# ---- fuzz_sidecar: the unwinder's tables of two linked files -----------------------------------
"$trustack" cache --cache-dir="$tmp/cache" lib.so prog >/dev/null
for f in lib.so prog; do
	p=$("$trustack" cache --path --cache-dir="$tmp/cache" "$f")
	cp "${p##* }" "$out/sidecar/${f%.so}.tsu"
done

# ---- fuzz_symcache, fuzz_linememo: what `stacks` keeps for prog -------------------------------
./prog >prog.out &
prog=$!
for _ in $(seq 50); do [ -s prog.out ] && break; sleep 0.1; done
"$trustack" stacks --cache-dir="$tmp/cache" "$prog" >/dev/null
p=$("$trustack" cache --path --cache-dir="$tmp/cache" prog)
p=${p##* }
cp "${p%.tsu}.tss" "$out/symcache/prog.tss"
cp "${p%.tsu}.tsl" "$out/linememo/prog.tsl"

# ---- fuzz_archive: the archives of the check corpus, and one of the objects above -------------
cp "$here"/seeds/ar-* "$here"/seeds/bad-ar-* "$out/archive/"
cp obj sw.o && cp obj-gas-sframe gs.o && ar rcS "$out/archive/ar-sframe" sw.o gs.o

# ---- fuzz_perfdata: perf.data files written from the format description -----------------------
rm -rf "${out:?}/perfdata"
mkdir -p "$out/perfdata"
for k in dwarf fp two unordered; do
	python3 "$here/../perf/make_perfdata.py" $k "$out/perfdata/$k.data" >/dev/null
done

total=0 n=0
for f in "$out"/{sidecar,symcache,linememo,sframe,tables,archive,perfdata}/*; do
	s=$(stat -c %s "$f")
	if [ "$s" -ge 8192 ]; then
		echo "make-seeds-readers: $f is $s bytes (limit 8 KiB), left out" >&2
		rm -f "$f"
		continue
	fi
	total=$((total + s)) n=$((n + 1))
done
echo "make-seeds-readers: $n seeds, $total bytes" >&2
