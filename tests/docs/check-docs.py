#!/usr/bin/env python3
"""check-docs.py SOURCE_DIR TF - the docs say what tf does

The docs are README.md, docs/*.md and proto/PROTOCOL.md. Markers are HTML
comments on the line just before a fence, so they do not show on GitHub.

1. Every fenced ```yaml block is a whole scenario that `tf validate` accepts,
   unless the line before the fence is `<!-- doc-test: fails with TEXT -->`:
   then validate must refuse it, saying TEXT.
2. Every fenced ```sh block marked `<!-- doc-test: runnable -->` (or
   `<!-- doc-test: runnable, exits N -->`) runs, with `sh -e`, and must exit 0
   (or N). It runs in a scratch copy of the source tree (symbolic links to its
   top-level entries, `build/bin` linked to the directory of TF), with that
   directory first in PATH, CI=true, TMPDIR in the scratch directory (so run
   directories and `tf clean` stay there) and the keep-logs variables unset.
   Such a block keeps its runs short itself (`--duration 2s`): the test as a
   whole should stay under a minute.
3. Every workload and expectation kind of `tf catalog` has its knob table in
   docs/scenarios.md (a heading or paragraph naming the kind and its program), and
   that table lists exactly the catalogue's knobs, no more, no fewer, each with
   the catalogue's default.
4. Every key the scenario loader knows, at the top level and in `topology`,
   `wallets`, `run`, `consensus`, `node` and `custom`, is in that section's table
   in docs/scenarios.md, and the table has no key the loader does not know (the
   loader's own list comes from its error for an unknown key).
5. The runners table of docs/scenarios.md lists exactly the catalogue's runners.
   A kind or runner whose program is not next to TF is marked "not built yet" in
   its section or row, and one whose program is there is not.
6. Every program next to TF answers `--help` with exit 0 and is named somewhere
   in the docs.
7. docs/README.md, the index, links every page of docs/.

Prints every mismatch with its file and line; exit 0 when there is none.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r"<!--\s*doc-test:\s*fails with (.+?)\s*-->")
RUNNABLE = re.compile(r"<!--\s*doc-test:\s*runnable(?:,\s*exits\s+(\d+))?\s*-->")
NOT_BUILT = re.compile(r"not built yet", re.IGNORECASE)


def doc_paths(source):
    paths = [os.path.join(source, "README.md"), os.path.join(source, "proto", "PROTOCOL.md")]
    return paths + sorted(glob.glob(os.path.join(source, "docs", "*.md")))


def fenced_blocks(path, language):
    """(line of the fence, text, line before the fence) for each block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, index = [], 0
    while index < len(lines):
        if lines[index].strip() == "```" + language:
            start = index
            body = []
            index += 1
            while index < len(lines) and lines[index].strip() != "```":
                body.append(lines[index])
                index += 1
            before = lines[start - 1] if start else ""
            blocks.append((start + 1, "\n".join(body) + "\n", before))
        index += 1
    return blocks


def yaml_blocks(path):
    """(line of the fence, text, expected error or None) for each yaml block."""
    blocks = []
    for line, text, before in fenced_blocks(path, "yaml"):
        mark = MARK.search(before)
        blocks.append((line, text, mark.group(1) if mark else None))
    return blocks


def check_yaml(source, tf):
    problems = []
    paths = doc_paths(source)
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
            default = re.search(r"\bdefault (\S+)", line)
            kinds[kind].append((line.split()[0], default.group(1) if default else None))
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
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            default = cells[2].strip("`") if len(cells) > 2 else None
            knobs.append((row.group(1), default))
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
        known, written = dict(knobs), dict(documented)
        for knob, default in knobs:
            if knob not in written:
                problems.append(f"docs/scenarios.md:{line}: {kind}: knob '{knob}' is not documented")
            elif default is not None and written[knob] != default:
                problems.append(f"docs/scenarios.md:{line}: {kind}: knob '{knob}' defaults to "
                                f"{default}, the table says {written[knob]}")
        for knob in written:
            if knob not in known:
                problems.append(f"docs/scenarios.md:{line}: {kind}: '{knob}' is no knob of it")
    return problems


def programs(tf):
    """{kind or runner: program} from `tf catalog`, and the runners in its order."""
    text = subprocess.run([tf, "catalog"], capture_output=True, text=True, check=True).stdout
    named, runners, name, in_runners = {}, [], None, False
    for line in text.split("\n"):
        if line.startswith("RUNNERS"):
            in_runners = True
        elif re.fullmatch(r"[a-z0-9_]+", line):
            name = line
            if in_runners:
                runners.append(name)
        elif name and re.match(r"^    program:\s+(\S+)", line):
            named[name] = line.split()[1]
    return named, runners


def kind_text(lines, kind):
    """(line, text) of what introduces kind in docs/scenarios.md, up to the next
    heading or the next kind's introduction."""
    intro = re.compile(r"`%s`.*\(.*program `" % re.escape(kind))
    starts = [index for index, line in enumerate(lines) if intro.search(line)]
    if not starts:
        return None, ""
    body = [lines[starts[0]]]
    for line in lines[starts[0] + 1:]:
        if line.startswith("#") or ("(program `" in line and not intro.search(line)):
            break
        body.append(line)
    return starts[0] + 1, "\n".join(body)


def section_table(lines, heading):
    """(line, [key, ...]) of the first table after the heading, before the next
    heading; (None, None) without the heading."""
    starts = [index for index, line in enumerate(lines) if line.strip() == heading]
    if not starts:
        return None, None
    keys = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("#"):
            break
        row = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|", line)
        if row:
            keys.append(row.group(1))
        elif keys and not line.startswith("|"):
            break
    return starts[0] + 1, keys


#  (probe scenario, heading of its table in docs/scenarios.md)
SECTIONS = [
    ("bogus_key: 1\n", "## Top-level keys"),
    ("topology: {bogus_key: 1}\n", "### `topology`"),
    ("wallets: {bogus_key: 1}\n", "### `wallets`"),
    ("run: {bogus_key: 1}\n", "### `run`"),
    ("consensus: {bogus_key: 1}\n", "### `consensus`"),
    ("node: {bogus_key: 1}\n", "### `node`"),
    ("custom: [{name: a, role: workload, bogus_key: 1}]\n", "## Custom actors"),
]


def check_keys(source, tf):
    """The loader's keys, section by section, against the reference's tables."""
    lines = open(os.path.join(source, "docs", "scenarios.md"), encoding="utf-8").read().split("\n")
    problems = []
    with tempfile.TemporaryDirectory() as work:
        scenario = os.path.join(work, "probe.yaml")
        for probe, heading in SECTIONS:
            with open(scenario, "w", encoding="utf-8") as handle:
                handle.write(probe)
            run = subprocess.run([tf, "validate", scenario], capture_output=True, text=True,
                                 timeout=30)
            said = run.stdout + run.stderr
            known = re.search(r"unknown key 'bogus_key' \(expected one of: ([^)]*)\)", said)
            if not known:
                problems.append(f"{heading}: tf validate gave no list of keys for {probe.strip()}:"
                                f" {said.strip()}")
                continue
            keys = [key.strip() for key in known.group(1).split(",")]
            line, documented = section_table(lines, heading)
            if line is None:
                problems.append(f"docs/scenarios.md: no heading '{heading}'")
                continue
            for key in keys:
                if key not in documented:
                    problems.append(f"docs/scenarios.md:{line}: {heading}: key '{key}' is not in"
                                    " its table")
            for key in documented:
                if key not in keys:
                    problems.append(f"docs/scenarios.md:{line}: {heading}: the loader knows no"
                                    f" key '{key}'")
    return problems


def check_built(source, tf):
    """Runners as the catalogue has them, and "not built yet" exactly where the
    program is missing."""
    lines = open(os.path.join(source, "docs", "scenarios.md"), encoding="utf-8").read().split("\n")
    bin_dir = os.path.dirname(os.path.abspath(tf))
    named, runners = programs(tf)
    problems = []
    line, documented = section_table(lines, "## Runners")
    if line is None:
        return ["docs/scenarios.md: no heading '## Runners'"]
    if sorted(documented) != sorted(runners):
        problems.append(f"docs/scenarios.md:{line}: the runners table lists {documented}, "
                        f"the catalogue has {runners}")
    rows = {}
    for index, text in enumerate(lines):
        row = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|", text)
        if row and row.group(1) in runners and index >= line:
            rows.setdefault(row.group(1), (index + 1, text))
    for name, program in sorted(named.items()):
        built = os.access(os.path.join(bin_dir, program), os.X_OK)
        if name in runners:
            where, text = rows.get(name, (line, ""))
        else:
            where, text = kind_text(lines, name)
            if where is None:
                continue  #  check_reference names it
        said = bool(NOT_BUILT.search(text))
        if built and said:
            problems.append(f"docs/scenarios.md:{where}: '{name}' is marked not built yet, "
                            f"but {program} is built")
        elif not built and not said:
            problems.append(f"docs/scenarios.md:{where}: '{name}' needs {program}, which this "
                            "build lacks: say 'not built yet'")
    return problems


def check_programs(source, tf):
    """Every program beside tf answers --help with 0 and is named in the docs."""
    bin_dir = os.path.dirname(os.path.abspath(tf))
    text = "\n".join(open(path, encoding="utf-8").read() for path in doc_paths(source))
    problems, count = [], 0
    for program in sorted(os.listdir(bin_dir)):
        path = os.path.join(bin_dir, program)
        if not (program == "tf" or program.startswith("tf-")) or not os.path.isfile(path) \
                or not os.access(path, os.X_OK):
            continue
        count += 1
        run = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10)
        if run.returncode != 0 or not run.stdout.strip():
            problems.append(f"{program} --help exited {run.returncode}"
                            + (" and printed nothing" if not run.stdout.strip() else ""))
        if program != "tf" and not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(program), text):
            problems.append(f"{program}: no page of the docs names it")
    if count < 5:
        problems.append(f"only {count} programs found beside {tf}")
    return count, problems


def scratch_tree(source, tf, work):
    """A copy of the source tree made of links, with build/bin the programs'."""
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "build"))
    for entry in os.listdir(source):
        if entry.startswith("build") or entry.startswith("."):
            continue
        os.symlink(os.path.join(source, entry), os.path.join(tree, entry))
    os.symlink(os.path.dirname(os.path.abspath(tf)), os.path.join(tree, "build", "bin"))
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp)
    return tree, tmp


def check_runnable(source, tf):
    """Run every sh block marked runnable; check its exit code."""
    problems, checked = [], 0
    with tempfile.TemporaryDirectory(prefix="tf-docs-") as work:
        tree, tmp = scratch_tree(os.path.abspath(source), tf, work)
        env = dict(os.environ)
        for name in ("LOGOS_BLOCKCHAIN_TESTS_KEEP_LOGS", "NOMOS_TESTS_KEEP_LOGS"):
            env.pop(name, None)
        env.update({"CI": "true", "TMPDIR": tmp,
                    "PATH": os.path.dirname(os.path.abspath(tf)) + os.pathsep + env["PATH"]})
        for path in doc_paths(source):
            for line, text, before in fenced_blocks(path, "sh"):
                mark = RUNNABLE.search(before)
                if not mark:
                    continue
                checked += 1
                expected = int(mark.group(1) or 0)
                where = f"{os.path.relpath(path, source)}:{line}"
                try:
                    run = subprocess.run(["sh", "-e", "-c", text], cwd=tree, env=env,
                                         capture_output=True, text=True, timeout=90)
                except subprocess.TimeoutExpired:
                    problems.append(f"{where}: the block ran for more than 90 s")
                    continue
                if run.returncode != expected:
                    said = (run.stdout + run.stderr).strip().split("\n")
                    problems.append(f"{where}: the block exited {run.returncode}, the doc says "
                                    f"{expected}; its last lines:\n    " + "\n    ".join(said[-8:]))
    return checked, problems


def check_index(source):
    """docs/README.md links every other page of docs/."""
    index = open(os.path.join(source, "docs", "README.md"), encoding="utf-8").read()
    linked = set(re.findall(r"\]\(([a-z0-9_-]+\.md)(?:#[^)]*)?\)", index))
    problems = []
    for path in sorted(glob.glob(os.path.join(source, "docs", "*.md"))):
        page = os.path.basename(path)
        if page != "README.md" and page not in linked:
            problems.append(f"docs/README.md: the index does not link {page}")
    return problems


def main():
    source, tf = sys.argv[1], sys.argv[2]
    checked, problems = check_yaml(source, tf)
    problems += check_reference(source, tf)
    problems += check_keys(source, tf)
    problems += check_built(source, tf)
    problems += check_index(source)
    helped, more = check_programs(source, tf)
    problems += more
    ran, more = check_runnable(source, tf)
    problems += more
    for problem in problems:
        print(problem)
    if checked == 0 or ran == 0:
        print("no yaml block or no runnable sh block found: the doc test found nothing to check")
        return 1
    if not problems:
        print(f"{checked} yaml blocks validate as documented; every kind's knobs and every "
              f"loader key match the reference; {helped} programs answer --help; "
              f"{ran} runnable sh blocks exit as documented")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
