"""Read a commit message as the chain of custody sees it: was the change AI-assisted
(and by what), does it point to its prompt or session, and what checked it.

Trailers are parsed the way git does (`git interpret-trailers`): the last paragraph
of `Key: value` lines; a generated-with line may stand anywhere in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .identities import (
    COMPILED_IDENTITIES,
    DISCLOSURE_TRAILERS,
    GENERATED_LINE,
    NEGATIVE_VALUES,
    PROMPT_TRAILER,
)

CHECKED_TRAILER = "Checked-by"
_AFFIRMATIVE = frozenset({"yes", "true", "1", "y"})
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$")


def trailers(message: str) -> list[tuple[str, str]]:
    """(key, value) pairs of the message's trailer block, keys as written."""
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:
        return []
    lines = [line for line in paragraphs[-1].splitlines() if line.strip()]
    found = []
    for line in lines:
        match = _TRAILER.match(line.strip())
        if match is None:
            if line[:1].isspace() and found:  # a folded continuation line
                key, value = found[-1]
                found[-1] = (key, f"{value} {line.strip()}")
                continue
            return []  # not a trailer block after all (git's rule: all lines must be)
        found.append((match.group(1), match.group(2).strip()))
    return found


@dataclass(frozen=True)
class Custody:
    """What one commit message says about its making."""

    ai_tools: tuple[str, ...]  # empty: no sign of AI assistance
    evidence: tuple[str, ...]  # the trailers or lines that said so
    prompt_refs: tuple[str, ...]
    checked_by: str | None  # the aicodeguard trailer, if any
    declared_unassisted: bool = False  # an explicit `AI-assisted: no` (or another negative)

    @property
    def ai_assisted(self) -> bool:
        return bool(self.ai_tools)


def read(message: str, extra_markers: tuple[str, ...] = (),
         extra_identities: tuple[tuple[str, str], ...] = ()) -> Custody:
    """`extra_markers`: a team's own patterns (regular expressions) that mark a message
    as AI-assisted; `extra_identities`: (tool, pattern) pairs that name an assistant in a
    `Co-authored-by:` trailer, checked before the built-in ones; both from the
    configuration (`custody.settings`)."""
    identities = _compiled(extra_identities) + COMPILED_IDENTITIES
    negative = False
    tools: list[str] = []
    evidence: list[str] = []
    prompts: list[str] = []
    checked = None
    for key, value in trailers(message):
        lowered = key.lower()
        if lowered == "co-authored-by":
            tool = _assistant(value, identities)
            if tool:
                tools.append(tool)
                evidence.append(f"{key}: {value}")
        elif lowered in DISCLOSURE_TRAILERS and value.strip().lower() in NEGATIVE_VALUES:
            negative = True
        elif lowered in DISCLOSURE_TRAILERS:
            named = value.strip() if value.strip().lower() not in _AFFIRMATIVE else ""
            tools.append(_assistant(value, identities) or named or "unnamed assistant")
            evidence.append(f"{key}: {value}")
        elif lowered == PROMPT_TRAILER:
            prompts.append(value)
        elif lowered == CHECKED_TRAILER.lower() and value.lower().startswith("aicodeguard"):
            checked = value
    for match in GENERATED_LINE.finditer(message):
        tools.append(_assistant(match.group("tool"), identities) or match.group("tool").strip())
        evidence.append(_line_at(message, match.start()))
    for pattern in extra_markers:
        match = re.search(pattern, message, re.IGNORECASE | re.MULTILINE)
        if match:
            tools.append("team marker")
            evidence.append(_line_at(message, match.start()))
    return Custody(tuple(dict.fromkeys(tools)), tuple(evidence), tuple(prompts), checked,
                   negative and not tools)


def _line_at(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start:end if end >= 0 else len(text)].strip()


def _compiled(identities: tuple[tuple[str, str], ...]) -> tuple:
    return tuple((tool, re.compile(pattern, re.IGNORECASE)) for tool, pattern in identities)


def _assistant(text: str, identities=COMPILED_IDENTITIES) -> str | None:
    for tool, pattern in identities:
        if pattern.search(text):
            return tool
    return None
