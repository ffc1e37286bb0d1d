#!/usr/bin/env bash
#  test.sh - install what is missing, build with sanitizers, run the whole suite through ctest.
#
#  Usage: scripts/test.sh [ctest options...]     e.g. scripts/test.sh -L unit
#  Environment: TF_SANITIZER (default address,undefined), TF_TEST_BUILD_DIR (default build-test).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
    -h|--help) sed -n '2,5p' "$0" | sed 's/^#  \{0,1\}//'; exit 0 ;;
esac
build_dir="${TF_TEST_BUILD_DIR:-$here/build-test}"

TF_SANITIZER="${TF_SANITIZER:-address,undefined}" TF_WERROR=ON \
    "$here/scripts/setup.sh" --test-deps "$build_dir"

#  Sanitizer runtime settings: leaks are failures; CZMQ's global context is torn
#  down at exit, so only real leaks remain.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/tests/lsan.supp}"

cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
