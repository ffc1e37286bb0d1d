#!/usr/bin/env bash
#  bench/tx.sh - how much the transaction workload drives into 3 tf-nodes, against wrk
#  (figures, not a test), loopback only, bounded in count and time:
#   1. sweep: tf runs of tf-workload-transactions against 3 tf-nodes at rising open-loop
#      rates (tps); a rate is sustained when at least 90 % of what its schedule planned
#      was accepted, nothing failed and tx_inclusion passed. The highest is printed
#      with its inclusion latency p50/p99 (from each tx's planned send time) and the
#      workload's CPU per 1,000 txs (signing and fan-out included)
#   2. wrk alone (keep-alive, pre-signed distinct txs, one third per node) posting to 3
#      fresh tf-nodes of the same shape during a run's execute, no workload: the nodes'
#      admission rate on this machine, twice:
#      a. inscriptions (tf-node-benchgen): no inputs, nothing for the ledger to check
#      b. transfers of the kind the workload sends (tf-bench-tx-presign, from the run's
#         own wallets: each wallet's genesis note fanned out into 64 notes first, then
#         one signed single-input transfer per note, checked against the ledger)
#   3. the ratios: sustained workload tx/s / each wrk tx/s (goal >= 0.5); b is the
#      like-for-like ceiling
#  Env: TF_BENCH_BUILD (default build-bench, Release), BENCH_TPS (default
#       "100 200 400 800 1200 1600"), BENCH_DURATION (execute, default 8s),
#       BENCH_TXS (wrk's pre-signed txs, default 60000), BENCH_WORKERS (default 0: the
#       workload sizes its submission threads from the rate).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TF_BENCH_BUILD:-$ROOT/build-bench}
TPS_LIST=${BENCH_TPS:-100 200 400 800 1200 1600}
DURATION=${BENCH_DURATION:-8s}
TXS=${BENCH_TXS:-60000}
WORKERS=${BENCH_WORKERS:-0}
SLOT=200ms                          #  f = 0.5: a block every 400 ms on average
WALLETS=240                         #  Genesis holds 255 notes: 3 leaders and these
WRK_CONNECTIONS=4                   #  Per node
SUSTAINED_SHARE=0.9                 #  Accepted / planned for a rate to count as sustained
FANOUT_S=6                          #  Most time the fan-outs take to be 2 blocks deep

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

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
echo "== build ($BUILD, Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
cmake --build "$BUILD" -j2 --target tf tf-coordinator tf-deployer-local tf-scanner tf-node \
    tf-workload-transactions tf-expect-tx-inclusion tf-expect-tx-throughput \
    tf-expect-consensus-liveness tf-node-benchgen tf-bench-tx-presign >/dev/null
BIN=$BUILD/bin
SECONDS_RUN=${DURATION%s}

scenario () {       #  scenario TPS FILE [DURATION]: TPS 0 is a run with no workload (wrk's)
    local workload="  - transactions: {tps: $1, users: $WALLETS, workers: $WORKERS}"
    local expectations="  - tx_inclusion: {}
  - tx_throughput: {min_accepted_tps: 1}"
    if [ "$1" = 0 ]; then
        workload=""
        expectations="  - consensus_liveness: {}"
    fi
    cat >"$2" <<YAML
name: tx_bench
topology: {network: star, validators: 3}
wallets: $WALLETS
workloads:
$workload
expectations:
$expectations
run: {duration: ${3:-$DURATION}, seed: 3, runner: local}
consensus: {slot: $SLOT, active_slot_coeff: 0.5, security_param: 3}
YAML
    [ -n "$workload" ] || sed -i '/^workloads:$/d' "$2"
}

#  figure REPORT KIND EXPR: a value from one expectation's details in report.json
figure () {
    python3 -c "import json,sys
r=json.load(open(sys.argv[1]))
e=[e for e in r['expectations'] if e['kind']==sys.argv[2]][0]
print(eval(sys.argv[3], {}, {'d': e['details'], 'passed': e['passed']}))" "$1" "$2" "$3"
}

#  The workload's last "transactions: done ... key=N" figure
logged () {
    grep -ho "done .* $2=[0-9]*" "$1/logs/transactions.log" | tail -1 |
        sed "s/.* $2=\([0-9]*\).*/\1/"
}

#  wait_for FILE PATTERN: until FILE has a line matching PATTERN (tf still running)
wait_for () {
    until grep -q "$2" "$1" 2>/dev/null; do
        kill -0 "$TF_PID" 2>/dev/null || return 1
        sleep 0.1
    done
}

#  The API port of a node of run directory DIR
api_port () {
    awk '/^http:/ { want = 1 }
         want && /address:/ { gsub(/[":]/, " "); print $3; exit }' "$1/nodes/$2/node.yaml"
}

#  wrk_all DIR FILES SECONDS: wrk posts FILES-<node>.ndjson to each node for SECONDS
wrk_all () {
    for yaml in "$1"/nodes/validator-*/node.yaml; do
        node=$(basename "$(dirname "$yaml")")
        wrk -t1 -c$WRK_CONNECTIONS -d"${3}s" -s "$ROOT/bench/node_tx.lua" \
            "http://127.0.0.1:$(api_port "$1" "$node")" -- "$2-$node.ndjson" 1 \
            >"$1.wrk-$node" 2>&1 &
        WRK_PIDS+=($!)
    done
}

#  The height of a node of run directory DIR
height () {
    curl -s "http://127.0.0.1:$(api_port "$1" "$2")/cryptarchia/info" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["height"])'
}

run_tf () {         #  run_tf TPS RUN_DIR [inscriptions|transfers]
    local dir=$2 file=$WORK/tx-$1.yaml duration=$DURATION
    [ "${3:-}" != transfers ] || duration=$((SECONDS_RUN + FANOUT_S))s
    scenario "$1" "$file" "$duration"
    CI=true "$BIN/tf" run "$file" --run-dir "$dir" >"$dir.out" 2>&1 &
    TF_PID=$!
    if [ "${3:-}" = inscriptions ]; then
        wait_for "$dir.out" "phase execute" && wrk_all "$dir" "$WORK/gen/txs" "$SECONDS_RUN"
    elif [ "${3:-}" = transfers ] && wait_for "$dir.out" "phase capture"; then
        #  The run's wallets' transfers, signed while it deploys; the fan-outs go to one
        #  node at execute, and wrk starts once they are 2 blocks deep there
        "$BUILD/bench/tf-bench-tx-presign" "$dir" 3 "$WORK/signed" >/dev/null
        for share in 0 1 2; do
            mv "$WORK/signed/transfers-$share.ndjson" "$WORK/signed/transfers-validator-$share.ndjson"
        done
        wait_for "$dir.out" "phase execute"
        local port start
        port=$(api_port "$dir" validator-0)
        start=$(height "$dir" validator-0)
        while read -r tx; do
            curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "$tx" \
                "http://127.0.0.1:$port/mempool/add/tx"
        done <"$WORK/signed/fanout.ndjson"
        #  Fan-outs are in a block once the mempool has none left; then 2 blocks more
        local deadline=$((SECONDS + FANOUT_S))
        until [ "$(curl -s "http://127.0.0.1:$port/mantle/metrics" |
                   python3 -c 'import json, sys; print(json.load(sys.stdin)["pending_items"])')" = 0 ] &&
              [ "$(height "$dir" validator-0)" -ge $((start + 3)) ]; do
            [ "$SECONDS" -lt "$deadline" ] || { echo "fan-outs not included in ${FANOUT_S}s"; break; }
            sleep 0.1
        done
        wrk_all "$dir" "$WORK/signed/transfers" "$SECONDS_RUN"
    fi
    wait "$TF_PID" || true
    TF_PID=
    for pid in "${WRK_PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
    WRK_PIDS=()
}

echo "== 1. sweep: 3 validators, slot $SLOT, f 0.5, $WALLETS users, execute $DURATION, open loop"
BEST=0 BEST_DIR=
for tps in $TPS_LIST; do
    dir=$WORK/run-$tps
    run_tf "$tps" "$dir"
    [ -f "$dir/report.json" ] || { echo "tps $tps: no report"; tail -5 "$dir.out"; continue; }
    planned=$(figure "$dir/report.json" tx_throughput "d['planned']")
    accepted=$(figure "$dir/report.json" tx_throughput "d['accepted']")
    accepted_tps=$(figure "$dir/report.json" tx_throughput "'%.0f' % d['accepted_tps']")
    included_tps=$(figure "$dir/report.json" tx_throughput "'%.0f' % d['included_tps']")
    failed=$(figure "$dir/report.json" tx_inclusion "d['failed']")
    passed=$(figure "$dir/report.json" tx_inclusion "passed")
    keeps_up=$(awk -v a="$accepted" -v p="$planned" -v s="$SUSTAINED_SHARE" \
               'BEGIN { print (p > 0 && a >= s * p) ? 1 : 0 }')
    printf "tps %5d: planned %6d, accepted %6d (%5s tx/s), included %5s tx/s, failed %d, %s\n" \
        "$tps" "$planned" "$accepted" "$accepted_tps" "$included_tps" "$failed" \
        "tx_inclusion passed $passed"
    if [ "$keeps_up" = 1 ] && [ "$failed" = 0 ] && [ "$passed" = True ]; then
        BEST=$tps BEST_DIR=$dir
    fi
done
[ "$BEST" -gt 0 ] || { echo "no rate was sustained"; exit 1; }
REPORT=$BEST_DIR/report.json
BEST_ACCEPTED_TPS=$(figure "$REPORT" tx_throughput "'%.0f' % d['accepted_tps']")
SUBMITTED=$(logged "$BEST_DIR" submitted)
CPU_MS=$(logged "$BEST_DIR" cpu_ms)
echo "highest sustained: tps $BEST, accepted $BEST_ACCEPTED_TPS tx/s"
echo "latency to block:  $(figure "$REPORT" tx_inclusion "'p50 %d ms p99 %d ms' \
    % (d['latency_ms']['p50'], d['latency_ms']['p99'])")"
echo "latency to LIB:    $(figure "$REPORT" tx_inclusion "'p50 %d ms p99 %d ms' \
    % (d['lib_latency_ms']['p50'], d['lib_latency_ms']['p99'])")"
awk -v c="$CPU_MS" -v n="$SUBMITTED" 'BEGIN { if (n > 0)
    printf "workload CPU:      %d ms for %d txs, %.0f ms per 1,000 txs\n", c, n, c * 1000 / n }'

#  wrk_tps DIR: what every wrk of run DIR had accepted, per second of its run
wrk_tps () {
    local accepted=0 n
    for out in "$1".wrk-*; do
        n=$(sed -n 's/^BENCH accepted=\([0-9]*\).*/\1/p' "$out")
        accepted=$((accepted + ${n:-0}))
    done
    echo "wrk accepted:      $accepted in $SECONDS_RUN s" \
        "($(awk -v a="$accepted" -v s="$SECONDS_RUN" 'BEGIN { printf "%.0f", a / s }') tx/s)" >&2
    awk -v a="$accepted" -v s="$SECONDS_RUN" 'BEGIN { printf "%.0f", a / s }'
}

echo "== 2a. wrk alone: pre-signed inscriptions to 3 fresh nodes ($WRK_CONNECTIONS connections each)"
"$BUILD/bench/tf-node-benchgen" "$WORK/gen" 1 "$TXS" 1000 0.5 10 >/dev/null
#  One third of the pre-signed txs per node, so no tx reaches two nodes from wrk
awk -v dir="$WORK/gen" '{ print > (dir "/txs-validator-" (NR % 3) ".ndjson") }' \
    "$WORK/gen/txs.ndjson"
run_tf 0 "$WORK/wrk" inscriptions
WRK_TPS=$(wrk_tps "$WORK/wrk")

echo "== 2b. wrk alone: pre-signed transfers of the run's $WALLETS wallets to 3 fresh nodes"
run_tf 0 "$WORK/wrk-transfers" transfers
WRK_TRANSFER_TPS=$(wrk_tps "$WORK/wrk-transfers")

echo "== 3. ratios"
awk -v a="$BEST_ACCEPTED_TPS" -v w="$WRK_TPS" 'BEGIN { if (w > 0)
    printf "ratio sustained workload / wrk inscriptions: %.2f\n", a / w }'
awk -v a="$BEST_ACCEPTED_TPS" -v w="$WRK_TRANSFER_TPS" 'BEGIN { if (w > 0)
    printf "ratio sustained workload / wrk transfers:    %.2f (goal >= 0.5)\n", a / w }'
