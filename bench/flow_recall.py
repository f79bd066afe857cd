"""Recall depth on the data-flow cases: the same fixtures, this checkout and an earlier one.

    python bench/flow_recall.py [--before REV]

The cases are the fixture files written for following data across functions,
containers, branches and frameworks, and for the weaknesses added with them
(`CASE_FILES` below: names under tests/fixtures/). For each engine it counts the
`expect:` lines found with their rule at the default gate (severity and confidence at
least medium), the `expect:` lines found at any level, and the `ok:` lines (safe twins)
that fired. `--before` takes a git revision of this repository (default: the commit
before the data-flow work); its engine is exported with `git archive` into a temporary
folder and run in a separate process on the same files, so both columns judge exactly
the same cases.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "bench"))

from common import exported  # noqa: E402

from tests.test_rule_fixtures import marker_items  # noqa: E402

FIXTURES = os.path.join(REPO, "tests", "fixtures")
BEFORE = "8fd1465"  # the last commit before functions, containers and branches were followed
# Fixture names (substrings) holding the data-flow cases and their safe twins.
CASE_FILES = ("_flow_", "_by_use", "_fragments", "_file_socket_lines", "_temp_shapes",
              "_any_cookie", "_character_allowlist", "_command_templates", "AIG113_",
              "AIG114_", "AIG214_", "AIG215_", "AIG536_", "paraphrase", "multilingual",
              "hidden.mdc")
GATE = ("medium", "high", "critical")

# Run inside the engine's own folder: prints [path, line, rule, severity, confidence].
ANALYSE = """
import json, sys
from aicodeguard.engine import analyze_source
from aicodeguard.languages import language_for_name
rows = []
for path, relative in json.loads(sys.stdin.read()):
    with open(path, "rb") as handle:
        result = analyze_source(relative, handle.read(), language_for_name(path))
    rows += [[relative, f.location.line, f.rule_id, f.severity.label, f.confidence.label]
             for f in result.findings]
print(json.dumps(rows))
"""


def case_files() -> list[str]:
    found = []
    for folder, _, names in os.walk(FIXTURES):
        for name in names:
            path = os.path.join(folder, name)
            if any(part in os.path.relpath(path, FIXTURES) for part in CASE_FILES):
                found.append(path)
    return sorted(found)


def findings(engine_root: str, paths: list[str]) -> dict[tuple[str, int], list[tuple]]:
    """(relative path, line) -> [(rule, severity, confidence)] from the engine in `engine_root`."""
    pairs = [[path, os.path.relpath(path, FIXTURES)] for path in paths]
    env = dict(os.environ, PYTHONPATH=engine_root)
    output = subprocess.run([sys.executable, "-c", ANALYSE], input=json.dumps(pairs),
                            capture_output=True, text=True, cwd=engine_root, env=env,
                            check=True).stdout
    table: dict[tuple[str, int], list[tuple]] = {}
    for relative, line, rule, severity, confidence in json.loads(output):
        table.setdefault((relative, line), []).append((rule, severity, confidence))
    return table


def score(found, paths: list[str]) -> dict[str, int]:
    counts = {"expect": 0, "gate": 0, "any": 0, "ok": 0, "ok fired": 0}
    for path in paths:
        relative = os.path.relpath(path, FIXTURES)
        for kind, line, rule, _, _ in marker_items(path):
            here = [f for f in found.get((relative, line), ()) if f[0] == rule]
            if kind == "expect":
                counts["expect"] += 1
                counts["any"] += bool(here)
                counts["gate"] += any(s in GATE and c in GATE for _, s, c in here)
            elif kind == "ok":
                counts["ok"] += 1
                counts["ok fired"] += bool(here)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="git revision to compare with")
    args = parser.parse_args()
    paths = case_files()
    with tempfile.TemporaryDirectory() as scratch:
        before = score(findings(exported(args.before, scratch), paths), paths)
    after = score(findings(REPO, paths), paths)
    print(f"data-flow cases: {len(paths)} fixture files, {after['expect']} expected "
          f"findings, {after['ok']} safe twins")
    print(f"{'engine':<22} {'found at gate':>14} {'found at all':>13} {'safe twins flagged':>19}")
    for label, counts in ((f"before ({args.before})", before), ("this checkout", after)):
        print(f"{label:<22} {counts['gate']:>8}/{counts['expect']:<5} "
              f"{counts['any']:>7}/{counts['expect']:<5} {counts['ok fired']:>12}/{counts['ok']}")


if __name__ == "__main__":
    main()
