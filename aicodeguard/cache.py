"""Content-hash cache of per-file results, so an unchanged file costs a look-up.

The key is a hash of the file's bytes, its language and the analyser's own
fingerprint (version + its source files), so editing a rule invalidates the
cache.  Entries are JSON, never pickle: a cache file is not a way to run code.
A cache that cannot be opened or is corrupt is rebuilt or skipped with a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from functools import lru_cache

from . import __version__
from .model import FileResult, Note, NoteLevel
from .serialize import result_from_dict, result_to_dict
from .storage import cache_dir, remove_database

_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, payload TEXT NOT NULL)"


@lru_cache(maxsize=1)
def analyser_fingerprint() -> str:
    """Changes whenever aicodeguard's code or rule data changes."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".txt")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def content_key(data: bytes, language: str) -> str:
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(language.encode())
    digest.update(analyser_fingerprint().encode())
    return digest.hexdigest()


class ResultCache:
    def __init__(self, folder: str | None = None):
        self.folder = folder or cache_dir()
        self.path = os.path.join(self.folder, "results.sqlite3")
        self.notes: list[Note] = []
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []
        self._open()

    def _open(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
            self._db = self._connect()
        except sqlite3.DatabaseError:
            self._rebuild()
        except OSError as error:
            self.notes.append(Note(self.path, f"result cache unavailable ({error}); "
                                   "scanning without it", NoteLevel.INFO))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_SCHEMA)
        db.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
        return db

    def _rebuild(self) -> None:
        self.notes.append(Note(self.path, "result cache was corrupt; rebuilt it", NoteLevel.INFO))
        remove_database(self.path)
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, OSError) as error:
            self.notes.append(Note(self.path, f"result cache unavailable ({error})",
                                   NoteLevel.INFO))
            self._db = None

    def get(self, key: str, path: str) -> FileResult | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT payload FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            self._rebuild()
            return None
        if row is None:
            return None
        try:
            return result_from_dict(json.loads(row[0]), path)
        except (ValueError, KeyError, TypeError):
            return None  # an unreadable entry is a miss; it gets overwritten

    def put(self, key: str, result: FileResult) -> None:
        if self._db is not None:
            self._pending.append((key, json.dumps(result_to_dict(result), separators=(",", ":"))))

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self._pending)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self.notes.append(Note(self.path, f"could not write the result cache ({error})",
                                   NoteLevel.INFO))
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None
