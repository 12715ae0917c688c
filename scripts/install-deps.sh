#!/usr/bin/env bash
# Install the Debian 12 packages trustack needs, if any is missing. Run as root (or with sudo).
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  only what building needs
set -eu
build_pkgs="make gcc clang pkg-config libelf-dev libdw-dev libzydis-dev libbz2-dev libzstd-dev"
test_pkgs="binutils elfutils gdb strace util-linux time linux-kbuild-6.1 libclang-rt-14-dev nodejs npm g++ python3 libunwind-dev libc6-dbg llvm gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu libc6-arm64-cross libstdc++6-arm64-cross gcc-s390x-linux-gnu binutils-s390x-linux-gnu libc6-dev-s390x-cross libc6-s390x-cross libstdc++6-s390x-cross linux-perf zstd qemu-user libelf-dev:arm64 libdw-dev:arm64 libelf-dev:s390x libdw-dev:s390x"
want=$build_pkgs
[ "${1:-}" = "--build" ] || want="$build_pkgs $test_pkgs"
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# node and npm may come from elsewhere than Debian (the machine image has its own)
if command -v npm >/dev/null 2>&1; then missing=$(echo "$missing" | sed -e 's/ nodejs//' -e 's/ npm//'); fi
[ -z "${missing// /}" ] && exit 0
echo "trustack: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# the arm64 and s390x packages (libelf/libdw for the builds of the library that tests/unwind runs
# under qemu-aarch64 and qemu-s390x) come from Debian's archives of those machines: each
# architecture must be known to dpkg first
for arch in arm64 s390x; do
    case "$missing" in *:$arch*)
        dpkg --print-foreign-architectures | grep -qx $arch || $SUDO dpkg --add-architecture $arch ;;
    esac
done
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
