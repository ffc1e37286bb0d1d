#!/usr/bin/env bash
#  bench/node.sh - tf-node figures (printed, not a test), loopback only, bounded in time:
#   1. accepted tx/s on POST /mempool/add/tx (wrk, keep-alive, pre-signed distinct txs) and,
#      in the same run, req/s on GET /cryptarchia/info (the cheapest endpoint), and the ratio
#   2. resident memory of that node
#   3. 50 nodes on this machine with 250 ms slots: time until all progress, RSS per node
#  Env: TF_BENCH_BUILD (build dir, default build-bench, Release without sanitizers),
#       BENCH_TXS (default 60000), BENCH_SECONDS (wrk duration, default 4),
#       BENCH_NODES (default 50), BENCH_HEIGHT (blocks every node must reach, default 8).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TF_BENCH_BUILD:-$ROOT/build-bench}
TXS=${BENCH_TXS:-60000}
SECONDS_RUN=${BENCH_SECONDS:-4}
NODES=${BENCH_NODES:-50}
HEIGHT=${BENCH_HEIGHT:-8}
DEADLINE_S=120                      #  Longest wait for the 50 nodes to progress
WRK_THREADS=2
WRK_CONNECTIONS=16

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-node-bench-XXXXXX")
PIDS=()
cleanup () {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    [ -n "${BENCH_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build ($BUILD, Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
cmake --build "$BUILD" -j2 --target tf-node tf-node-benchgen >/dev/null
BIN=$BUILD/bin

start_node () {     #  start_node DIR INDEX -> appends the pid to PIDS
    local dir=$1 index=$2
    (cd "$dir/node-$index" && exec "$BIN/tf-node" node.yaml --deployment ../deployment.yaml \
        >>"$dir/node-$index/stdout.log" 2>&1) &
    PIDS+=($!)
}

api_port () {       #  api_port DIR INDEX
    awk -v i="$2" '$1 == i { print $2 }' "$1/ports"
}

wait_ready () {     #  wait_ready PORT: poll /cryptarchia/info, 30 s at most
    local port=$1 tries=0
    until curl -sf "http://127.0.0.1:$port/cryptarchia/info" >/dev/null; do
        tries=$((tries + 1))
        [ $tries -gt 300 ] && { echo "node on port $port never answered"; exit 1; }
        sleep 0.1
    done
}

rss_kb () {         #  rss_kb PID
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

echo "== 1. tx admission vs the cheapest endpoint (1 node, $SECONDS_RUN s each, $WRK_CONNECTIONS keep-alive connections)"
"$BUILD/bench/tf-node-benchgen" "$WORK/one" 1 "$TXS" 1000 0.5 10
start_node "$WORK/one" 0
NODE_PID=${PIDS[-1]}
PORT=$(api_port "$WORK/one" 0)
wait_ready "$PORT"
TX_OUT=$(wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${SECONDS_RUN}s -s "$ROOT/bench/node_tx.lua" \
    "http://127.0.0.1:$PORT" -- "$WORK/one/txs.ndjson" $WRK_THREADS)
INFO_OUT=$(wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${SECONDS_RUN}s "http://127.0.0.1:$PORT/cryptarchia/info")
LINE=$(echo "$TX_OUT" | grep '^BENCH')
ACCEPTED=$(echo "$LINE" | sed 's/.*accepted=\([0-9]*\).*/\1/')
AVAILABLE=$(echo "$LINE" | sed 's/.*available=\([0-9]*\).*/\1/')
DURATION_US=$(echo "$LINE" | sed 's/.*duration_us=\([0-9]*\).*/\1/')
TX_RATE=$(awk -v a="$ACCEPTED" -v d="$DURATION_US" 'BEGIN { printf "%.0f", a / (d / 1e6) }')
INFO_RATE=$(echo "$INFO_OUT" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
echo "accepted txs:        $ACCEPTED of $AVAILABLE pre-signed"
echo "tx admission:        $TX_RATE tx/s"
if [ "$ACCEPTED" -ge "$AVAILABLE" ]; then
    echo "  (all pre-signed txs were used: the rate is a lower bound; raise BENCH_TXS)"
fi
echo "GET /cryptarchia/info: $INFO_RATE req/s"
awk -v t="$TX_RATE" -v i="$INFO_RATE" 'BEGIN { printf "ratio tx/info:       %.3f\n", t / i }'
METRICS=$(curl -sf "http://127.0.0.1:$PORT/metrics")
echo "$METRICS" | grep -E '^(mempool_transactions_added_total|consensus_block_transactions_total|consensus_tip_height) '
echo "node RSS after load: $(rss_kb "$NODE_PID") kB"
kill -TERM "$NODE_PID"; wait "$NODE_PID" || true

echo "== 2. $NODES nodes, 250 ms slots, f=0.5: every node must reach height $HEIGHT"
"$BUILD/bench/tf-node-benchgen" "$WORK/many" "$NODES" 0 250 0.5 10
FIRST=${#PIDS[@]}
BEGIN_S=$(date +%s.%N)
for ((index = 0; index < NODES; index++)); do
    start_node "$WORK/many" "$index"
done
for ((index = 0; index < NODES; index++)); do
    wait_ready "$(api_port "$WORK/many" "$index")"
done
READY_S=$(date +%s.%N)
echo "all $NODES answering after $(awk -v a="$BEGIN_S" -v b="$READY_S" 'BEGIN { printf "%.1f", b - a }') s"
deadline=$(( $(date +%s) + DEADLINE_S ))
while :; do
    MIN=1000000000; MAX=0
    for ((index = 0; index < NODES; index++)); do
        height=$(curl -sf "http://127.0.0.1:$(api_port "$WORK/many" "$index")/cryptarchia/info" \
            | sed 's/.*"height":\([0-9]*\).*/\1/' || echo 0)
        [ "$height" -lt "$MIN" ] && MIN=$height
        [ "$height" -gt "$MAX" ] && MAX=$height
    done
    [ "$MIN" -ge "$HEIGHT" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "FAILED: after ${DEADLINE_S} s heights range $MIN..$MAX"
        exit 1
    fi
    sleep 0.5
done
DONE_S=$(date +%s.%N)
echo "every node at height >= $HEIGHT after $(awk -v a="$READY_S" -v b="$DONE_S" 'BEGIN { printf "%.1f", b - a }') s (heights $MIN..$MAX)"
TOTAL=0; PEAK=0
for ((index = FIRST; index < ${#PIDS[@]}; index++)); do
    kb=$(rss_kb "${PIDS[$index]}")
    TOTAL=$((TOTAL + kb)); [ "$kb" -gt "$PEAK" ] && PEAK=$kb
done
echo "RSS per node: mean $((TOTAL / NODES)) kB, max $PEAK kB, total $((TOTAL / 1024)) MB"
PEERS=$(curl -sf "http://127.0.0.1:$(api_port "$WORK/many" 0)/network/info")
echo "node 0 network: $PEERS"
TIPS=$(for ((index = 0; index < NODES; index++)); do
    curl -sf "http://127.0.0.1:$(api_port "$WORK/many" "$index")/cryptarchia/info" \
        | sed 's/.*"tip":"\([0-9a-f]*\)".*/\1/'; echo
done | sort | uniq -c | sort -rn | awk '{ printf "%d ", $1 }')
echo "nodes per distinct tip right now: $TIPS"
