#!/bin/sh
#  check-actors-doc.sh - docs/actors.md ("Writing an actor") shows the examples line
#  for line: each file below is one fenced block of the page, whole and unchanged.
#  Usage: check-actors-doc.sh SOURCE_DIR
set -eu
source_dir=${1:?usage: check-actors-doc.sh SOURCE_DIR}
page="$source_dir/docs/actors.md"
status=0
for file in examples/c-actor/my-blocks.c examples/c-actor/CMakeLists.txt \
    examples/c-actor/my-blocks.yaml examples/embed/embed.c \
    examples/python-actor/blocks.py examples/python-actor/python-actor.yaml; do
    #  The block that starts with the file's first line, up to its closing fence
    first=$(head -n 1 "$source_dir/$file")
    awk -v first="$first" '
        /^```/ && inside { exit }
        inside { print }
        /^```/ && !inside { getline line; if (line == first) { inside = 1; print line } }
    ' "$page" > "${TMPDIR:-/tmp}/tf-actors-doc.$$"
    if ! cmp -s "${TMPDIR:-/tmp}/tf-actors-doc.$$" "$source_dir/$file"; then
        echo "FAIL: docs/actors.md does not show $file line for line:"
        diff "$source_dir/$file" "${TMPDIR:-/tmp}/tf-actors-doc.$$" | head -20 || true
        status=1
    fi
    rm -f "${TMPDIR:-/tmp}/tf-actors-doc.$$"
done
[ $status -ne 0 ] || echo "ok: docs/actors.md shows every example line for line"
exit $status
