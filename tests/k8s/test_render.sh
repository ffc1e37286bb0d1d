#!/bin/sh
#  test_render.sh - `tf render --runner k8s` offline: the rendered kustomization
#  of smoke and a chaos scenario equals its golden copy (tests/data/golden/k8s/),
#  `kubectl kustomize` builds it into the objects expected (one Deployment with
#  replicas 1 and one Service per node, every object labelled with the run,
#  requests and limits, the Prometheus server), what the runner cannot do and
#  bad resources are refused with line:column, and kustomize refuses a
#  kustomization whose config file is missing. No cluster is contacted.
#  Usage: test_render.sh BIN_DIR SOURCE_DIR   (TF_UPDATE_GOLDEN=1 rewrites the goldens)
set -eu
bin=$1
source=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/tf-k8s-render-XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail () { echo "test_render: FAIL: $*" >&2; exit 1; }
golden=$source/tests/data/golden/k8s
scenarios=$source/tests/data/scenarios
command -v kubectl > /dev/null || { echo "test_render: SKIP: kubectl is not installed"; exit 77; }
#  The image and namespace fixed, so the files are the same on every machine
export TF_K8S_IMAGE=tf-node:golden
unset K8S_RUNNER_NAMESPACE TF_K8S_IMAGE_PULL_POLICY TF_K8S_PROMETHEUS_IMAGE

#  count WORD FILE: documents of kind WORD in a kustomize output
count () { grep -c "^kind: $1\$" "$2" || true; }

for case in "smoke $source/scenarios/smoke.yaml 2 0" "k8s_chaos $scenarios/k8s_chaos.yaml 4 1"; do
    set -- $case
    name=$1 scenario=$2 nodes=$3 prometheus=$4
    out=$dir/$name
    "$bin/tf" render "$scenario" --runner k8s --out "$out" > "$dir/$name.log" 2>&1 \
        || fail "$name: tf render: $(cat "$dir/$name.log")"
    grep -q "wrote $nodes nodes into $out (namespace tf-render, image tf-node:golden)" \
        "$dir/$name.log" || fail "$name: unexpected summary: $(cat "$dir/$name.log")"
    files="kustomization.yaml namespace.yaml nodes.yaml"
    [ "$prometheus" = 0 ] || files="$files prometheus.yaml"
    for file in $files; do
        if [ "${TF_UPDATE_GOLDEN:-0}" = 1 ]; then
            mkdir -p "$golden/$name" && cp "$out/$file" "$golden/$name/$file"
        fi
        diff -u "$golden/$name/$file" "$out/$file" || fail "$name: $file differs from its golden"
    done
    [ "$prometheus" = 1 ] || [ ! -e "$out/prometheus.yaml" ] || fail "$name: prometheus.yaml unasked"

    kubectl kustomize "$out" > "$dir/$name.yaml" 2> "$dir/$name.err" \
        || fail "$name: kubectl kustomize: $(cat "$dir/$name.err")"
    objects=$dir/$name.yaml
    [ "$(count Namespace "$objects")" = 1 ] || fail "$name: expected one Namespace"
    [ "$(count Deployment "$objects")" = $((nodes + prometheus)) ] || fail "$name: Deployments"
    [ "$(count Service "$objects")" = $((nodes + prometheus)) ] || fail "$name: Services"
    [ "$(count ConfigMap "$objects")" = $((nodes + 1 + prometheus)) ] || fail "$name: ConfigMaps"
    [ "$(grep -c '^  replicas: 1$' "$objects")" = $((nodes + prometheus)) ] \
        || fail "$name: every Deployment has replicas 1"
    #  Every object is in the run's namespace (but the Namespace) and has the run's label
    documents=$(grep -c '^kind: ' "$objects")
    [ "$(grep -c '^  namespace: tf-render$' "$objects")" = $((documents - 1)) ] \
        || fail "$name: objects outside the namespace"
    [ "$(grep -c '^    tf.run: render$' "$objects")" -ge "$documents" ] \
        || fail "$name: objects without the tf.run label"
    #  Each node's peers are Services, by name
    grep -q '"/dns4/validator-0/tcp/3000"' "$objects" || fail "$name: peers not by Service name"
done

#  Requests and limits from the scenario, on every node container
[ "$(grep -c '^            cpu: 250m$' "$dir/k8s_chaos.yaml")" = 4 ] || fail "cpu requests"
[ "$(grep -c '^            memory: 512Mi$' "$dir/k8s_chaos.yaml")" = 4 ] || fail "memory limits"
! grep -q 'resources:' "$dir/smoke.yaml" || fail "smoke has resources it did not ask for"
grep -q 'targets: \["executor-0:18080"\]' "$dir/k8s_chaos/config/prometheus.yml" \
    || fail "Prometheus does not scrape executor-0"

#  The pull policy and namespace from the environment; a bad policy is refused
TF_K8S_IMAGE_PULL_POLICY=Never K8S_RUNNER_NAMESPACE=mine "$bin/tf" render \
    "$source/scenarios/smoke.yaml" --runner k8s --out "$dir/env" > /dev/null 2>&1 || fail "env render"
grep -q 'imagePullPolicy: Never' "$dir/env/nodes.yaml" || fail "TF_K8S_IMAGE_PULL_POLICY ignored"
grep -q '^namespace: mine$' "$dir/env/kustomization.yaml" || fail "K8S_RUNNER_NAMESPACE ignored"
status=0
TF_K8S_IMAGE_PULL_POLICY=Sometimes "$bin/tf" render "$source/scenarios/smoke.yaml" --runner k8s \
    --out "$dir/bad" > /dev/null 2> "$dir/policy.err" || status=$?
[ "$status" = 2 ] && grep -q "TF_K8S_IMAGE_PULL_POLICY: expected Always, IfNotPresent or Never, got 'Sometimes'" \
    "$dir/policy.err" || fail "a bad pull policy: status $status $(cat "$dir/policy.err")"

#  What the runner cannot do, and bad resources: exit 2 at the key's line and column
status=0
"$bin/tf" render "$scenarios/chaos_k8s.yaml" --runner k8s --out "$dir/pause" 2> "$dir/pause.err" \
    > /dev/null || status=$?
[ "$status" = 2 ] && grep -q "chaos_k8s.yaml:7:18: workloads\[0\].chaos_pause: chaos_pause needs node control that runner 'k8s' cannot do: pause, resume" \
    "$dir/pause.err" || fail "chaos_pause on k8s: status $status $(cat "$dir/pause.err")"
[ ! -e "$dir/pause" ] || fail "a refused scenario was rendered"
status=0
"$bin/tf" render "$scenarios/k8s_bad_resources.yaml" --runner k8s --out "$dir/res" \
    2> "$dir/res.err" > /dev/null || status=$?
[ "$status" = 2 ] || fail "bad resources: status $status"
grep -q "k8s_bad_resources.yaml:6:17: node.limits.cpu: expected at least the request node.requests.cpu ('500m'), got '250m'" \
    "$dir/res.err" || fail "limit below request: $(cat "$dir/res.err")"
grep -q "k8s_bad_resources.yaml:6:31: node.limits.memory: expected a memory quantity" \
    "$dir/res.err" || fail "bad memory: $(cat "$dir/res.err")"

#  Usage: only k8s has manifests; --out is required; --help says so
status=0
"$bin/tf" render "$source/scenarios/smoke.yaml" --runner compose --out "$dir/c" 2> /dev/null || status=$?
[ "$status" = 2 ] || fail "--runner compose: status $status"
status=0
"$bin/tf" render "$source/scenarios/smoke.yaml" --runner k8s 2> /dev/null || status=$?
[ "$status" = 2 ] || fail "no --out: status $status"
"$bin/tf" render --help | grep -q "kubectl kustomize DIR" || fail "--help"

#  kustomize itself refuses a kustomization that lost a config file
rm "$dir/smoke/config/validator-1/node.yaml"
if kubectl kustomize "$dir/smoke" > /dev/null 2>&1; then
    fail "kubectl kustomize accepted a kustomization with a missing file"
fi
echo "test_render: ok"
