"""The rule registry: every rule's metadata, cheap to import (no tree-sitter here).

Ids are permanent: a retired id stays reserved and is never reused.
Families: AIG0xx suppressions, AIG1xx injection, AIG2xx crypto/TLS,
AIG3xx secrets, AIG4xx deserialization/XML, AIG5xx web and configuration,
AIG6xx supply chain, AIG7xx hidden text and prompt injection, AIG8xx LLM apps.
"""

from __future__ import annotations

import difflib
import os

from ..model import RuleInfo
from . import (
    crypto,
    deserialization,
    hidden_text,
    injection,
    javascript_only,
    llm,
    meta,
    secret_formats,
    secrets,
    supply,
    tells,
    web,
)

FAMILIES = (meta, injection, crypto, secrets, deserialization, web, javascript_only, supply, llm,
            secret_formats, hidden_text, tells)
ALL_RULES: tuple[RuleInfo, ...] = tuple(sorted(
    (rule for family in FAMILIES for rule in family.RULES), key=lambda rule: rule.id))
BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in ALL_RULES}

DOCS_DIR = os.path.join(os.path.dirname(__file__), "docs")
DOCS_URL = "https://github.com/aicodeguard/aicodeguard/blob/main/aicodeguard/rules/docs/{id}.md"


def doc_url(rule_id: str) -> str:
    return DOCS_URL.format(id=rule_id)


def rule_doc(rule_id: str) -> str:
    """The rule's documentation page (Markdown)."""
    with open(os.path.join(DOCS_DIR, f"{rule_id}.md"), encoding="utf-8") as handle:
        return handle.read()


def matches_any(rule_id: str, prefixes) -> bool:
    """`AIG`, `AIG1`, `AIG10` and `AIG101` all select AIG101; `ALL` selects everything."""
    return any(prefix == "ALL" or rule_id.startswith(prefix) for prefix in prefixes)


# Characters a typist swaps for digits: `AIG1O1`, `AIGl01`.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2",
                                   "S": "5", "B": "8"})


def nearest_rule_id(text: str) -> str | None:
    """The known rule id (or, for a short `text`, id prefix) closest to `text`."""
    text = text.strip().upper()
    if not text:
        return None
    head, tail = text[:3], text[3:]
    if head == "AIG":
        text = head + tail.translate(_DIGIT_LOOKALIKES)
    width = len(next(iter(BY_ID)))
    pool = sorted(BY_ID) if len(text) >= width else sorted({rid[:len(text)] for rid in BY_ID})
    if text in pool:
        return text

    def closeness(candidate: str) -> tuple:
        ratio = difflib.SequenceMatcher(None, text, candidate).ratio()
        digits = text[3:len(candidate)]
        distance = abs(int(digits) - int(candidate[3:])) if digits.isdigit() \
            and candidate[3:].isdigit() else 0
        return ratio, len(os.path.commonprefix([text, candidate])), -distance

    best = max(pool, key=closeness)  # remaining ties: the lowest id
    return best if closeness(best)[0] >= 0.5 else None


def selector_problem(selector: str) -> str | None:
    """Why `selector` selects no rule (with the nearest known id), or None when it selects
    some: a rule id, a prefix some rule id starts with, or `ALL`.  Everywhere rule ids are
    read (options, configuration), an unknown one is an error: a typo must never quietly
    run nothing or ignore nothing."""
    if selector == "ALL":
        return None
    if not selector:
        return "empty rule id (it would match every rule)"
    if any(rule_id.startswith(selector) for rule_id in BY_ID):
        return None
    nearest = nearest_rule_id(selector)
    hint = f" (did you mean {nearest}?)" if nearest else " (see `aicodeguard rules`)"
    return f"unknown rule id {selector!r}{hint}"


def selector_problems(selectors) -> list[str]:
    """`selector_problem` for each of `selectors` that has one."""
    return [problem for problem in map(selector_problem, selectors) if problem]


def doc_sections(rule_id: str) -> dict[str, str]:
    """The doc page split at its `## ` headings: heading -> body text."""
    sections: dict[str, str] = {}
    heading = None
    lines: list[str] = []
    for line in rule_doc(rule_id).splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections[heading] = "\n".join(lines).strip()
            heading, lines = line[3:].strip(), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        sections[heading] = "\n".join(lines).strip()
    return sections
