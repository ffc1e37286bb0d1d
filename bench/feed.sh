#!/bin/sh
#  bench/feed.sh - block feed latency, and deploy->ready wall time
#
#  1. One run of 10 validators (local runner, 200 ms slots) with two scanners:
#     the run's own tf-scanner (block streams, every node) and an "anchor"
#     tf-scanner started as a custom actor with --poll-only --poll-ms 1000
#     --single-node, i.e. polling one node every second as the seeds' scanner
#     does. bench/feed_probe subscribes to both feeds. Latency of a block =
#     when its feed.block reached the subscriber - when its node logged
#     "block produced" (node log timestamps, same host clock). p50/p99 each.
#  2. deploy->ready wall time for 3, 10 and 50 validators: the deploy phase of
#     report.json (coordinator's phase events), started_ms to ended_ms.
#
#  Usage: bench/feed.sh [BUILD_DIR]   (default build-bench, a Release build made
#  here if missing). Needs python3. Loopback only.

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SOURCE/build-bench}
DURATION=${FEED_BENCH_DURATION:-30s}
PROBE_SECONDS=${FEED_BENCH_PROBE_SECONDS:-60}
TARGETS="tf tf-coordinator tf-deployer-local tf-node tf-scanner tf-expect-consensus-liveness feed_probe"

if [ ! -x "$BUILD/bench/feed_probe" ] || [ ! -x "$BUILD/bin/tf" ]; then
    cmake -S "$SOURCE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    # shellcheck disable=SC2086
    cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-feed-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

#  ---------------------------------------------------------------------------
#  1. Latency, 10 nodes, stream scanner and polling anchor in the same run

cat > "$WORK/feed10.yaml" <<EOF
name: bench_feed
topology: {network: star, validators: 10}
expectations:
  - consensus_liveness: {tolerance: 0.1}
custom:
  - name: anchor
    role: workload
    command: 'tf-scanner --poll-only --poll-ms 1000 --single-node --feed ipc://\$TF_RUN_DIR/anchor.ipc'
run: {duration: $DURATION, seed: 1, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 5}
EOF

RUN="$WORK/run10"
"$BUILD/bench/feed_probe" --out "$WORK/records" --seconds "$PROBE_SECONDS" \
    "stream=ipc://$RUN/feed.ipc" "anchor=ipc://$RUN/anchor.ipc" &
PROBE=$!
LOGOS_BLOCKCHAIN_LOG_LEVEL=INFO CI=true "$BUILD/bin/tf" run "$WORK/feed10.yaml" \
    --run-dir "$RUN" >"$WORK/tf10.out" 2>&1 || {
    echo "feed.sh: the 10-node run failed:" >&2
    tail -20 "$WORK/tf10.out" >&2
}
kill "$PROBE" 2>/dev/null || true
wait "$PROBE" 2>/dev/null || true

python3 - "$RUN" "$WORK/records" <<'EOF'
import glob, re, sys
from datetime import datetime, timezone
run, records = sys.argv[1], sys.argv[2]
produced = {}
pattern = re.compile(r'^(\S+Z) .*block produced .*id=([0-9a-f]+)')
for log in glob.glob(run + '/nodes/*/node.log'):
    for line in open(log, errors='replace'):
        match = pattern.match(line)
        if match:
            stamp = datetime.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S.%fZ')
            ms = stamp.replace(tzinfo=timezone.utc).timestamp() * 1000
            produced[match.group(2)] = ms
latency = {}
for line in open(records):
    label, block, height, slot, recv_ms, seen_ms = line.split()
    for prefix_length in (12, 16, 8):
        born = produced.get(block[:prefix_length])
        if born is not None:
            latency.setdefault(label, []).append(int(recv_ms) - born)
            break
def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]
print('feed latency, 10 nodes (block produced at its node -> feed.block at a subscriber):')
for label in ('stream', 'anchor'):
    values = latency.get(label, [])
    if not values:
        print('  %-7s no records matched' % label)
        continue
    print('  %-7s blocks=%4d p50=%6.0f ms p99=%6.0f ms max=%6.0f ms'
          % (label, len(values), percentile(values, 0.5), percentile(values, 0.99), max(values)))
EOF

#  ---------------------------------------------------------------------------
#  2. deploy -> ready for 3, 10 and 50 nodes

echo "deploy -> ready (deploy phase of report.json):"
for nodes in 3 10 50; do
    cat > "$WORK/ready$nodes.yaml" <<EOF
name: bench_ready_$nodes
topology: {network: star, validators: $nodes}
expectations:
  - consensus_liveness: {tolerance: 0.1, agreement: false}
run: {duration: 1s, seed: 1, runner: local}
consensus: {slot: 500ms, active_slot_coeff: 0.5, security_param: 5}
EOF
    CI=true "$BUILD/bin/tf" run "$WORK/ready$nodes.yaml" --run-dir "$WORK/ready$nodes" \
        >"$WORK/ready$nodes.out" 2>&1 || true
    python3 - "$WORK/ready$nodes/report.json" "$nodes" <<'EOF'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print('  %3s nodes: no report' % sys.argv[2]); sys.exit(0)
deploy = [p for p in report.get('phases', []) if p['phase'] == 'deploy']
if deploy and 'ended_ms' in deploy[0]:
    print('  %3s nodes: %6d ms (verdict %s)' % (sys.argv[2],
          deploy[0]['ended_ms'] - deploy[0]['started_ms'], report.get('verdict')))
else:
    print('  %3s nodes: deploy did not finish (verdict %s)' % (sys.argv[2], report.get('verdict')))
EOF
done
