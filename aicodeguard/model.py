"""The vocabulary every part of aicodeguard speaks: plain frozen values, no I/O.

Positions are 1-based lines and 1-based columns counted in Unicode code
points; ``end_column`` points just past the last character.  Faces convert to
their own units (UTF-16 for LSP) from the line text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


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

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(c.label for c in cls)
            raise ValueError(f"unknown confidence {text!r} (choose from {choices})") from None


# What a finding rests on (`Finding.evidence`), and the confidence that evidence gives.
# The one place confidence is derived from evidence: checks say what they saw, not a level.
REMOTE_INPUT = "remote-input"  # request, user, LLM, URL or message data reaches the sink
LOCAL_INPUT = "local-input"  # argv, the environment: whoever runs the program chooses it
PARAMETER = "parameter"  # built from a function parameter or a value of unknown origin
CONSTANT = "constant"  # built only from constants or the module's own data
PATTERN = "pattern"  # the shape itself is the problem (`verify=False`, `yaml.load`)
SECRET = "secret"  # a literal credential (by its name or setting)
KNOWN_SECRET = "known-secret"  # a token in its provider's format, a private key block
# Added to "parameter" evidence of code-execution and deserialization sinks outside
# application code ("parameter+library"): low confidence.
LIBRARY = "library"
EVIDENCE_CONFIDENCE = {REMOTE_INPUT: Confidence.HIGH, LOCAL_INPUT: Confidence.MEDIUM,
                       PARAMETER: Confidence.MEDIUM, CONSTANT: Confidence.LOW}
# Where a finding sits can make it unlikely to matter ("test", "generated": see
# `FileResult.context`); the evidence then reads e.g. "parameter+test".  Evidence that
# is live wherever it is written (a real token) keeps its confidence.
CONTEXT_FREE_EVIDENCE = frozenset({KNOWN_SECRET})


def evidence_kind(evidence: str) -> str:
    """The evidence without its context ("parameter+test" -> "parameter")."""
    return evidence.split("+", 1)[0]


def evidence_contexts(evidence: str) -> tuple[str, ...]:
    return tuple(evidence.split("+")[1:])


def confidence_for(evidence: str, rule_default: Confidence) -> Confidence:
    """Confidence from evidence: remote input high; local input and parameters medium;
    constants low; a pattern or a secret the rule's own; any context (test, generated)
    low unless the evidence is context-free."""
    kind = evidence_kind(evidence)
    if evidence_contexts(evidence) and kind not in CONTEXT_FREE_EVIDENCE:
        return Confidence.LOW
    return EVIDENCE_CONFIDENCE.get(kind, rule_default)


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
    # What the confidence rests on: a kind above (REMOTE_INPUT, PARAMETER, ...), with
    # "+context" when where the finding sits lowered it ("parameter+test").
    evidence: str = PATTERN
    # Facts a policy can test, as (key, JSON value) pairs sorted by key: for a vulnerable
    # dependency "package", "version", "cvss", "advisories", "fixed_in".  Shown in JSON
    # and SARIF (`metadata`/properties) and given to Rego policies.
    metadata: tuple[tuple[str, object], ...] = ()

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)


def in_context(finding: Finding, contexts) -> Finding:
    """`finding` as seen in a file of these contexts ("test", "generated"): its evidence
    names them and its confidence is low, unless the evidence is context-free."""
    added = sorted(set(contexts) - set(evidence_contexts(finding.evidence)))
    if not added:
        return finding
    evidence = "+".join([finding.evidence, *added])
    kind = evidence_kind(evidence)
    confidence = finding.confidence if kind in CONTEXT_FREE_EVIDENCE else Confidence.LOW
    return replace(finding, evidence=evidence, confidence=confidence)


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
class Pin:
    """A version requirement a manifest or lock file writes for one package, for the
    known-vulnerability checks (`supply/vulnerable.py`)."""

    name: str
    ecosystem: str  # "pypi" or "npm"
    # A PEP 440 specifier set ("==2.19.0", ">=2,<3") or an npm range ("4.17.4", "^4.17.4");
    # Poetry's `^`/`~` and a bare version are given in PEP 440 terms.
    spec: str
    location: Location  # where the version is written (the name's place when there is none)
    source: str = "requirement"  # requirement, constraint, pyproject, Pipfile, lockfile ...


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
    # Versions the file pins or allows (manifests and lock files), judged per run
    # against the advisory data (`supply/vulnerable.check_pins`).
    pins: list[Pin] = field(default_factory=list)
