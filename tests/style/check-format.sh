#!/bin/sh
#  check-format.sh - every tracked C file is as clang-format (.clang-format) writes it.
#  Usage: tests/style/check-format.sh [SOURCE_DIR]     exit 0 clean, 1 not, 77 skipped
#  Fix with: git ls-files '*.c' '*.h' | xargs clang-format -i
set -eu
cd "${1:-$(dirname "$0")/../..}"
if ! command -v clang-format >/dev/null 2>&1; then
    echo "check-format: clang-format is not installed; skipped"
    exit 77
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "check-format: not a git checkout (the tracked files are what is checked); skipped"
    exit 77
fi
files=$(git ls-files '*.c' '*.h')
if clang-format --dry-run -Werror $files; then
    echo "check-format: $(echo "$files" | wc -l) files clean"
else
    echo "check-format: the files above differ from clang-format's output"
    echo "  fix: git ls-files '*.c' '*.h' | xargs clang-format -i"
    exit 1
fi
