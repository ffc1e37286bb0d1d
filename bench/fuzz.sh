#!/bin/sh
#  bench/fuzz.sh - fuzz every libFuzzer target for minutes and print what each did
#
#  Runs tests/fuzz/run.sh for each target in turn (a clang build with address
#  and undefined sanitizers, seeded from tests/fuzz/corpus, the corpus grown
#  in BUILD/fuzz-corpus kept between runs), then prints one row per target:
#  executions, executions per second, edges covered (libFuzzer's cov), corpus
#  inputs, and findings (crash, leak, hang or oversized allocation; each file
#  lands in BUILD/fuzz-findings/TARGET). The goal is 10 M executions per target
#  with no finding; the last column says whether this run reached it.
#
#  Usage: bench/fuzz.sh [MINUTES] [TARGET...]   (default 5 minutes, every target)
#  Environment: TF_FUZZ_BUILD_DIR (default build-fuzz). Needs clang. Exits 1 on a finding.

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=${1:-5}
[ $# -gt 0 ] && shift
case "$MINUTES" in
    '' | *[!0-9]* | 0) echo "bench/fuzz.sh: MINUTES must be a whole number above 0, not '$MINUTES'" >&2
                       exit 2 ;;
esac
BUILD=${TF_FUZZ_BUILD_DIR:-$SOURCE/build-fuzz}
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/tf-fuzz-bench.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT INT TERM
GOAL=10000000

echo "bench/fuzz.sh: $MINUTES min per target, logs in $LOGS while it runs"
status=0
TF_FUZZ_BUILD_DIR=$BUILD TF_FUZZ_LOG_DIR=$LOGS \
    "$SOURCE/tests/fuzz/run.sh" $((MINUTES * 60)) "$@" || status=1

printf '\n%-20s %12s %9s %7s %7s %9s  %s\n' target execs execs/s cov corpus findings "10M goal"
for log in "$LOGS"/*.log; do
    [ -e "$log" ] || continue
    target=$(basename "$log" .log)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    #  The last status line, "#N DONE cov: C ft: F corp: K/..."
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    findings=$(grep -c 'Test unit written to' "$log" || true) #  One line per artifact
    reached=no
    [ "${execs:-0}" -ge $GOAL ] && reached=yes
    [ "$findings" -gt 0 ] && reached="no: see $BUILD/fuzz-findings/$target"
    printf '%-20s %12s %9s %7s %7s %9s  %s\n' "$target" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${corpus:-?}" "$findings" "$reached"
done
exit $status
