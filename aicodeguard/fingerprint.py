"""Identities for findings that survive unrelated edits (no line numbers).

A finding is identified by its rule, its file and the whitespace-normalised
text of its line, plus a counter for identical lines in the same file.  Used
for SARIF `partialFingerprints` and baseline entries.
"""

from __future__ import annotations

import hashlib

from .model import Finding


def _normalised(snippet: str) -> str:
    return " ".join(snippet.split())


def fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, in the same order."""
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        key = (finding.rule_id, finding.location.path, _normalised(finding.snippet))
        occurrence = seen.get(key, 0) + 1
        seen[key] = occurrence
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:16]
        result.append(f"{digest}:{occurrence}")
    return result
