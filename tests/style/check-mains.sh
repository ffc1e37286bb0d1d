#!/bin/sh
#  check-mains.sh - every program's main() in bin/ is a thin call into its room:
#  no bin/*.c longer than MAX_LINES lines (STYLE.md 7: the logic lives in the room).
#  Usage: tests/style/check-mains.sh [SOURCE_DIR]     exit 0 clean, 1 not
set -eu
cd "${1:-$(dirname "$0")/../..}"
MAX_LINES=30
status=0
count=0
for main in bin/*.c; do
    count=$((count + 1))
    lines=$(wc -l < "$main")
    if [ "$lines" -gt "$MAX_LINES" ]; then
        echo "check-mains: $main has $lines lines (at most $MAX_LINES: move its logic into its room)"
        status=1
    fi
done
if [ "$count" -eq 0 ]; then
    echo "check-mains: no bin/*.c found in $(pwd)"
    exit 1
fi
[ $status -ne 0 ] || echo "check-mains: $count programs, each main at most $MAX_LINES lines"
exit $status
