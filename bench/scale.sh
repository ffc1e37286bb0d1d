#!/bin/sh
#  bench/scale.sh - how long a large run's plan, genesis and node configs take
#
#  Writes a scenario of SCALE_VALIDATORS validators (default 1000),
#  SCALE_EXECUTORS executors (default 24) and SCALE_WALLETS wallets (default
#  1000): 2024 genesis notes, so 8 genesis txs. Then prints:
#    1. `tf validate` of it (load, check, print the normalised plan), wall ms
#    2. tf-bench-scale: the plan, the genesis (keys, txs, hashes, note ids) and
#       every node's node.yaml and deployment.yaml as the local deployer writes
#       them (the deployment file once, hard-linked into every node's dir),
#       ms per stage and the bytes written
#    3. `tf-node --check-config` of the last node's files (the node reads the
#       whole genesis), wall ms
#  Figures, not a test: nothing is started, no port is taken, nothing leaves
#  the temporary directory. The goal is a 1000-node plan and configs well
#  under 5 s.
#
#  Usage: bench/scale.sh [BUILD_DIR]   (default build-bench, a Release build
#  made here if missing). Needs python3 for the wall clock.

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SOURCE/build-bench}
VALIDATORS=${SCALE_VALIDATORS:-1000}
EXECUTORS=${SCALE_EXECUTORS:-24}
WALLETS=${SCALE_WALLETS:-1000}

echo "== build ($BUILD, Release)"
cmake -S "$SOURCE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZER=none >/dev/null
cmake --build "$BUILD" -j2 --target tf tf-node tf-bench-scale >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-scale-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
SCENARIO=$WORK/scale.yaml
cat >"$SCENARIO" <<YAML
name: scale
topology: {network: star, validators: $VALIDATORS, executors: $EXECUTORS}
wallets: $WALLETS
workloads:
  - transactions: {rate: 10, users: 100}
expectations:
  - consensus_liveness: {}
  - tx_inclusion: {}
run: {duration: 60s, seed: 7}
consensus: {slot: 1s, active_slot_coeff: 0.9, security_param: 10}
YAML

now_ms () { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }

echo "== tf validate ($VALIDATORS validators, $EXECUTORS executors, $WALLETS wallets)"
started=$(now_ms)
"$BUILD/bin/tf" validate "$SCENARIO" >"$WORK/plan.txt"
ended=$(now_ms)
echo "tf validate              $((ended - started)) ms (wall, process start included)"
grep '^topology' "$WORK/plan.txt"

echo "== plan, genesis and every node's config (tf-bench-scale)"
mkdir "$WORK/nodes"
"$BUILD/bench/tf-bench-scale" "$SCENARIO" "$WORK/nodes"
echo "on disk                  $(du -sh "$WORK/nodes" | cut -f1)"

last=$(ls "$WORK/nodes" | sort -t- -k2 -n | tail -1)
echo "== tf-node --check-config ($last)"
started=$(now_ms)
"$BUILD/bin/tf-node" "$WORK/nodes/$last/node.yaml" \
    --deployment "$WORK/nodes/$last/deployment.yaml" --check-config
ended=$(now_ms)
echo "tf-node --check-config   $((ended - started)) ms (wall)"
