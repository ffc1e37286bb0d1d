#!/usr/bin/env python3
#  stub-node.py - a stand-in node for the local deployer's tests
#
#  Takes the tf-node command line (NODE.yaml --deployment DEPLOYMENT.yaml),
#  reads its HTTP and testing addresses from NODE.yaml, and answers what the
#  deployer asks: /cryptarchia/info (Online), /network/info (a peer id and
#  many peers), /da/balancer-stats (as many outbound connections in each of 4
#  subnetworks) and the testing API's block-peer/unblock-peer, which it logs
#  on stdout ("testing: POST PATH BODY") so a test can check them.
#  STUB_NODE_PEERS sets the n_peers it reports (default 1000).
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def address(config, section):
    found = re.search(section + r':\n  backend_settings:\n    address: "127\.0\.0\.1:(\d+)"', config)
    if not found:
        sys.exit("stub-node: no %s address in %s" % (section, sys.argv[1]))
    return int(found.group(1))


if len(sys.argv) != 4 or sys.argv[2] != "--deployment":
    sys.exit("usage: stub-node.py NODE.yaml --deployment DEPLOYMENT.yaml")
config = open(sys.argv[1]).read()
http_port = address(config, "http")
testing_port = address(config, "testing_http")
peers = int(os.environ.get("STUB_NODE_PEERS", "1000"))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/cryptarchia/info":
            self.answer(200, {"lib": "0" * 64, "tip": "0" * 64, "slot": 0, "height": 0,
                              "mode": "Online"})
        elif self.path == "/network/info":
            self.answer(200, {"listen_addresses": [], "peer_id": "stub-%d" % http_port,
                              "n_peers": peers, "n_connections": peers,
                              "n_pending_connections": 0})
        elif self.path == "/da/balancer-stats":
            self.answer(200, {str(subnet): {"inbound": 0, "outbound": peers}
                              for subnet in range(4)})
        else:
            self.answer(404, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        if self.path in ("/testing/block-peer", "/testing/unblock-peer"):
            print("testing: POST %s %s" % (self.path, body), flush=True)
            self.answer(200, True)
        else:
            self.answer(404, "not found")


testing = ThreadingHTTPServer(("127.0.0.1", testing_port), Handler)
threading.Thread(target=testing.serve_forever, daemon=True).start()
print("stub-node: up http=%d testing=%d" % (http_port, testing_port), flush=True)
ThreadingHTTPServer(("127.0.0.1", http_port), Handler).serve_forever()
