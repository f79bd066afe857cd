"""The vocabulary every part of aicodeguard speaks: plain frozen values, no I/O.

Positions are 1-based lines and 1-based columns counted in Unicode code
points; ``end_column`` points just past the last character.  Faces convert to
their own units (UTF-16 for LSP) from the line text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Confidence(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two positions (same units as `Location`)."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Related:
    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    confidence: Confidence
    message: str
    location: Location
    snippet: str = ""
    related: tuple[Related, ...] = ()
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)


class NoteLevel(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Note:
    """A per-file (or per-run) problem: the file could not be (fully) analysed."""

    path: str
    message: str
    level: NoteLevel = NoteLevel.WARNING


@dataclass(frozen=True, slots=True)
class ImportRef:
    """A package name the code or a manifest refers to, for the supply-chain checks."""

    name: str
    ecosystem: str  # "pypi" or "npm"
    location: Location
    source: str = "import"  # import, requirement, package.json, shell ...


@dataclass(frozen=True, slots=True)
class Suppression:
    """An ``aicodeguard: ignore[...]`` comment; `rule_ids` empty means every rule."""

    line: int
    column: int
    end_column: int
    applies_to: tuple[int, ...]  # the lines it silences
    rule_ids: tuple[str, ...]
    reason: str
    line_text: str = ""


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    name: str
    summary: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    languages: tuple[str, ...]
    fixable: bool = False
    tags: tuple[str, ...] = ()

    @property
    def doc_name(self) -> str:
        return f"{self.id}.md"


@dataclass(slots=True)
class FileResult:
    """Everything one file yields; cached by content hash before policy applies."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    imports: list[ImportRef] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    language: str | None = None
    # What kind of code the whole file is, as the analysis saw it ("test": a test
    # module by its framework structure or its project-relative path; "generated").
    # Policy lowers the confidence of findings in such files.
    context: frozenset[str] = frozenset()
