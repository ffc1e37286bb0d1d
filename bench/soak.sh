#!/bin/sh
#  bench/soak.sh - a long run, and how every process's memory and CPU grow over it
#
#  One run of 5 validators (full mesh, local runner, 200 ms slots) with transactions and a
#  random restart every 1 to 2 minutes, for SOAK_DURATION (default 30m).
#  bench/proc_cpu.py samples every process under tf every SOAK_SAMPLE_S
#  seconds (default 10). Printed per process (a restarted node is a new
#  process): program, lifetime, RSS one minute into execute (or into its life)
#  and at the end of execute, the largest RSS (the end of the run included:
#  evaluate and the report build, which read what the run recorded), growth
#  per minute over execute after that first minute (least squares over the
#  samples), and its CPU share of one core. Goals: every framework process
#  flat over execute (at most 1 MB after its first minute); tf-node within the
#  bound node/README.md states (section 7).
#
#  Usage: bench/soak.sh [BUILD_DIR]   (default build-bench, a Release build made
#  here if missing). Needs python3. Loopback only. Exits 1 when a goal is missed.
#  SOAK_KEEP=1 keeps the run directory (the nodes' logs, the recording).

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SOURCE/build-bench}
DURATION=${SOAK_DURATION:-30m}
SAMPLE_S=${SOAK_SAMPLE_S:-10}
RATE=${SOAK_RATE:-20}
TARGETS="tf tf-coordinator tf-deployer-local tf-node tf-scanner tf-workload-transactions
         tf-workload-chaos-random-restart tf-expect-consensus-liveness tf-expect-tx-inclusion"

if [ ! -x "$BUILD/bin/tf" ] || [ ! -x "$BUILD/bin/tf-workload-chaos-random-restart" ]; then
    cmake -S "$SOURCE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    # shellcheck disable=SC2086 # TARGETS is a list of words
    cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-soak-bench.XXXXXX")
TF_PID=
cleanup () {
    [ -n "$TF_PID" ] && kill -INT "$TF_PID" 2>/dev/null && wait "$TF_PID" 2>/dev/null
    [ -n "${SOAK_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

#  A full mesh: in a star, a restart of the hub cuts the leaves off each other
#  while it replays its block log, which takes longer the longer the run
#  (node/README.md, section 6); past k = 10 blocks of a leaf's own that is a
#  real partition, and two forks become final (a correct verdict, but not
#  what a soak measures)
cat > "$WORK/soak.yaml" <<YAML
name: bench_soak
topology: {network: full, validators: 5}
wallets: 32
node_control: true
workloads:
  - transactions: {rate: $RATE, users: 32}
  - chaos_random_restart: {validators: true, min_delay: 60s, max_delay: 120s,
                           target_cooldown: 120s}
expectations:
  - consensus_liveness: {}
  - tx_inclusion: {min_ratio: 0.5}
run: {duration: $DURATION, seed: 7, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 10}
YAML

echo "bench/soak.sh: 5 validators, $RATE txs/block, random restarts, execute $DURATION;" \
     "sampling every ${SAMPLE_S}s"
STARTED=$(date +%s.%N) #  The sampler's time 0, to place the run's phases on it
CI=true "$BUILD/bin/tf" run "$WORK/soak.yaml" --run-dir "$WORK/run" > "$WORK/run.out" 2>&1 &
TF_PID=$!
python3 "$SOURCE/bench/proc_cpu.py" "$TF_PID" "$SAMPLE_S" "$WORK/samples.json"
wait "$TF_PID" && rc=0 || rc=$?
TF_PID=
echo "tf exit $rc: $(grep -m1 '^verdict' "$WORK/run.out" || echo 'no verdict line')"
grep -E '^  (PASS|FAIL)' "$WORK/run.out" || true

python3 - "$WORK/samples.json" "$SOURCE/node/README.md" "$WORK/run/report.json" "$STARTED" <<'PY'
import json, re, sys

processes = json.load(open(sys.argv[1]))
#  Growth is judged over execute: what evaluate and the report build at the
#  end (bounded by the run's recording, not growing with time) shows in "rss max"
try:
    phases = {p["phase"]: p for p in json.load(open(sys.argv[3]))["phases"]}
    started = float(sys.argv[4])
    window = (phases["execute"]["started_ms"] / 1000 - started,
              phases["execute"]["ended_ms"] / 1000 - started)
except (OSError, KeyError, ValueError):
    window = None
#  The bound node/README.md states: "at most N MB per hour" of growth per node
text = open(sys.argv[2]).read()
bound = re.search(r"soak bound: (\d+(?:\.\d+)?) MB per hour", text)
node_mb_per_min = float(bound.group(1)) / 60 if bound else None


def slope(points):
    """Least-squares growth of points [(t_s, kb)] in MB per minute."""
    if len(points) < 2:
        return 0.0
    count = len(points)
    mean_t = sum(t for t, _ in points) / count
    mean_v = sum(v for _, v in points) / count
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 60 / 1024


print("\ngrowth judged over execute after its first minute" if window else
      "\nno phase times in report.json: growth judged over each whole life")
print(f"{'process':<42} {'life':>6} {'rss@1m':>8} {'rss end':>8} {'rss max':>8}"
      f" {'MB/min':>7} {'over':>7} {'cpu':>6}")
missed = []
for pid, entry in sorted(processes.items(), key=lambda item: (item[1]["comm"], item[1]["first_s"])):
    samples = entry["rss_kb"]
    life = entry["last_s"] - entry["first_s"]
    settled = [(t, v) for t, v in samples if t - entry["first_s"] >= 60
               and (window is None or window[0] + 60 <= t <= window[1])] or samples[-1:]
    start_kb, end_kb = settled[0][1], settled[-1][1]
    grown_mb = (end_kb - start_kb) / 1024
    per_min = slope(settled)
    cpu = entry["cpu_s"] / life * 100 if life else 0.0
    name = f"{entry['comm']} [{pid}]"
    print(f"{name:<42} {life / 60:5.1f}m {start_kb / 1024:7.1f}M {end_kb / 1024:7.1f}M"
          f" {max(v for _, v in samples) / 1024:7.1f}M {per_min:7.3f} {grown_mb:6.2f}M"
          f" {cpu:5.1f}%")
    if life < 120:
        continue  #  Too short to judge growth (a node restarted soon after)
    if entry["comm"] == "tf-node":
        if node_mb_per_min is not None and per_min > node_mb_per_min:
            missed.append(f"{name} grows {per_min:.2f} MB/min, over the stated "
                          f"{node_mb_per_min:.2f}")
    elif grown_mb > 1.0:
        missed.append(f"{name} grew {grown_mb:.2f} MB after its first minute (goal <= 1 MB)")
if node_mb_per_min is None:
    print("node/README.md states no soak bound: tf-node's growth is not judged")
for line in missed:
    print("goal missed:", line)
sys.exit(1 if missed else 0)
PY
