#!/bin/sh
#  bench/curve.sh - block feed latency over CURVE tcp against ipc, in one run;
#  registration time of 50 remote actors
#
#  One run of 5 validators (local runner, 200 ms slots) started with
#  `tf run --listen tcp://127.0.0.1`: the run's tf-scanner publishes the feed
#  on tcp with CURVE; a second tf-scanner (a custom workload, stream mode, the
#  same nodes) publishes on ipc in the run directory. bench/feed_probe joins
#  with run.json and a certificate allowed with --allow, as an actor on
#  another host would, and subscribes to both. Latency of a block = when its
#  feed.block reached the probe - when its node logged "block produced" (same
#  host clock). p50/p99 each. The two feeds come from two scanners, so the
#  difference holds the scanners' own variance as well as the transport's.
#
#  Usage: bench/curve.sh [BUILD_DIR]   (default build-bench, a Release build
#  made here if missing). Needs python3. Loopback only.

set -eu

SOURCE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SOURCE/build-bench}
DURATION=${CURVE_BENCH_DURATION:-30s}
PROBE_SECONDS=${CURVE_BENCH_PROBE_SECONDS:-60}
TARGETS="tf tf-coordinator tf-deployer-local tf-node tf-scanner tf-expect-consensus-liveness feed_probe"

if [ ! -x "$BUILD/bench/feed_probe" ] || [ ! -x "$BUILD/bin/tf" ]; then
    cmake -S "$SOURCE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    # shellcheck disable=SC2086
    cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-curve-bench.XXXXXX")
TF=""
PROBE=""
trap 'kill $PROBE $TF 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM

"$BUILD/bin/tf" keys new probe --dir "$WORK" >/dev/null
cat > "$WORK/curve.yaml" <<EOF
name: bench_curve
topology: {network: star, validators: 5}
expectations:
  - consensus_liveness: {tolerance: 0.1}
custom:
  - name: ipcfeed
    role: workload
    command: 'tf-scanner --feed ipc://\$TF_RUN_DIR/ipcfeed.ipc'
run: {duration: $DURATION, seed: 1, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 5}
EOF

RUN="$WORK/run"
LOGOS_BLOCKCHAIN_LOG_LEVEL=INFO CI=true "$BUILD/bin/tf" run "$WORK/curve.yaml" \
    --listen tcp://127.0.0.1 --allow "$WORK/probe.cert" --run-dir "$RUN" \
    >"$WORK/tf.out" 2>&1 &
TF=$!
#  The probe needs the scanner's key: wait for run.json (30 s at most)
deadline=$(($(date +%s) + 30))
while [ ! -f "$RUN/run.json" ]; do
    if ! kill -0 "$TF" 2>/dev/null; then
        echo "curve.sh: tf ended early" >&2
        tail -20 "$WORK/tf.out" >&2
        exit 1
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "curve.sh: no run.json" >&2; exit 1; }
    sleep 0.05
done
FEED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoints"]["feed"])' \
    "$RUN/run.json")
"$BUILD/bench/feed_probe" --out "$WORK/records" --seconds "$PROBE_SECONDS" \
    --join "$RUN/run.json" --cert "$WORK/probe.cert_secret" \
    "curve=$FEED" "ipc=ipc://$RUN/ipcfeed.ipc" &
PROBE=$!
wait "$TF" || { echo "curve.sh: the run failed:" >&2; tail -20 "$WORK/tf.out" >&2; }
TF=""
kill "$PROBE" 2>/dev/null || true
wait "$PROBE" 2>/dev/null || true
PROBE=""

python3 - "$RUN" "$WORK/records" <<'PY'
import glob, json, re, sys
from datetime import datetime, timezone
run, records = sys.argv[1], sys.argv[2]
produced = {}
pattern = re.compile(r'^(\S+Z) .*block produced .*id=([0-9a-f]+)')
for log in glob.glob(run + '/nodes/*/node.log'):
    for line in open(log, errors='replace'):
        match = pattern.match(line)
        if match:
            stamp = datetime.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S.%fZ')
            produced[match.group(2)] = stamp.replace(tzinfo=timezone.utc).timestamp() * 1000
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
print('feed latency, 5 nodes (block produced at its node -> feed.block at the probe):')
for label in ('curve', 'ipc'):
    values = latency.get(label, [])
    if not values:
        print('  %-6s no records matched' % label)
        continue
    print('  %-6s blocks=%4d p50=%6.0f ms p99=%6.0f ms max=%6.0f ms'
          % (label, len(values), percentile(values, 0.5), percentile(values, 0.99), max(values)))
print('  security: %s' % json.load(open(run + '/report.json')).get('security'))
PY

#  ---------------------------------------------------------------------------
#  2. Registration time of 50 remote actors: 50 custom expectations without a
#     command on the none runner, each a tf-test-actor joining with run.json and
#     the probe's certificate; the register phase of report.json

ACTORS=${CURVE_BENCH_ACTORS:-50}
{
    echo "name: bench_curve_register"
    echo "custom:"
    index=0
    while [ "$index" -lt "$ACTORS" ]; do
        echo "  - {name: remote$index, role: expectation}"
        index=$((index + 1))
    done
    echo "run: {duration: 1s, runner: none}"
} > "$WORK/register.yaml"
RUN2="$WORK/register"
CI=true "$BUILD/bin/tf" run "$WORK/register.yaml" --listen tcp://127.0.0.1 \
    --allow "$WORK/probe.cert" --attach-timeout 120s --run-dir "$RUN2" >"$WORK/register.out" 2>&1 &
TF=$!
deadline=$(($(date +%s) + 30))
while [ ! -f "$RUN2/run.json" ]; do
    kill -0 "$TF" 2>/dev/null || { echo "curve.sh: tf ended early" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "curve.sh: no run.json" >&2; exit 1; }
    sleep 0.05
done
index=0
while [ "$index" -lt "$ACTORS" ]; do
    TF_ACTOR_NAME=remote$index TF_JOIN="$RUN2/run.json" TF_CERT="$WORK/probe.cert_secret" \
        "$BUILD/bin/tf-test-actor" --role expectation >/dev/null 2>&1 &
    index=$((index + 1))
done
wait "$TF" || echo "curve.sh: the registration run failed (see $RUN2)" >&2
TF=""
wait
python3 - "$RUN2/report.json" "$ACTORS" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
register = [p for p in report.get('phases', []) if p['phase'] == 'register']
if register and 'ended_ms' in register[0]:
    print('registration of %s remote actors (CURVE tcp): %d ms (verdict %s)'
          % (sys.argv[2], register[0]['ended_ms'] - register[0]['started_ms'], report['verdict']))
else:
    print('registration of %s remote actors did not finish (verdict %s)'
          % (sys.argv[2], report.get('verdict')))
PY
