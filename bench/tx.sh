#!/usr/bin/env bash
#  bench/tx.sh - transaction workload figures (printed, not a test), loopback only, bounded:
#   1. sweep: tf runs of tf-workload-transactions against 3 tf-nodes at rising rates
#      (txs per block); the highest rate whose accepted submissions keep up with the plan
#      (>= 90 %, nothing failed) and pass tx_inclusion is the sustained rate
#   2. at that rate, one more run with wrk (keep-alive, pre-signed distinct txs from
#      tf-node-benchgen) posting to the same 3 nodes during execute: the workload's accepted
#      tx/s against wrk's, their ratio, and the inclusion latency p50/p99 under that load;
#      also the sweep's sustained tx/s (workload alone) against wrk's tx/s (the headline ratio)
#  Env: TF_BENCH_BUILD (default build-bench, Release), BENCH_RATES (default "20 50 100 200"),
#       BENCH_DURATION (execute, default 8s), BENCH_TXS (wrk's pre-signed txs, default 60000),
#       TF_TX_WORKERS (submissions in flight, default 4).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TF_BENCH_BUILD:-$ROOT/build-bench}
RATES=${BENCH_RATES:-20 50 100 200}
DURATION=${BENCH_DURATION:-8s}
TXS=${BENCH_TXS:-60000}
SLOT=200ms                          #  f = 0.5: a block every 400 ms on average
WALLETS=240                         #  Genesis holds 255 notes: 3 leaders and these
WRK_CONNECTIONS=4                   #  Per node

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-tx-bench-XXXXXX")
TF_PID=
WRK_PIDS=()
cleanup () {
    for pid in "${WRK_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    [ -n "$TF_PID" ] && kill -TERM "$TF_PID" 2>/dev/null && wait "$TF_PID" 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build ($BUILD, Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
cmake --build "$BUILD" -j2 --target tf tf-coordinator tf-deployer-local tf-scanner tf-node \
    tf-workload-transactions tf-expect-tx-inclusion tf-expect-consensus-liveness \
    tf-node-benchgen >/dev/null
BIN=$BUILD/bin
command -v wrk >/dev/null || { echo "wrk is not installed"; exit 1; }

scenario () {       #  scenario RATE FILE
    cat >"$2" <<YAML
name: tx_bench
topology: {network: star, validators: 3}
wallets: $WALLETS
workloads:
  - transactions: {rate: $1, users: $WALLETS}
expectations:
  - tx_inclusion: {}
run: {duration: $DURATION, seed: 3, runner: local}
consensus: {slot: $SLOT, active_slot_coeff: 0.5, security_param: 3}
YAML
}

figure () {         #  figure REPORT EXPR: a jq-less read of report.json
    python3 -c "import json,sys; r=json.load(open(sys.argv[1]))
d=[e for e in r['expectations'] if e['kind']=='tx_inclusion'][0]['details']
print(eval(sys.argv[2], {}, {'d': d, 'passed': [e for e in r['expectations']
    if e['kind']=='tx_inclusion'][0]['passed']}))" "$1" "$2"
}

run_tf () {         #  run_tf RATE RUN_DIR [with-wrk]
    local rate=$1 dir=$2 file=$WORK/tx-$1.yaml
    scenario "$rate" "$file"
    CI=true "$BIN/tf" run "$file" --run-dir "$dir" >"$dir.out" 2>&1 &
    TF_PID=$!
    if [ "${3:-}" = with-wrk ]; then
        until grep -q "phase execute" "$dir.out"; do
            kill -0 "$TF_PID" 2>/dev/null || break
            sleep 0.1
        done
        for yaml in "$dir"/nodes/validator-*/node.yaml; do
            node=$(basename "$(dirname "$yaml")")
            port=$(awk '/^http:/ { want = 1 }
                        want && /address:/ { gsub(/[":]/, " "); print $3; exit }' "$yaml")
            wrk -t1 -c$WRK_CONNECTIONS -d"${DURATION%s}s" -s "$ROOT/bench/node_tx.lua" \
                "http://127.0.0.1:$port" -- "$WORK/gen/txs-$node.ndjson" 1 \
                >"$dir.wrk-$node" 2>&1 &
            WRK_PIDS+=($!)
        done
    fi
    wait "$TF_PID" || true
    TF_PID=
    for pid in "${WRK_PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
    WRK_PIDS=()
}

SECONDS_RUN=${DURATION%s}
echo "== 1. sweep: 3 validators, slot $SLOT, f 0.5, $WALLETS users, execute $DURATION"
BEST=0
BEST_ACCEPTED=0
for rate in $RATES; do
    dir=$WORK/run-$rate
    run_tf "$rate" "$dir"
    [ -f "$dir/report.json" ] || { echo "rate $rate: no report"; cat "$dir.out"; continue; }
    accepted=$(figure "$dir/report.json" "d['accepted']")
    failed=$(figure "$dir/report.json" "d['failed']")
    included=$(figure "$dir/report.json" "d['included']")
    passed=$(figure "$dir/report.json" "passed")
    planned=$(grep -ho 'built=[0-9]* submitted' "$dir/logs/transactions.log" | tail -1 |
              sed 's/built=\([0-9]*\).*/\1/')
    starved=$(grep -ho 'starved=[0-9]*' "$dir/logs/transactions.log" | tail -1 | cut -d= -f2)
    asked=$((planned + starved))
    keeps_up=$(awk -v a="$accepted" -v p="$asked" 'BEGIN { print (p > 0 && a >= 0.9 * p) ? 1 : 0 }')
    per_second=$(awk -v a="$accepted" -v s="$SECONDS_RUN" 'BEGIN { print a / s }')
    printf "rate %4d/block: asked %6d, accepted %6d (%5.0f tx/s), failed %d, included %6d, %s\n" \
        "$rate" "$asked" "$accepted" "$per_second" "$failed" "$included" "passed $passed"
    if [ "$keeps_up" = 1 ] && [ "$failed" = 0 ] && [ "$passed" = True ]; then
        BEST=$rate
        BEST_ACCEPTED=$accepted
    fi
done
[ "$BEST" -gt 0 ] || { echo "no rate was sustained"; exit 1; }
echo "highest sustained rate: $BEST txs/block"

echo "== 2. rate $BEST/block, wrk posting pre-signed txs to the same nodes" \
     "($WRK_CONNECTIONS connections each)"
"$BIN/tf-node-benchgen" "$WORK/gen" 1 "$TXS" 1000 0.5 10 >/dev/null
#  One third of the pre-signed txs per node, so no tx reaches two nodes from wrk
awk -v dir="$WORK/gen" '{ print > (dir "/txs-validator-" (NR % 3) ".ndjson") }' \
    "$WORK/gen/txs.ndjson"
dir=$WORK/load
run_tf "$BEST" "$dir" with-wrk
accepted=$(figure "$dir/report.json" "d['accepted']")
WRK_ACCEPTED=0
for out in "$dir".wrk-*; do
    n=$(sed -n 's/^BENCH accepted=\([0-9]*\).*/\1/p' "$out")
    WRK_ACCEPTED=$((WRK_ACCEPTED + ${n:-0}))
done
rate_of () {        #  rate_of COUNT: per second of execute
    awk -v a="$1" -v s="$SECONDS_RUN" 'BEGIN { printf "%.0f", a / s }'
}
echo "workload accepted:   $accepted in $SECONDS_RUN s ($(rate_of "$accepted") tx/s)"
echo "wrk accepted:        $WRK_ACCEPTED in $SECONDS_RUN s ($(rate_of "$WRK_ACCEPTED") tx/s)"
awk -v a="$accepted" -v w="$WRK_ACCEPTED" \
    'BEGIN { if (w > 0) printf "ratio workload/wrk: %.3f (both at once)\n", a / w }'
awk -v a="$BEST_ACCEPTED" -v w="$WRK_ACCEPTED" \
    'BEGIN { if (w > 0) printf "ratio sustained workload alone (part 1) / wrk: %.3f\n", a / w }'
REPORT=$dir/report.json
echo "tx_inclusion:        $(figure "$REPORT" "'passed=%s included=%d/%d failed=%d' \
    % (passed, d['included'], d['submitted'], d['failed'])")"
echo "latency to block:    $(figure "$REPORT" "'p50 %d ms p99 %d ms' \
    % (d['latency_ms']['p50'], d['latency_ms']['p99'])")"
echo "latency to LIB:      $(figure "$REPORT" "'p50 %d ms p99 %d ms' \
    % (d['lib_latency_ms']['p50'], d['lib_latency_ms']['p99'])")"
