"""JSON output, schema `report/json-schema.json` (version in `SCHEMA_VERSION`)."""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__
from ..config import Config
from ..fingerprint import fingerprints
from ..model import Confidence, Severity
from ..policy import FAIL_ON, Outcome, failed_by, gate, rule_tags
from ..rules import BY_ID, doc_url
from ..serialize import finding_to_dict

SCHEMA_VERSION = "1.2"  # 1.1: confidence gate, evidence; 1.2: tags, gate, failed_by


def render_json(outcome: Outcome, config: Config) -> str:
    return json.dumps(report_document(outcome, config), indent=2, ensure_ascii=False) + "\n"


def report_document(outcome: Outcome, config: Config) -> dict:
    """The JSON report as a plain document: what `--format json` prints and what Rego
    policies get as `input`."""
    counts = Counter(f.severity.label for f in outcome.findings)
    confidences = Counter(f.confidence.label for f in outcome.findings)
    findings = []
    for finding, fingerprint in zip(outcome.findings, fingerprints(outcome.findings)):
        rule = BY_ID.get(finding.rule_id)
        entry = finding_to_dict(finding)
        entry.update({
            "rule_name": rule.name if rule else finding.rule_id,
            "cwe": [f"CWE-{number}" for number in rule.cwe] if rule else [],
            "help_url": doc_url(finding.rule_id),
            "fingerprint": fingerprint,
            "tags": list(rule_tags(finding.rule_id)),
            "gate": gate(finding, config),
            "failed_by": failed_by(finding, config),
        })
        findings.append(entry)
    reasons = Counter(reason for entry in findings for reason in entry["failed_by"])
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "aicodeguard", "version": __version__},
        "summary": {
            "files_scanned": outcome.files_scanned,
            "findings": len(outcome.findings),
            "by_severity": {s.label: counts.get(s.label, 0) for s in Severity},
            "by_confidence": {c.label: confidences.get(c.label, 0) for c in Confidence},
            "suppressed": outcome.suppressed,
            "baselined": outcome.baselined,
            "fail_on": config.fail_on.label,
            "fail_on_confidence": config.fail_on_confidence.label,
            "failing": len(outcome.failing(config)),
            "below_confidence_gate": len(outcome.below_confidence_gate(config)),
            "failed_by": dict(sorted(reasons.items())),
            "policy_denied": sum(1 for entry in findings
                                 if any(r != FAIL_ON for r in entry["failed_by"])),
            "presets": list(config.policy.presets),
        },
        "findings": findings,
        "notes": [{"path": n.path, "level": n.level.value, "message": n.message}
                  for n in outcome.notes],
    }
    return document
