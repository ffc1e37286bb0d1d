#!/bin/sh
#  bench/verdicts.sh - are the verdicts honest, and how fast do they come?
#
#  Runs a healthy scenario VERDICTS_N times (default 50): every run must pass.
#  Then each seeded fault VERDICTS_N/5 times (at least 1): every run must fail,
#  with a message that names the cause. The faults:
#    two_stopped         two of three validators stopped as execute starts
#    dropped_txs         every node accepts transactions and discards them
#    unhealed_partition  one validator cut off 2 s into execute, never healed
#    irreversible_fork   one validator finalises a fork of its own 1 s into
#                        execute (tf-node's fork_irreversibly fault)
#    stalled_chain       every validator stops producing 1 s into execute
#  Printed per case: runs, how many got the verdict they should, the time from
#  the fault to the verdict (median and max; the verdict is the moment the run
#  ended early, else the start of evaluate), the planned execute, and one
#  message. Local runner, 200 ms slots, loopback only.
#
#  Usage: bench/verdicts.sh [BUILD_DIR]   (default build-bench, a Release build
#  made here if missing). Needs python3. Exits 1 when any verdict is wrong.

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SOURCE/build-bench}
RUNS=${VERDICTS_N:-50}
FAULT_RUNS=$((RUNS / 5))
[ "$FAULT_RUNS" -ge 1 ] || FAULT_RUNS=1
TARGETS="tf tf-coordinator tf-deployer-local tf-node tf-scanner tf-workload-transactions
         tf-workload-chaos-partition tf-expect-consensus-liveness tf-expect-tx-inclusion
         tf-test-fault"

if [ ! -x "$BUILD/bin/tf" ] || [ ! -x "$BUILD/bin/tf-test-fault" ]; then
    cmake -S "$SOURCE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    # shellcheck disable=SC2086 # TARGETS is a list of words
    cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-verdicts-bench.XXXXXX")
TF_PID=
cleanup () {
    [ -n "$TF_PID" ] && kill -INT "$TF_PID" 2>/dev/null && wait "$TF_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CONSENSUS='consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 3}'

cat > "$WORK/healthy.yaml" <<YAML
name: healthy
topology: {network: star, validators: 3}
wallets: 8
workloads:
  - transactions: {rate: 2, users: 4}
expectations:
  - consensus_liveness: {}
  - tx_inclusion: {}
run: {duration: 6s, seed: 1, runner: local}
$CONSENSUS
YAML

cat > "$WORK/two_stopped.yaml" <<YAML
name: two_stopped
topology: {network: star, validators: 3}
node_control: true
expectations:
  - consensus_liveness: {tolerance: 0.25}
custom:
  - name: fault
    role: workload
    command: "tf-test-fault --node-control 'stop validator-1' --node-control 'stop validator-2'"
run: {duration: 6s, seed: 12, runner: local}
$CONSENSUS
YAML

cat > "$WORK/dropped_txs.yaml" <<YAML
name: dropped_txs
topology: {network: star, validators: 2}
wallets: 16
workloads:
  - transactions: {rate: 5, users: 4, notes: 1}
expectations:
  - tx_inclusion: {}
custom:
  - name: fault
    role: workload
    command: "tf-test-fault --at capture --drop-transactions validator-0,validator-1"
run: {duration: 5s, seed: 21, runner: local}
$CONSENSUS
YAML

cat > "$WORK/unhealed_partition.yaml" <<YAML
name: unhealed_partition
topology: {network: star, validators: 3}
node_control: true
workloads:
  - chaos_partition: {group: validator-2, delay: 2s, window: 2s, heal: false}
expectations:
  - consensus_liveness: {}
run: {duration: 8s, seed: 21, runner: local}
$CONSENSUS
YAML

cat > "$WORK/irreversible_fork.yaml" <<YAML
name: irreversible_fork
topology: {network: star, validators: 3}
expectations:
  - consensus_liveness: {}
custom:
  - name: fault
    role: workload
    command: "tf-test-fault --after 1000 --fork-irreversibly validator-0"
run: {duration: 20s, seed: 31, runner: local}
$CONSENSUS
YAML

cat > "$WORK/stalled_chain.yaml" <<YAML
name: stalled_chain
topology: {network: star, validators: 2}
expectations:
  - consensus_liveness: {max_stall: 2s}
custom:
  - name: fault
    role: workload
    command: "tf-test-fault --after 1000 --stop-producing validator-0,validator-1"
run: {duration: 20s, seed: 23, runner: local}
$CONSENSUS
YAML

#  case runs expected-exit fault-offset-ms cause-pattern
CASES="healthy $RUNS 0 0 -
two_stopped $FAULT_RUNS 1 0 height_0_below_target
dropped_txs $FAULT_RUNS 1 0 0/[0-9]+_included
unhealed_partition $FAULT_RUNS 1 2000 LIB_divergence
irreversible_fork $FAULT_RUNS 1 1000 LIB_divergence.*validator-0|validator-0.*LIB_divergence
stalled_chain $FAULT_RUNS 1 1000 no_new_block_on_the_feed"

echo "bench/verdicts.sh: healthy x$RUNS, each fault x$FAULT_RUNS (local runner, 200 ms slots)"
: > "$WORK/results"
echo "$CASES" | while read -r name count expected offset cause; do
    run=1
    while [ "$run" -le "$count" ]; do
        dir="$WORK/$name-$run"
        CI=true "$BUILD/bin/tf" run "$WORK/$name.yaml" --seed "$run" --run-dir "$dir" \
            > "$WORK/out" 2>&1 < /dev/null &
        TF_PID=$!
        wait "$TF_PID" && code=0 || code=$?
        TF_PID=
        echo "$name $run $expected $code $offset $cause $dir" >> "$WORK/results"
        rm -rf "$dir/nodes" #  Keep report.json only
        run=$((run + 1))
    done
    echo "  $name: $count runs done"
done

python3 - "$WORK/results" <<'PY'
import json, re, statistics, sys

cases = {}
for line in open(sys.argv[1]):
    name, run, expected, code, offset, cause, run_dir = line.split()
    case = cases.setdefault(name, {"runs": 0, "right": 0, "delays": [], "message": "",
                                   "wrong": [], "execute_ms": None})
    case["runs"] += 1
    try:
        report = json.load(open(f"{run_dir}/report.json"))
    except (OSError, ValueError):
        case["wrong"].append(f"run {run}: exit {code}, no report.json")
        continue
    phases = {p["phase"]: p for p in report.get("phases", [])}
    failed = [e for e in report.get("expectations", []) if not e.get("passed")]
    message = " | ".join(" ".join(e.get("message", "").split()) for e in failed)
    pattern = cause.replace("_", " ")
    right = int(code) == int(expected) and (
        cause == "-" or any(re.search(pattern, e.get("message", "")) for e in failed))
    if right:
        case["right"] += 1
    else:
        case["wrong"].append(f"run {run}: exit {code}: {message or report.get('verdict')}")
    case["message"] = case["message"] or message
    case["execute_ms"] = ((report.get("plan") or {}).get("run") or {}).get("duration_ms")
    if cause != "-" and "execute" in phases:
        early = report.get("ended_early")
        verdict_ms = early["at_ms"] if early else phases.get("evaluate", {}).get("started_ms")
        if verdict_ms:
            fault_ms = phases["execute"]["started_ms"] + int(offset)
            case["delays"].append((verdict_ms - fault_ms) / 1000)

print(f"\n{'case':<20} {'runs':>5} {'right':>6} {'fault->verdict':>15} {'max':>6}"
      f" {'execute':>8}  message")
wrong = 0
for name, case in cases.items():
    delays = case["delays"]
    median = f"{statistics.median(delays):.2f} s" if delays else "-"
    worst = f"{max(delays):.2f}" if delays else "-"
    execute = f"{case['execute_ms'] / 1000:.0f} s" if case["execute_ms"] else "-"
    print(f"{name:<20} {case['runs']:>5} {case['right']:>6} {median:>15} {worst:>6}"
          f" {execute:>8}  {case['message'][:100] or 'passed'}")
    for line in case["wrong"]:
        print(f"  wrong verdict: {line}")
    wrong += len(case["wrong"])
sys.exit(1 if wrong else 0)
PY
