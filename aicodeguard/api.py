"""The library entry point the faces share: paths in, a policy-filtered `Outcome` out."""

from __future__ import annotations

import os
from collections import Counter

from .config import Config
from .discovery import SKIP_UNSCANNABLE, Discovery
from .engine import Scanner, ScanSettings, analyze_source, languages_with_rules, not_checked
from .languages import language_for_name
from .model import FileResult, Finding, Note, NoteLevel
from .policy import Outcome, Policy, apply_policy
from .reading import size_limit_message
from .redaction import redact_outcome
from .rules import ALL_RULES


def rules_run(languages) -> frozenset[str]:
    """Ids of the rules that had a chance to fire on files of these languages."""
    languages = set(languages)
    return frozenset(rule.id for rule in ALL_RULES if languages.intersection(rule.languages))


def scan_paths(paths, config: Config, *, force_exclude: bool = False, progress=None,
               bandit: bool = False) -> Outcome:
    discovery = Discovery(config.exclude, respect_gitignore=config.respect_gitignore,
                          force_exclude=force_exclude, languages=languages_with_rules())
    targets = discovery.run(paths)
    return _scan_targets(targets, config, discovery.notes, discovery.skipped,
                         progress=progress, bandit=bandit)


def scan_staged(pathspecs, config: Config) -> Outcome:
    """Scan what `git commit` would record: the index's content of the staged files.

    The staged blobs are written to a private folder and scanned from there, so the
    result cache and the process pool work as for files on disk.
    """
    import tempfile

    from .discovery import PathMatcher
    from .gitdiff import staged_targets

    excludes = PathMatcher(config.exclude)  # tool folders: recognised in staged_targets
    skipped: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="aicodeguard-staged-") as folder:
        targets = staged_targets(pathspecs, folder, excludes, languages_with_rules(), skipped)
        return _scan_targets(targets, config, [], skipped)


def _scan_targets(targets, config: Config, notes: list[Note], skipped: Counter, *,
                  progress=None, bandit: bool = False) -> Outcome:
    scanner = Scanner(ScanSettings(jobs=config.jobs, use_cache=config.cache,
                                   max_file_size=config.max_file_size), progress)
    results = scanner.scan(targets)
    notes = notes + scanner.notes
    if bandit:
        from .bandit_bridge import merge_bandit

        notes += merge_bandit(results, {target.display: target.path for target in targets})
    return _finish(results, config, notes, skipped)


def scan_bytes(path: str, data: bytes, config: Config) -> Outcome:
    """Scan one file's content that is not (or not yet) on disk, e.g. standard input."""
    language = language_for_name(path)
    if language is None or language not in languages_with_rules():
        note = Note(path, "not a language aicodeguard analyses; nothing checked", NoteLevel.ERROR)
        return apply_policy([], config, frozenset(), [note])
    if len(data) > config.max_file_size:
        result = not_checked(path, language, size_limit_message(config.max_file_size))
    else:
        result = analyze_source(path, data, language)  # never raises: errors become notes
    return _finish([result], config, [], Counter())


def _finish(results: list[FileResult], config: Config, notes: list[Note],
            skipped: Counter) -> Outcome:
    from .supply.check import check_project  # project-level: needs every file's imports
    from .supply.vulnerable import check_pins  # and every file's pinned versions

    named = {note.path for note in notes if note.level is NoteLevel.ERROR}  # by discovery
    notes = notes + check_project(results, config, analyze_source)  # contains its failures
    notes = notes + check_pins(results, config)  # after it: `-r` includes are added there
    ran = rules_run(result.language for result in results if result.language)
    outcome = apply_policy(results, config, ran, notes)
    unscannable = {result.path for result in results
                   if any(note.level is NoteLevel.ERROR and note.path == result.path
                          for note in result.notes)}
    outcome.files_scanned -= len(unscannable)
    counts = Counter(skipped)
    counts[SKIP_UNSCANNABLE] += len(unscannable | named)
    outcome.skipped = {reason: count for reason, count in sorted(counts.items()) if count}
    outcome = redact_outcome(outcome, results)
    return _apply_waiver_file(outcome, config)  # its fingerprints hash redacted lines


def _apply_waiver_file(outcome: Outcome, config: Config) -> Outcome:
    """Hide the findings `.aicodeguard-waivers.toml` waives while their waivers hold; an
    expired or ownerless waiver adds a finding of its own (waivers.py)."""
    from .waivers import apply_waivers, find_waiver_file, load_waivers, today

    path = find_waiver_file(config.root)
    if path is None:
        return outcome
    require_owner = bool(getattr(config.custody, "require_waiver_owner", False))
    kept, hidden, extra = apply_waivers(outcome.findings, load_waivers(path), today(),
                                        require_owner=require_owner)
    policy = Policy(config)
    outcome.findings = sorted(kept + [f for f in extra if policy.shown(f.rule_id,
                                                                         f.location.path)],
                              key=Finding.sort_key)
    outcome.suppressed += len(hidden)
    return outcome


def gate_file_findings(config: Config, start: str, *, staged_paths=None) -> list[Finding]:
    """AIG007 for the gate's own files (configuration, waivers, policies) that no
    CODEOWNERS entry covers.  A hook run (`staged_paths`) reports it only when the commit
    touches one of those files or CODEOWNERS, or it would repeat on every commit."""
    from .custody.codeowners import check_gate_files

    policy_files = sorted({*config.policy.rego, *config.policy.sources} - {config.path})
    require = bool(getattr(config.custody, "require_codeowners", False))
    found = check_gate_files(config.path, start, policy_files=policy_files, require=require)
    if staged_paths is not None:
        touched = {os.path.abspath(path) for path in staged_paths}
        found = [f for f in found if os.path.abspath(f.location.path) in touched
                 or any(os.path.basename(p) == "CODEOWNERS" for p in touched)]
    policy = Policy(config)
    return [f for f in found if policy.shown(f.rule_id, f.location.path)]
