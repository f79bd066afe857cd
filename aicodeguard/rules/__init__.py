"""The rule registry: every rule's metadata, cheap to import (no tree-sitter here).

Ids are permanent: a retired id stays reserved and is never reused.
Families: AIG0xx suppressions, AIG1xx injection, AIG2xx crypto/TLS,
AIG3xx secrets, AIG4xx deserialization/XML, AIG5xx web and configuration,
AIG6xx supply chain, AIG7xx hidden text and prompt injection, AIG8xx LLM apps.
"""

from __future__ import annotations

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
