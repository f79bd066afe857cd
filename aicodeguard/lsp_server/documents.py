"""Open documents and the scheduling of their checks.

Every check runs on one analysis thread, in the order asked, so the event loop
keeps answering (hover, code actions, cancellations) while a large file is
checked, and each document's syntax tree has a single owner.  A check is keyed
by (document version, settings generation): a result whose key is no longer
current was superseded by an edit or a settings change and is never shown.

Package look-ups that may wait on the network run on a second thread after the
offline answer is shown; when they return for a still-current key, the result
replaces the offline one and `on_update` shows it.
"""

from __future__ import annotations

import asyncio
import gc
import os
from concurrent.futures import ThreadPoolExecutor

from ..engine import ANALYZERS
from ..languages import language_for_name, language_for_shebang
from .checking import Analysis, Snapshot, SyntaxState, check, check_online
from .settings import Effective
from .text import Buffer

# LSP language ids, for buffers whose name says nothing (untitled, no extension).
LANGUAGE_IDS = {
    "python": "python",
    "javascript": "javascript",
    "javascriptreact": "javascript",
    "typescript": "typescript",
    "typescriptreact": "tsx",
}


def language_of(path: str, language_id: str, head: bytes) -> str | None:
    """The engine language of a document, when the engine has checks for it."""
    language = (language_for_name(path) or language_for_shebang(head)
                or LANGUAGE_IDS.get(language_id))
    return language if language in ANALYZERS else None


class Document:
    """An open document as the event loop sees it."""

    def __init__(self, uri: str, path: str, language_id: str, version: int | None,
                 text: str, encoding: str):
        self.uri = uri
        self.path = path
        self.version = version
        self.buffer = Buffer(text, encoding)
        self.language = language_of(path, language_id, self.buffer.lines[0][:128])
        self.edits: list | None = []  # tree edits the analysis thread has not seen (None:
        # too many to be worth it, re-parse from scratch)
        self.syntax = SyntaxState()
        self.timer: asyncio.TimerHandle | None = None
        self.running: tuple[tuple, asyncio.Future] | None = None
        self.analysis: Analysis | None = None
        self.analysis_key: tuple | None = None
        self.logged: set[str] = set()


class Checker:
    """Runs checks on the analysis thread and remembers the current result per document."""

    def __init__(self, effective_for, on_error, on_update):
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aicodeguard-check")
        self.network = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aicodeguard-net")
        self.generation = 0  # bumped when settings or project configuration change
        self._effective_for = effective_for  # Document -> Effective
        self._on_error = on_error  # (message) -> None, called on the loop thread
        self._on_update = on_update  # (Document) -> None: a late result replaced the shown one

    def key(self, document: Document) -> tuple:
        return document.version, self.generation

    def current(self, document: Document) -> Analysis | None:
        if document.analysis_key == self.key(document):
            return document.analysis
        return None

    async def analysis(self, document: Document) -> Analysis:
        """The analysis of the document as it is now (waits for a check if needed)."""
        analysis = None
        for _ in range(5):  # edits may keep arriving while we wait; do not chase forever
            analysis = self.current(document)
            if analysis is not None:
                return analysis
            key = self.key(document)
            if document.running is None or document.running[0] != key:
                self.start(document)
            analysis = await asyncio.shield(document.running[1])
        return analysis

    def start(self, document: Document) -> asyncio.Future:
        key = self.key(document)
        effective: Effective = self._effective_for(document)
        active = (effective.enabled and not effective.excluded
                  and document.language is not None)
        snapshot = Snapshot(
            uri=document.uri, path=document.path, language=document.language or "",
            version=document.version, data=document.buffer.data if active else b"",
            edits=None if document.edits is None else tuple(document.edits),
            config=effective.config, fail_on=effective.fail_on, encoding=document.buffer.encoding)
        document.edits = []
        future = asyncio.get_running_loop().run_in_executor(
            self.worker, _check_safely, snapshot, document.syntax, active)
        document.running = (key, future)
        future.add_done_callback(lambda done: self._finished(document, key, done))
        return future

    def _finished(self, document: Document, key: tuple, future: asyncio.Future) -> None:
        if document.running is not None and document.running[1] is future:
            document.running = None
        if future.cancelled():
            return
        analysis, error = future.result()
        if error:
            self._on_error(f"checking {document.path} failed: {error}")
        if key == self.key(document):
            document.analysis, document.analysis_key = analysis, key
            if analysis.followup is not None:
                self._follow_up(document, key, analysis.followup)
        analysis.followup = None

    def _follow_up(self, document: Document, key: tuple, followup: tuple) -> None:
        future = asyncio.get_running_loop().run_in_executor(
            self.network, _online_safely, followup, lambda: self.key(document) == key)
        future.add_done_callback(lambda done: self._online_finished(document, key, done))

    def _online_finished(self, document: Document, key: tuple, future: asyncio.Future) -> None:
        if future.cancelled():
            return
        analysis, error = future.result()
        if error:
            self._on_error(f"package look-ups for {document.path} failed: {error}")
        if analysis is not None and key == self.key(document):
            document.analysis = analysis
            self._on_update(document)

    def warm_up(self) -> None:
        """Compile every language's query and make its parser now, not on the first keystroke."""
        self.worker.submit(_warm_up)

    def close(self) -> None:
        self.worker.shutdown(wait=False, cancel_futures=True)
        self.network.shutdown(wait=False, cancel_futures=True)


def _check_safely(snapshot: Snapshot, syntax: SyntaxState, active: bool):
    """(Analysis, error text): a failing check must never take the server down."""
    if not active:
        syntax.tree = None
        return Analysis(snapshot.version), None
    try:
        return check(snapshot, syntax), None
    except Exception as error:  # noqa: BLE001 - reported to the client's log
        syntax.tree = None  # it may no longer match the text
        return Analysis(snapshot.version), f"{type(error).__name__}: {error}"


def _online_safely(followup: tuple, still_current):
    """(Analysis or None when superseded before it started, error text)."""
    if not still_current():
        return None, None
    try:
        return check_online(*followup), None
    except Exception as error:  # noqa: BLE001 - reported to the client's log
        return None, f"{type(error).__name__}: {error}"


def _warm_up() -> None:
    from ..engine import analyzer
    from ..languages import GRAMMARS, parser

    for language in ANALYZERS:
        module = analyzer(language)
        if hasattr(module, "query"):
            module.query()
        if language in GRAMMARS:
            parser(language)
    tune_collector()


# Allocations between two young-generation collections (Python's default is 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


def tune_collector() -> None:
    """Keep the cyclic garbage collector out of the keystroke path.  Everything loaded
    by now (modules, classes, compiled queries) lives as long as the server, so it is
    frozen out of collections; and one check allocates tens of thousands of short-lived
    objects (freed by reference counting), which at the default threshold set off
    dozens of collections per check, each a pause on the p95.  Measured with
    `bench/lsp_latency.py`."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def document_path(uri: str, fs_path: str | None, root: str | None) -> str:
    """A file system path for policy and language detection, also for unsaved buffers."""
    if fs_path:
        return fs_path
    name = uri.rpartition(":")[2].rpartition("/")[2] or "untitled"
    return os.path.join(root or os.getcwd(), name)
