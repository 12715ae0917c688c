#!/usr/bin/env bash
# Special files as inputs and outputs (issue 12, items 3 and 4): a FIFO, device, directory or
# socket named as input never hangs a command and is refused with exit 2; -o OUT replaces only
# regular files, follows symbolic links to their target, never overwrites the input (by any
# name) and accepts names up to NAME_MAX.
set -u
T=${TRUSTACK:-${TS_TOP:-.}/build/trustack}
top=${TS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${TS_WORK:-/tmp/ts-cli}/files
rm -rf "$work"; mkdir -p "$work"
[ -x "$T" ] || { echo "FAIL files: trustack binary missing"; exit 1; }

ok() { echo "PASS files/$1"; }
bad() { echo "FAIL files/$1: $2"; }

gcc -O2 -c "$top/demo/src/eval.c" -o "$work/in.o" || exit 1
gcc -O2 -shared -fPIC "$top/demo/src/eval.c" -o "$work/in.so" || exit 1
mkfifo "$work/fifo"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$work/sock"

# expect_refused NAME WHAT-IN-MESSAGE CMD...: exit 2 within 10 s, with the message on stderr
expect_refused() {
	local name=$1 want=$2; shift 2
	timeout 10 "$@" >"$work/out" 2>"$work/err" </dev/null
	local rc=$?
	if [ $rc -eq 124 ]; then bad "$name" "hangs (killed after 10 s)"
	elif [ $rc -ne 2 ]; then bad "$name" "exit $rc, not 2: $(head -c 300 "$work/err")"
	elif ! grep -q -- "$want" "$work/err"; then bad "$name" "no '$want' in: $(head -c 300 "$work/err")"
	else ok "$name"; fi
}

# --- item 4: special files as input --------------------------------------------------------
for special in fifo sock; do
	f=$work/$special
	expect_refused "in-$special-check" "not a regular file" "$T" check -q "$f"
	expect_refused "in-$special-annotate" "not a regular file" "$T" annotate "$f"
	expect_refused "in-$special-diff" "not a regular file" "$T" diff "$f"
	expect_refused "in-$special-orc" "not a regular file" "$T" orc "$f" -o "$work/never.o"
	expect_refused "in-$special-orc-dump" "not a regular file" "$T" orc --dump "$f"
	expect_refused "in-$special-sframe" "not a regular file" "$T" sframe "$f" -o "$work/never.o"
	expect_refused "in-$special-sframe-dump" "not a regular file" "$T" sframe --dump "$f"
	expect_refused "in-$special-dump" "not a regular file" "$T" dump "$f"
	expect_refused "in-$special-cache" "not a regular file" "$T" cache --cache-dir="$work/cache" "$f"
done
expect_refused in-fifo-verify-unwind "" "$T" verify-unwind -- "$work/fifo"
expect_refused in-dir-check-names-it "not a regular file\|Is a directory\|directory" "$T" orc "$work" -o "$work/never.o"
[ -e "$work/never.o" ] && bad in-no-output "never.o was written" || ok in-no-output

# a FIFO where the cache keeps a module's sidecar and symbol file: ignored, never waited on
cdir=$work/cache
line=$("$T" cache --cache-dir="$cdir" "$work/in.so" 2>&1)
sidecar=$(sed -n 's/^[^:]*: \([^ ]*\.tsu\) .*/\1/p' <<<"$line")
if [ -n "$sidecar" ] && [ -f "$sidecar" ]; then
	rm -f "$sidecar"; mkfifo "$sidecar"
	timeout 10 "$T" dump --cache-dir="$cdir" "$work/in.so" >/dev/null 2>&1
	[ $? -eq 124 ] && bad cache-fifo-dump "hangs on a FIFO in the cache" || ok cache-fifo-dump
	timeout 10 "$T" cache --cache-dir="$cdir" "$work/in.so" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 124 ] && bad cache-fifo-cache "hangs on a FIFO in the cache" || ok cache-fifo-cache
else
	bad cache-fifo "no sidecar path in: $line"
fi

# --- item 3: -o OUT ------------------------------------------------------------------------
sum() { sha256sum "$1" | cut -d' ' -f1; }
in_sum=$(sum "$work/in.o")
for cmd in orc sframe; do
	expect_refused "out-$cmd-fifo" "a FIFO, not a regular file" "$T" $cmd "$work/in.o" -o "$work/fifo"
	[ -p "$work/fifo" ] && ok "out-$cmd-fifo-kept" || bad "out-$cmd-fifo-kept" "the FIFO was replaced"
	expect_refused "out-$cmd-socket" "a socket, not a regular file" "$T" $cmd "$work/in.o" -o "$work/sock"
	[ -S "$work/sock" ] && ok "out-$cmd-socket-kept" || bad "out-$cmd-socket-kept" "the socket was replaced"
	mkdir -p "$work/adir"
	expect_refused "out-$cmd-dir" "a directory, not a regular file" "$T" $cmd "$work/in.o" -o "$work/adir"
	# the input itself, by its name, a hard link and a symbolic link
	ln -f "$work/in.o" "$work/hard.o"; ln -sf in.o "$work/soft.o"
	for name in in.o hard.o soft.o; do
		expect_refused "out-$cmd-is-input-$name" "is the input file" "$T" $cmd "$work/in.o" -o "$work/$name"
	done
	[ "$(sum "$work/in.o")" = "$in_sum" ] && ok "out-$cmd-input-untouched" || bad "out-$cmd-input-untouched" "in.o changed"
	[ -L "$work/soft.o" ] && ok "out-$cmd-input-link-kept" || bad "out-$cmd-input-link-kept" "soft.o replaced"
	rm -f "$work/hard.o" "$work/soft.o"
	# a symbolic link (relative, from another directory): its target is replaced, the link stays
	mkdir -p "$work/links" "$work/targets"
	echo old >"$work/targets/$cmd.o"
	ln -sf "../targets/$cmd.o" "$work/links/$cmd.o"
	"$T" $cmd -q "$work/in.o" -o "$work/links/$cmd.o" >/dev/null 2>"$work/err"
	sec=$([ $cmd = orc ] && echo .orc_unwind || echo .sframe)
	if [ -L "$work/links/$cmd.o" ] && readelf -SW "$work/targets/$cmd.o" 2>/dev/null | grep -q " $sec "; then
		ok "out-$cmd-symlink-target-replaced"
	else
		bad "out-$cmd-symlink-target-replaced" "$(ls -l "$work/links/$cmd.o") $(head -c 200 "$work/err")"
	fi
	# a dangling symbolic link: the file it names is created
	ln -sf "../targets/$cmd-new.o" "$work/links/$cmd-new.o"
	"$T" $cmd -q "$work/in.o" -o "$work/links/$cmd-new.o" >/dev/null 2>&1
	[ -L "$work/links/$cmd-new.o" ] && [ -f "$work/targets/$cmd-new.o" ] && ok "out-$cmd-dangling-symlink" ||
		bad "out-$cmd-dangling-symlink" "$(ls -l "$work/links" "$work/targets")"
	# names up to NAME_MAX (255): the temporary name is shortened, not the user's
	for len in 245 255; do
		long=$work/$(head -c "$len" /dev/zero | tr '\0' "${cmd:0:1}")
		"$T" $cmd -q "$work/in.o" -o "$long" >/dev/null 2>"$work/err"
		rc=$?
		if [ $rc -eq 0 ] && readelf -SW "$long" 2>/dev/null | grep -q " $sec "; then ok "out-$cmd-name-$len"
		else bad "out-$cmd-name-$len" "exit $rc: $(head -c 200 "$work/err")"; fi
		rm -f "$long"
	done
done
expect_refused out-sframe-raw-is-input "is the input file" "$T" sframe --raw "$work/in.so" -o "$work/in.so"
expect_refused out-sframe-raw-fifo "a FIFO" "$T" sframe --raw "$work/in.so" -o "$work/fifo"
"$T" sframe -q --raw "$work/in.so" -o "$work/raw.sf" && [ -s "$work/raw.sf" ] && ok out-sframe-raw-written ||
	bad out-sframe-raw-written "no raw.sf"
left=$(find "$work" -name '*.tmp-*' | head -3)
[ -z "$left" ] && ok out-no-temporary-left || bad out-no-temporary-left "$left"

# a character device (root: mknod a private one, then /dev/null itself, which must stay one)
if [ "$(id -u)" = 0 ]; then
	mknod "$work/null" c 1 3
	expect_refused out-chardev "a character device, not a regular file" "$T" orc "$work/in.o" -o "$work/null"
	[ -c "$work/null" ] && ok out-chardev-kept || bad out-chardev-kept "replaced by $(stat -c %F "$work/null")"
	expect_refused out-dev-null "a character device" "$T" orc "$work/in.o" -o /dev/null
	if [ -c /dev/null ]; then ok out-dev-null-kept; else
		bad out-dev-null-kept "/dev/null became $(stat -c %F /dev/null); restored"
		rm -f /dev/null; mknod -m 666 /dev/null c 1 3
	fi
else
	echo "SKIP files/out-chardev: needs root (mknod)"
fi
exit 0
