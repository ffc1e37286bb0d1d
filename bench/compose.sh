#!/usr/bin/env bash
#  bench/compose.sh - the compose runner against local, in the same run
#
#  1. Node image: build time (from the deployer's log, after removing the
#     current image so it is built again) and size.
#  2. deploy -> ready for 3 and 10 validators on compose and on local: the
#     deploy phase of report.json, started_ms to ended_ms (it ends when every
#     readiness stage passed).
#  3. Restart latency: validator-1 restarted through node control on each
#     runner; node.control to node.control.done in report.json's chaos events
#     (it includes the wait until the restarted node's API answers).
#
#  Usage: bench/compose.sh [BUILD_DIR]   (default build/; TF_BUILD_DIR too).
#  Needs a Docker engine that answers (DOCKER_HOST) and python3. Loopback and
#  the runs' own containers only; every run cleans up after itself.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${TF_BUILD_DIR:-$source_dir/build}}
tf="$build/bin/tf"
[ -x "$tf" ] || { echo "bench/compose.sh: $tf is missing (build first)" >&2; exit 2; }
docker info > /dev/null 2>&1 || {
    echo "bench/compose.sh: no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset})" >&2
    exit 2
}
export PATH="$build/bin:$PATH" CI=true
work=$(mktemp -d "${TMPDIR:-/tmp}/tf-compose-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

#  A scenario of N validators, with an optional restart of validator-1
scenario () {  # name validators duration [restart_after_ms]
    {
        echo "name: $1"
        echo "topology: {network: star, validators: $2}"
        echo "consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 3}"
        echo "expectations:"
        echo "  - consensus_liveness: {tolerance: 0.5}"
        if [ $# -ge 4 ]; then
            echo "node_control: true"
            echo "custom:"
            echo "  - {name: fault, role: workload, command: \"tf-test-fault --after $4 --node-control 'restart validator-1'\"}"
        fi
        echo "run: {duration: $3, seed: 3}"
    } > "$work/$1.yaml"
    echo "$work/$1.yaml"
}

#  Run a scenario on a runner into its own run directory; print the directory
run () {  # scenario runner tag
    local dir="$work/run-$3"
    "$tf" run "$1" --runner "$2" --run-dir "$dir" > "$work/$3.out" 2>&1 || {
        echo "bench/compose.sh: run $3 failed:" >&2; tail -20 "$work/$3.out" >&2; exit 1; }
    echo "$dir"
}

#  ms of the deploy phase of a run
deploy_ms () {
    python3 - "$1/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for phase in report["phases"]:
    if phase["phase"] == "deploy":
        print(phase["ended_ms"] - phase["started_ms"])
PY
}

#  ms from each restart request to its done event
restart_ms () {
    python3 - "$1/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
asked = {}
for event in report.get("chaos", []):
    if event["kind"] == "node.control" and "restart" in event.get("detail", ""):
        asked[event["node"]] = event["at_ms"]
    elif event["kind"] == "node.control.done" and event["node"] in asked:
        print(event["at_ms"] - asked.pop(event["node"]))
PY
}

echo "bench/compose.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
     "engine $(docker info --format '{{.ServerVersion}}')"

#  1. The image, built afresh
for image in $(docker image ls --filter label=tf.image=tf-node --format '{{.Repository}}:{{.Tag}}'); do
    docker image rm "$image" > /dev/null 2>&1 || true   #  In use by a kept stack: left
done
dir=$(run "$(scenario image 3 2s)" compose image)
built=$(grep -o 'built image=[^ ]* files=[0-9]* ms=[0-9]*' "$dir"/logs/*deployer*.log || true)
if [ -n "$built" ]; then
    tag=$(echo "$built" | sed -n 's/built image=\([^ ]*\) .*/\1/p')
    files=$(echo "$built" | sed -n 's/.*files=\([0-9]*\).*/\1/p')
    size=$(docker image inspect --format '{{.Size}}' "$tag")
    echo "image: $tag built in ${built##*ms=} ms, $((size / 1024 / 1024)) MB" \
         "($size bytes, $files files)"
else
    echo "image: not built by this run (still in use by a kept stack: tf clean removes it)"
fi

#  2. deploy -> ready, 3 and 10 validators, both runners
for count in 3 10; do
    file=$(scenario "ready$count" "$count" 2s)
    local_dir=$(run "$file" local "local$count")
    compose_dir=$(run "$file" compose "compose$count")
    echo "deploy->ready, $count validators: local $(deploy_ms "$local_dir") ms," \
         "compose $(deploy_ms "$compose_dir") ms"
done

#  3. Restart latency of one node, both runners
file=$(scenario restart 3 6s 2000)
for runner in local compose; do
    dir=$(run "$file" "$runner" "restart-$runner")
    echo "restart (request until the node's API answers), $runner: $(restart_ms "$dir" | tr '\n' ' ')ms"
done
