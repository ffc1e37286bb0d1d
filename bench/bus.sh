#!/bin/sh
#  bus.sh - build tf-bench-bus in Release (no sanitizers) and print its figures
#
#    bench/bus.sh [--actors N] [--rounds N] [--records N]
#
#  Phase round trip (run.phase to every run.phase.ack, p50/p99 over the rounds)
#  with actor threads, then feed.block throughput to 3 subscribers through
#  tf_msg and as raw ZeroMQ frames, and their ratio. Exits 1 if the ratio is
#  under its target. Uses ipc:// endpoints in a temporary directory only.
set -eu
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${TF_BENCH_BUILD_DIR:-$source_dir/build-bench}
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none \
    > /dev/null
cmake --build "$build_dir" -j2 --target tf-bench-bus > /dev/null
echo "tf-bench-bus on $(nproc) cores, $(uname -sr)"
exec "$build_dir/bench/tf-bench-bus" "$@"
