#!/usr/bin/env bash
#  bench/da.sh - DA dispersal and inclusion on local tf-nodes (figures, not a test),
#  loopback only, bounded in count and time. For each topology (1 validator + 1
#  executor, 3 validators + 2 executors) one tf run of tf-workload-da with a blob_rate
#  high enough that the workload's single request thread, not its pacing, sets the
#  dispersal rate; tf-expect-da-inclusion judges (sampling on). Printed from report.json:
#  blobs planned, dispersed and included, dispersals per second, included blobs per
#  second of execute, dispersal-to-block latency p50/p99 and historic-sampling latency
#  p50/p99.
#  Env: TF_BENCH_BUILD (default build-bench, Release), BENCH_BLOB_RATE (default 200),
#       BENCH_DURATION (execute, default 10s).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TF_BENCH_BUILD:-$ROOT/build-bench}
BLOB_RATE=${BENCH_BLOB_RATE:-200}
DURATION=${BENCH_DURATION:-10s}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-da-bench-XXXXXX")
cleanup () {
    [ -n "${BENCH_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${TF_BENCH_BUILD:-}" ]; then
    echo "== build ($BUILD, Release)"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
    cmake --build "$BUILD" -j2 --target tf tf-coordinator tf-deployer-local tf-scanner tf-node \
        tf-workload-da tf-expect-da-inclusion >/dev/null
fi
BIN=$BUILD/bin

run () {        #  run VALIDATORS EXECUTORS
    local file=$WORK/da_bench_$1_$2.yaml
    cat >"$file" <<YAML
name: da_bench
topology: {network: star, validators: $1, executors: $2}
workloads:
  - da: {channel_rate: 4, blob_rate: $BLOB_RATE}
expectations:
  - da_inclusion: {}
run: {duration: $DURATION, seed: 9, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 3}
YAML
    local out=$WORK/out_$1_$2.txt
    local rc=0
    LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS=1 "$BIN/tf" run "$file" >"$out" 2>&1 || rc=$?
    local dir
    dir=$(grep -o 'run directory kept[^/]*\(/[^ ]*\)' "$out" | grep -o '/.*' | tail -1)
    if [ -z "$dir" ] || [ ! -f "$dir/report.json" ]; then
        echo "$1 + $2: run failed (exit $rc), no report"; tail -5 "$out"; return
    fi
    python3 - "$dir/report.json" "$1" "$2" "$rc" "${DURATION%s}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
entry = [e for e in report["expectations"] if e["name"] == "da_inclusion"][0]
d = entry["details"]
seconds = float(sys.argv[5])
print(f"{sys.argv[2]} validators + {sys.argv[3]} executors (exit {sys.argv[4]}, "
      f"{'pass' if entry['passed'] else 'FAIL'}): blobs planned {d['blobs']}, dispersed "
      f"{d['blobs_dispersed']}, included {d['blobs_included']}; "
      f"{d['dispersed_per_s']:.0f} dispersals/s, {d['blobs_included'] / seconds:.0f} included/s "
      f"of execute; dispersal to block p50 {d['blob_latency_ms']['p50']} ms p99 "
      f"{d['blob_latency_ms']['p99']} ms; sampling p50 {d['sampling_latency_ms']['p50']} ms "
      f"p99 {d['sampling_latency_ms']['p99']} ms ({d['samplings']} requests)")
PY
    rm -rf "$dir"
}

echo "== da: blob_rate $BLOB_RATE, execute $DURATION, 200 ms slots, f 0.5, k 3"
run 1 1
run 3 2
