#!/bin/sh
#  closed_kubeconfig.sh - write a kubeconfig whose only cluster is
#  https://127.0.0.1:<a port nothing listens on> (context tf-test-closed), so
#  a test's kubectl fails at once and never reaches beyond loopback.
#  Usage: closed_kubeconfig.sh FILE
set -eu
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$1" <<EOC
apiVersion: v1
kind: Config
clusters:
  - name: closed
    cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}
contexts:
  - name: tf-test-closed
    context: {cluster: closed, user: nobody}
current-context: tf-test-closed
users:
  - name: nobody
    user: {token: none}
EOC
