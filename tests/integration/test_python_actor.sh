#!/bin/sh
#  test_python_actor.sh - the minimal Python actor of proto/PROTOCOL.md runs a
#  whole dry run against the real coordinator: registered, every phase acked,
#  its verdict (no blocks without nodes: failed) and details in report.json.
#  Skipped (77) when no python3 here has pyzmq and msgpack.
set -eu
: "${TF_SOURCE_DIR:?}" "${TF_BIN_DIR:?}"

python=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import zmq, msgpack' 2>/dev/null; then
        python=$(command -v "$candidate")
        break
    fi
done
if [ -z "$python" ]; then
    echo "SKIP: no python3 with pyzmq and msgpack (Debian: python3-zmq python3-msgpack)"
    exit 77
fi

work=$(mktemp -d /tmp/tf-pyactor-XXXXXX)
trap 'rm -rf "$work"' EXIT
awk '/^```python/ {inside = 1; next} /^```/ {inside = 0} inside' \
    "$TF_SOURCE_DIR/proto/PROTOCOL.md" > "$work/min_actor.py"
grep -q 'TF_ACTOR_NAME' "$work/min_actor.py" || { echo "FAIL: no example in PROTOCOL.md"; exit 1; }
cat > "$work/py.yaml" <<YAML
name: python_actor
consensus: {slot: 100ms}
custom:
  - {name: py-blocks, role: expectation, command: "$python $work/min_actor.py"}
run: {runner: none, duration: 1s}
YAML

status=0
"$TF_BIN_DIR/tf" run "$work/py.yaml" --run-dir "$work/run" || status=$?
if [ "$status" -ne 1 ]; then
    echo "FAIL: tf exited $status, expected 1 (the example's verdict fails without blocks)"
    cat "$work/run/logs/py-blocks.log" 2>/dev/null || true
    exit 1
fi
"$python" - "$work/run/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["abort"] is None, report["abort"]
results = [r for r in report["expectations"] if r["name"] == "py-blocks"]
assert len(results) == 1, report["expectations"]
assert results[0]["passed"] is False and results[0]["message"] == "saw 0 blocks", results[0]
assert results[0]["details"] == {"blocks": 0, "max_height": 0}, results[0]
phases = [e["detail"] for e in report["events"] if e["kind"] == "phase"]
assert phases == ["register", "deploy", "capture", "execute", "cooldown", "evaluate",
                  "cleanup", "done"], phases
assert any(e["kind"] == "actor.registered" and e["actor"] == "py-blocks"
           for e in report["events"])
print("1 passed, 0 failed")
PY
