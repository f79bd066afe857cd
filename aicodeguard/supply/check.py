"""The supply-chain check of one run: every package reference of every scanned file,
resolved against the project, the offline snapshot and (unless offline) the index.

`check_project` runs after scanning and before policy; it appends AIG6xx findings to
the `FileResult` of the file where each name is written, so suppression comments,
per-file ignores and baselines apply to them like to any finding.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from ..analysis.source import SourceFile
from ..config import Config
from ..model import FileResult, ImportRef, Location, Note, NoteLevel
from ..rules import matches_any
from ..rules.supply import NAME_RULES, VERSION_RULES
from .contained import MAX_MANIFEST_BYTES, read_quietly
from .project import Analyze, Project, load_project
from .resolve import Resolver, Subject
from .snapshot import embedded
from .typosquat import TyposquatScorer
from .verdicts import Judge, needs_lookup

log = logging.getLogger("aicodeguard")


def enabled(config: Config, rules=NAME_RULES) -> bool:
    return any(matches_any(rule.id, config.select) and not matches_any(rule.id, config.ignore)
               for rule in rules)


def check_project(results: list[FileResult], config: Config, analyze: Analyze) -> list[Note]:
    """Add supply-chain findings to `results` (in place); returns the run's notes.

    `analyze` is the engine's `analyze_source`, passed in by the caller (supply sits
    below the engine): manifests the scan did not list (`-r` includes, setup.py) are
    analysed with it.  A failure is contained where it happens (one manifest, one
    name) and is an error note naming it; every other name is still judged."""
    if not enabled(config, NAME_RULES + VERSION_RULES) or not any(
            result.imports or result.language == "requirements" for result in results):
        return []
    try:
        return _check(results, config, analyze)
    except Exception as error:  # a bug here must not lose the rest of the scan
        log.debug("supply-chain check failed", exc_info=True)
        return [Note("", f"internal error in the supply-chain checks ({type(error).__name__}: "
                     f"{error}); package names were not checked", NoteLevel.ERROR)]


def _check(results: list[FileResult], config: Config, analyze: Analyze) -> list[Note]:
    python_files = [result.path for result in results if result.language == "python"]
    project = load_project([result.path for result in results], python_files, analyze)
    scanned = {os.path.abspath(result.path) for result in results}
    notes = [Note(_display(path), message, NoteLevel.WARNING)  # scanned ones have a note
             for path, message in project.notes if path not in scanned]
    notes += [replace(note, path=_display(note.path)) for note in project.problems]
    _add_included(results, project, analyze)
    if not enabled(config):  # only the version rules are on: they needed the includes
        return notes
    resolver = Resolver(project, config)
    subjects: list[Subject] = []
    for result, ref in _references(results):
        try:
            subject = resolver.resolve(result, ref)
        except Exception as error:  # noqa: BLE001 - contained to this name
            notes.append(_failed(result, ref, "resolving", error))
            continue
        if subject is not None:
            subjects.append(subject)
    if not subjects:
        return notes
    snapshot = embedded()
    scorer = TyposquatScorer(snapshot)
    wanted = sorted({(s.ecosystem, s.name) for s in subjects if needs_lookup(s, scorer, config)})
    records, offline_reason, lookup_notes = _look_up(wanted, project, config)
    notes += lookup_notes
    judge = Judge(snapshot, scorer, config, project.has_manifest, records, offline_reason)
    lines = _Lines()
    reported: set[tuple] = set()
    for subject in subjects:
        try:
            found = judge.findings(subject)
        except Exception as error:  # noqa: BLE001 - contained to this name
            notes.append(_failed(subject.result, subject.ref, "judging", error))
            continue
        for finding in found:
            # One finding per file, name and rule: at its first place in the file.
            key = (subject.result.path, subject.ecosystem, subject.name, finding.rule_id)
            if key not in reported:
                reported.add(key)
                snippet = lines.get(subject.result, subject.ref.location.line)
                subject.result.findings.append(replace(finding, snippet=snippet))
    return notes


def _references(results: list[FileResult]):
    """(result, ref) of every package reference, in (path, line, column) order, so the
    de-duplication above keeps the same one in every run, with or without the cache."""
    pairs = [(result, ref) for result in results for ref in result.imports]
    return sorted(pairs, key=lambda pair: (
        pair[0].path, pair[1].location.line, pair[1].location.column, pair[1].name,
        pair[1].ecosystem, pair[1].source))


def _failed(result: FileResult, ref, doing: str, error: Exception) -> Note:
    log.debug("supply-chain check of %s failed", ref.name, exc_info=True)
    return Note(result.path, f"line {ref.location.line}: internal error {doing} package "
                f"`{ref.name}` ({type(error).__name__}: {error}); it was not checked",
                NoteLevel.ERROR)


def check_names(names, config: Config, project_dir: str | None = None) -> dict:
    """Verdicts for bare (ecosystem, name) pairs as if each were written in a manifest:
    {(ecosystem, name): [Finding, ...]}.  For benchmarks and tools; no project is read."""
    project = Project(project_dir or os.getcwd())
    holder = FileResult("<names>")
    location = Location("<names>", 1, 1, 1, 1)
    resolver = Resolver(project, config)
    subjects = [resolver.resolve(holder, ImportRef(name, ecosystem, location, "requirement"))
                for ecosystem, name in names]
    subjects = [subject for subject in subjects if subject is not None]
    snapshot = embedded()
    scorer = TyposquatScorer(snapshot)
    wanted = sorted({(s.ecosystem, s.name) for s in subjects if needs_lookup(s, scorer, config)})
    records, offline_reason, _ = _look_up(wanted, project, config)
    judge = Judge(snapshot, scorer, config, project.has_manifest, records, offline_reason)
    return {(subject.ecosystem, subject.ref.name): judge.findings(subject)
            for subject in subjects}


def _look_up(names, project: Project, config: Config):
    """Ask the index about `names` (never raises); (records, why not asked, notes)."""
    if not names:
        return {}, None, []
    if config.offline:
        return {}, "offline mode", []
    from .online import lookup

    try:
        records = lookup(names, project_dir=project.root, config=config)
    except Exception as error:  # noqa: BLE001 - judged from the snapshot instead
        log.debug("package look-up failed", exc_info=True)
        return {}, "the look-up failed", [Note(project.root, "internal error looking package "
                                               f"names up ({type(error).__name__}: {error}); "
                                               "judged from the offline snapshot only",
                                               NoteLevel.ERROR)]
    return records, None, list(records.notes)


def _add_included(results: list[FileResult], project: Project, analyze: Analyze) -> None:
    """Requirements files reached through `-r`/`-c` that the scan did not list get
    their own results, so the names in them are checked (and can be suppressed)."""
    scanned = {os.path.abspath(result.path) for result in results}
    for path in sorted(set(project.included) - scanned):
        results.append(analyze(_display(path), project.included[path], "requirements"))


def _display(path: str) -> str:
    if not path:
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class _Lines:
    """Source lines for finding snippets, read only for files that get a finding.

    A line that another finding of the file already echoes is taken from that finding:
    the engine masked any secret on it (`SourceFile.snippet`), and a package finding
    must not show it in full."""

    def __init__(self):
        self._files: dict[str, list[bytes]] = {}

    def get(self, result: FileResult, line: int) -> str:
        for finding in result.findings:
            if finding.location.line == line and finding.snippet and \
                    not finding.rule_id.startswith("AIG6"):
                return finding.snippet
        path = result.path
        lines = self._files.get(path)
        if lines is None:
            data = read_quietly(path, MAX_MANIFEST_BYTES * 4) or b""
            lines = self._files[path] = data.split(b"\n")
        if not 0 < line <= len(lines):
            return ""
        return SourceFile(path, lines[line - 1]).snippet(0)
