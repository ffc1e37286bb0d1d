#!/usr/bin/env python3
"""check-docs.py SOURCE_DIR TF - the docs say what tf does

1. Every fenced ```yaml block of README.md, docs/*.md and proto/PROTOCOL.md is a
   whole scenario that `tf validate` accepts, unless the line before the fence is
   `<!-- doc-test: fails with TEXT -->`: then validate must refuse it, saying TEXT.
2. Every workload and expectation kind of `tf catalog` has its knob table in
   docs/scenarios.md (a heading or paragraph naming the kind and its program), and
   that table lists exactly the catalogue's knobs, no more, no fewer.

Prints every mismatch with its file and line; exit 0 when there is none.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r"<!--\s*doc-test:\s*fails with (.+?)\s*-->")


def yaml_blocks(path):
    """(line of the fence, text, expected error or None) for each yaml block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, index = [], 0
    while index < len(lines):
        if lines[index].strip() == "```yaml":
            start = index
            mark = MARK.search(lines[index - 1]) if index else None
            body = []
            index += 1
            while index < len(lines) and lines[index].strip() != "```":
                body.append(lines[index])
                index += 1
            blocks.append((start + 1, "\n".join(body) + "\n", mark.group(1) if mark else None))
        index += 1
    return blocks


def check_yaml(source, tf):
    problems = []
    paths = [os.path.join(source, "README.md"), os.path.join(source, "proto", "PROTOCOL.md")]
    paths += sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    checked = 0
    with tempfile.TemporaryDirectory() as work:
        for path in paths:
            for line, text, expected in yaml_blocks(path):
                checked += 1
                scenario = os.path.join(work, "block.yaml")
                with open(scenario, "w", encoding="utf-8") as handle:
                    handle.write(text)
                run = subprocess.run([tf, "validate", scenario], capture_output=True, text=True,
                                     timeout=30)
                where = f"{os.path.relpath(path, source)}:{line}"
                said = (run.stdout + run.stderr).strip()
                if expected is None and run.returncode != 0:
                    problems.append(f"{where}: tf validate refused the block: {said}")
                elif expected is not None and run.returncode == 0:
                    problems.append(f"{where}: the block should fail with '{expected}', "
                                    "tf validate accepted it")
                elif expected is not None and expected not in said:
                    problems.append(f"{where}: expected '{expected}', tf validate said: {said}")
    return checked, problems


def catalogue(tf):
    """{kind: [knob, ...]} from `tf catalog` (workloads and expectations)."""
    text = subprocess.run([tf, "catalog"], capture_output=True, text=True, check=True).stdout
    kinds, kind, section = {}, None, None
    for line in text.split("\n"):
        if line.startswith("WORKLOADS") or line.startswith("EXPECTATIONS"):
            section = "kinds"
        elif line.startswith("RUNNERS"):
            section = None
        elif section and re.fullmatch(r"[a-z_]+", line):
            kind = line
            kinds[kind] = []
        elif section and kind and re.match(r"^      [a-z_]+ ", line):
            kinds[kind].append(line.split()[0])
    return kinds


def knob_table(lines, kind):
    """(line, [knob, ...]) of the first table after the text introducing kind,
    before the next heading or the next kind's introduction; (None, None) when no
    text introduces it."""
    intro = re.compile(r"`%s`.*\(.*program `" % re.escape(kind))
    starts = [index for index, line in enumerate(lines) if intro.search(line)]
    if not starts:
        return None, None
    knobs = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("### ") or ("(program `" in line and not intro.search(line)):
            break
        row = re.match(r"^\|\s*`([a-z_]+)`\s*\|", line)
        if row:
            knobs.append(row.group(1))
        elif knobs and not line.startswith("|"):
            break
    return starts[0] + 1, knobs


def check_reference(source, tf):
    path = os.path.join(source, "docs", "scenarios.md")
    lines = open(path, encoding="utf-8").read().split("\n")
    problems = []
    for kind, knobs in catalogue(tf).items():
        line, documented = knob_table(lines, kind)
        if line is None:
            problems.append(f"docs/scenarios.md: no section for the kind '{kind}'")
            continue
        for knob in knobs:
            if knob not in documented:
                problems.append(f"docs/scenarios.md:{line}: {kind}: knob '{knob}' is not documented")
        for knob in documented:
            if knob not in knobs:
                problems.append(f"docs/scenarios.md:{line}: {kind}: '{knob}' is no knob of it")
    return problems


def main():
    source, tf = sys.argv[1], sys.argv[2]
    checked, problems = check_yaml(source, tf)
    problems += check_reference(source, tf)
    for problem in problems:
        print(problem)
    if checked == 0:
        print("no yaml block found: the doc test found nothing to check")
        return 1
    if not problems:
        print(f"{checked} yaml blocks validate as documented; every kind's knobs match the catalogue")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
