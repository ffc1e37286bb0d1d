#!/usr/bin/env bash
#  setup.sh - install the Debian packages tf needs (only the missing ones) and build it.
#
#  Usage: scripts/setup.sh [--no-build] [--test-deps] [BUILD_DIR] [-- extra cmake options]
#  --test-deps also installs what only the test suite uses (headless chromium, XML
#  checker, Python ZeroMQ and msgpack for the example actor, clang-format, and prometheus
#  for promtool and the local runner's Prometheus server).
#  The compose runner's engine and tools (docker.io, docker-compose, nftables,
#  util-linux for nsenter) are installed too; TF_SETUP_NO_DOCKER=1 leaves them out.
#  Environment: TF_SANITIZER (none|address,undefined|...), TF_WERROR (ON|OFF),
#               CMAKE_BUILD_TYPE (Debug|Release).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$here/build"
do_build=1
test_deps=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) do_build=0 ;;
        --test-deps) test_deps=1 ;;
        -h|--help)
            sed -n '2,11p' "$0" | sed 's/^# \{0,2\}//'
            exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) build_dir=$1 ;;
    esac
    shift
done

packages=(build-essential cmake pkg-config clang
          libczmq-dev libzmq3-dev libmsgpack-dev libcurl4-openssl-dev libcmocka-dev
          libyaml-dev libjansson-dev libmicrohttpd-dev libsodium-dev
          wrk python3 iproute2 procps)
[ "${TF_SETUP_NO_DOCKER:-0}" = 1 ] || packages+=(docker.io docker-compose nftables util-linux)
[ $test_deps -eq 0 ] || packages+=(chromium libxml2-utils python3-zmq python3-msgpack clang-format
                                  prometheus)

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q "${missing[@]}"
fi

[ $do_build -eq 1 ] || exit 0

cmake -S "$here" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Debug}" \
    -DTF_SANITIZER="${TF_SANITIZER:-none}" \
    -DTF_WERROR="${TF_WERROR:-OFF}" \
    "${extra[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
echo "setup: programs are in $build_dir/bin"
