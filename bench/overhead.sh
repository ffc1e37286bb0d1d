#!/usr/bin/env bash
#  bench/overhead.sh - the framework's own CPU cost against the nodes', in one run each
#
#  For 5 and 50 nodes (4 + 1 and 49 + 1 validators and executors, local runner,
#  200 ms slots), one tf run with transactions at 20 txs a block and random restarts;
#  bench/proc_cpu.py samples the CPU time of every process under tf from /proc.
#  Prints per program the CPU seconds, then tf's processes (everything but
#  tf-node) against the nodes' and their ratio. Goal: ratio <= 0.10.
#
#  Usage: bench/overhead.sh [BUILD_DIR]   (default build-bench, a Release build made
#  here if missing). Env: OVERHEAD_NODES (default "5 50"), OVERHEAD_DURATION
#  (execute, default 60s). Needs python3. Loopback only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-bench}
NODES=${OVERHEAD_NODES:-5 50}
DURATION=${OVERHEAD_DURATION:-60s}
SAMPLE_S=0.2                        #  /proc sampling interval
RATE=20                             #  Txs per block
TARGETS="tf tf-coordinator tf-deployer-local tf-node tf-scanner tf-workload-transactions
         tf-workload-chaos-random-restart tf-expect-consensus-liveness tf-expect-tx-inclusion"

echo "== build ($BUILD, Release)"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
# shellcheck disable=SC2086
cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-overhead-bench-XXXXXX")
TF_PID=
cleanup () {
    [ -n "$TF_PID" ] && kill -TERM "$TF_PID" 2>/dev/null && wait "$TF_PID" 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

scenario () {       #  scenario NODES FILE
    local validators=$(($1 - 1)) users=$((255 - $1 > 64 ? 64 : 255 - $1))
    cat >"$2" <<YAML
name: overhead_$1
topology: {network: star, validators: $validators, executors: 1}
wallets: $users
node_control: true
workloads:
  - transactions: {rate: $RATE, users: $users}
  - chaos_random_restart: {validators: true, executors: true, min_delay: 10s, max_delay: 20s,
                           target_cooldown: 30s}
expectations:
  - consensus_liveness: {}
  - tx_inclusion: {min_ratio: 0.5}
run: {duration: $DURATION, seed: 5, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 3}
YAML
}

for nodes in $NODES; do
    file=$WORK/overhead-$nodes.yaml dir=$WORK/run-$nodes
    scenario "$nodes" "$file"
    echo "== $nodes nodes, execute $DURATION, $RATE txs/block, random restarts"
    CI=true "$BUILD/bin/tf" run "$file" --run-dir "$dir" >"$dir.out" 2>&1 &
    TF_PID=$!
    python3 "$ROOT/bench/proc_cpu.py" "$TF_PID" "$SAMPLE_S" "$WORK/cpu-$nodes.json"
    wait "$TF_PID" && rc=0 || rc=$?
    TF_PID=
    echo "tf exit $rc ($(grep -m1 -o 'verdict [a-z]*\|PASS\|FAIL' "$dir.out" | head -1))"
    python3 - "$WORK/cpu-$nodes.json" <<'PY'
import collections, json, sys
processes = json.load(open(sys.argv[1]))
by_program = collections.defaultdict(float)
for entry in processes.values():
    by_program[entry["comm"]] += entry["cpu_s"]
nodes = by_program.get("tf-node", 0.0)
framework = sum(cpu for comm, cpu in by_program.items() if comm != "tf-node")
for comm, cpu in sorted(by_program.items(), key=lambda item: -item[1]):
    print(f"  {comm:<18} {cpu:7.2f} s")
print(f"framework {framework:.2f} s, nodes {nodes:.2f} s, "
      f"ratio framework/nodes {framework / nodes if nodes else float('nan'):.3f} (goal <= 0.10)")
PY
done
