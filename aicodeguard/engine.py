"""Turn files into raw findings: read, decode, parse once, run the language's checks.

Unchanged files come from the content-hash cache; the rest are analysed
in-process for small runs and in a process pool for large ones.  Nothing here
imports or executes the code being scanned.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass

from .analysis.source import SourceFile
from .discovery import Target
from .languages import GRAMMARS, parser
from .model import FileResult, Finding, Note, NoteLevel
from .parse_guard import parse_refusal
from .reading import DEFAULT_MAX_FILE_SIZE, Unreadable, decode, read_bytes
from .redaction import redact_file
from .suppressions import find_suppressions

logger = logging.getLogger(__name__)

# A file the gate was asked to check and could not check fully fails the run (exit 2):
# DESIGN.md's "fail closed".  One place, so an opt-out setting would change only this.
UNSCANNABLE_LEVEL = NoteLevel.ERROR

# Language (or file kind) -> module with `analyze(source, tree, result)`, which appends
# findings, notes and package references to `result`.  `tree` is None for kinds without
# a tree-sitter grammar (manifests, instruction files); modules with a query also have
# `query()` so a process pool can compile it before forking.
ANALYZERS = {
    "python": "aicodeguard.rules.python.analyzer",
    "javascript": "aicodeguard.rules.javascript.analyzer",
    "typescript": "aicodeguard.rules.javascript.analyzer",
    "tsx": "aicodeguard.rules.javascript.analyzer",
    # Manifests, lock files and install instructions: package references and pinned
    # versions only (supply/analyzer.py).
    **dict.fromkeys(("requirements", "pyproject", "setup-cfg", "pipfile", "package-json",
                     "lockfile", "shell", "dockerfile", "markdown", "notebook"),
                    "aicodeguard.supply.analyzer"),
    # .env, configuration and AI instruction files: checked by the text passes only
    # (text_kinds.py says which files and why).
    **dict.fromkeys(("dotenv", "config", "ai-instructions"), "aicodeguard.rules.text.analyzer"),
}

# Modules with `analyze_text(source, language, result)`, run on every file after its
# language analyzer (secrets, hidden Unicode: checks that do not need syntax).
TEXT_PASSES: tuple[str, ...] = (
    "aicodeguard.rules.text.secrets",
    "aicodeguard.rules.text.hidden",
    "aicodeguard.rules.text.injection",
    "aicodeguard.rules.text.tells",  # last: it reads the other rules' findings
)

# Below this much work a process pool costs more than it saves.
PARALLEL_MIN_FILES = 16
PARALLEL_MIN_BYTES = 256 * 1024


def analyzer(language: str):
    return importlib.import_module(ANALYZERS[language])


def languages_with_rules() -> frozenset[str]:
    return frozenset(ANALYZERS)


def analyze_source(path: str, data: bytes, language: str) -> FileResult:
    """Analyse one file's raw bytes (from disk or stdin).

    Never raises: a file that cannot be read or whose analysis fails becomes an error
    note on that file (it was not checked), so the other files' findings survive.
    """
    try:
        utf8, remarks = decode(data, language)
    except Unreadable as error:
        return not_checked(path, language, str(error))
    try:
        result = analyze_utf8(path, utf8, language)
    except Exception as error:  # a rule's or a codec's bug: this file's error only
        logger.debug("analysing %s failed", path, exc_info=True)
        return not_checked(path, language, f"analysis failed ({type(error).__name__}: "
                           f"{error}); not checked")
    result.notes[:0] = [Note(path, remark, NoteLevel.INFO) for remark in remarks]
    return result


def not_checked(path: str, language: str | None, reason: str) -> FileResult:
    """The result for a file the gate could not check: an error note naming it."""
    return FileResult(path, language=language, notes=[Note(path, reason, UNSCANNABLE_LEVEL)])


def analyze_utf8(path: str, utf8: bytes, language: str, tree=None,
                 source: SourceFile | None = None) -> FileResult:
    """Analyse text that is already UTF-8, such as an editor buffer.

    `tree`, when given, is the tree-sitter tree of exactly these bytes: the
    language server re-parses incrementally (and consults `parse_refusal` itself).
    `source`, when given, is a `SourceFile` of these bytes the caller keeps using
    (its line index is computed once).
    """
    result = FileResult(path, language=language)
    source = source if source is not None else SourceFile(path, utf8)
    if tree is None and language in GRAMMARS:
        refusal = parse_refusal(language, utf8)
        if refusal is None:
            tree = parser(language).parse(utf8)
        else:  # still run the text passes (secrets, hidden text): they need no syntax
            result.notes.append(Note(path, refusal, UNSCANNABLE_LEVEL))
    if tree is not None and tree.root_node.has_error:
        result.notes.append(Note(path, f"syntax error near line {_first_error_line(tree)}; "
                                 "analysed what could be parsed", NoteLevel.INFO))
    if tree is not None or language not in GRAMMARS:
        analyzer(language).analyze(source, tree, result)
    for module in TEXT_PASSES:
        importlib.import_module(module).analyze_text(source, language, result)
    result.findings = _unique(result.findings)
    result.suppressions = find_suppressions(source)
    if source.secrets:  # mask what the secret rules recorded wherever the result echoes it
        redact_file(result, source)
    return result


def _first_error_line(tree) -> int:
    node = tree.root_node
    while True:
        for child in node.children:
            if child.is_error or child.is_missing:
                return child.start_point[0] + 1
            if child.has_error:
                node = child
                break
        else:
            return node.start_point[0] + 1


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for finding in findings:
        key = (finding.rule_id, finding.location)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _analyze_job(job: tuple[str, bytes, str]) -> FileResult:
    return analyze_source(*job)


def _isolated(job: tuple[str, bytes, str], context) -> FileResult:
    """Analyse one file in a process of its own; its death is that file's error note."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(_analyze_job, job).result()
    except Exception as error:
        logger.debug("analysing %s in its own process failed", job[0], exc_info=True)
        return not_checked(job[0], job[2], f"the analysis process failed on this file "
                           f"({type(error).__name__}); not checked")


def _has_error(result: FileResult) -> bool:
    return any(note.level is NoteLevel.ERROR for note in result.notes)


@dataclass
class ScanSettings:
    jobs: int = 0  # 0: one per core
    use_cache: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE


class Scanner:
    def __init__(self, settings: ScanSettings, progress=None):
        self.settings = settings
        self.progress = progress  # callable(done, total) or None
        self.notes: list[Note] = []

    def scan(self, targets: list[Target]) -> list[FileResult]:
        cache = self._open_cache()
        results: dict[int, FileResult] = {}
        pending: list[tuple[int, Target, bytes, str | None]] = []
        for index, target in enumerate(targets):
            try:
                data = read_bytes(target.path, self.settings.max_file_size)
            except Unreadable as error:
                results[index] = not_checked(target.display, target.language, str(error))
                continue
            key = None
            if cache is not None:
                from .cache import content_key

                key = content_key(data, target.language)
                if target.language == "python":  # findings may rest on imported modules
                    from .analysis.python.project_modules import with_imports

                    key = with_imports(key, target.path, data)
                elif target.language in ("javascript", "typescript", "tsx"):
                    from .analysis.javascript.project_modules import with_imports

                    key = with_imports(key, target.path, data)
                cached = cache.get(key, target.display)
                if cached is not None:
                    results[index] = cached
                    continue
            pending.append((index, target, data, key))
        for (index, _, _, key), result in zip(pending, self._analyze(pending, len(results))):
            results[index] = result
            if cache is not None and key is not None and not _has_error(result):
                cache.put(key, result)  # errors are not cached: the next run tries again
        if cache is not None:
            cache.close()
            self.notes.extend(cache.notes)
        return [results[index] for index in range(len(targets))]

    def _open_cache(self):
        if not self.settings.use_cache:
            return None
        from .cache import ResultCache

        return ResultCache()

    def _analyze(self, pending, already_done: int):
        jobs = [(target.display, data, target.language) for _, target, data, _ in pending]
        total = already_done + len(jobs)
        workers = self._workers()
        size = sum(len(data) for _, data, _ in jobs)
        if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES and size >= PARALLEL_MIN_BYTES:
            yield from self._in_pool(jobs, workers, already_done, total)
            return
        for done, job in enumerate(jobs, start=already_done + 1):
            yield _analyze_job(job)
            self._report_progress(done, total)

    def _in_pool(self, jobs, workers: int, already_done: int, total: int):
        for language in {language for _, _, language in jobs}:
            module = analyzer(language)
            if hasattr(module, "query"):
                module.query()  # compile once, before forking
        import multiprocessing  # only large scans pay for the pool's imports
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        done = already_done
        # Largest files first, in small chunks, so no worker is left with a big file while
        # the other idles at the end; results come back in the callers' order.
        order = sorted(range(len(jobs)), key=lambda index: -len(jobs[index][1]))
        results: dict[int, FileResult] = {}
        next_out = 0
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                chunk = max(1, min(4, len(jobs) // (workers * 16)))
                for index, result in zip(order, pool.map(
                        _analyze_job, [jobs[index] for index in order], chunksize=chunk)):
                    results[index] = result
                    done += 1
                    self._report_progress(done, total)
                    while next_out in results:
                        yield results.pop(next_out)
                        next_out += 1
        except Exception:  # a worker died (a crash in a grammar, the OOM killer) or a
            # result did not pickle: analyse the rest one file per process, so that only
            # the file that kills its process becomes an error
            logger.debug("process pool failed; isolating the remaining files", exc_info=True)
            for index in range(next_out, len(jobs)):
                if index in results:
                    yield results.pop(index)
                    continue
                done += 1
                yield _isolated(jobs[index], context)
                self._report_progress(done, total)

    def _workers(self) -> int:
        if self.settings.jobs:
            return self.settings.jobs
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1

    def _report_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)
