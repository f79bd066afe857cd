"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

GitHub needs shortDescription, fullDescription and help on every rule, and
`security-severity` as a *string*; both CWE tag spellings are emitted
(`CWE-89` for people, `external/cwe/cwe-089` for CodeQL-style tooling).
Columns are Unicode code points (`columnKind`), paths relative to the scan's
working directory (`%SRCROOT%`).  A result's `level` is "error" only when it fails the
run (severity and confidence gates), "note" when low in severity or confidence, else
"warning"; `rank` (0-100, SARIF's priority of a result) follows its confidence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..config import Config
from ..fingerprint import fingerprints
from ..model import Confidence, Finding, Location, NoteLevel, RuleInfo, Severity
from ..policy import Outcome, Policy, failed_by, level, rule_tags
from ..rules import ALL_RULES, BY_ID, doc_sections, doc_url, rule_doc

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0"}
PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
RANK = {Confidence.HIGH: 90.0, Confidence.MEDIUM: 60.0, Confidence.LOW: 20.0}
NOTE_LEVELS = {NoteLevel.ERROR: "error", NoteLevel.WARNING: "warning", NoteLevel.INFO: "note"}


def _clip(text: str, limit: int = 1024) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rule(rule: RuleInfo, full_help: bool = True) -> dict:
    """A rule descriptor.  Without `full_help` (rules with no result in this run) the
    descriptions and help are the one-line summary and a link: still what GitHub
    requires, a fraction of the size."""
    if full_help:
        sections = doc_sections(rule.id)
        full = " ".join(part for part in (sections.get("What it does", ""),
                                          sections.get("Why is this bad?", "")) if part)
        markdown = rule_doc(rule.id)
    else:
        full = rule.summary
        markdown = f"{rule.summary}\n\nSee {doc_url(rule.id)} or `aicodeguard explain {rule.id}`."
    tags = ["security", *(f"CWE-{n}" for n in rule.cwe),
            *(f"external/cwe/cwe-{n:03d}" for n in rule.cwe), *rule.tags]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(" ".join(full.split()) or rule.summary)},
        "help": {"text": markdown, "markdown": markdown},
        "helpUri": doc_url(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": tags[:10],
            "precision": PRECISION[rule.confidence],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _uri(path: str) -> str:
    """A URI reference (RFC 3986) for a path: a relative path percent-encoded segment by
    segment (UTF-8; `/` kept), read against `%SRCROOT%`; an absolute one as a file URI."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(Path(path).as_posix(), safe="/")


def _region(location: Location) -> dict:
    return {"startLine": location.line, "startColumn": location.column,
            "endLine": location.end_line, "endColumn": max(location.end_column, 1)}


def _physical(location: Location) -> dict:
    artifact = {"uri": _uri(location.path)}
    if not os.path.isabs(location.path):
        artifact["uriBaseId"] = "%SRCROOT%"
    return {"artifactLocation": artifact, "region": _region(location)}


def _result(finding: Finding, index: dict[str, int], fingerprint: str,
            config: Config) -> dict:
    result = {
        "ruleId": finding.rule_id,
        "level": level(finding, config),
        "rank": RANK[finding.confidence],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        "properties": {"severity": finding.severity.label,
                       "confidence": finding.confidence.label,
                       "evidence": finding.evidence,
                       "tags": _result_tags(finding)},
    }
    reasons = failed_by(finding, config)
    if reasons:
        result["properties"]["failed_by"] = reasons
    if finding.metadata:
        result["properties"]["metadata"] = dict(finding.metadata)
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "message": {"text": related.message},
             "physicalLocation": _physical(related.location)}
            for number, related in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        result["fixes"] = [{
            "description": {"text": finding.fix.title},
            "artifactChanges": [{
                "artifactLocation": _physical(finding.location)["artifactLocation"],
                "replacements": [{
                    "deletedRegion": {"startLine": e.line, "startColumn": e.column,
                                      "endLine": e.end_line, "endColumn": e.end_column},
                    "insertedContent": {"text": e.new_text},
                } for e in finding.fix.edits],
            }],
        }]
    return result


def _result_tags(finding: Finding) -> list[str]:
    """The rule's security and CWE tags merged with the finding's compliance categories
    (OWASP, CWE Top 25, PCI DSS: every preset, whether or not one is on)."""
    rule = BY_ID.get(finding.rule_id)
    cwes = rule.cwe if rule else ()
    return ["security", *(f"CWE-{n}" for n in cwes), *(f"external/cwe/cwe-{n:03d}" for n in cwes),
            *rule_tags(finding.rule_id)]


def render_sarif(outcome: Outcome, config: Config, *, all_rules_help: bool = False) -> str:
    policy = Policy(config)
    used = {f.rule_id for f in outcome.findings}
    rules = [rule for rule in ALL_RULES if policy.enabled(rule.id) or rule.id in used]
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = [_result(f, index, fp, config)
               for f, fp in zip(outcome.findings, fingerprints(outcome.findings))]
    notifications = [{
        "level": NOTE_LEVELS[note.level],
        "message": {"text": f"{note.path}: {note.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(note.path)}}}],
    } for note in outcome.notes]
    run = {
        "tool": {"driver": {
            "name": "aicodeguard",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": "https://github.com/aicodeguard/aicodeguard",
            "rules": [_rule(rule, all_rules_help or rule.id in used) for rule in rules],
        }},
        "automationDetails": {"id": "aicodeguard/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not outcome.has_errors,
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

