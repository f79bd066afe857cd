"""Work per editor re-check and per file analysis, counted in CPU instructions.

    python bench/instructions.py [--before REV]      (needs valgrind)

Wall and CPU time on a shared virtual machine drift by a third within minutes, so a
change of a few percent cannot be seen in them.  Instructions can: `valgrind
--tool=callgrind` counts them, the same on every run (string hashing is fixed with
PYTHONHASHSEED=0, or set iteration orders would vary the count by a few percent).  The sample is the one
`bench/lsp_latency.py` uses (a 3,000-line standard-library module with insecure lines
added).  For each engine — this checkout, and `--before` (a git revision, exported with
`git archive` into a temporary folder) — a child process warms up and then either

- re-checks the document after each of a series of one-character edits, through the
  language server's own check path (incremental re-parse, engine, package checks,
  policy, diagnostics; with the server's garbage-collector settings when the revision
  has them), or
- analyses the whole file again with the engine (`analyze_utf8`, tree given).

Each count is the difference between a run of FEW and a run of MANY repetitions,
divided by the difference, so start-up and imports cancel out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, REPO)
sys.path.insert(0, BENCH)

from common import exported  # noqa: E402
from lsp_latency import edits, sample_text  # noqa: E402

FEW, MANY = 2, 12
CHILD = os.path.join(BENCH, "recheck_child.py")
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def instructions(root: str, sample: str, mode: str, count: int) -> int:
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, CHILD, root, sample, mode, str(count)],
                         capture_output=True, text=True, check=True, cwd=tempfile.gettempdir(),
                         env=dict(os.environ, PYTHONHASHSEED="0"))  # same hashing each run
    return int(_COLLECTED.search(run.stderr).group(1))


def per_repetition(root: str, sample: str, mode: str) -> float:
    few, many = (instructions(root, sample, mode, count) for count in (FEW, MANY))
    return (many - few) / (MANY - FEW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="git revision to compare with")
    args = parser.parse_args()
    text = sample_text()
    with tempfile.TemporaryDirectory() as folder:
        sample = os.path.join(folder, "sample.json")
        with open(sample, "w", encoding="utf-8") as handle:
            json.dump({"text": text, "edits": edits(text, MANY)}, handle)
        before = exported(args.before, os.path.join(folder, "before"))
        print(f"sample: {text.count(chr(10))} lines; instructions (millions), counted by "
              "callgrind")
        print(f"{'engine':<24} {'per re-check':>14} {'per analysis':>14}")
        counts = {}
        for name, root in ((f"before ({args.before})", before), ("this checkout", REPO)):
            counts[name] = [per_repetition(root, sample, mode) / 1e6
                            for mode in ("re-check", "analysis")]
            print(f"{name:<24} {counts[name][0]:14.1f} {counts[name][1]:14.1f}")
        old, new = counts.values()
        print(f"this checkout / before: re-check {new[0] / old[0]:.2f}, "
              f"analysis {new[1] / old[1]:.2f}")


if __name__ == "__main__":
    main()
