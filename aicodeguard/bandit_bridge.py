"""`scan --bandit`: run bandit too, and merge what it finds into the same findings.

Bandit runs as a separate process on the Python files of the scan (never the
default path: it is ten times slower).  Each bandit result is mapped to the
native rule that covers the same check (`bandit_parity.BANDIT_TO_RULES`); when
that rule already reported the same place, bandit's copy is dropped.  What no
native rule covers (or covers only partly, `PARTIAL`) is reported as AIG090
with bandit's test id and CWE.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .analysis.source import redact
from .bandit_parity import BANDIT_TO_RULES, PARTIAL
from .model import Confidence, FileResult, Finding, Location, Note, NoteLevel, Severity
from .rules.meta import BANDIT_FINDING

_LEVELS = {"LOW": Severity.LOW, "MEDIUM": Severity.MEDIUM, "HIGH": Severity.HIGH}
_CONFIDENCE = {"LOW": Confidence.LOW, "MEDIUM": Confidence.MEDIUM, "HIGH": Confidence.HIGH}
_CHUNK = 200  # files per bandit process (command-line length)
LINE_TOLERANCE = 2
SECRET_TESTS = frozenset({"B105", "B106", "B107"})
_QUOTED = re.compile(r"""(['"])(.+?)\1""")  # bandit and we may anchor a multi-line call on different lines


# `python -m bandit` would put the working directory (the scanned repository) first on
# bandit's sys.path, so a repository's `typing.py` would run; `-I` would also hide a
# `pip install --user` bandit.  So: drop the working directory, then start bandit.
_RUN_BANDIT = ("import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
               "from bandit.cli.main import main; sys.exit(main())")


def run_bandit(paths: list[str]) -> tuple[list[dict], list[Note]]:
    results: list[dict] = []
    notes: list[Note] = []
    for start in range(0, len(paths), _CHUNK):
        chunk = paths[start:start + _CHUNK]
        try:
            process = subprocess.run([sys.executable, "-c", _RUN_BANDIT, "-f", "json", "-q",
                                      *chunk], capture_output=True, timeout=600, check=False)
            document = json.loads(process.stdout or b"{}")
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            notes.append(Note("bandit", f"could not run bandit: {error}", NoteLevel.ERROR))
            continue
        results.extend(document.get("results", []))
        for error in document.get("errors", []):
            notes.append(Note(error.get("filename", "bandit"), f"bandit: {error.get('reason')}",
                              NoteLevel.INFO))
    return results, notes


def merge_bandit(results: list[FileResult], opened_as: dict[str, str]) -> list[Note]:
    """Add bandit's findings to `results`; `opened_as` maps display path -> path opened."""
    by_opened = {os.path.normpath(opened): display for display, opened in opened_as.items()}
    python = [opened for display, opened in opened_as.items()
              if _result_for(results, display).language == "python"]
    if not python:
        return []
    found, notes = run_bandit(python)
    for item in found:
        display = by_opened.get(os.path.normpath(item.get("filename", "")))
        if display is None:
            continue
        target = _result_for(results, display)
        finding = _to_finding(item, display)
        if not _already_reported(target, finding, item["test_id"]):
            target.findings.append(finding)
    return notes


def _result_for(results: list[FileResult], path: str) -> FileResult:
    return next(result for result in results if result.path == path)


def _to_finding(item: dict, path: str) -> Finding:
    test_id = item["test_id"]
    covered = () if test_id in PARTIAL else BANDIT_TO_RULES.get(test_id, ())
    cwe = item.get("issue_cwe", {}).get("id")
    line = item["line_number"]
    column = item.get("col_offset", 0) + 1
    end = item.get("end_col_offset") or column
    tag = f"bandit {test_id}" + (f", CWE-{cwe}" if cwe else "")
    code_line = next((text.split(" ", 1)[1] if " " in text else "" for text in
                      item.get("code", "").splitlines() if text.startswith(f"{line} ")), "")
    message = f"{item['issue_text']} [{tag}]"
    if test_id in SECRET_TESTS:  # bandit quotes the password: never echo it
        message, code_line = _mask_quoted(message), _mask_quoted(code_line)
    return Finding(
        rule_id=covered[0] if covered else BANDIT_FINDING.id,
        severity=_LEVELS.get(item.get("issue_severity"), Severity.MEDIUM),
        confidence=_CONFIDENCE.get(item.get("issue_confidence"), Confidence.MEDIUM),
        message=message,
        location=Location(path, line, column, line, max(end + 1, column + 1)),
        snippet=code_line.rstrip(),
    )


def _mask_quoted(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group(1) + redact(m.group(2)) + m.group(1), text)


def _already_reported(result: FileResult, finding: Finding, test_id: str) -> bool:
    covered = set(BANDIT_TO_RULES.get(test_id, ()))
    line = finding.location.line
    return any(existing.rule_id in covered
               and abs(existing.location.line - line) <= LINE_TOLERANCE
               for existing in result.findings)
