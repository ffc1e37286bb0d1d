#!/bin/sh
#  run.sh - fuzz the wire decoder with libFuzzer, seeded with the golden vectors
#
#    tests/fuzz/run.sh [SECONDS]        configure build-fuzz with clang, build, fuzz (default 60 s)
#    tests/fuzz/run.sh --smoke BINARY   what ctest runs: seeds and 5000 mutations
#
#  Crashes land in the build directory as crash-<sha1>; replay one with
#  `build-fuzz/tests/fuzz_tf_msg crash-<sha1>`.
set -eu
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

#  Golden vectors (hex) to a corpus directory of raw bodies
make_corpus () {
    mkdir -p "$1"
    for hex in "$source_dir"/tests/data/golden/*.hex; do
        perl -0777 -ne 's/\s//g; print pack("H*", $_)' "$hex" > "$1/$(basename "$hex" .hex)"
    done
}

if [ "${1:-}" = "--smoke" ]; then
    corpus=$(mktemp -d)
    trap 'rm -rf "$corpus"' EXIT
    make_corpus "$corpus"
    "$2" -runs=5000 -seed=1 -max_len=4096 "$corpus"
    exit 0
fi

seconds=${1:-60}
build_dir=${TF_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
CC=clang cmake -S "$source_dir" -B "$build_dir" -DTF_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    > /dev/null
cmake --build "$build_dir" -j2 --target fuzz_tf_msg
corpus=$build_dir/fuzz-corpus
make_corpus "$corpus"
cd "$build_dir"
exec "$build_dir/tests/fuzz_tf_msg" -max_total_time="$seconds" -max_len=4096 \
    -print_final_stats=1 "$corpus"
