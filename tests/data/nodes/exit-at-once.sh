#!/bin/sh
#  exit-at-once.sh - a node binary that refuses to start, for readiness failure tests
echo "exit-at-once: refusing to start with $*"
exit 1
