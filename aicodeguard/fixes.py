"""Applying findings' fixes to files: plan, check, then write (or show as a diff).

A plan is made per file from the content read once here; every write re-reads the file
and refuses when its hash changed since (someone edited it during the run).  Edits are
taken in position order and a fix whose edit overlaps an edit already taken is skipped
whole (named in the result), so the outcome never depends on the order rules ran in.
A file whose tree-sitter parse has more errors after fixing than before is not written.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field

from .languages import GRAMMARS, language_for_name
from .model import Edit, Finding

OVERLAP = "overlaps an earlier fix"
STALE = "the line no longer reads as when scanned"
NOT_UTF8 = "the file is not UTF-8"


@dataclass
class FilePlan:
    path: str
    original: bytes
    fixed: bytes
    applied: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)
    refused: str = ""  # why the whole file is left alone ("" : it may be written)

    @property
    def changed(self) -> bool:
        return not self.refused and self.fixed != self.original


@dataclass
class FixResult:
    plans: list[FilePlan]
    written: list[str] = field(default_factory=list)

    @property
    def fixed(self) -> list[Finding]:
        return [f for plan in self.plans if plan.changed for f in plan.applied]

    @property
    def files(self) -> list[str]:
        return [plan.path for plan in self.plans if plan.changed]

    def problems(self) -> list[str]:
        """One line per fix not applied and per file not written, sorted."""
        lines = []
        for plan in self.plans:
            if plan.refused:
                lines.append(f"{plan.path}: not fixed: {plan.refused}")
            for finding, reason in plan.skipped:
                loc = finding.location
                lines.append(f"{plan.path}:{loc.line}:{loc.column}: {finding.rule_id} fix "
                             f"skipped: {reason}")
        return lines


def fixable(findings: list[Finding], *, unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and f.fix.edits
            and (f.fix.safe or unsafe)]


def plan(findings: list[Finding], *, unsafe: bool = False) -> FixResult:
    by_path: dict[str, list[Finding]] = {}
    for finding in fixable(findings, unsafe=unsafe):
        by_path.setdefault(finding.location.path, []).append(finding)
    return FixResult([plan_file(path, by_path[path]) for path in sorted(by_path)])


def plan_file(path: str, findings: list[Finding]) -> FilePlan:
    with open(path, "rb") as handle:
        original = handle.read()
    result = FilePlan(path, original, original)
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        result.refused = NOT_UTF8
        return result
    starts = _line_starts(text)
    taken: list[tuple[int, int]] = []
    replacements: list[tuple[int, int, str]] = []
    seen_fixes: set[tuple[Edit, ...]] = set()
    for finding in sorted(findings, key=_fix_order):
        if not _still_reads(finding, text, starts):
            result.skipped.append((finding, STALE))
            continue
        if finding.fix.edits in seen_fixes:  # one fix reported by two findings
            result.applied.append(finding)
            continue
        spans = [(_offset(starts, text, e.line, e.column),
                  _offset(starts, text, e.end_line, e.end_column), e.new_text)
                 for e in finding.fix.edits]
        if any(_overlap((s, e), other) for s, e, _ in spans for other in taken) \
                or _self_overlap(spans):
            result.skipped.append((finding, OVERLAP))
            continue
        seen_fixes.add(finding.fix.edits)
        taken.extend((s, e) for s, e, _ in spans)
        replacements.extend(spans)
        result.applied.append(finding)
    for start, end, new_text in sorted(replacements, reverse=True):
        text = text[:start] + new_text + text[end:]
    result.fixed = text.encode("utf-8")
    if result.fixed != original:
        result.refused = _parse_regression(path, original, result.fixed)
    return result


def write(result: FixResult) -> FixResult:
    """Write every changed file whose content is still what the plan read."""
    for plan_ in result.plans:
        if not plan_.changed:
            continue
        try:
            with open(plan_.path, "rb") as handle:
                current = handle.read()
        except OSError as error:
            plan_.refused = f"cannot read it again ({error.strerror or error})"
            continue
        if _digest(current) != _digest(plan_.original):
            plan_.refused = "it changed on disk during the run"
            continue
        _replace(plan_.path, plan_.fixed)
        result.written.append(plan_.path)
    return result


def unified_diff(result: FixResult) -> str:
    chunks = []
    for plan_ in result.plans:
        if not plan_.changed:
            continue
        before = plan_.original.decode("utf-8").splitlines(keepends=True)
        after = plan_.fixed.decode("utf-8").splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{plan_.path}", f"b/{plan_.path}"):
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of "
                                                                  "file\n")
    return "".join(chunks)


def summary(fixed: int, files: int, left: int, *, preview: bool = False) -> str:
    """"Fixed 3 findings (2 files); 1 left" (or "Would fix ..." for --diff)."""
    verb = "Would fix" if preview else "Fixed"
    return (f"{verb} {fixed} {'finding' if fixed == 1 else 'findings'} "
            f"({files} {'file' if files == 1 else 'files'}); {left} left")


def syntax_errors(language: str, data: bytes) -> int:
    """ERROR and MISSING nodes in the tree-sitter parse of `data`."""
    from .languages import parser

    count, stack = 0, [parser(language).parse(data).root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def _parse_regression(path: str, before: bytes, after: bytes) -> str:
    language = language_for_name(path)
    if language not in GRAMMARS:
        return ""
    old, new = syntax_errors(language, before), syntax_errors(language, after)
    if new > old:
        return f"the fixed file would not parse ({new} syntax errors, {old} before)"
    return ""


def _fix_order(finding: Finding) -> tuple:
    first = min((e.line, e.column, e.end_line, e.end_column) for e in finding.fix.edits)
    return (first, finding.rule_id, finding.location.line, finding.location.column)


def _still_reads(finding: Finding, text: str, starts: list[int]) -> bool:
    """The finding's recorded line text matches the file as read now (a redacted or
    empty snippet cannot be compared and is trusted)."""
    snippet, line = finding.snippet, finding.location.line
    if not snippet or " chars)" in snippet or line > len(starts):
        return True
    end = starts[line] if line < len(starts) else len(text)
    return text[starts[line - 1]:end].rstrip().startswith(snippet)  # snippets are cut short


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    if line > len(starts):
        return len(text)
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    return min(start + column - 1, end)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0]


def _self_overlap(spans) -> bool:
    ordered = sorted((s, e) for s, e, _ in spans)
    return any(_overlap(a, b) for a, b in zip(ordered, ordered[1:]))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _replace(path: str, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, keeping the
    file's mode, so a crash never leaves half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".aicodeguard-fix-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
