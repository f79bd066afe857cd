"""The library entry point the faces share: paths in, a policy-filtered `Outcome` out."""

from __future__ import annotations

from collections import Counter

from .config import Config
from .discovery import SKIP_UNSCANNABLE, Discovery
from .engine import Scanner, ScanSettings, analyze_source, languages_with_rules, not_checked
from .languages import language_for_name
from .model import FileResult, Note, NoteLevel
from .policy import Outcome, apply_policy
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

    named = {note.path for note in notes if note.level is NoteLevel.ERROR}  # by discovery
    notes = notes + check_project(results, config, analyze_source)  # contains its failures
    ran = rules_run(result.language for result in results if result.language)
    outcome = apply_policy(results, config, ran, notes)
    unscannable = {result.path for result in results
                   if any(note.level is NoteLevel.ERROR and note.path == result.path
                          for note in result.notes)}
    outcome.files_scanned -= len(unscannable)
    counts = Counter(skipped)
    counts[SKIP_UNSCANNABLE] += len(unscannable | named)
    outcome.skipped = {reason: count for reason, count in sorted(counts.items()) if count}
    return redact_outcome(outcome, results)
