"""Decide which raw findings a user sees and which fail: rule selection, per-file and
test-file ignores, the confidence of findings in tests and generated code, inline
suppressions (and findings about them), then the baseline; the gate on severity and
confidence, and the native policy's gates (`native.py`).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..analysis.source import project_path
from ..model import (
    Confidence,
    FileResult,
    Finding,
    Location,
    Note,
    Severity,
    Suppression,
    in_context,
)
from ..rules import BY_ID, matches_any, nearest_rule_id
from ..rules.meta import (
    BLANKET_SUPPRESSION,
    SUPPRESSION_WITHOUT_REASON,
    UNUSED_SUPPRESSION,
)
from .native import PLAIN_HTTP_URL, POLICY_DENIED, policy_reasons

if TYPE_CHECKING:  # config.py imports native.py, so this package cannot import config
    from ..config import Config


@dataclass
class Outcome:
    """What a scan amounts to after policy: the findings shown and the run's notes."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files_scanned: int = 0
    suppressed: int = 0
    baselined: int = 0
    unchanged: int = 0  # --diff: findings on lines the diff did not touch
    # What was not scanned, by reason (the `discovery.SKIP_*` keys: "excluded-files",
    # "tool-folders", "unscannable", ...); counted for the summary, never silent.
    skipped: dict[str, int] = field(default_factory=dict)

    def failing(self, config: Config) -> list[Finding]:
        """Findings that fail the run: severity at or above fail-on and confidence at or
        above fail-on-confidence, or a policy's gate (`failed_by`)."""
        return [f for f in self.findings if gating(f, config)]

    def below_confidence_gate(self, config: Config) -> list[Finding]:
        """Findings severe enough to fail the run but not likely enough: informational."""
        return [f for f in self.findings
                if f.severity >= config.fail_on and f.confidence < config.fail_on_confidence
                and not gating(f, config)]

    def policy_denied(self, config: Config) -> list[Finding]:
        """Failing findings that a policy (not only fail-on) fails: exit status 3."""
        return [f for f in self.findings if any(
            reason != FAIL_ON for reason in failed_by(f, config))]

    @property
    def has_errors(self) -> bool:
        return any(note.level.value == "error" for note in self.notes)


FAIL_ON = "fail-on"


def failed_by(finding: Finding, config: Config) -> list[str]:
    """Every reason `finding` fails the run: "fail-on" (severity and confidence at the
    gates) and the policy's (`native.policy_reasons`: "max-cvss", "preset:NAME", ...)."""
    reasons = [FAIL_ON] if finding.severity >= config.fail_on and \
        finding.confidence >= config.fail_on_confidence else []
    settings = config.policy
    if settings.active or finding.rule_id == POLICY_DENIED:
        relative = config_relative(finding.location.path, config) if settings.rules else ""
        reasons.extend(policy_reasons(finding, settings, relative, config.fail_on,
                                      config.fail_on_confidence))
    return reasons


def gating(finding: Finding, config: Config) -> bool:
    """Does `finding` fail the run (exit 1 or 3, a blocked commit, an error in the
    editor)?"""
    return bool(failed_by(finding, config))


def gate(finding: Finding, config: Config) -> str:
    """The JSON report's `gate`: "fail" (fails the run), "informational" (severe enough
    for fail-on but below the confidence gate), or "pass"."""
    if gating(finding, config):
        return "fail"
    if finding.severity >= config.fail_on:
        return "informational"
    return "pass"


def level(finding: Finding, config: Config) -> str:
    """How loudly a face shows `finding`, the same in SARIF and the editor: "error" when
    it fails the run; "note" when it is low in severity or in confidence (informational
    by definition); "warning" otherwise (below fail-on or below the confidence gate)."""
    if gating(finding, config):
        return "error"
    if finding.severity == Severity.LOW or finding.confidence == Confidence.LOW:
        return "note"
    return "warning"


def config_relative(path: str, config: Config) -> str:
    """What configured globs match: the path relative to the configuration file's folder;
    without a configuration file (or for a file outside its folder), relative to the
    file's project root — never to the working folder, so `cd` cannot make a file a test
    file."""
    if config.path:
        relative = os.path.relpath(os.path.abspath(path), config.root)
        if relative != ".." and not relative.startswith(".." + os.sep):
            return relative.replace(os.sep, "/")
    return project_path(path)


def _glob_matches(relative: str, pattern: str) -> bool:
    if "/" not in pattern:
        return fnmatch.fnmatchcase(os.path.basename(relative), pattern)
    return fnmatch.fnmatchcase(relative, pattern.lstrip("/"))


class Policy:
    def __init__(self, config: Config):
        from ..waivers import today

        self.config = config
        self._path_cache: dict[str, tuple[str, ...]] = {}
        self.today = today()  # the date waivers are judged on, read once per run
        self.require_waiver_owner = bool(getattr(config.custody, "require_waiver_owner",
                                                 False))

    def enabled(self, rule_id: str) -> bool:
        config = self.config
        if rule_id == PLAIN_HTTP_URL and not config.policy.require_https \
                and rule_id not in config.select:
            return False  # a policy rule: on with `require-https` (or selected by its id)
        return matches_any(rule_id, config.select) and not matches_any(rule_id, config.ignore)

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """Rule prefixes switched off for `path` by per-file-ignores and test-paths."""
        cached = self._path_cache.get(path)
        if cached is not None:
            return cached
        config = self.config
        relative = self._relative(path)
        ignored: list[str] = []
        for pattern, ids in config.per_file_ignores.items():
            if _glob_matches(relative, pattern):
                ignored.extend(ids)
        if self.is_test_path(path):
            ignored.extend(config.test_ignore)
        result = self._path_cache[path] = tuple(ignored)
        return result

    def is_test_path(self, path: str) -> bool:
        relative = self._relative(path)
        return any(_glob_matches(relative, pattern) for pattern in self.config.test_paths)

    def contexts(self, result: FileResult) -> frozenset[str]:
        """What kind of code the file is: the analysis's view (test modules by their
        structure, generated code) and the configured test-paths."""
        return result.context | {"test"} if self.is_test_path(result.path) else result.context

    def _relative(self, path: str) -> str:
        """What `per-file-ignores` and `test-paths` match (`config_relative`)."""
        return config_relative(path, self.config)

    def shown(self, rule_id: str, path: str) -> bool:
        return self.enabled(rule_id) and not matches_any(rule_id, self.ignored_in(path))

    def apply(self, result: FileResult, ran: frozenset[str]) -> tuple[list[Finding], int]:
        """Findings to show for one file and how many suppressions silenced.

        `ran` holds the ids of the rules that were actually checked, so a
        suppression is only called unused when its rule had the chance to fire.
        """
        from ..waivers import inline_waivers

        kept: list[Finding] = []
        used: set[int] = set()
        suppressed = 0
        # An expired waiver silences nothing and is a finding of its own (waivers.py).
        active, waiver_findings = inline_waivers(result, self.today,
                                                 require_owner=self.require_waiver_owner)
        if len(active) != len(result.suppressions):
            result = replace(result, suppressions=active)
        by_line: dict[int, list[int]] = {}
        for index, suppression in enumerate(result.suppressions):
            for line in suppression.applies_to:
                by_line.setdefault(line, []).append(index)
        kept.extend(f for f in waiver_findings if self.shown(f.rule_id, result.path))
        for finding in result.findings:
            if not self.shown(finding.rule_id, result.path):
                continue
            hit = self._suppressing(finding, result.suppressions, by_line)
            if hit is None:
                kept.append(finding)
            else:
                used.add(hit)
                suppressed += 1
        kept.extend(self._about_suppressions(result, used, ran))
        contexts = self.contexts(result) if kept else frozenset()
        if contexts:
            kept = [in_context(finding, contexts) for finding in kept]
        return kept, suppressed

    @staticmethod
    def _suppressing(finding: Finding, suppressions: list[Suppression], by_line) -> int | None:
        for index in by_line.get(finding.location.line, ()):
            ids = suppressions[index].rule_ids
            if not ids or finding.rule_id in ids:
                return index
        return None

    def _about_suppressions(self, result: FileResult, used: set[int], ran: frozenset[str]):
        config = self.config
        for index, suppression in enumerate(result.suppressions):
            location = Location(result.path, suppression.line, suppression.column,
                                suppression.line, suppression.end_column)
            meta = []
            if config.strict_suppressions and not suppression.rule_ids:
                meta.append((BLANKET_SUPPRESSION, "suppression without a rule id silences every "
                             "rule here; name the rule: `aicodeguard: ignore[AIGxxx] reason`"))
            if config.strict_suppressions and not suppression.reason:
                meta.append((SUPPRESSION_WITHOUT_REASON, "suppression without a reason; say why "
                             "this is safe after the rule ids"))
            if config.report_unused_suppressions and index not in used:
                stale = [rid for rid in suppression.rule_ids
                         if rid in ran and self.shown(rid, result.path)]
                if stale and len(stale) == len(suppression.rule_ids):
                    meta.append((UNUSED_SUPPRESSION, f"unused suppression: {', '.join(stale)} "
                                 "no longer fires here; remove the comment"))
            # A misspelt id silences nothing (its finding still shows), so a low finding is
            # enough; it names the id that was probably meant.  Reported even when another
            # id of the same comment was used.
            unknown = [rid for rid in suppression.rule_ids if rid not in BY_ID]
            if config.report_unused_suppressions and unknown:
                meta.append((UNUSED_SUPPRESSION, "suppression names unknown rule id "
                             f"{_with_nearest(unknown)}; it silences nothing"))
            for rule, message in meta:
                if self.shown(rule.id, result.path):
                    yield Finding(rule.id, rule.severity, rule.confidence, message, location,
                                  suppression.line_text)


def _with_nearest(unknown: list[str]) -> str:
    described = []
    for rule_id in unknown:
        nearest = nearest_rule_id(rule_id)
        described.append(f"{rule_id} (did you mean {nearest}?)" if nearest else rule_id)
    return ", ".join(described)


def apply_policy(results: list[FileResult], config: Config, ran: frozenset[str],
                 notes: list[Note]) -> Outcome:
    policy = Policy(config)
    outcome = Outcome(files_scanned=len(results))
    for result in results:
        kept, suppressed = policy.apply(result, ran)
        outcome.findings.extend(kept)
        outcome.suppressed += suppressed
        outcome.notes.extend(result.notes)
    outcome.notes.extend(notes)
    outcome.findings.sort(key=Finding.sort_key)
    outcome.notes.sort(key=lambda note: (note.path, note.message))
    return outcome


def narrow(outcome: Outcome, *, baseline=None, changed=None) -> Outcome:
    """Keep only new findings: hide those the baseline accepts (`baseline.split`) and, in
    diff mode, those on lines the change did not touch (`changed.covers`); count both.
    """
    if baseline is not None:
        outcome.findings, accepted = baseline.split(outcome.findings)
        outcome.baselined += accepted
    if changed is not None:
        touched = [finding for finding in outcome.findings if changed.covers(finding)]
        outcome.unchanged += len(outcome.findings) - len(touched)
        outcome.findings = touched
    return outcome
