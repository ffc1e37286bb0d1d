#!/bin/sh
#  test_remote_actor.sh MODE - a run on tcp with CURVE (tf run --listen
#  tcp://127.0.0.1) and a custom expectation that attaches by itself, started
#  by the test once run.json appears, with a certificate allowed by --allow:
#    c        the C runtime (tf-test-actor) joins with TF_JOIN and TF_CERT; a
#             client whose certificate is not allowed is refused first: the
#             run passes and report.json counts the refusal with its address
#    python   tfactor joins and must see blocks over the CURVE feed to pass
#             (skipped, 77, without a python3 whose pyzmq has CURVE)
#    killed   the joined actor is killed in execute: the run aborts naming it
#    netns    as c, across two network namespaces the test makes (a veth pair,
#             10.x.y.1 and .2 inside them): tf and its nodes in one, the
#             remote actor and the stranger in the other; the refusal is
#             counted from the other namespace's address (skipped, 77, when
#             not root or without ip)
set -eu
: "${TF_SOURCE_DIR:?}" "${TF_BIN_DIR:?}"
mode=${1:?usage: test_remote_actor.sh c|python|killed}
tf="$TF_BIN_DIR/tf"

python=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import zmq, msgpack, sys; sys.exit(not zmq.has("curve"))' 2>/dev/null
    then
        python=$(command -v "$candidate")
        break
    fi
done
if [ "$mode" = python ] && [ -z "$python" ]; then
    echo "SKIP: no python3 with pyzmq (with CURVE) and msgpack (Debian: python3-zmq)"
    exit 77
fi

in_tf=""    #  Prefix of the commands on tf's side, and on the remote side
in_remote=""
listen=tcp://127.0.0.1
remote_address=127.0.0.1
ns_tf=""
ns_remote=""
if [ "$mode" = netns ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v ip > /dev/null; then
        echo "SKIP: network namespaces need root and ip (iproute2)"
        exit 77
    fi
    ns_tf="tf-test-$$-a"
    ns_remote="tf-test-$$-b"
    octet=$(($$ % 250 + 1))
    listen="tcp://10.$octet.77.1"
    remote_address="10.$octet.77.2"
fi

work=$(mktemp -d /tmp/tf-remote-XXXXXX)
tf_pid=""
actor_pid=""
stranger_pid=""
cleanup() {
    for pid in $stranger_pid $actor_pid $tf_pid; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    for ns in $ns_tf $ns_remote; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

if [ "$mode" = netns ]; then
    #  Only the test's own namespaces: a veth pair between them, loopback in each
    ip netns add "$ns_tf"
    ip netns add "$ns_remote"
    ip link add "tfa$$" netns "$ns_tf" type veth peer name "tfb$$" netns "$ns_remote"
    ip -n "$ns_tf" addr add "${listen#tcp://}/24" dev "tfa$$"
    ip -n "$ns_remote" addr add "$remote_address/24" dev "tfb$$"
    for ns in $ns_tf $ns_remote; do
        ip -n "$ns" link set lo up
    done
    ip -n "$ns_tf" link set "tfa$$" up
    ip -n "$ns_remote" link set "tfb$$" up
    in_tf="ip netns exec $ns_tf"
    in_remote="ip netns exec $ns_remote"
fi

fail() {
    echo "FAIL: $*"
    cat "$work/tf.out" 2>/dev/null || true
    for log in "$work"/run/logs/*.log "$work"/*.log; do
        [ -f "$log" ] && { echo "== $log"; tail -n 20 "$log"; }
    done
    exit 1
}

#  Wait until FILE holds a line matching PATTERN ("" for: exists), or fail
#  after SECONDS; a run that ends first fails at once
wait_for() {
    file=$1 pattern=$2 seconds=$3
    deadline=$(($(date +%s) + seconds))
    while :; do
        if [ -f "$file" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$file"; }; then
            return 0
        fi
        kill -0 "$tf_pid" 2>/dev/null || fail "tf ended before $file had '$pattern'"
        [ "$(date +%s)" -lt "$deadline" ] || fail "no '$pattern' in $file after ${seconds}s"
        sleep 0.05 #  A poll under the deadline: another process writes the file
    done
}

"$tf" keys new remote --dir "$work" > /dev/null || fail "tf keys new remote"
"$tf" keys new stranger --dir "$work" > /dev/null || fail "tf keys new stranger"
[ "$(stat -c %a "$work/remote.cert_secret")" = 600 ] || fail "secret file is not mode 0600"

duration=6s
[ "$mode" = killed ] && duration=20s
cat > "$work/remote.yaml" <<YAML
name: remote_actor
topology: {network: star, validators: 2}
custom:
  - {name: remote, role: expectation}
expectations:
  - consensus_liveness: {max_stall: 5s}
run: {duration: $duration, seed: 7, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 3}
YAML

$in_tf "$tf" run "$work/remote.yaml" --listen "$listen" --allow "$work/remote.cert" \
    --attach-timeout 60s --run-dir "$work/run" > "$work/tf.out" 2>&1 &
tf_pid=$!
wait_for "$work/run/run.json" "" 30
grep -q '"coordinator"' "$work/run/run.json" || fail "run.json has no server keys"
grep -q "\"control\": \"$listen:[0-9]*\"" "$work/run/run.json" || fail "run.json: no tcp port"

start_c_actor() { #  NAME CERT
    TF_ACTOR_NAME=$1 TF_ACTOR_ROLE=expectation TF_JOIN="$work/run/run.json" \
        TF_CERT="$2" $in_remote "$TF_BIN_DIR/tf-test-actor" --role expectation \
        > "$work/$1.log" 2>&1 &
}

if [ "$mode" = c ] || [ "$mode" = netns ]; then
    #  Refused first, while the run waits for the remote actor
    start_c_actor remote "$work/stranger.cert_secret"
    stranger_pid=$!
    wait_for "$work/run/refused.log" "^$remote_address " 30
    kill "$stranger_pid"
    wait "$stranger_pid" 2>/dev/null || true
    stranger_pid=""
fi
if [ "$mode" = python ]; then
    cat > "$work/blocks.py" <<'PY'
import tfactor

class Blocks(tfactor.Actor):
    feed_topics = ("feed.block",)

    def on_start(self):
        self.blocks = 0

    def on_feed(self, topic, body):
        self.blocks += 1

    def on_phase(self, phase):
        if phase == "evaluate":
            self.send_result(self.blocks > 0, "%d blocks" % self.blocks,
                             {"blocks": self.blocks})
        return tfactor.ACK

raise SystemExit(Blocks().run())
PY
    TF_ACTOR_NAME=remote TF_JOIN="$work/run/run.json" TF_CERT="$work/remote.cert_secret" \
        PYTHONPATH="$TF_SOURCE_DIR/clients/python" "$python" "$work/blocks.py" \
        > "$work/remote.log" 2>&1 &
else
    start_c_actor remote "$work/remote.cert_secret"
fi
actor_pid=$!

if [ "$mode" = killed ]; then
    wait_for "$work/tf.out" "phase execute" 60
    kill -9 "$actor_pid"
    wait "$actor_pid" 2>/dev/null || true
    actor_pid=""
fi

status=0
wait "$tf_pid" || status=$?
tf_pid=""
report="$work/run/report.json"
[ -f "$report" ] || fail "no report.json"

if [ "$mode" = killed ]; then
    [ "$status" -eq 3 ] || fail "tf exited $status, expected 3 (aborted)"
    grep -q '"actor": "remote"' "$report" || fail "the abort does not name the remote actor"
    grep -q 'aborted' "$work/tf.out" || fail "tf did not say the run aborted"
    echo "killed remote actor aborts the run naming it: ok"
    exit 0
fi
[ "$status" -eq 0 ] || fail "tf exited $status, expected 0"
py=${python:-/usr/bin/python3}
"$py" - "$report" "$mode" "$remote_address" <<'PY' || fail "report.json"
import json, sys
report, mode, address = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
results = {r["name"]: r for r in report["expectations"]}
assert results["remote"]["passed"], results["remote"]
security = report["security"]
if mode in ("c", "netns"):
    assert security["refused"] >= 1 and security["refused_from"] == [address], security
else:
    assert security == {"refused": 0, "refused_from": []}, security
    assert results["remote"]["details"]["blocks"] > 0, results["remote"]
print("remote actor (%s) passed; security %s" % (mode, security))
PY
