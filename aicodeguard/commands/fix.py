"""`scan --fix`: apply the findings' fixes (safe ones; with --unsafe-fixes all), or with
--diff show them as a unified diff and write nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable

from .. import fixes
from ..policy import Outcome
from . import EXIT_CLEAN, EXIT_FINDINGS


def preview(outcome: Outcome, *, unsafe: bool) -> int:
    """`--fix --diff`: the diff on stdout, a summary on stderr; 1 when the diff is not
    empty."""
    result = fixes.plan(outcome.findings, unsafe=unsafe)
    _report(result.problems())
    patch = fixes.unified_diff(result)
    sys.stdout.write(patch)
    fixed = len(result.fixed)
    summary = fixes.summary(fixed, len(result.files), len(outcome.findings) - fixed,
                            preview=True)
    print(f"aicodeguard: {summary}", file=sys.stderr)
    return EXIT_FINDINGS if patch else EXIT_CLEAN


def apply(outcome: Outcome, *, unsafe: bool,
          rescan: Callable[[], Outcome]) -> tuple[Outcome, str]:
    """Write the fixes; returns what is left (a fresh scan when a file was written) and
    the summary line ("Fixed 2 findings (1 file); 1 left")."""
    result = fixes.plan(outcome.findings, unsafe=unsafe)
    _report(result.problems())
    fixes.write(result)
    _report(problem for problem in result.problems()  # files that changed on disk meanwhile
            if "changed on disk" in problem)
    written = set(result.written)
    if written:  # what is left is what a fresh scan of the fixed files reports
        outcome = rescan()
    fixed = sum(1 for finding in result.fixed if finding.location.path in written)
    return outcome, fixes.summary(fixed, len(written), len(outcome.findings))


def _report(problems) -> None:
    for problem in problems:
        print(f"aicodeguard: {problem}", file=sys.stderr)
