#!/usr/bin/env bash
# Regenerate the fuzzing seed corpus tests/fuzz/seeds/ (see tests/fuzz/README.md).
#
#   bash tests/fuzz/make-seeds.sh [OUTDIR]     (default: tests/fuzz/seeds, replaced entirely)
#
# Every seed is a small ELF file (< 8 KiB): relocatable objects built by gcc and clang from the
# C and assembly below (a jump table in its PIC and absolute forms, a function with a frame and
# alloca, calls to exit, a gcc .cold split, a PIC object calling through the PLT/GOT, hand-written
# assembly with DRAP and deliberate violations, a C++ landing pad), small ar archives (with and
# without a symbol index, a non-ELF member, a thin one), two tiny linked files built
# with -nostdlib (a static-pie executable and a shared library with a PLT) plus their stripped
# copies (function bounds then come from .eh_frame only), and truncated/garbled variants of some
# of them (cut in the middle of the section headers, bad e_shoff/e_shnum/e_shstrndx, a foreign
# e_machine, a 32-bit class byte, flipped bytes in .symtab, .rela.text and .eh_frame, an archive
# member with a huge size, a truncated archive).
#
# The committed seeds are what the fuzzer and the replay suite use; this script only documents
# how they were made (gcc 12 / clang 14 / binutils 2.40 of Debian 12). Other tool versions give
# other bytes, which is fine: any small valid ELF is a good seed. Output names carry no ".o"
# suffix because .gitignore ignores *.o.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/seeds}
mkdir -p "$out" && out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# ---- sources ------------------------------------------------------------------------------------
cat >switch.c <<'EOF'
int sw(int x, int y)
{
	switch (x) {
	case 0: return y + 1;
	case 1: return y * 3;
	case 2: return y - 7;
	case 3: return y ^ 0x55;
	case 4: return y << 2;
	case 5: return y / 5;
	case 6: return -y;
	case 7: return y % 11;
	default: return 0;
	}
}
EOF

cat >frame.c <<'EOF'
#include <alloca.h>
#include <string.h>
void use(char *p, int n);
int frame(int n)
{
	char *p = alloca(n + 16);
	char big[64] __attribute__((aligned(32)));
	memset(big, n, sizeof(big));
	use(p, n);
	use(big, 64);
	return p[0] + big[3];
}
EOF

cat >exit.c <<'EOF'
#include <stdlib.h>
void report(int);
__attribute__((noreturn)) void die(int code)
{
	report(code);
	exit(code);
}
int check(int v)
{
	if (v < 0)
		die(2);
	if (v > 100)
		abort();
	return v * 2;
}
EOF

cat >cold.c <<'EOF'
__attribute__((cold)) void slow_path(const char *msg, int v);
int hot(int *a, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		if (a[i] < 0) {
			slow_path("negative", a[i]);
			slow_path("again", i);
			return -1;
		}
		s += a[i];
	}
	return s;
}
EOF

cat >pic.c <<'EOF'
extern int counter;
extern int ext_fn(int);
static int helper(int x) { return ext_fn(x) + counter; }
int (*fptr)(int) = ext_fn;
int pic(int x)
{
	counter++;
	return helper(x) + fptr(x);
}
EOF

cat >asm.s <<'EOF'
	.text
	.globl good
	.type good, @function
good:				# frame pointer prologue/epilogue
	push %rbp
	mov %rsp, %rbp
	sub $16, %rsp
	call ext
	leave
	ret
	.size good, .-good

	.globl drap
	.type drap, @function
drap:				# gcc's DRAP for a realigned stack
	lea 8(%rsp), %r10
	and $-32, %rsp
	push -8(%r10)
	push %rbp
	mov %rsp, %rbp
	push %r10
	sub $40, %rsp
	call ext
	mov -8(%rbp), %r10
	leave
	lea -8(%r10), %rsp
	ret
	.size drap, .-drap

	.globl bad
	.type bad, @function
bad:				# unbalanced return, a clobbered %rbp, a branch merging two heights
	push %rbx
	test %edi, %edi
	je 1f
	push %rax
1:	mov $0, %rbp
	call ext
	ret
	.size bad, .-bad

	.globl jt
	.type jt, @function
jt:				# an absolute 8-byte jump table and an unresolved indirect jump
	cmp $3, %edi
	ja 2f
	mov %edi, %edi
	jmp *table(,%rdi,8)
3:	mov $1, %eax
	ret
4:	mov $2, %eax
	ret
2:	jmp *%rsi
	.size jt, .-jt

	.globl garbage
	.type garbage, @function
garbage:			# undecodable bytes, then falls off the end
	.byte 0x0f, 0x0b, 0xff, 0xff, 0x06
	nop
	.size garbage, .-garbage

	.section .rodata
	.align 8
table:
	.quad 3b, 4b, 3b, 4b
EOF

cat >eh.cc <<'EOF'
void may_throw(int);
int catcher(int x)
{
	try {
		may_throw(x);
	} catch (int e) {
		return e;
	}
	return 0;
}
EOF

cat >start.c <<'EOF'
static int work(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += i * i;
	return s;
}
__attribute__((noreturn)) static void sys_exit(int code)
{
	__asm__ volatile("syscall" : : "a"(60), "D"(code));
	__builtin_unreachable();
}
void _start(void)
{
	sys_exit(work(10) & 0x7f);
}
EOF

cat >lib.c <<'EOF'
extern int imported(int);
int exported(int x) { return imported(x) + 1; }
int twice(int x) { return exported(x) * 2; }
EOF

# ---- relocatable objects ------------------------------------------------------------------------
gcc -O2 -c switch.c -o rel-switch-gcc-pie
gcc -O2 -fno-pie -c switch.c -o rel-switch-gcc-nopie
clang -O2 -c switch.c -o rel-switch-clang
gcc -O0 -fno-omit-frame-pointer -c frame.c -o rel-frame-gcc-O0
gcc -O2 -c frame.c -o rel-frame-gcc-O2
gcc -O2 -g1 -fdebug-prefix-map="$tmp"=. -c exit.c -o rel-exit-gcc
gcc -O2 -g -fdebug-prefix-map="$tmp"=. -c exit.c -o rel-exit-gcc-g # DW_AT_noreturn
gcc -O2 -c cold.c -o rel-cold-gcc
gcc -O2 -fPIC -c pic.c -o rel-pic-gcc
clang -O1 -fPIC -c pic.c -o rel-pic-clang
as asm.s -o rel-asm
g++ -O2 -c eh.cc -o rel-eh-gxx

# ---- linked files -------------------------------------------------------------------------------
ldsmall=(-Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--hash-style=gnu)
gcc -O2 -fpie -static-pie -nostdlib -fno-stack-protector "${ldsmall[@]}" start.c -o exe-static-pie
strip -o exe-static-pie-stripped exe-static-pie
gcc -O2 -fPIC -shared -nostdlib "${ldsmall[@]}" lib.c -o lib-shared
strip -o lib-shared-stripped lib-shared

# ---- ar archives (checked member by member; the fuzzer opens them through a memfd) ------------
cp rel-asm asm.o && cp rel-switch-clang switch.o && printf 'not an object\n' >notes.txt
ar rcS ar-two asm.o switch.o        # S: no symbol index, keeps it small
ar rcs ar-index asm.o notes.txt     # with a symbol index and a member that is not ELF
ar rcST ar-thin asm.o               # thin: names a file outside, rejected
rm -f asm.o switch.o notes.txt

# ---- truncated / garbled variants ---------------------------------------------------------------
poke() { # poke FILE OFFSET HEXBYTES...: overwrite bytes in place
	local f=$1 off=$2; shift 2
	printf "$(printf '\\x%s' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
secoff() { # file offset of a section's contents
	local h
	h=$(readelf -SW "$1" | awk -v s="$2" '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == s { print $4; exit }')
	[ -n "$h" ] || { echo "make-seeds: no section $2 in $1" >&2; exit 1; }
	echo $((16#$h))
}
size=$(stat -c %s rel-switch-gcc-pie)
head -c $((size - 100)) rel-switch-gcc-pie >bad-trunc-shdrs # cut inside the section headers
head -c $((size / 2)) rel-switch-gcc-pie >bad-trunc-half
head -c 64 rel-switch-gcc-pie >bad-trunc-ehdr
cp rel-switch-gcc-pie bad-shoff && poke bad-shoff 40 ff ff ff 00         # e_shoff past the end
cp rel-switch-gcc-pie bad-shnum && poke bad-shnum 60 ff 7f               # e_shnum huge
cp rel-switch-gcc-pie bad-shstrndx && poke bad-shstrndx 62 ee 00         # e_shstrndx out of range
cp rel-switch-gcc-pie bad-machine && poke bad-machine 18 b7 00           # EM_AARCH64
cp rel-switch-gcc-pie bad-class32 && poke bad-class32 4 01               # ELFCLASS32
cp rel-asm bad-symtab && poke bad-symtab $(( $(secoff rel-asm .symtab) + 24 + 24 * 3 + 4 )) 07 ff ff 00 ff ff ff ff
cp rel-asm bad-rela && poke bad-rela $(( $(secoff rel-asm .rela.text) + 8 )) 2a 00 00 00 99 00 00 00
cp rel-cold-gcc bad-ehframe && poke bad-ehframe $(( $(secoff rel-cold-gcc .eh_frame) + 20 )) ff ff ff ff ff ff ff 7f
cp ar-two bad-ar-size && poke bad-ar-size $((8 + 48)) 39 39 39 39 39 39 39 39 39 39   # member size 9999999999
head -c $(( $(stat -c %s ar-two) - 200 )) ar-two >bad-ar-trunc
cp exe-static-pie-stripped bad-exe-ehframe && \
	poke bad-exe-ehframe $(( $(secoff exe-static-pie-stripped .eh_frame) + 32 )) 00 00 00 80 ff ff ff ff

# ---- install ------------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
total=0
for f in rel-* exe-* lib-* ar-* bad-*; do
	s=$(stat -c %s "$f")
	if [ "$s" -ge 8192 ]; then
		echo "make-seeds: $f is $s bytes (limit 8 KiB), left out" >&2
		continue
	fi
	cp "$f" "$out/$f"
	total=$((total + s))
done
echo "make-seeds: $(ls "$out" | wc -l) seeds, $total bytes in $out" >&2
