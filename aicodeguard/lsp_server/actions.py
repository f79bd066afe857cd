"""Code actions and hover text, built from the diagnostics' data and the rule docs.

Every diagnostic carries its fix and suppression edits in `Diagnostic.data`
(computed with the analysis), so a code-action request does no analysis when
the client's diagnostics are current.
"""

from __future__ import annotations

import functools

from lsprotocol import types

from ..rules import BY_ID, doc_sections, doc_url

SHOW_DOCUMENTATION = "aicodeguard.showDocumentation"
QUICKFIX = types.CodeActionKind.QuickFix
HOVER_SECTIONS = ("What it does", "Why is this bad?", "Use instead", "References")


def data_of(diagnostic: types.Diagnostic, version: int | None) -> dict | None:
    """The diagnostic's data if it is ours and describes document `version`."""
    data = diagnostic.data
    if diagnostic.source != "aicodeguard" or not isinstance(data, dict):
        return None
    if data.get("version") != version or not isinstance(data.get("rule"), str):
        return None
    return data


def code_actions(uri: str, diagnostics, version: int | None, converter) -> list[types.CodeAction]:
    """Quick fix, suppression and documentation actions for current diagnostics."""
    actions: dict[str, types.CodeAction] = {}
    for diagnostic in diagnostics:
        data = data_of(diagnostic, version)
        if data is None:
            continue
        rule = data["rule"]
        fix = data.get("fix")
        if fix:
            title = f"{fix['title']} ({rule})" if fix.get("safe") else \
                f"{fix['title']} ({rule}, review the change)"
            edits = [converter.structure(edit, types.TextEdit) for edit in fix["edits"]]
            actions.setdefault(f"{title}@{diagnostic.range}", types.CodeAction(
                title=title, kind=QUICKFIX, diagnostics=[diagnostic],
                is_preferred=bool(fix.get("safe")),
                edit=types.WorkspaceEdit(changes={uri: edits})))
        if data.get("suppress"):
            title = f"Suppress {rule} on this line"
            edit = converter.structure(data["suppress"], types.TextEdit)
            actions.setdefault(f"{title}@{diagnostic.range.start.line}", types.CodeAction(
                title=title, kind=QUICKFIX, diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [edit]})))
        title = f"Show documentation for {rule}"
        actions.setdefault(title, types.CodeAction(
            title=title, kind=QUICKFIX, diagnostics=[diagnostic],
            command=types.Command(title=title, command=SHOW_DOCUMENTATION, arguments=[rule])))
    return list(actions.values())


def contains(span: types.Range, position: types.Position) -> bool:
    start, end = span.start, span.end
    after_start = (position.line, position.character) >= (start.line, start.character)
    return after_start and (position.line, position.character) <= (end.line, end.character)


def overlaps(span: types.Range, other: types.Range) -> bool:
    return (span.start.line, span.start.character) <= (other.end.line, other.end.character) \
        and (other.start.line, other.start.character) <= (span.end.line, span.end.character)


def hover_markdown(diagnostics: list[types.Diagnostic]) -> str:
    """The finding's message, then what, why, the fix and the CWE from its rule's docs."""
    parts = []
    for diagnostic in diagnostics:
        rule = str(diagnostic.code)
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        rating = ""
        if isinstance(data.get("severity"), str) and isinstance(data.get("confidence"), str):
            rating = (f"\n\n*{data['severity']} severity · {data['confidence']} confidence "
                      f"({data.get('evidence', 'pattern')})*")
        parts.append(f"{diagnostic.message}{rating}\n\n{rule_markdown(rule)}")
    return "\n\n---\n\n".join(parts)


@functools.cache
def rule_markdown(rule_id: str) -> str:
    rule = BY_ID.get(rule_id)
    if rule is None:
        return f"**{rule_id}**"
    cwe = ", ".join(f"[CWE-{n}](https://cwe.mitre.org/data/definitions/{n}.html)"
                    for n in rule.cwe)
    lines = [f"**{rule.id}** `{rule.name}` · default severity {rule.severity.label} · "
             f"default confidence {rule.confidence.label}" + (f" · {cwe}" if cwe else "")]
    try:
        sections = doc_sections(rule_id)
    except OSError:  # a rule whose page is not written yet
        sections = {}
    if not sections:
        lines.append(rule.summary + ".")
    for heading in HOVER_SECTIONS:
        if sections.get(heading):
            lines.append(f"#### {heading}\n{sections[heading]}")
    lines.append(f"[Documentation]({doc_url(rule_id)})")
    return "\n\n".join(lines)
