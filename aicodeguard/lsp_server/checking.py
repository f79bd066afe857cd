"""Check one snapshot of an open document and turn the findings into diagnostics.

Runs on the analysis thread, one job at a time, so each document's syntax tree
is only ever touched here: the edits made since the previous job are applied to
the old tree and tree-sitter re-parses only what changed.  Then the same engine,
package checks and policy as `aicodeguard scan` run, and everything a code action
will need (fix edits, where a suppression comment goes) is computed now and
carried in `Diagnostic.data`, in the client's position units.

Package checks answer from the offline snapshot here.  When the configuration
allows the network and the file names packages, the analysis carries a
`followup`: the same check with registry look-ups, which `check_online` runs on
another thread (with its own copy of the tree) while the editor already shows
the offline answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from lsprotocol import types
from pygls.uris import from_fs_path

from ..analysis.source import SourceFile
from ..api import rules_run
from ..config import Config
from ..engine import analyze_source, analyze_utf8
from ..languages import GRAMMARS, parser
from ..model import Edit, FileResult, Finding, Location, Note, NoteLevel, Severity
from ..parse_guard import parse_refusal
from ..policy import apply_policy, level
from ..redaction import redact_outcome
from ..rules import doc_url
from ..rules.meta import UNUSED_SUPPRESSION
from ..supply.check import check_project
from ..supply.vulnerable import check_pins
from .suppress import comment_syntax, suppression_edit
from .text import TreeEdit, to_client_column

SOURCE = "aicodeguard"
TAGS = {UNUSED_SUPPRESSION.id: [types.DiagnosticTag.Unnecessary]}


LSP_SEVERITY = {"error": types.DiagnosticSeverity.Error,
                "warning": types.DiagnosticSeverity.Warning,
                "note": types.DiagnosticSeverity.Information}


def lsp_severity(finding: Finding, config: Config) -> types.DiagnosticSeverity:
    """Red means "the commit hook and CI will reject this" (at or above fail-on and
    fail-on-confidence); below either gate, yellow; low severity or low confidence
    (informational by definition) stays blue.  The same levels as SARIF (`policy.level`)."""
    return LSP_SEVERITY[level(finding, config)]


@dataclass(frozen=True)
class Snapshot:
    """One version of a document, with everything needed to check it off the loop."""

    uri: str
    path: str
    language: str
    version: int | None
    data: bytes
    edits: tuple[TreeEdit, ...] | None  # since the previous check (None: parse afresh)
    config: Config
    fail_on: Severity
    encoding: str


@dataclass
class Analysis:
    version: int | None
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    online: bool = False  # package verdicts include the registry's answers
    # (snapshot, findings before package checks, tree copy) for the online pass
    followup: tuple | None = None


class SyntaxState:
    """A document's last syntax tree; owned by the analysis thread."""

    __slots__ = ("tree",)

    def __init__(self) -> None:
        self.tree = None

    def parse(self, language: str, data: bytes, edits: tuple[TreeEdit, ...] | None):
        tree = self.tree if edits is not None else None
        if tree is not None and not edits:
            return tree
        if tree is not None:
            for edit in edits:
                tree.edit(*edit)
            tree = parser(language).parse(data, tree)
        else:
            tree = parser(language).parse(data)
        self.tree = tree
        return tree


def check(snapshot: Snapshot, state: SyntaxState) -> Analysis:
    data, config, language = snapshot.data, snapshot.config, snapshot.language
    if len(data) > config.max_file_size:
        state.tree = None
        return _not_checked(snapshot, f"it is larger than the {config.max_file_size // 1024} "
                            "KiB limit (max-file-size)")
    tree = None
    if language in GRAMMARS:
        refusal = parse_refusal(language, data)
        if refusal is not None:
            state.tree = None
            return _not_checked(snapshot, refusal)
        tree = state.parse(language, data, snapshot.edits)
    source = SourceFile(snapshot.path, data)
    result = analyze_utf8(snapshot.path, data, language, tree, source)
    followup = None
    if result.imports and not config.offline:
        unchecked = replace(result, findings=list(result.findings))
        followup = (snapshot, unchecked, tree.copy() if tree is not None else None)
    analysis = _finish(snapshot, result, tree, config.with_overrides(offline=True), source)
    analysis.followup = followup
    return analysis


def check_online(snapshot: Snapshot, result: FileResult, tree) -> Analysis:
    """The package checks with registry look-ups (bounded by network-deadline)."""
    analysis = _finish(snapshot, result, tree, snapshot.config)
    analysis.online = True
    return analysis


def _finish(snapshot: Snapshot, result: FileResult, tree, package_config: Config,
            source: SourceFile | None = None) -> Analysis:
    config, language, data = snapshot.config, snapshot.language, snapshot.data
    notes = check_project([result], package_config, analyze_source) if result.imports else []
    notes += check_pins([result], package_config, {snapshot.path: data}) if result.pins else []
    outcome = redact_outcome(apply_policy([result], config, rules_run([language]), notes),
                             [result])
    if config.baseline:  # the configuration's baseline, as `scan` and the hooks use it
        outcome = without_baselined(outcome, config.baseline)
    source = source if source is not None else SourceFile(snapshot.path, data)
    positions = Positions(source, snapshot.encoding)
    syntax = comment_syntax(language, snapshot.path)
    diagnostics = []
    for finding in outcome.findings:
        suppress = suppression_edit(finding.rule_id, finding.location.line, source,
                                    result.suppressions, tree, syntax)
        diagnostics.append(_diagnostic(finding, snapshot, positions, suppress))
    notes = [note for note in outcome.notes if note.level is not NoteLevel.INFO]
    return Analysis(snapshot.version, diagnostics, notes)


class Positions:
    """Engine positions (1-based line, code-point column) to client positions."""

    def __init__(self, source: SourceFile, encoding: str):
        self.source = source
        self.encoding = encoding

    def position(self, line: int, column: int) -> types.Position:
        row = min(max(line - 1, 0), self.source.line_count - 1)
        text = self.source.line_text(row)
        return types.Position(row, to_client_column(text, max(column - 1, 0), self.encoding))

    def range(self, span: Location | Edit) -> types.Range:
        return types.Range(self.position(span.line, span.column),
                           self.position(span.end_line, span.end_column))


def text_edit_data(positions: Positions, edit: Edit) -> dict:
    """A TextEdit as the JSON the client echoes back in `Diagnostic.data`."""
    span = positions.range(edit)
    return {
        "range": {
            "start": {"line": span.start.line, "character": span.start.character},
            "end": {"line": span.end.line, "character": span.end.character},
        },
        "newText": edit.new_text,
    }


def _diagnostic(finding: Finding, snapshot: Snapshot, positions: Positions,
                suppress: Edit | None) -> types.Diagnostic:
    data: dict = {"version": snapshot.version, "rule": finding.rule_id,
                  "severity": finding.severity.label, "confidence": finding.confidence.label,
                  "evidence": finding.evidence}
    if finding.fix is not None:
        data["fix"] = {
            "title": finding.fix.title,
            "safe": finding.fix.safe,
            "edits": [text_edit_data(positions, edit) for edit in finding.fix.edits],
        }
    if suppress is not None:
        data["suppress"] = text_edit_data(positions, suppress)
    related = [types.DiagnosticRelatedInformation(_location(item.location, snapshot, positions),
                                                  item.message)
               for item in finding.related]
    return types.Diagnostic(
        range=positions.range(finding.location),
        message=finding.message,
        severity=lsp_severity(finding, snapshot.config),  # holds the editor's failOn
        code=finding.rule_id,
        code_description=types.CodeDescription(href=doc_url(finding.rule_id)),
        source=SOURCE,
        related_information=related or None,
        tags=TAGS.get(finding.rule_id),
        data=data,
    )


_baselines: dict[str, tuple[tuple[int, int], object]] = {}


def without_baselined(outcome, path: str):
    """`outcome` without the findings the baseline file at `path` accepts; the file is
    re-read when it changes.  A missing or broken baseline is a warning on the document,
    never a reason to hide nothing silently."""
    from ..baseline import Baseline, BaselineError
    from ..policy import narrow

    try:
        status = os.stat(path)
        stamp = (status.st_mtime_ns, status.st_size)
        cached = _baselines.get(path)
        if cached is None or cached[0] != stamp:
            cached = _baselines[path] = (stamp, Baseline.load(path))
    except (OSError, BaselineError) as error:
        message = error.strerror if isinstance(error, OSError) else str(error)
        outcome.notes.append(Note(path, f"baseline not used: {message}", NoteLevel.WARNING))
        return outcome
    return narrow(outcome, baseline=cached[1])


def _not_checked(snapshot: Snapshot, reason: str) -> Analysis:
    """A file the engine must not (or need not) analyse gets one quiet notice."""
    message = f"aicodeguard did not check this file: {reason}"
    notice = types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=message, severity=types.DiagnosticSeverity.Information, source=SOURCE)
    return Analysis(snapshot.version, [notice],
                    [Note(snapshot.path, message, NoteLevel.WARNING)])


def _location(location: Location, snapshot: Snapshot, positions: Positions) -> types.Location:
    if location.path == snapshot.path:
        return types.Location(snapshot.uri, positions.range(location))
    # Another file's text is not at hand: code-point columns (exact for ASCII lines).
    start = types.Position(location.line - 1, location.column - 1)
    end = types.Position(location.end_line - 1, location.end_column - 1)
    return types.Location(from_fs_path(location.path) or location.path, types.Range(start, end))
