"""Plain-dict forms of results, for the cache and the JSON report.

Paths are left out of cached entries (the same content may live at several
paths) and put back when an entry is read.  A cached entry is redacted first
(redaction.py): the cache never stores a secret, not even in a suppression's reason.
"""

from __future__ import annotations

from .model import (
    Confidence,
    Edit,
    FileResult,
    Finding,
    Fix,
    ImportRef,
    Location,
    Note,
    NoteLevel,
    Pin,
    Related,
    Severity,
    Suppression,
)
from .redaction import redact_result


def location_to_dict(location: Location, with_path: bool = True) -> dict:
    data = {"line": location.line, "column": location.column,
            "end_line": location.end_line, "end_column": location.end_column}
    if with_path:
        data = {"path": location.path, **data}
    return data


def _location(data: dict, path: str) -> Location:
    return Location(data.get("path", path), data["line"], data["column"],
                    data["end_line"], data["end_column"])


def fix_to_dict(fix: Fix) -> dict:
    return {"title": fix.title, "safe": fix.safe, "edits": [
        {"line": e.line, "column": e.column, "end_line": e.end_line,
         "end_column": e.end_column, "new_text": e.new_text} for e in fix.edits]}


def _fix(data: dict) -> Fix:
    return Fix(data["title"], tuple(Edit(e["line"], e["column"], e["end_line"], e["end_column"],
                                         e["new_text"]) for e in data["edits"]), data["safe"])


def finding_to_dict(finding: Finding, with_path: bool = True) -> dict:
    data = {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "evidence": finding.evidence,
        "message": finding.message,
        "location": location_to_dict(finding.location, with_path),
        "snippet": finding.snippet,
        "related": [{"message": r.message, "location": location_to_dict(r.location, with_path)}
                    for r in finding.related],
        "fix": fix_to_dict(finding.fix) if finding.fix else None,
        "metadata": dict(finding.metadata),
    }
    return data


def finding_from_dict(data: dict, path: str) -> Finding:
    return Finding(
        rule_id=data["rule_id"],
        severity=Severity.parse(data["severity"]),
        confidence=Confidence[data["confidence"].upper()],
        message=data["message"],
        location=_location(data["location"], path),
        snippet=data["snippet"],
        related=tuple(Related(_location(r["location"], path), r["message"])
                      for r in data["related"]),
        fix=_fix(data["fix"]) if data["fix"] else None,
        evidence=data["evidence"],
        metadata=tuple(sorted((key, _frozen(value)) for key, value in data["metadata"].items())),
    )


def _frozen(value):
    """JSON lists as tuples, so a finding stays hashable."""
    return tuple(_frozen(item) for item in value) if isinstance(value, list) else value


def result_to_dict(result: FileResult) -> dict:
    result = redact_result(result)
    return {
        "language": result.language,
        "findings": [finding_to_dict(f, with_path=False) for f in result.findings],
        "notes": [{"message": n.message, "level": n.level.value} for n in result.notes],
        "imports": [{"name": i.name, "ecosystem": i.ecosystem, "source": i.source,
                     "location": location_to_dict(i.location, with_path=False)}
                    for i in result.imports],
        "suppressions": [[s.line, s.column, s.end_column, list(s.applies_to), list(s.rule_ids),
                          s.reason, s.line_text] for s in result.suppressions],
        "context": sorted(result.context),
        "pins": [{"name": p.name, "ecosystem": p.ecosystem, "spec": p.spec, "source": p.source,
                  "location": location_to_dict(p.location, with_path=False)}
                 for p in result.pins],
    }


def result_from_dict(data: dict, path: str) -> FileResult:
    return FileResult(
        path=path,
        language=data["language"],
        findings=[finding_from_dict(f, path) for f in data["findings"]],
        notes=[Note(path, n["message"], NoteLevel(n["level"])) for n in data["notes"]],
        imports=[ImportRef(i["name"], i["ecosystem"], _location(i["location"], path), i["source"])
                 for i in data["imports"]],
        suppressions=[Suppression(s[0], s[1], s[2], tuple(s[3]), tuple(s[4]), s[5], s[6])
                      for s in data["suppressions"]],
        context=frozenset(data["context"]),
        pins=[Pin(p["name"], p["ecosystem"], p["spec"], _location(p["location"], path),
                  p["source"]) for p in data["pins"]],
    )
