"""`aicodeguard rules` (the rule list as a table, JSON or Markdown) and `explain ID`."""

from __future__ import annotations

import json
import sys

from ..rules import ALL_RULES, BY_ID, doc_url, rule_doc
from . import EXIT_CLEAN, EXIT_ERROR


def list_rules(args) -> int:
    if args.format == "json":
        print(json.dumps([{
            "id": r.id, "name": r.name, "summary": r.summary, "severity": r.severity.label,
            "confidence": r.confidence.label, "cwe": [f"CWE-{n}" for n in r.cwe],
            "languages": list(r.languages), "fixable": r.fixable, "help_url": doc_url(r.id),
        } for r in ALL_RULES], indent=2))
    elif args.format == "markdown":
        print(rules_markdown())
    else:
        print(f"{'ID':<6}  {'SEVERITY':<8} {'CWE':<16} {'NAME':<40} SUMMARY")
        for rule in ALL_RULES:
            cwe = ",".join(f"CWE-{n}" for n in rule.cwe)
            print(f"{rule.id}  {rule.severity.label:<8} {cwe:<16} {rule.name:<40} "
                  f"{rule.summary}")
    return EXIT_CLEAN


def rules_markdown() -> str:
    """The rule index table of docs/rules.md (kept in sync by a test)."""
    rows = ["| ID | Name | Severity | CWE | Languages | Fix | Summary |",
            "|---|---|---|---|---|---|---|"]
    for rule in ALL_RULES:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe)
        link = f"[{rule.id}](aicodeguard/rules/docs/{rule.id}.md)"
        rows.append(f"| {link} | `{rule.name}` | {rule.severity.label} | {cwe} | "
                    f"{', '.join(rule.languages)} | {'yes' if rule.fixable else ''} | "
                    f"{rule.summary} |")
    return "\n".join(rows)


def explain(args) -> int:
    rule = BY_ID.get(args.rule_id.upper())
    if rule is None:
        print(f"aicodeguard: error: unknown rule id {args.rule_id!r} "
              "(see `aicodeguard rules`)", file=sys.stderr)
        return EXIT_ERROR
    print(rule_doc(rule.id).rstrip())
    print(f"\nSeverity: {rule.severity.label} · Confidence: {rule.confidence.label} · "
          f"{', '.join(f'CWE-{n}' for n in rule.cwe)} · {doc_url(rule.id)}")
    return EXIT_CLEAN
