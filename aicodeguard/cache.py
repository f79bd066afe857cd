"""Content-hash cache of per-file results, so an unchanged file costs a look-up.

A row's key is a hash of the file's bytes, its language, the analyser's own
fingerprint (version + its source files, so editing a rule invalidates the
cache) and the file's path relative to its project root (checks read context
from that path: tests, development settings), so identical content in two places
of a project never shares a result, while the same checkout in another folder
does.  Entries are JSON, never pickle: a cache file is not a way to run code, and
an entry that is not exactly what we write is a miss.  A corrupt cache is rebuilt
with a note; one we may only read is read, never written or deleted; one that
cannot be opened is skipped with a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import urllib.parse
from functools import lru_cache

from . import __version__
from .analysis.source import project_path
from .model import Confidence, FileResult, Note, NoteLevel, Severity
from .rules import BY_ID
from .serialize import result_from_dict, result_to_dict
from .storage import cache_dir, remove_database, sqlite_problem

_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, payload TEXT NOT NULL)"
_PROBE = "SELECT count(*) FROM results WHERE key = ''"


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


def row_key(key: str, path: str) -> str:
    """The row for content `key` found at `path`: adds what else the analysis reads."""
    digest = hashlib.blake2b(key.encode(), digest_size=20)
    digest.update(b"\0" + project_path(path).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ResultCache:
    def __init__(self, folder: str | None = None):
        self.folder = folder or cache_dir()
        self.path = os.path.join(self.folder, "results.sqlite3")
        self.notes: list[Note] = []
        self.read_only = False
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []
        self._open()

    def _open(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
            self._db = self._connect()
        except (sqlite3.DatabaseError, OSError) as error:
            problem = sqlite_problem(error)
            if problem == "corrupt":
                self._rebuild()
            elif (problem == "read-only" or not os.access(self.folder, os.W_OK)) \
                    and os.path.isfile(self.path):
                self._open_read_only(error)
            else:
                self._unavailable(error)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            db.execute(_PROBE).fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _open_read_only(self, reason: Exception) -> None:
        """Read a cache we may not write (a shared or read-only folder): never write or
        delete it, and do not call it corrupt."""
        uri = f"file:{urllib.parse.quote(os.path.abspath(self.path))}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
            db.execute(_PROBE).fetchone()
        except (sqlite3.DatabaseError, OSError) as error:
            self.notes.append(Note(self.path, f"result cache is read-only and cannot be read "
                                   f"({error}); scanning without it", NoteLevel.INFO))
            return
        self._db, self.read_only = db, True
        self.notes.append(Note(self.path, f"result cache is read-only ({reason}); scanning "
                               "without writing it", NoteLevel.INFO))

    def _unavailable(self, error: Exception) -> None:
        kind = "is read-only" if sqlite_problem(error) == "read-only" else "unavailable"
        self.notes.append(Note(self.path, f"result cache {kind} ({error}); scanning "
                               "without it", NoteLevel.INFO))
        self._db = None

    def _rebuild(self) -> None:
        self.notes.append(Note(self.path, "result cache was corrupt; rebuilt it", NoteLevel.INFO))
        self._close_db()
        remove_database(self.path)
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, OSError) as error:
            self._unavailable(error)

    def get(self, key: str, path: str) -> FileResult | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT payload FROM results WHERE key = ?",
                                   (row_key(key, path),)).fetchone()
        except sqlite3.DatabaseError as error:
            if sqlite_problem(error) == "corrupt" and not self.read_only:
                self._rebuild()
            else:
                self._close_db()
                self._unavailable(error)
            return None
        if row is None:
            return None
        try:
            data = json.loads(row[0])
            if not valid_payload(data):
                return None
            return result_from_dict(data, path)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # an unreadable entry is a miss; it gets overwritten

    def put(self, key: str, result: FileResult) -> None:
        if self._db is not None and not self.read_only:
            self._pending.append((row_key(key, result.path),
                                  json.dumps(result_to_dict(result), separators=(",", ":"))))

    def flush(self) -> None:
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", self._pending)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if sqlite_problem(error) == "read-only":
                self.read_only = True
                self.notes.append(Note(self.path, f"result cache is read-only ({error}); "
                                       "scanning without writing it", NoteLevel.INFO))
            else:
                self.notes.append(Note(self.path, f"could not write the result cache "
                                       f"({error})", NoteLevel.INFO))
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._close_db()

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# -- what a cached entry must look like (anything else is a miss) ----------------------
_SEVERITIES = frozenset(severity.label for severity in Severity)
_CONFIDENCES = frozenset(confidence.label for confidence in Confidence)
_LEVELS = frozenset(level.value for level in NoteLevel)
_EVIDENCE = re.compile(r"[a-z][a-z-]*(\+[a-z][a-z-]*)*")  # model: "parameter+test"


def _is_int(value, low: int = 0) -> bool:
    return type(value) is int and value >= low


def _list_of(value, check) -> bool:
    return isinstance(value, list) and all(check(item) for item in value)


def _location(data) -> bool:
    # No "path": entries never carry one; the path is the file being read.
    return isinstance(data, dict) and "path" not in data and _is_int(data["line"], 1) \
        and _is_int(data["column"]) and _is_int(data["end_line"], 1) \
        and _is_int(data["end_column"])


def _edit(data) -> bool:
    return isinstance(data, dict) and _location({k: data[k] for k in (
        "line", "column", "end_line", "end_column")}) and isinstance(data["new_text"], str)


def _finding(data) -> bool:
    fix = data["fix"]
    return isinstance(data, dict) and data["rule_id"] in BY_ID \
        and data["severity"] in _SEVERITIES and data["confidence"] in _CONFIDENCES \
        and isinstance(data["evidence"], str) and bool(_EVIDENCE.fullmatch(data["evidence"])) \
        and isinstance(data["message"], str) and isinstance(data["snippet"], str) \
        and _location(data["location"]) \
        and _list_of(data["related"], lambda r: isinstance(r["message"], str)
                     and _location(r["location"])) \
        and (fix is None or (isinstance(fix["title"], str) and isinstance(fix["safe"], bool)
                             and _list_of(fix["edits"], _edit))) \
        and isinstance(data["metadata"], dict)


def _suppression(row) -> bool:
    return isinstance(row, list) and len(row) == 7 and _is_int(row[0], 1) \
        and _is_int(row[1]) and _is_int(row[2]) and _list_of(row[3], _is_int) \
        and _list_of(row[4], lambda rid: isinstance(rid, str)) \
        and isinstance(row[5], str) and isinstance(row[6], str)


def _pin(data) -> bool:
    return isinstance(data, dict) and all(isinstance(data[key], str) for key in (
        "name", "ecosystem", "spec", "source")) and _location(data["location"])


def valid_payload(data) -> bool:
    """Is `data` a result entry as `put` writes it?  Checked field by field, so a row
    written by another version, edited by hand or damaged is a miss, not a wrong result."""
    try:
        return isinstance(data, dict) \
            and (data["language"] is None or isinstance(data["language"], str)) \
            and _list_of(data["findings"], _finding) \
            and _list_of(data["notes"], lambda n: isinstance(n["message"], str)
                         and n["level"] in _LEVELS) \
            and _list_of(data["imports"], lambda i: isinstance(i["name"], str)
                         and isinstance(i["ecosystem"], str) and isinstance(i["source"], str)
                         and _location(i["location"])) \
            and _list_of(data["suppressions"], _suppression) \
            and _list_of(data["context"], lambda tag: isinstance(tag, str)) \
            and _list_of(data["pins"], _pin)
    except (KeyError, TypeError, AttributeError):
        return False
