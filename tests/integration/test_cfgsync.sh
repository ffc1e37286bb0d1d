#!/bin/sh
#  test_cfgsync.sh - tf-cfgsync serve and fetch on loopback: a known node gets
#  its files (then the command runs), an unknown identifier is a clear 404
#  (exit 2), a server that never comes up is exit 3 after the wait.
#  Usage: test_cfgsync.sh BIN_DIR
set -eu
bin=$1/tf-cfgsync
dir=$(mktemp -d "${TMPDIR:-/tmp}/tf-cfgsync-test-XXXXXX")
server=""
cleanup () { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
fail () { echo "test_cfgsync: FAIL: $*" >&2; exit 1; }

mkdir -p "$dir/nodes/validator-0/config"
printf 'http: {}\n' > "$dir/nodes/validator-0/config/node.yaml"
printf 'time: {}\n' > "$dir/nodes/validator-0/config/deployment.yaml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --dir "$dir/nodes" --listen "127.0.0.1:$port" 2> "$dir/server.log" &
server=$!

#  A known node: both files fetched (the server may take a moment: fetch waits), then the command
"$bin" fetch --url "http://127.0.0.1:$port" --id validator-0 --out "$dir/out" \
    --file node.yaml --file deployment.yaml -- sh -c 'echo ran > "$0/ran"' "$dir/out" \
    2> "$dir/fetch.log" || fail "fetch of a known node: $(cat "$dir/fetch.log")"
cmp "$dir/out/node.yaml" "$dir/nodes/validator-0/config/node.yaml" || fail "node.yaml differs"
cmp "$dir/out/deployment.yaml" "$dir/nodes/validator-0/config/deployment.yaml" \
    || fail "deployment.yaml differs"
[ "$(cat "$dir/out/ran")" = ran ] || fail "the command after -- did not run"

#  Fetched again (a restarted container does this): the same answer
rm -rf "$dir/out"
"$bin" fetch --url "http://127.0.0.1:$port" --id validator-0 --out "$dir/out" --file node.yaml \
    2> "$dir/fetch.log" || fail "second fetch: $(cat "$dir/fetch.log")"

#  An unknown identifier: exit 2, the server's message
set +e
"$bin" fetch --url "http://127.0.0.1:$port" --id validator-9 --out "$dir/out9" --file node.yaml \
    2> "$dir/unknown.log"
rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown identifier: exit $rc, expected 2"
grep -q "unknown node identifier 'validator-9'" "$dir/unknown.log" \
    || fail "unknown identifier: message was: $(cat "$dir/unknown.log")"
[ ! -e "$dir/out9/node.yaml" ] || fail "unknown identifier: a file was written"

#  No server: exit 3 once the wait is over
kill "$server"; wait "$server" 2>/dev/null || true; server=""
set +e
"$bin" fetch --url "http://127.0.0.1:$port" --id validator-0 --out "$dir/out" --file node.yaml \
    --wait-ms 300 2> "$dir/none.log"
rc=$?
set -e
[ $rc -eq 3 ] || fail "no server: exit $rc, expected 3"
grep -q "no answer" "$dir/none.log" || fail "no server: message was: $(cat "$dir/none.log")"
echo "test_cfgsync: ok"
