#!/usr/bin/env bash
# Unwinder suite: libtrustack's in-process unwinder against glibc's backtrace() (libgcc's DWARF
# unwinder over the compiler's CFI) - see unwind_test.c for the scenarios and the rules.
#
# Builds unwind_test.c + unwind_cxx.cc against the library the binary under test came from, in
# variants: gcc and clang, -O0 and -O2, with and without frame pointers (gcc with gas' .sframe
# so the sframe mode has rows in the program), and runs each. A reliable trace that differs
# from the oracle in any mode but fp is a FAIL; fp's false-reliable traces are reported as INFO.
# At every point the fast path (memo, lean loop, pcs-only) must equal the full path (unwind_same.c).
# Environment: TRUSTACK, TS_TOP, TS_WORK, TS_QUICK (4 variants, shorter signal runs), TS_SAN,
# TS_TSAN (the library is a ThreadSanitizer build).
. "$(dirname "${BASH_SOURCE[0]}")/../quick.sh"  # ts_quick: TS_QUICK set and not 0
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${TS_TOP:-$(cd "$here/../.." && pwd)}
TRUSTACK=${TRUSTACK:-$top/build/trustack}
work=${TS_WORK:-$top/build/test-work}/unwind
for t in gcc g++ clang clang++ nm; do
    command -v $t >/dev/null || { echo "SKIP unwind: $t not installed"; exit 0; }
done
lib=$(dirname "$TRUSTACK")/libtrustack.a
[ -f "$lib" ] || { echo "FAIL unwind: no library at $lib"; exit 1; }
case "$(uname -m)" in x86_64) ;; *) echo "SKIP unwind: in-process tests are x86-64 only so far"; exit 0 ;; esac
rm -rf "$work"; mkdir -p "$work"
# the unwinder caches the tables of the libraries by build-id: here, not in the user's cache
export TRUSTACK_CACHE_DIR=$work/cache

san=""
[ "${TS_SAN:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
[ "${TS_TSAN:-0}" = 1 ] && san="-fsanitize=thread" # the library of build-tsan/ (make check-tsan)


secs=1.0 iters=300
variants="gcc:-O0:fp gcc:-O2:fp gcc:-O2:nofp clang:-O0:fp clang:-O2:fp clang:-O2:nofp gcc:-O0:nofp clang:-O0:nofp"
if ts_quick; then
    variants="gcc:-O0:fp gcc:-O2:nofp clang:-O2:fp clang:-O2:nofp"
    secs=0.5 iters=150
fi
status=0
for v in $variants; do
    IFS=: read -r cc opt fpm <<<"$v"
    name=$cc$opt-$fpm
    fpflags="-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"
    [ "$fpm" = nofp ] && fpflags="-fomit-frame-pointer"
    cxx=g++ sf="-Wa,--gsframe"
    cxxsan=$san
    [ "$cc" = clang ] && cxx=clang++ sf="-fno-integrated-as -Wa,--gsframe"
    # clang's -fsanitize=function puts data behind a jump at each C++ function's entry, which
    # the analysis cannot decode yet (decode-error): those frames would be unreliable
    [ "$cc" = clang ] && [ -n "$san" ] && cxxsan="$san -fno-sanitize=function"
    bin=$work/unwind_test-$name
    if ! $cc -std=gnu11 $opt -g $fpflags $sf $san -Wall -Wextra -Wno-unused-parameter -I"$top/include" \
            -c "$here/unwind_test.c" -o "$bin.o" 2>"$bin.err" ||
       ! $cc -std=gnu11 $opt -g $fpflags $san -Wall -Wextra -I"$top/include" \
            -c "$here/unwind_same.c" -o "$bin-same.o" 2>>"$bin.err" ||
       ! $cxx $opt -g $fpflags $sf $cxxsan -c "$here/unwind_cxx.cc" -o "$bin-cxx.o" 2>>"$bin.err" ||
       ! $cxx $san -o "$bin" "$bin.o" "$bin-same.o" "$bin-cxx.o" "$lib" -lelf -ldw -lZydis -lpthread 2>>"$bin.err"; then
        echo "FAIL unwind/$name: build: $(head -3 "$bin.err" | tr '\n' ' ')"
        status=1
        continue
    fi
    # the program exits with its own status; crashes show as a FAIL line of ours
    ASAN_OPTIONS=detect_leaks=0 timeout 300 "$bin" "$name" $secs $iters >"$bin.out" 2>&1
    rc=$?
    cat "$bin.out"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$bin.out"; then
        echo "FAIL unwind/$name: exit status $rc: $(tail -3 "$bin.out" | tr '\n' ' ')"
    fi
done

# the remote face: a child's stack through a lib/proc snapshot (needs ptrace on a child)
rbin=$work/remote_test
# (bound at start: under TSAN a lazily bound call in the signal handler is a signal-unsafe malloc)
if gcc -std=gnu11 -O2 -g $san -Wl,-z,now -Wall -Wextra -Wno-unused-parameter -I"$top/include" "$here/remote_test.c" \
        -o "$rbin" "$lib" -lelf -ldw -lZydis -lpthread 2>"$rbin.err"; then
    ASAN_OPTIONS=detect_leaks=0 timeout 120 "$rbin" >"$rbin.out" 2>&1
    rc=$?
    cat "$rbin.out"
    [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$rbin.out" && echo "FAIL unwind/remote: exit status $rc: $(tail -3 "$rbin.out" | tr '\n' ' ')"
else
    echo "FAIL unwind/remote: build: $(head -3 "$rbin.err" | tr '\n' ' ')"
fi
exit 0
