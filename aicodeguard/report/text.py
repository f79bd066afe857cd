"""Human-readable output: `path:line:col: ID [severity · confidence] message`, the line,
a caret; concise: `path:line:col: ID [severity/confidence] message`."""

from __future__ import annotations

import re
from collections import Counter

from ..config import Config
from ..model import Finding, Severity
from ..policy import FAIL_ON, Outcome, failed_by, rule_tags, short_tag

_COLORS = {
    Severity.CRITICAL: "\033[1;35m",
    Severity.HIGH: "\033[1;31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
SUPPRESS_HINT = ("To accept a finding, add `# aicodeguard: ignore[ID] reason` "
                 "(`//` in JS/TS) on its line or the line above.")


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def plural(count: int, one: str, many: str | None = None) -> str:
    """"1 file", "2 files": every count a summary prints goes through here."""
    return f"{count} {one if count == 1 else many or one + 's'}"


# Where a one-line message may be cut: the headline ends, the explanation begins.
SHORT_BOUNDARIES = ("; ", ": ", " — ")
# Weaker cuts, for a headline still over SHORT_LIMIT: before a consequence or a reason.
CLAUSE_BOUNDARIES = (", so ", ", which ", ", where ", ", making ", " because ", ", and ",
                     " but ", ", ")
_PARENTHETICAL = re.compile(r" \([^()`]*\)")
SHORT_AFTER = 60  # prefer a cut after this many characters, so the headline says enough
SHORT_LIMIT = 100  # what one line should stay under
SHORT_MINIMUM = 30  # never cut shorter than this


def short_message(message: str) -> str:
    """The first part of a message for one-line output (concise, hooks): a message over
    SHORT_LIMIT characters is cut at the first `; `, `: ` or ` — ` boundary after
    SHORT_AFTER characters (else the last one after SHORT_MINIMUM, else the first); a part
    still over the limit loses its asides (` (...)`) and is cut again before its last
    clause that fits (`, so `, `, which `, ...). It ends in "…".  The full message stays in text format,
    `explain`, hover, JSON and SARIF."""
    if len(message) < SHORT_LIMIT:
        return message
    cuts = _cuts(message, SHORT_BOUNDARIES)
    preferred = [index for index in cuts if SHORT_AFTER <= index < SHORT_LIMIT]
    earlier = [index for index in cuts if index < SHORT_AFTER]
    cut = preferred[0] if preferred else earlier[-1] if earlier else \
        cuts[0] if cuts else len(message)
    headline = message[:cut]
    if len(headline) >= SHORT_LIMIT:  # drop asides first, then cut before a clause
        headline = _PARENTHETICAL.sub("", headline)
        clauses = [index for index in _cuts(headline, CLAUSE_BOUNDARIES)
                   if index < SHORT_LIMIT]
        if len(headline) >= SHORT_LIMIT and clauses:
            headline = headline[:clauses[-1]]
    if headline == message:
        return message
    return headline.rstrip(" .,;:") + " …"


def _cuts(message: str, boundaries) -> list[int]:
    return sorted(index for boundary in boundaries
                  for index in _boundaries(message, boundary) if index >= SHORT_MINIMUM)


def _boundaries(message: str, boundary: str):
    index = message.find(boundary)
    while index != -1:
        yield index
        index = message.find(boundary, index + 1)


def _headline(finding: Finding, color: bool, concise: bool) -> str:
    loc = finding.location
    where = _paint(f"{loc.path}:{loc.line}:{loc.column}:", _BOLD, color)
    rule = _paint(finding.rule_id, _COLORS[finding.severity], color)
    severity, confidence = finding.severity.label, finding.confidence.label
    if concise:
        return f"{where} {rule} [{severity}/{confidence}] {short_message(finding.message)}"
    return f"{where} {rule} [{severity} · {confidence} confidence] {finding.message}"


def _excerpt(finding: Finding, color: bool, config: Config) -> list[str]:
    snippet = finding.snippet
    lines = [f"    {snippet}"] if snippet.strip() else []
    loc = finding.location
    start = loc.column - 1
    if lines and start < len(snippet):
        end = loc.end_column - 1 if loc.end_line == loc.line else len(snippet)
        width = max(1, min(end, len(snippet)) - start)
        pad = "".join(ch if ch == "\t" else " " for ch in snippet[:start])
        lines.append("    " + pad + _paint("^" * width, _COLORS[finding.severity], color))
    for related in finding.related:
        rel = related.location
        lines.append(_paint(f"    = {related.message} ({rel.path}:{rel.line}:{rel.column})",
                            _DIM, color))
    if finding.fix is not None:
        lines.append(_paint(f"    fix: {finding.fix.title}", _DIM, color))
    policy = [reason for reason in failed_by(finding, config) if reason != FAIL_ON]
    if policy:
        lines.append(_paint(f"    fails by policy: {', '.join(policy)}", _DIM, color))
    tags = rule_tags(finding.rule_id)
    if tags:  # short forms; JSON and SARIF carry the full category names
        lines.append(_paint(f"    tags: {' · '.join(map(short_tag, tags))}", _DIM, color))
    return lines


def summary(outcome: Outcome, config: Config) -> str:
    counts = Counter(f.severity for f in outcome.findings)
    parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
    total = len(outcome.findings)
    files = len({f.location.path for f in outcome.findings})
    text = f"Found {plural(total, 'finding')}"
    if total:
        text += (f" ({', '.join(parts)}) in {files} of "
                 f"{plural(outcome.files_scanned, 'file')}")
    else:
        text += f" in {plural(outcome.files_scanned, 'file')}"
    extras = []
    if outcome.suppressed:
        extras.append(f"{outcome.suppressed} suppressed")
    if outcome.baselined:
        extras.append(f"{outcome.baselined} in the baseline")
    if outcome.unchanged:
        extras.append(f"{outcome.unchanged} on unchanged lines")
    if extras:
        text += f"; {', '.join(extras)}"
    text += "."
    skipped = skipped_summary(outcome.skipped)
    if skipped:
        text += f" {skipped}."
    reasons = Counter(reason for finding in outcome.findings
                      for reason in failed_by(finding, config))
    policy = {reason: count for reason, count in sorted(reasons.items()) if reason != FAIL_ON}
    failing = len(outcome.failing(config)) if not policy else reasons[FAIL_ON]
    text += (f" {failing} at or above fail-on={config.fail_on.label} and "
             f"fail-on-confidence={config.fail_on_confidence.label}")
    if policy:
        denied = len(outcome.policy_denied(config))
        text += (f"; {denied} failed by policy ("
                 f"{', '.join(f'{reason}: {count}' for reason, count in policy.items())})")
    below = len(outcome.below_confidence_gate(config))
    if below:
        text += f"; {below} below the confidence gate (informational)"
    return text + "."


# Outcome.skipped keys (discovery.SKIP_*) -> (singular, plural) phrases, in this order.
_SKIPPED = {
    "unscannable": ("file could not be checked (see the errors)",
                    "files could not be checked (see the errors)"),
    "excluded-files": ("file excluded by configuration", "files excluded by configuration"),
    "excluded-folders": ("folder excluded by configuration",
                         "folders excluded by configuration"),
    "tool-folders": ("tool folder (virtual environment, node_modules, VCS data or cache)",
                     "tool folders (virtual environments, node_modules, VCS data, caches)"),
    "submodules": ("git submodule (scan it on its own)", "git submodules (scan them on their own)"),
    "symlinks": ("symlink not followed", "symlinks not followed"),
    "not-regular": ("FIFO or device", "FIFOs or devices"),
    "unsupported": ("named file of a kind aicodeguard does not read",
                    "named files of a kind aicodeguard does not read"),
}


def skipped_summary(skipped: dict[str, int]) -> str:
    """"Not scanned: 2 files excluded by configuration, 1 tool folder (...)", or ""."""
    parts = []
    for key in [*_SKIPPED, *sorted(set(skipped) - set(_SKIPPED))]:
        count = skipped.get(key, 0)
        if count:
            one, many = _SKIPPED.get(key, (key, key))
            parts.append(f"{count} {one if count == 1 else many}")
    return f"Not scanned: {', '.join(parts)}" if parts else ""


def render_text(outcome: Outcome, config: Config, *, color: bool, concise: bool) -> str:
    out: list[str] = []
    previous_path = None
    for finding in outcome.findings:
        if not concise and previous_path is not None and finding.location.path != previous_path:
            out.append("")
        previous_path = finding.location.path
        out.append(_headline(finding, color, concise))
        if not concise:
            out.extend(_excerpt(finding, color, config))
    if outcome.notes:
        if out:
            out.append("")
        for note in outcome.notes:
            out.append(f"{note.level.value}: {note.path}: {note.message}")
    if out:
        out.append("")
    out.append(summary(outcome, config))
    if outcome.failing(config):
        out.append(SUPPRESS_HINT)
    return "\n".join(out) + "\n"
