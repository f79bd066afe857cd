"""The one redaction step between findings and every sink: outputs, cache, baseline, editor.

Every text a result carries — a finding's message, snippet, related messages and fix,
a note, a suppression's reason and line — passes through here, whatever rule family
produced it.  What gets masked (always as `redact(value)`: `ghp_…(40 chars)`):

1. the values the secret rules recorded while the file was analysed
   (`SourceFile.secrets`; the engine calls `redact_file`);
2. values recovered from the file's own masked lines.  A secret rule's finding echoes
   its line with the value masked; any later copy of the same line (a package finding's,
   bandit's, a suppression's) is aligned with that masked copy, which gives the value
   back.  So no value has to be kept anywhere, and a result read from the cache is
   redacted exactly like a fresh one;
3. secret shapes recognised on their own — provider token formats and JWTs
   (rules/text/key_formats.py), passwords in `scheme://user:password@host` URLs and
   private key blocks — so a secret on a line is masked even where no rule reported it.

A fix whose replacement text would hold a secret is dropped: a masked replacement
would write the mask into the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .analysis.source import SourceFile, redact
from .model import FileResult, Finding, Fix, Note, Related, Suppression

# A masked value as `redact` writes it: up to four characters, then the length.
_MASK = re.compile(r"…\((\d+) chars\)")
MASK_PREFIX = 4
MIN_VALUE = 4  # shorter recorded values are not worth masking elsewhere (and mask too much)
DISTINCT_VALUE = 8  # a quoted value's content is masked on its own from this length
_QUOTES = ("'", '"', "`")
# Cheap test before the shape search: something a secret shape needs.
_MAY_HOLD_SHAPE = re.compile(r"://|PRIVATE KEY|[A-Za-z0-9_-]{20}")
# URL passwords that are only a slot for one (`${PASS}`, `{password}`, `<pass>`, `%s`, `***`).
_FILL_IN = re.compile(r"\$\{?\w+\}?|\{\{?[^{}]*\}?\}|<[^<>]*>|%\(?\w*\)?s|\*+|[xX]+")


class Masker:
    """Masks a set of known values and every secret shape in the texts it is given."""

    def __init__(self, values: Iterable[str] = ()):
        known: set[str] = set()
        for value in values:
            inner = _unquoted(value)
            known.update(part for part in (value, inner if len(inner) >= DISTINCT_VALUE else "")
                         if len(part) >= MIN_VALUE and not _MASK.search(part))
        self.values = sorted(known, key=lambda value: (-len(value), value))

    def text(self, text: str) -> str:
        if not text:
            return text
        for value in self.values:
            if value in text:
                text = text.replace(value, redact(value))
        return mask_shapes(text)

    def finding(self, finding: Finding) -> Finding:
        text = self.text
        message, snippet = text(finding.message), text(finding.snippet)
        related = tuple(Related(r.location, text(r.message)) for r in finding.related)
        fix = self.fix(finding.fix)
        if (message, snippet, related, fix) == (finding.message, finding.snippet,
                                                finding.related, finding.fix):
            return finding
        return replace(finding, message=message, snippet=snippet, related=related, fix=fix)

    def fix(self, fix: Fix | None) -> Fix | None:
        if fix is None:
            return None
        if any(self.text(edit.new_text) != edit.new_text for edit in fix.edits):
            return None  # applying a masked replacement would corrupt the code
        title = self.text(fix.title)
        return fix if title == fix.title else replace(fix, title=title)

    def note(self, note: Note) -> Note:
        message = self.text(note.message)
        return note if message == note.message else replace(note, message=message)

    def suppression(self, suppression: Suppression) -> Suppression:
        reason, line_text = self.text(suppression.reason), self.text(suppression.line_text)
        if (reason, line_text) == (suppression.reason, suppression.line_text):
            return suppression
        return replace(suppression, reason=reason, line_text=line_text)


def _unquoted(value: str) -> str:
    """`"hunter2"` (a literal as a rule recorded it) -> `hunter2` (as a comment repeats it)."""
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] == value[0]:
        return value[1:-1]
    return ""


# --- secret shapes -------------------------------------------------------------------

def mask_shapes(text: str) -> str:
    """`text` with every recognisable secret masked: provider tokens, JWTs, URL
    passwords, private key bodies.  Idempotent (a mask matches none of the shapes)."""
    if not text or not _MAY_HOLD_SHAPE.search(text):
        return text
    from .rules.text.secrets import shape_spans  # the secret rules' own matchers

    data = text.encode("utf-8", "surrogatepass")
    spans = sorted(shape_spans(data, _is_fill_in))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        value = data[start:end].decode("utf-8", "replace")
        if _MASK.search(value):
            continue  # masked already (a key body, a URL password)
        out += [data[position:start], redact(value).encode("utf-8")]
        position = end
    out.append(data[position:])
    return b"".join(out).decode("utf-8", "replace")


def _is_fill_in(password: str) -> bool:
    return bool(_FILL_IN.fullmatch(password))


# --- values recovered from masked lines ----------------------------------------------

def recovered(masked: str, raw: str) -> list[str]:
    """The values `masked` hides, read from `raw`, another copy of the same line; [] when
    the two are not copies of one line.  A value cut off by a copy's length limit comes
    back cut off (it is still masked wherever it appears)."""
    values: list[str] = []
    masked_at = raw_at = 0
    for match in _MASK.finditer(masked):
        length = int(match.group(1))
        start = match.start() - min(MASK_PREFIX, length)
        if start < masked_at:
            return []
        literal = masked[masked_at:start]
        if raw[raw_at:raw_at + len(literal)] != literal:
            return []
        raw_at += len(literal)
        mask = masked[start:match.end()]
        if raw.startswith(mask, raw_at):  # this copy is masked there too
            raw_at += len(mask)
        else:
            value = raw[raw_at:raw_at + length]
            if not value.startswith(masked[start:match.start()]) or _MASK.search(value):
                return []
            values.append(value)
            raw_at += length
        masked_at = match.end()
        if raw_at >= len(raw):
            break
    return values


def _line_copies(findings: Iterable[Finding], suppressions: Iterable[Suppression]):
    """(line, text) of every text that echoes a whole source line."""
    for finding in findings:
        if finding.snippet:
            yield finding.location.line, finding.snippet
    for suppression in suppressions:
        if suppression.line_text:
            yield suppression.line, suppression.line_text


def recover_values(findings: Iterable[Finding], suppressions: Iterable[Suppression] = ()
                   ) -> set[str]:
    """Values hidden in masked copies of lines that are also echoed unmasked."""
    by_line: dict[int, set[str]] = {}
    for line, text in _line_copies(findings, suppressions):
        by_line.setdefault(line, set()).add(text)
    values: set[str] = set()
    for texts in by_line.values():
        if len(texts) < 2:
            continue
        masked = [text for text in texts if _MASK.search(text)]
        for reference in masked:
            for copy in texts:
                if copy != reference:
                    values.update(recovered(reference, copy))
    return values


# --- the step, where each face calls it ------------------------------------------------

def redact_file(result: FileResult, source: SourceFile) -> None:
    """Engine, once per analysed file: mask the values its secret rules recorded in
    everything the result carries; snippets are re-cut from the source so that a value
    the snippet's length limit would cut through is masked whole."""
    masker = Masker(source.secrets)
    findings = []
    for finding in result.findings:
        if any(value in finding.snippet for value in masker.values):
            finding = replace(finding, snippet=source.snippet(finding.location.line - 1))
        findings.append(masker.finding(finding))
    result.findings = findings
    result.notes = [masker.note(note) for note in result.notes]
    result.suppressions = [masker.suppression(item) for item in result.suppressions]


def redact_result(result: FileResult) -> FileResult:
    """A copy of one file's result that holds no secret (what the result cache stores)."""
    masker = Masker(recover_values(result.findings, result.suppressions))
    return replace(result,
                   findings=[masker.finding(finding) for finding in result.findings],
                   notes=[masker.note(note) for note in result.notes],
                   suppressions=[masker.suppression(item) for item in result.suppressions])


def redact_outcome(outcome, results: list[FileResult]):
    """Mask every secret in an `Outcome` (in place; returned for chaining).  `results` are
    the files' results before policy, whose masked lines give back the values that
    findings added later (packages, bandit, suppressions) echo."""
    findings_of: dict[str, list[Finding]] = {}
    for finding in outcome.findings:
        findings_of.setdefault(finding.location.path, []).append(finding)
    maskers: dict[str, Masker] = {}
    every_value: set[str] = set()
    for result in results:
        values = recover_values([*result.findings, *findings_of.get(result.path, ())],
                                result.suppressions)
        maskers[result.path] = Masker(values)
        every_value |= values
    shared = Masker(every_value)  # for findings and notes outside the files' results
    outcome.findings = [maskers.get(f.location.path, shared).finding(f)
                        for f in outcome.findings]
    outcome.notes = [maskers.get(note.path, shared).note(note) for note in outcome.notes]
    return outcome
