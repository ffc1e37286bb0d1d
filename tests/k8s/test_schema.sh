#!/bin/sh
#  test_schema.sh - the rendered manifests of smoke and a chaos scenario, as
#  `kubectl kustomize` builds them, pass a schema validation against the
#  Kubernetes OpenAPI definitions (npm kubernetes-models, whose validate()
#  checks each object against the JSON schema generated from them), so do
#  the NetworkPolicies of a partition, and a broken manifest (replicas a
#  string, a container without a name) is
#  refused. The validator is installed with `npm ci` from tests/k8s's
#  package.json and lock into WORK_DIR (reused while the lock is the same);
#  without npm, or when its registry does not answer, the test is skipped.
#  Usage: test_schema.sh BIN_DIR SOURCE_DIR WORK_DIR
set -eu
bin=$1
source=$2
work=$3
here=$source/tests/k8s
dir=$(mktemp -d "${TMPDIR:-/tmp}/tf-k8s-schema-XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail () { echo "test_schema: FAIL: $*" >&2; exit 1; }
skip () { echo "test_schema: SKIP: $*"; exit 77; }
command -v kubectl > /dev/null || skip "kubectl is not installed"
command -v node > /dev/null || skip "node (Node.js) is not installed"
command -v npm > /dev/null || skip "npm is not installed"

#  npm ci when the lock changed (or nothing is installed yet)
mkdir -p "$work"
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" \
    || [ ! -d "$work/node_modules/kubernetes-models" ]; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund) > "$dir/npm.log" 2>&1 \
        || { rm -f "$work/package-lock.json"; tail -5 "$dir/npm.log";
             skip "npm ci of kubernetes-models failed (is the npm registry reachable?)"; }
fi
validate () { NODE_PATH=$work/node_modules node "$here/validate.js" "$@"; }

export TF_K8S_IMAGE=tf-node:schema
for scenario in "$source/scenarios/smoke.yaml" "$source/tests/data/scenarios/k8s_chaos.yaml"; do
    name=$(basename "$scenario" .yaml)
    "$bin/tf" render "$scenario" --runner k8s --out "$dir/$name" > /dev/null \
        || fail "$name: tf render"
    kubectl kustomize "$dir/$name" > "$dir/$name.yaml" || fail "$name: kubectl kustomize"
    validate "$dir/$name.yaml" > "$dir/$name.out" || fail "$name: $(grep INVALID "$dir/$name.out")"
    grep -q "^valid Deployment/validator-0$" "$dir/$name.out" || fail "$name: nothing validated"
    tail -1 "$dir/$name.out"
done

#  The NetworkPolicies a partition applies (written by the unit test's program)
if [ -x "$bin/../tests/test_k8s_manifests" ]; then
    "$bin/../tests/test_k8s_manifests" partition "$dir/partition.yaml" || fail "partition file"
    validate "$dir/partition.yaml" > "$dir/partition.out" \
        || fail "partition: $(grep INVALID "$dir/partition.out")"
    grep -q "^valid NetworkPolicy/tf-partition-rest$" "$dir/partition.out" \
        || fail "partition: nothing validated"
    tail -1 "$dir/partition.out"
fi

#  Broken on purpose: the validator must refuse each, naming the object
sed 's/^  replicas: 1$/  replicas: "one"/' "$dir/smoke.yaml" > "$dir/replicas.yaml"
status=0
validate "$dir/replicas.yaml" > "$dir/replicas.out" || status=$?
[ "$status" = 1 ] && grep -q "^INVALID Deployment/validator-0: .*replicas must be integer" \
    "$dir/replicas.out" || fail "replicas as a string: status $status $(cat "$dir/replicas.out")"
grep -v '^        name: node$' "$dir/smoke.yaml" > "$dir/name.yaml"
status=0
validate "$dir/name.yaml" > "$dir/name.out" || status=$?
[ "$status" = 1 ] && grep -q "^INVALID Deployment/validator-0: .*must have required property name" \
    "$dir/name.out" || fail "a container without a name: status $status $(cat "$dir/name.out")"
echo "test_schema: ok"
