"""Shared logic for injection-style sinks in every language: is the value dynamic, is it
tainted, and how is that reported (severity raised by taint, the source as a related
location, LLM flows under AIG80x).  A context only needs `report` and `location`."""

from __future__ import annotations

from ..analysis.shared import StringInfo, Taint, value_origin
from ..model import Confidence, Related, RuleInfo, Severity


def raised(severity: Severity, taint: Taint | None) -> Severity:
    """Remote-controlled data makes a sink one step worse."""
    if taint is None or not taint.is_remote:
        return severity
    return Severity(min(Severity.CRITICAL, severity + 1))


def source_note(ctx, taint: Taint) -> tuple[Related, ...]:
    return (Related(ctx.location(taint.node), f"{taint.label} enters here: `{_short(taint.text)}`"),)


def flow_suffix(ctx, taint: Taint | None) -> str:
    if taint is None:
        return ""
    line = taint.node.start_point[0] + 1
    return f"; it carries {taint.label} (`{_short(taint.text)}`, line {line})"


def report_sink(
    ctx,
    rule: RuleInfo,
    node,
    message: str,
    taint: Taint | None,
    *,
    llm_rule: RuleInfo | None = None,
    severity: Severity | None = None,
    confidence: Confidence | None = None,
    escalate: bool = True,
    fix=None,
    evidence: str | None = None,
    library: bool = False,
) -> None:
    """Report a dangerous value reaching a sink; LLM-tainted flows go to `llm_rule`.

    `escalate=False` for rules that only fire on remote data anyway (their
    severity already assumes it).  The evidence (and from it the confidence) is the
    taint's kind, else what the value is built from: a parameter or a value of unknown
    origin, or constants only (`analysis.shared.value_origin`).  `library=True` for sinks
    whose "parameter" evidence is low confidence outside application code
    (`PyContext.library_evidence`)."""
    base = severity or rule.severity
    if taint is not None and taint.is_llm and llm_rule is not None:
        rule, base = llm_rule, llm_rule.severity
    if evidence is None:
        evidence = taint.evidence if taint is not None else value_origin(ctx, node)
    if library and taint is None:
        lowered = ctx.library_evidence(evidence)
        if lowered != evidence:
            evidence, confidence = lowered, None
    ctx.report(
        rule, node, message + flow_suffix(ctx, taint),
        severity=raised(base, taint) if rule is not llm_rule and escalate else base,
        confidence=confidence,
        related=source_note(ctx, taint) if taint is not None else (),
        fix=fix,
        evidence=evidence,
    )


def dynamic_string(ctx, node) -> tuple[StringInfo, Taint | None]:
    """How `node` was built and where its untrusted part (if any) came from."""
    info = ctx.string_info(node)
    taint = ctx.taint(node) if info.dynamic else None
    return info, taint


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
