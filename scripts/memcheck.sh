#!/bin/sh
#  memcheck.sh - the unit tests under valgrind memcheck; fails on any defect
#
#  Usage: scripts/memcheck.sh [BUILD_DIR] [ctest options...]   (default build-memcheck)
#  Builds BUILD_DIR without sanitizers (valgrind and ASan do not mix), runs
#  `ctest -T memcheck -L unit`, and exits 1 when valgrind reported anything:
#  ctest itself exits 0 on defects. Suppressions: tests/valgrind.supp.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
    -h|--help) sed -n '2,7p' "$0" | sed 's/^#  \{0,1\}//'; exit 0 ;;
esac
build_dir=${1:-$here/build-memcheck}
[ $# -gt 0 ] && shift
command -v valgrind > /dev/null || { echo "memcheck.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 3; }
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DTF_SANITIZER=none > /dev/null
cmake --build "$build_dir" -j "$(nproc)" > /dev/null
cd "$build_dir"
output=$(mktemp)
trap 'rm -f "$output"' EXIT
ctest -T memcheck -L unit -j "$(nproc)" "$@" | tee "$output"
if grep -q "Defects:" "$output"; then
    echo "memcheck.sh: valgrind found defects; logs in $build_dir/Testing/Temporary/MemoryChecker.*.log" >&2
    exit 1
fi
echo "memcheck.sh: no defects"
