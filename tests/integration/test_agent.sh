#!/bin/sh
#  test_agent.sh MODE - nodes on three hosts: network namespaces the test
#  makes, joined by veth pairs to the first (10.x.y.1 there, .2 and .3 in the
#  others): tf, the coordinator and validator-0 (the star's hub, on tf's own
#  host "main") in the first, `tf agent` with validator-1 and validator-2 in
#  the second ("far"), another agent with validator-3 in the third ("near").
#    pass    the run passes with node control on every host (random restarts,
#            validator-3 paused on near, validator-2 on far cut off and healed),
#            each done; report.json gives each node its host and URL; each
#            agent's nodes' logs are copied into the run directory; a
#            remote Python actor in the third namespace joins the run
#            (tf run --listen) and must see blocks over the CURVE feed, and a
#            client with a key the agent does not allow is refused and logged
#            (both left out, and said, without a python3 whose pyzmq has CURVE);
#            first, a run without TF_AGENT_CERT fails at deploy saying so
#    killed  the far agent is killed (SIGKILL) in execute: the run aborts
#            (exit 3) naming host far, and nothing of the run is left in any
#            namespace
#  Skipped (77) when network namespaces cannot be made (not root, no ip).
set -eu
: "${TF_SOURCE_DIR:?}" "${TF_BIN_DIR:?}"
mode=${1:?usage: test_agent.sh pass|killed}
tf="$TF_BIN_DIR/tf"

if [ "$(id -u)" -ne 0 ] || ! command -v ip > /dev/null; then
    echo "SKIP: network namespaces need root and ip (iproute2)"
    exit 77
fi
ns_main="tf-agent-$$-a"
ns_far="tf-agent-$$-b"
ns_near="tf-agent-$$-c"
octet=$(($$ % 250 + 1))
main_address="10.$octet.78.1"
far_address="10.$octet.78.2"
near_main="10.$octet.79.1"
near_address="10.$octet.79.3"

work=$(mktemp -d /tmp/tf-agent-XXXXXX)
tf_pid=""
far_pid=""
near_pid=""
actor_pid=""
cleanup() {
    for pid in $tf_pid $far_pid $near_pid $actor_pid; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    for ns in $ns_main $ns_far $ns_near; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

if ! ip netns add "$ns_main" 2>/dev/null; then
    echo "SKIP: cannot make a network namespace here"
    exit 77
fi
ip netns add "$ns_far"
ip netns add "$ns_near"
#  Only the test's own namespaces: a veth pair from main to each, loopback in each
ip link add "tfa$$" netns "$ns_main" type veth peer name "tfb$$" netns "$ns_far"
ip link add "tfc$$" netns "$ns_main" type veth peer name "tfd$$" netns "$ns_near"
ip -n "$ns_main" addr add "$main_address/24" dev "tfa$$"
ip -n "$ns_far" addr add "$far_address/24" dev "tfb$$"
ip -n "$ns_main" addr add "$near_main/24" dev "tfc$$"
ip -n "$ns_near" addr add "$near_address/24" dev "tfd$$"
for ns in $ns_main $ns_far $ns_near; do
    ip -n "$ns" link set lo up
done
ip -n "$ns_main" link set "tfa$$" up
ip -n "$ns_main" link set "tfc$$" up
ip -n "$ns_far" link set "tfb$$" up
ip -n "$ns_near" link set "tfd$$" up
#  The near host reaches main's address through its own link
ip -n "$ns_near" route add "$main_address/32" dev "tfd$$" src "$near_address" 2>/dev/null || true
ip -n "$ns_main" route add "$near_address/32" dev "tfc$$" 2>/dev/null || true

fail() {
    echo "FAIL: $*"
    cat "$work/tf.out" 2>/dev/null || true
    for log in "$work"/run/logs/*.log "$work"/*.log; do
        [ -f "$log" ] && { echo "== $log"; tail -n 30 "$log"; }
    done
    exit 1
}

#  Wait until FILE holds a line matching PATTERN, or fail after SECONDS
wait_for() {
    file=$1 pattern=$2 seconds=$3 pid=$4
    deadline=$(($(date +%s) + seconds))
    while :; do
        if [ -f "$file" ] && grep -q -- "$pattern" "$file"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || fail "process $pid ended before $file had '$pattern'"
        [ "$(date +%s)" -lt "$deadline" ] || fail "no '$pattern' in $file after ${seconds}s"
        sleep 0.05 #  A poll under the deadline: another process writes the file
    done
}

python=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import zmq, msgpack, sys; sys.exit(not zmq.has("curve"))' 2>/dev/null
    then
        python=$(command -v "$candidate")
        break
    fi
done
if [ "$mode" != pass ]; then
    python="" #  The remote actor belongs to the passing run
elif [ -z "$python" ]; then
    echo "note: no python3 with pyzmq (with CURVE): no remote Python actor"
fi

"$tf" keys new coordinator --dir "$work" > /dev/null || fail "tf keys new coordinator"
"$tf" keys new remote --dir "$work" > /dev/null || fail "tf keys new remote"
ip netns exec "$ns_far" "$tf" agent --listen "tcp://$far_address:7101" \
    --allow "$work/coordinator.cert" --dir "$work/far" > "$work/far.log" 2>&1 &
far_pid=$!
ip netns exec "$ns_near" "$tf" agent --listen "tcp://$near_address:7102" \
    --allow "$work/coordinator.cert" --dir "$work/near" > "$work/near.log" 2>&1 &
near_pid=$!
wait_for "$work/far.log" "listening on" 30 "$far_pid"
wait_for "$work/near.log" "listening on" 30 "$near_pid"

duration=10s
[ "$mode" = killed ] && duration=60s
cat > "$work/hosts.yaml" <<YAML
name: agents
topology: {network: star, validators: 4}
hosts:
  - {name: main, address: "$main_address", nodes: [validator-0]}
  - name: far
    agent: "tcp://$far_address:7101"
    cert: far/agent.cert
    address: "$far_address"
    nodes: [validator-1, validator-2]
  - {name: near, agent: "tcp://$near_address:7102", cert: near/agent.cert, address: "$near_address"}
expectations:
  - consensus_liveness: {max_stall: 5s}
YAML
[ -z "$python" ] || echo "custom: [{name: remote, role: expectation}]" >> "$work/hosts.yaml"
[ "$mode" != pass ] || cat >> "$work/hosts.yaml" <<YAML
node_control: true
workloads:
  - chaos_random_restart: {min_delay: 2s, max_delay: 3s, target_cooldown: 60s}
  - chaos_pause: {node: validator-3, delay: 1s, window: 2s}
  - chaos_partition: {group: validator-2, delay: 5s, window: 2s}
YAML
cat >> "$work/hosts.yaml" <<YAML
run: {duration: $duration, seed: 11, runner: local}
consensus: {slot: 200ms, active_slot_coeff: 0.5, security_param: 10}
YAML
"$tf" validate "$work/hosts.yaml" > /dev/null || fail "the scenario does not validate"

if [ "$mode" = pass ]; then
    #  Without the certificate the agents allow, deploy fails saying so
    refused=0
    grep -v '^custom:' "$work/hosts.yaml" > "$work/nocert.yaml"
    ip netns exec "$ns_main" "$tf" run "$work/nocert.yaml" --run-dir "$work/nocert" \
        > "$work/nocert.out" 2>&1 || refused=$?
    [ "$refused" -eq 3 ] || fail "a run without TF_AGENT_CERT exited $refused, expected 3"
    grep -q "set TF_AGENT_CERT" "$work/nocert.out" || fail "no word of TF_AGENT_CERT: $(cat "$work/nocert.out")"
fi

listen=""
[ -z "$python" ] || listen="--listen tcp://$main_address --allow $work/remote.cert"
# shellcheck disable=SC2086 # listen is two options or none
TF_AGENT_CERT="$work/coordinator.cert_secret" ip netns exec "$ns_main" \
    "$tf" run "$work/hosts.yaml" $listen --attach-timeout 60s --run-dir "$work/run" \
    > "$work/tf.out" 2>&1 &
tf_pid=$!
actor_pid=""
if [ -n "$python" ]; then
    wait_for "$work/run/run.json" '"coordinator"' 30 "$tf_pid"
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
        PYTHONPATH="$TF_SOURCE_DIR/clients/python" ip netns exec "$ns_near" "$python" \
        "$work/blocks.py" > "$work/remote.log" 2>&1 &
    actor_pid=$!
fi

#  Nothing of the run left in any namespace: no process whose command line
#  names one of its node directories (here, on tf's side or an agent's)
leftover() {
    for proc in /proc/[0-9]*; do
        cmdline=$({ tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null || true)
        case "$cmdline" in
            *"$work/run/"*|*"$work/far/runs/"*|*"$work/near/runs/"*) echo "${proc#/proc/}: $cmdline" ;;
        esac
    done
}

wait_for "$work/tf.out" "phase execute" 90 "$tf_pid"
#  The check sees the run's nodes while they run: one per node, on every host
running=$(leftover)
for dir in "$work/run/nodes/validator-0" "$work/far/runs/" "$work/near/runs/"; do
    echo "$running" | grep -q -- "$dir" || fail "no node of $dir seen running: $running"
done
[ "$(echo "$running" | grep -c node.yaml)" -eq 4 ] || fail "not 4 nodes running: $running"
if [ "$mode" = killed ]; then
    kill -9 "$far_pid"
    wait "$far_pid" 2>/dev/null || true
    far_pid=""
fi

status=0
wait "$tf_pid" || status=$?
tf_pid=""
report="$work/run/report.json"
[ -f "$report" ] || fail "no report.json"

#  No sanitizer report in any log (an ASan build's tf, agents and actors)
sanitized=$(grep -l "Sanitizer" "$work"/run/logs/*.log "$work"/*.log 2>/dev/null || true)
[ -z "$sanitized" ] || fail "sanitizer reports in: $sanitized"

if [ "$mode" = killed ]; then
    [ "$status" -eq 3 ] || fail "tf exited $status, expected 3 (aborted)"
    grep -q 'host far lost' "$work/tf.out" || fail "tf did not say host far was lost"
    grep -q '"host far lost' "$report" || grep -q 'host far lost' "$report" \
        || fail "report.json does not name host far"
    #  near's agent drops the run once it goes silent (TF_AGENT_LOST_MS)
    wait_for "$work/near.log" "dropped" 20 "$near_pid"
    left=$(leftover)
    [ -z "$left" ] || fail "left running: $left"
    grep -m 1 'host far lost' "$work/tf.out"
    echo "killed agent aborts the run naming host far; nothing left running: ok"
    exit 0
fi
[ "$status" -eq 0 ] || fail "tf exited $status, expected 0"
grep -q "validator-1 on far" "$work/tf.out" || fail "progress does not show validator-1 on far"
"${python:-python3}" - "$report" "$main_address" "$far_address" "$near_address" "$python" \
    <<'PY' || fail "report.json"
import json, sys
report = json.load(open(sys.argv[1]))
main, far, near, remote = sys.argv[2:6]
where = {n["name"]: (n.get("host"), n["api_url"]) for n in report["nodes"]}
expected = {"validator-0": ("main", main), "validator-1": ("far", far),
            "validator-2": ("far", far), "validator-3": ("near", near)}
for name, (host, address) in expected.items():
    assert where[name][0] == host, (name, where[name])
    assert where[name][1].startswith("http://%s:" % address), (name, where[name])
assert all(r["passed"] for r in report["expectations"]), report["expectations"]
#  Node control reached the agents' nodes: each request done, none failed
chaos = report["chaos"]
done = [e["detail"] for e in chaos if e["kind"] == "node.control.done"]
failed = [e for e in chaos if e["kind"] not in ("node.control", "node.control.done")]
assert not failed, failed
for wanted in ("pause validator-3 ok", "resume validator-3", "partition", "heal"):
    assert any(d.startswith(wanted) for d in done), (wanted, done)
restarted = {e["node"] for e in chaos
             if e["kind"] == "node.control.done" and e["detail"].startswith("restart")}
assert restarted & {"validator-1", "validator-2", "validator-3"}, ("no remote restart", done)
print("node control on the agents' hosts:", "; ".join(done))
results = {r["name"]: r for r in report["expectations"]}
if remote:
    assert results["remote"]["details"]["blocks"] > 0, results["remote"]
    print("remote Python actor on host near saw", results["remote"]["details"]["blocks"],
          "blocks")
print("nodes on three hosts passed:", where)
PY
grep -m 1 "^nodes: \|nodes: validator-0" "$work/tf.out"
if [ -n "$python" ]; then
    #  A client whose key the agent does not allow is refused and logged with its address
    "$tf" keys new stranger --dir "$work" > /dev/null || fail "tf keys new stranger"
    ip netns exec "$ns_main" "$python" - "$work/stranger.cert_secret" "$work/far/agent.cert" \
        "tcp://$far_address:7101" <<'PY' || fail "the stranger's attempt"
import sys, time, zmq, zmq.auth
public, secret = zmq.auth.load_certificate(sys.argv[1])
server, _ = zmq.auth.load_certificate(sys.argv[2])
sock = zmq.Context.instance().socket(zmq.DEALER)
sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server
sock.linger = 0
sock.connect(sys.argv[3])
sock.send_multipart([b"PING", b"x"])
assert not sock.poll(1500), "the agent answered a stranger"
PY
    wait_for "$work/far/refused.log" "^$main_address " 10 "$far_pid"
    echo "a stranger's key is refused by the agent and logged"
fi
wait_for "$work/far.log" "dropped (the run ended)" 20 "$far_pid"
#  Each host has the directories of its own nodes only (tf's side holds the
#  copies of the other hosts' nodes' logs, nothing else of them)
for node in far/runs/*/nodes/validator-0 near/runs/*/nodes/validator-1; do
    set -- "$work"/$node
    [ ! -e "$1" ] || fail "$node is on a host that does not run it"
done
for node in run/nodes/validator-1 run/nodes/validator-3; do
    [ "$(ls "$work/$node")" = node.log ] || fail "$node holds more than its log: $(ls "$work/$node")"
done
#  At cleanup the agents removed their nodes' data and kept their logs; tf
#  copied each (what the node wrote until its agent stopped it) into the run dir
for node in far/runs/*/nodes/validator-1 far/runs/*/nodes/validator-2 near/runs/*/nodes/validator-3; do
    set -- "$work"/$node
    [ -f "$1/node.log" ] || fail "no log of $node left on its host"
    [ ! -e "$1/db" ] || fail "the data of $node is still on its host"
    copy="$work/run/nodes/${node##*/}/node.log"
    grep -q "mode Online" "$copy" 2>/dev/null || fail "no copy of ${node##*/}'s log in the run dir"
    head -c "$(wc -c < "$copy")" "$1/node.log" | cmp -s - "$copy" \
        || fail "the run dir's copy of ${node##*/}'s log is not its host's"
done
echo "the agents' nodes' logs are in the run directory"
left=$(leftover)
[ -z "$left" ] || fail "left running: $left"
#  A stopped agent exits 0 (under the sanitizers: nothing leaked or misused)
for agent in far near; do
    eval "pid=\$${agent}_pid"
    kill -TERM "$pid"
    agent_status=0
    wait "$pid" || agent_status=$?
    eval "${agent}_pid=''"
    [ "$agent_status" -eq 0 ] || fail "agent $agent exited $agent_status when stopped"
done
