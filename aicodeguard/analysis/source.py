"""One decoded file: its bytes as tree-sitter sees them, and position conversion.

tree-sitter reports byte columns; everything user-facing counts code points.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right

from ..model import (
    KNOWN_SECRET,
    PATTERN,
    SECRET,
    Confidence,
    Finding,
    Fix,
    Location,
    Related,
    RuleInfo,
    Severity,
    confidence_for,
)

SNIPPET_LIMIT = 300
_NEWLINE = re.compile(b"\n")

# A folder holding one of these is the root of a project: checks that read context from a
# file's path (tests, development settings) read the path relative to it, so the same
# checkout reports the same findings wherever it lives (`~/dev/`, `/srv/local/`, ...).
PROJECT_MARKERS = (".git", ".aicodeguard.toml", "pyproject.toml", "setup.py", "setup.cfg",
                   "package.json")
_PROJECT_ROOTS: dict[str, str | None] = {}  # folder -> its project root (None: none found)
_PROJECT_ROOTS_LIMIT = 20_000
# Rules whose `secret=` is a token in its provider's own format or a private key block:
# live wherever it is written, so even in a test file it stays as likely as anywhere.
KNOWN_FORMAT_SECRET_RULES = frozenset({"AIG302", "AIG303"})


def project_root(folder: str) -> str | None:
    """The nearest folder at or above `folder` (absolute) that holds a project marker;
    None when there is none up to the file system's root.  Memoised per folder, so a scan
    pays a few `stat` calls per folder, not per file."""
    visited = []
    current = folder
    while current not in _PROJECT_ROOTS:
        visited.append(current)
        if any(os.path.exists(os.path.join(current, name)) for name in PROJECT_MARKERS):
            root = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            root = None
            break
        current = parent
    else:
        root = _PROJECT_ROOTS[current]
    if len(_PROJECT_ROOTS) > _PROJECT_ROOTS_LIMIT:  # a long-lived language server
        _PROJECT_ROOTS.clear()
    _PROJECT_ROOTS.update(dict.fromkeys(visited, root))
    return root


def project_path(path: str) -> str:
    """`path` relative to its project root, with `/` separators; just the file name when
    no project root is found (so no folder outside a project ever gives context)."""
    absolute = os.path.abspath(path)
    root = project_root(os.path.dirname(absolute))
    if root is None:
        return os.path.basename(absolute)
    return os.path.relpath(absolute, root).replace(os.sep, "/")


def redact(secret: str) -> str:
    """The only form in which a secret value may appear in any output."""
    return f"{secret[:4]}…({len(secret)} chars)"


class SourceFile:
    """UTF-8 source of one file with lazy line tables."""

    __slots__ = ("path", "data", "is_ascii", "_line_starts", "secrets", "_project_path")

    def __init__(self, path: str, data: bytes):
        self.path = path  # as displayed: relative to the working folder, or absolute
        self.data = data
        self.is_ascii = data.isascii()
        self._line_starts: list[int] | None = None
        self.secrets: set[str] = set()  # every secret a finding named: masked in every echo
        self._project_path: str | None = None

    @property
    def project_path(self) -> str:
        """The path relative to the project root (see `project_path`): the only path
        checks may read context from (test files, development settings)."""
        if self._project_path is None:
            self._project_path = project_path(self.path)
        return self._project_path

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.data)]
        return self._line_starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_bytes(self, row: int) -> bytes:
        """The bytes of 0-based line `row`, without its newline."""
        starts = self.line_starts
        if row >= len(starts):
            return b""
        end = starts[row + 1] - 1 if row + 1 < len(starts) else len(self.data)
        return self.data[starts[row]:end].rstrip(b"\r")

    def line_text(self, row: int) -> str:
        return self.line_bytes(row).decode("utf-8", "replace")

    def row_of(self, byte_offset: int) -> int:
        return bisect_right(self.line_starts, byte_offset) - 1

    def column(self, row: int, byte_column: int) -> int:
        """1-based code-point column for a byte column on 0-based `row`."""
        if self.is_ascii:
            return byte_column + 1
        return len(self.line_bytes(row)[:byte_column].decode("utf-8", "replace")) + 1

    def location(self, start: tuple[int, int], end: tuple[int, int]) -> Location:
        """Location from tree-sitter (row, byte column) points."""
        return Location(
            self.path,
            start[0] + 1,
            self.column(start[0], start[1]),
            end[0] + 1,
            self.column(end[0], end[1]),
        )

    def node_location(self, node) -> Location:
        return self.location(node.start_point, node.end_point)

    def offset_location(self, start: int, end: int) -> Location:
        """Location from byte offsets into `data`."""
        srow, erow = self.row_of(start), self.row_of(end)
        starts = self.line_starts
        return self.location((srow, start - starts[srow]), (erow, end - starts[erow]))

    def snippet(self, row: int, secret: str | None = None) -> str:
        """Line `row` as findings echo it: every secret found in the file so far masked."""
        if secret:
            self.secrets.add(secret)
        text = self.line_text(row).rstrip()
        for value in sorted(self.secrets, key=len, reverse=True):
            if value in text:
                text = text.replace(value, redact(value))
        return text[:SNIPPET_LIMIT]

    def finding(
        self,
        rule: RuleInfo,
        location: Location,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        secret: str | None = None,
        evidence: str | None = None,
    ) -> Finding:
        """Build a finding; `secret` is masked wherever the line is echoed.

        `evidence` (model.REMOTE_INPUT, PARAMETER, ...) decides the confidence unless
        `confidence` is given; without it a finding rests on its pattern (or, with
        `secret`, on the secret) and has the rule's own confidence."""
        if evidence is None:
            evidence = KNOWN_SECRET if rule.id in KNOWN_FORMAT_SECRET_RULES else \
                SECRET if secret else PATTERN
        return Finding(
            rule_id=rule.id,
            severity=severity or rule.severity,
            confidence=confidence or confidence_for(evidence, rule.confidence),
            message=message,
            location=location,
            snippet=self.snippet(location.line - 1, secret),
            related=related,
            fix=fix,
            evidence=evidence,
        )
