#!/usr/bin/env bash
# Install the Debian 12 packages trustack needs, if any is missing. Run as root (or with sudo).
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  only what building needs
set -eu
build_pkgs="make gcc clang pkg-config libelf-dev libdw-dev libzydis-dev libbz2-dev libzstd-dev"
test_pkgs="binutils elfutils gdb strace util-linux time linux-kbuild-6.1 libclang-rt-14-dev nodejs npm g++ python3 libunwind-dev libc6-dbg llvm gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu libc6-arm64-cross libstdc++6-arm64-cross gcc-s390x-linux-gnu binutils-s390x-linux-gnu libc6-dev-s390x-cross libc6-s390x-cross libstdc++6-s390x-cross linux-perf zstd qemu-user libelf-dev:arm64 libdw-dev:arm64 g++-s390x-linux-gnu"
want=$build_pkgs
[ "${1:-}" = "--build" ] || want="$build_pkgs $test_pkgs"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# Debian 12's s390x elfutils cannot be installed beside the amd64 ones: bookworm-security no
# longer carries s390x, so zlib1g:s390x stays behind amd64's and Multi-Arch: same refuses the
# pair. tests/unwind/suite_s390xself.sh links and runs the s390x build of the library against
# these packages unpacked (not installed) into $s390x_libs; the headers are the native ones.
s390x_libs=/opt/trustack-s390x
s390x_debs="libelf1:s390x libdw1:s390x zlib1g:s390x liblzma5:s390x libbz2-1.0:s390x"
unpack_s390x() {
    [ "${1:-}" = "--build" ] && return 0
    [ -e $s390x_libs/usr/lib/s390x-linux-gnu/libdw.so.1 ] && return 0
    echo "trustack: unpacking into $s390x_libs: $s390x_debs" >&2
    dpkg --print-foreign-architectures | grep -qx s390x || { $SUDO dpkg --add-architecture s390x; $SUDO apt-get update -qq >/dev/null; }
    local d
    d=$(mktemp -d)
    # shellcheck disable=SC2086
    (cd "$d" && chmod 777 . && apt-get download -qq $s390x_debs >/dev/null) &&
        for f in "$d"/*.deb; do $SUDO dpkg -x "$f" $s390x_libs; done
    rm -rf "$d"
}
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# node and npm may come from elsewhere than Debian (the machine image has its own)
if command -v npm >/dev/null 2>&1; then missing=$(echo "$missing" | sed -e 's/ nodejs//' -e 's/ npm//'); fi
if [ -z "${missing// /}" ]; then
    unpack_s390x "${1:-}"
    exit 0
fi
echo "trustack: installing:$missing" >&2
# the arm64 packages (libelf/libdw for the arm64 build of the library that tests/unwind runs under
# qemu-aarch64) come from Debian's arm64 archive: the architecture must be known to dpkg first
case "$missing" in *:arm64*)
    dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64 ;;
esac
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
unpack_s390x "${1:-}"
