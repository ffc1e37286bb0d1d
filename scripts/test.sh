#!/usr/bin/env bash
#  test.sh - install what is missing, build with sanitizers, run the whole suite through ctest.
#
#  Usage: scripts/test.sh [ctest options...]     e.g. scripts/test.sh -L unit
#  Without options it also runs the fuzz smoke: every libFuzzer target for
#  TF_FUZZ_SMOKE_SECONDS (default 20) in a clang build (tests/fuzz/README.md).
#  Environment: TF_SANITIZER (default address,undefined), TF_TEST_BUILD_DIR (default build-test),
#               TF_FUZZ_BUILD_DIR (default build-fuzz), TF_TEST_FUZZ=0 skips the fuzz smoke.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,2\}//'; exit 0 ;;
esac
build_dir="${TF_TEST_BUILD_DIR:-$here/build-test}"

TF_SANITIZER="${TF_SANITIZER:-address,undefined}" TF_WERROR=ON \
    "$here/scripts/setup.sh" --test-deps "$build_dir"

#  Sanitizer runtime settings: leaks are failures; CZMQ's global context is torn
#  down at exit, so only real leaks remain.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/tests/lsan.supp}"

status=0
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" "$@") || status=$?

#  The fuzz smoke, for the whole suite only: its own build, since libFuzzer needs clang
if [ $# -eq 0 ] && [ "${TF_TEST_FUZZ:-1}" != 0 ]; then
    if command -v clang > /dev/null; then
        fuzz_dir="${TF_FUZZ_BUILD_DIR:-$here/build-fuzz}"
        echo "test.sh: fuzz smoke: building the fuzz targets with clang in $fuzz_dir"
        CC=clang cmake -S "$here" -B "$fuzz_dir" -DTF_FUZZ=ON -DTF_WERROR=ON \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
        cmake --build "$fuzz_dir" -j "$(nproc)" --target tf_fuzz > /dev/null
        (cd "$fuzz_dir" && TF_FUZZ_SMOKE_SECONDS="${TF_FUZZ_SMOKE_SECONDS:-20}" \
            ctest -L fuzz --output-on-failure -j "$(nproc)") || status=$?
    else
        echo "test.sh: fuzz smoke skipped: clang is not installed (scripts/setup.sh installs it)"
    fi
fi
exit $status
