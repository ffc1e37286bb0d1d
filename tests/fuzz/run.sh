#!/bin/sh
#  run.sh - build the libFuzzer targets with clang and fuzz them (tests/fuzz/README.md)
#
#    tests/fuzz/run.sh [SECONDS] [TARGET...]   configure and build build-fuzz, then fuzz each
#                                              target for SECONDS (default 60), one after the
#                                              other; every target when none is named
#    tests/fuzz/run.sh --smoke BINARY CORPUS   what ctest runs: the seeds in CORPUS, then
#                                              mutations for TF_FUZZ_SMOKE_SECONDS (default 15)
#
#  Environment: TF_FUZZ_BUILD_DIR (default build-fuzz); TF_FUZZ_LOG_DIR, when set, keeps each
#  target's libFuzzer output there as TARGET.log (bench/fuzz.sh reads them).
#  Inputs that reach new code go to BUILD/fuzz-corpus/TARGET (tests/fuzz/corpus is only read).
#  A crash, leak or hang lands in BUILD/fuzz-findings/TARGET/ (the smoke run: in the current
#  directory, as TARGET-crash-<sha1>); replay one with `build-fuzz/tests/TARGET FILE`.
set -eu
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
targets_all="fuzz_tf_msg fuzz_tf_plan fuzz_tf_plan_yaml fuzz_tf_node_api fuzz_tf_recording"
per_input_timeout=10 #  Seconds one input may take before it counts as a hang
#  No input (at most libFuzzer's 4 KB) may make one allocation of 1 MB or more: a
#  decoder that allocates what a length field claims is a finding
malloc_limit_mb=1

if [ "${1:-}" = "--smoke" ]; then
    [ $# -eq 3 ] || { echo "usage: run.sh --smoke BINARY CORPUS" >&2; exit 2; }
    binary=$2
    seeds=$3
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    #  New inputs go to the first directory: a scratch one, so the seeds stay as they are
    "$binary" -max_total_time="${TF_FUZZ_SMOKE_SECONDS:-15}" -seed=1 \
        -timeout=$per_input_timeout -malloc_limit_mb=$malloc_limit_mb -print_final_stats=1 \
        -artifact_prefix="$(pwd)/$(basename "$binary")-" "$work" "$seeds"
    exit 0
fi

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-$targets_all}
build_dir=${TF_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
CC=${CC:-clang} cmake -S "$source_dir" -B "$build_dir" -DTF_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
# shellcheck disable=SC2086 # targets is a list of words
cmake --build "$build_dir" -j2 --target $targets
#  One target: libFuzzer's output to stdout, or to TARGET.log under TF_FUZZ_LOG_DIR
fuzz_one () {
    (cd "$build_dir" && exec "$build_dir/tests/$1" -max_total_time="$seconds" \
         -timeout=$per_input_timeout -malloc_limit_mb=$malloc_limit_mb -print_final_stats=1 \
         -artifact_prefix="$2/" \
         "$build_dir/fuzz-corpus/$1" "$source_dir/tests/fuzz/corpus/$1")
}
status=0
for target in $targets; do
    findings=$build_dir/fuzz-findings/$target
    mkdir -p "$build_dir/fuzz-corpus/$target" "$findings"
    stamp=$build_dir/fuzz-findings/.start-$target
    touch "$stamp"
    echo "run.sh: fuzzing $target for $seconds s"
    #  A finding stops this target only: the next one still runs
    if [ -n "${TF_FUZZ_LOG_DIR:-}" ]; then
        mkdir -p "$TF_FUZZ_LOG_DIR"
        fuzz_one "$target" "$findings" > "$TF_FUZZ_LOG_DIR/$target.log" 2>&1 || status=1
    else
        fuzz_one "$target" "$findings" || status=1
    fi
    found=$(find "$findings" -type f -newer "$stamp" | sort)
    if [ -n "$found" ]; then
        echo "run.sh: $target found:" $found
        status=1
    fi
done
exit $status
