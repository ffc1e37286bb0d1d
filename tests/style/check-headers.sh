#!/bin/sh
#  check-headers.sh - no two tracked headers share a file name or an include guard,
#  and every header's guard closes at its end (nothing declared after #endif).
#  Usage: tests/style/check-headers.sh [SOURCE_DIR]     exit 0 clean, 1 not, 77 skipped
set -eu
cd "${1:-$(dirname "$0")/../..}"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "check-headers: not a git checkout; skipped"
    exit 77
fi
status=0
headers=$(git ls-files '*.h')
names=$(for header in $headers; do basename "$header"; done | sort | uniq -d)
for name in $names; do
    echo "check-headers: two headers named $name:" $(echo "$headers" | grep "/$name\$\|^$name\$")
    status=1
done
guards=$(for header in $headers; do
             sed -n 's/^#ifndef \([A-Z0-9_]*_H_INCLUDED\)$/\1/p' "$header" | head -n 1
         done | sort | uniq -d)
for guard in $guards; do
    echo "check-headers: guard $guard in:" $(grep -l "^#ifndef $guard\$" $headers)
    status=1
done
for header in $headers; do
    if ! grep -q '^#ifndef [A-Z0-9_]*_H_INCLUDED$' "$header"; then
        echo "check-headers: $header has no TF_<NAME>_H_INCLUDED guard"
        status=1
    elif [ "$(grep -v '^[[:space:]]*$' "$header" | tail -n 1)" != "#endif" ]; then
        echo "check-headers: $header declares something after its guard's #endif"
        status=1
    fi
done
[ $status -ne 0 ] || echo "check-headers: $(echo "$headers" | wc -l) headers, names and guards unique"
exit $status
