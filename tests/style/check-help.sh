#!/bin/sh
#  check-help.sh BUILD_DIR - every program tf builds answers --help: usage on
#  stdout, exit 0. Programs are found by directory (bin/, bench/, tests/ helpers),
#  so a new one is checked without being listed; tf's commands too.
set -u
build=$1
failed=0
checked=0
check () {     #  check LABEL COMMAND...
    label=$1
    shift
    out=$(timeout 10 "$@" --help 2>/dev/null)
    rc=$?
    checked=$((checked + 1))
    if [ "$rc" -ne 0 ] || [ -z "$out" ]; then
        echo "FAIL: $label --help exited $rc$( [ -z "$out" ] && echo ', printed nothing on stdout')"
        failed=1
    fi
}
for program in "$build"/bin/* "$build"/bench/*; do
    [ -f "$program" ] && [ -x "$program" ] || continue
    check "$(basename "$program")" "$program"
done
for command in run validate replay clean catalog; do
    check "tf $command" "$build/bin/tf" "$command"
done
[ "$checked" -gt 5 ] || { echo "FAIL: only $checked programs found under $build"; exit 1; }
[ "$failed" -eq 0 ] && echo "$checked programs and commands answer --help"
exit "$failed"
