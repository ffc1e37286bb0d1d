#!/usr/bin/env bash
#  run-examples.sh - run the built-in example scenario on a runner
#
#  Usage: scripts/run/run-examples.sh [-t SECS] [-n NODES | -v VALIDATORS -e EXECUTORS]
#                                     [--no-setup] host|compose|k8s
#
#    -t SECS        run duration in seconds (default 60)
#    -n NODES       NODES validators, no executors
#    -v VALIDATORS  validators (default 3)
#    -e EXECUTORS   executors (default 0)
#    --no-setup     do not run scripts/setup.sh (use the existing build/)
#    -h, --help     show this help
#
#  The scenario is a star topology with consensus_liveness and 100 ms slots, so
#  even a short run covers many blocks. `host` runs it with the local runner
#  (node processes on this machine), `compose` with the compose runner (one
#  container per node on the Docker engine DOCKER_HOST names; it must answer),
#  `k8s` with the k8s runner (pods in the cluster of the current kubectl
#  context; the node image must be loaded there, see docs/runners.md).
#  Environment: POL_PROOF_DEV_MODE (accepted), COMPOSE_RUNNER_PRESERVE,
#  K8S_RUNNER_PRESERVE, K8S_RUNNER_NAMESPACE, TF_K8S_IMAGE, TF_K8S_IMAGE_PULL_POLICY,
#  SLOW_TEST_ENV, LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS, LOGOS_BLOCKCHAIN_LOG_DIR/_LEVEL.
#  TF_BUILD_DIR picks another build directory than build/.
#  Exit: tf's verdict (0 passed, 1 expectations failed, 2 usage, 3 infrastructure).
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
usage () { sed -n '2,21p' "$0" | sed -e 's/^#$//' -e 's/^#  //'; }
die () { echo "run-examples: $*" >&2; echo "try: $0 --help" >&2; exit 2; }

duration=60
validators=3
executors=0
nodes=""
setup=1
runner=""
while [ $# -gt 0 ]; do
    case "$1" in
        -t) [ $# -ge 2 ] || die "-t needs a value"; duration=$2; shift ;;
        -n) [ $# -ge 2 ] || die "-n needs a value"; nodes=$2; shift ;;
        -v) [ $# -ge 2 ] || die "-v needs a value"; validators=$2; shift ;;
        -e) [ $# -ge 2 ] || die "-e needs a value"; executors=$2; shift ;;
        --no-setup) setup=0 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [ -z "$runner" ] || die "one runner only (got $runner and $1)"; runner=$1 ;;
    esac
    shift
done
is_count () { [[ "$1" =~ ^[0-9]+$ ]]; }
is_count "$duration" && [ "$duration" -gt 0 ] || die "-t must be a positive number of seconds"
if [ -n "$nodes" ]; then
    is_count "$nodes" && [ "$nodes" -gt 0 ] || die "-n must be a positive count"
    validators=$nodes
    executors=0
fi
is_count "$validators" && [ "$validators" -gt 0 ] || die "-v must be a positive count"
is_count "$executors" || die "-e must be a count"

case "$runner" in
    host) tf_runner=local ;;
    compose) tf_runner=compose ;;
    k8s) tf_runner=k8s ;;         #  The cluster of the current kubectl context
    "") die "a runner is required: host, compose or k8s" ;;
    *) die "unknown runner '$runner' (host, compose or k8s)" ;;
esac

build_dir=${TF_BUILD_DIR:-$here/build}
if [ "$setup" -eq 1 ]; then
    "$here/scripts/setup.sh" "$build_dir"
fi
tf="$build_dir/bin/tf"
[ -x "$tf" ] || die "$tf is missing: run without --no-setup, or scripts/setup.sh"

scenario=$(mktemp "${TMPDIR:-/tmp}/tf-example-XXXXXX.yaml")
trap 'rm -f "$scenario"' EXIT
cat > "$scenario" <<SCENARIO
name: example_${runner}
topology: {network: star, validators: ${validators}, executors: ${executors}}
consensus: {slot: 100ms}
expectations:
  - consensus_liveness: {}
run: {runner: ${tf_runner}, duration: ${duration}s}
SCENARIO
echo "run-examples: ${validators} validator(s), ${executors} executor(s), ${duration}s on ${runner}"
set +e
"$tf" run "$scenario" --runner "$tf_runner"
verdict=$?
set -e
exit $verdict
