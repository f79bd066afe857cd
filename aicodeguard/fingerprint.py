"""Identities for findings that survive unrelated edits (no line numbers).

A finding is identified by its rule, its file and the whitespace-normalised
text of its line, plus a counter for identical lines in the same file.  Used
for SARIF `partialFingerprints` and baseline entries.  The line hashed is the redacted
snippet (api.py redacts every finding before a face sees it): a short hash of a line
holding a weak password could be reversed by trying passwords, a hash of its mask cannot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .model import Finding


def _normalised(snippet: str) -> str:
    return " ".join(snippet.split())


def fingerprints(findings: list[Finding],
                 path_of: Callable[[Finding], str] | None = None) -> list[str]:
    """One fingerprint per finding, in the same order.

    `path_of` gives the path that identifies a finding's file (default: the path
    as reported); a baseline passes paths relative to itself, so the identity
    does not depend on the folder a scan runs from.
    """
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        path = finding.location.path if path_of is None else path_of(finding)
        key = (finding.rule_id, path, _normalised(finding.snippet))
        occurrence = seen.get(key, 0) + 1
        seen[key] = occurrence
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:16]
        result.append(f"{digest}:{occurrence}")
    return result
