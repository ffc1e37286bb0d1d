#!/bin/sh
#  test_k8s.sh - the k8s runner against a cluster, when one answers.
#
#  Always (no cluster needed, nothing leaves loopback): with KUBECONFIG a file
#  written here whose only cluster is https://127.0.0.1:<a closed port>,
#  `tf run --runner k8s` exits 3 naming the context it tried, and with a
#  config that has no current context it says "no current context".
#  Then, only when TF_TEST_KUBECONFIG names the kubeconfig of a cluster that
#  answers `kubectl cluster-info` (the test never uses the user's default
#  config, so it cannot reach a cluster nobody chose): smoke, a restart chaos
#  run and a partition run end to end, each leaving every node's log in the
#  run directory and no namespace behind. Otherwise the live part is skipped
#  (exit 77) and says why.
#  Usage: test_k8s.sh BIN_DIR SOURCE_DIR
set -eu
bin=$1
source=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/tf-k8s-live-XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail () { echo "test_k8s: FAIL: $*" >&2; exit 1; }
command -v kubectl > /dev/null || { echo "test_k8s: SKIP: kubectl is not installed"; exit 77; }
unset TF_K8S_CONTEXT K8S_RUNNER_NAMESPACE K8S_RUNNER_PRESERVE

"$source/tests/k8s/closed_kubeconfig.sh" "$dir/closed.kubeconfig"
status=0
KUBECONFIG=$dir/closed.kubeconfig "$bin/tf" run "$source/scenarios/smoke.yaml" --runner k8s \
    --run-dir "$dir/closed" > "$dir/closed.out" 2>&1 || status=$?
[ "$status" = 3 ] || fail "no cluster: exit $status, expected 3: $(tail -5 "$dir/closed.out")"
grep -q "no Kubernetes cluster answers (kubectl cluster-info, context 'tf-test-closed'" \
    "$dir/closed.out" || fail "the context is not named: $(tail -5 "$dir/closed.out")"
[ ! -d "$dir/closed/k8s" ] || fail "manifests written though no cluster answers"

printf 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n' > "$dir/empty.kubeconfig"
status=0
KUBECONFIG=$dir/empty.kubeconfig "$bin/tf" run "$source/scenarios/smoke.yaml" --runner k8s \
    --run-dir "$dir/empty" > "$dir/empty.out" 2>&1 || status=$?
[ "$status" = 3 ] && grep -q "context 'no current context'" "$dir/empty.out" \
    || fail "no context: exit $status: $(tail -5 "$dir/empty.out")"
echo "test_k8s: without a cluster: exit 3, naming the context"

if [ -z "${TF_TEST_KUBECONFIG:-}" ]; then
    echo "test_k8s: SKIP: live runs need a cluster: set TF_TEST_KUBECONFIG to its kubeconfig"
    exit 77
fi
export KUBECONFIG=$TF_TEST_KUBECONFIG
kubectl cluster-info --request-timeout 10s > "$dir/cluster.out" 2>&1 || {
    echo "test_k8s: SKIP: the cluster of TF_TEST_KUBECONFIG does not answer: $(head -1 "$dir/cluster.out")"
    exit 77; }

#  run NAME SCENARIO: a live run that must pass and leave logs, no namespace
live () {
    name=$1 scenario=$2
    status=0
    "$bin/tf" run "$scenario" --runner k8s --run-dir "$dir/$name" > "$dir/$name.out" 2>&1 \
        || status=$?
    [ "$status" = 0 ] || fail "$name: exit $status: $(tail -20 "$dir/$name.out")"
    for log in "$dir/$name"/nodes/*/node.log; do
        [ -s "$log" ] || fail "$name: empty or missing $log"
    done
    id=$(sed -n 's/^tf: run \([A-Za-z0-9-]*\) .*/\1/p' "$dir/$name.out")
    [ -n "$id" ] || fail "$name: no run id in the output"
    left=$(kubectl get namespaces -l "tf.run=$id" -o name)
    [ -z "$left" ] || fail "$name: namespace left behind: $left"
    echo "test_k8s: $name passed"
}
live smoke "$source/scenarios/smoke.yaml"
live restart "$source/tests/data/scenarios/chaos_restart.yaml"
grep -q "restart" "$dir/restart/report.json" || fail "restart: no restart in the report"
live partition "$source/tests/data/scenarios/chaos_partition_heal.yaml"
grep -q "NetworkPolicy" "$dir/partition/report.json" || fail "partition: no NetworkPolicy note"
echo "test_k8s: ok"
