"""What the Python and JavaScript analyses have in common: the "unknown value" sentinel,
how a string was built, where untrusted data came from, and reporting a finding."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Confidence, Fix, Related, RuleInfo, Severity
from .source import SourceFile


class Unknown:
    """Sentinel: the value cannot be computed statically."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()

# How a string was built, as messages say it (in this order).
_BUILT_WITH = {
    "fstring": "an f-string",
    "template": "a template literal",
    "concat": "`+` concatenation",
    "percent": "`%` formatting",
    "format": "`.format()`",
    "util_format": "`util.format()`",
    "join": "`.join()`",
}


@dataclass(slots=True)
class StringInfo:
    """How an expression that yields a string was put together."""

    kinds: set[str] = field(default_factory=set)  # "literal" and the keys of _BUILT_WITH
    literal_text: str = ""
    dynamic_parts: list = field(default_factory=list)

    @property
    def is_string(self) -> bool:
        return bool(self.kinds)

    @property
    def dynamic(self) -> bool:
        return bool(self.dynamic_parts)

    @property
    def built(self) -> bool:
        """True when the string was assembled from parts at run time."""
        return bool(self.kinds - {"literal"}) and self.dynamic

    def describe(self) -> str:
        found = [text for kind, text in _BUILT_WITH.items() if kind in self.kinds]
        return " and ".join(found) if found else "a non-literal value"


KIND_LABELS = {
    "request": "request data",
    "input": "user input",
    "argv": "a command-line argument",
    "env": "an environment variable",
    "llm": "LLM output",
    "url": "the page URL",
    "message": "a message from another window or socket",
}
# Data an outside party controls directly (not the operator's own environment or argv).
REMOTE_KINDS = frozenset({"request", "input", "llm", "url", "message"})


@dataclass(frozen=True, slots=True)
class Taint:
    kind: str  # a key of KIND_LABELS
    node: object  # the source expression
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_llm(self) -> bool:
        return self.kind == "llm"

    @property
    def is_remote(self) -> bool:
        return self.kind in REMOTE_KINDS


class ReportingContext:
    """The part of a language's check context that turns nodes into findings."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.findings: list = []

    def report(
        self,
        rule: RuleInfo,
        node,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        secret: str | None = None,
    ) -> None:
        self.findings.append(self.source.finding(
            rule, self.source.node_location(node), message, severity=severity,
            confidence=confidence, related=related, fix=fix, secret=secret,
        ))

    def location(self, node):
        return self.source.node_location(node)
