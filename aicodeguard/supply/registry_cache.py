"""What indexes said about package names, remembered between runs (SQLite, user cache dir).

Keyed by (index, ecosystem, name) so answers from different indexes never mix; the
index part is the URL without credentials.  "Exists" answers live for days, "does not
exist" for hours (a name can be registered at any time), "could not tell" is never
stored.  Several runs may share the file at once: WAL journal, a busy timeout and one
short transaction per run.  A corrupt file is deleted and rebuilt with a note.  Entries
are JSON, never pickle.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, fields

from ..model import Note, NoteLevel
from ..storage import cache_dir, remove_database
from .records import PackageRecord

FILE_NAME = "registry.sqlite3"
SCHEMA_VERSION = 1
POSITIVE_TTL = 3 * 24 * 3600
NEGATIVE_TTL = 6 * 3600
BUSY_TIMEOUT = 2.0  # seconds; a writer holds the lock for milliseconds
_BATCH = 500  # names per query, under SQLite's parameter limit
_SCHEMA = (
    ("CREATE TABLE IF NOT EXISTS answers (idx TEXT NOT NULL, ecosystem TEXT NOT NULL, "
     "name TEXT NOT NULL, stored REAL NOT NULL, expires REAL NOT NULL, payload TEXT NOT NULL, "
     "PRIMARY KEY (idx, ecosystem, name))"),
    ("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
     "expires REAL NOT NULL)"),
)
_RECORD_FIELDS = {f.name for f in fields(PackageRecord)}

Key = tuple[str, str, str]  # (index label, ecosystem, name)


class RegistryCache:
    def __init__(self, folder: str | None = None, *, clock: Callable[[], float] = time.time):
        self.folder = folder or cache_dir()
        self.path = os.path.join(self.folder, FILE_NAME)
        self.clock = clock
        self.notes: list[Note] = []
        self._db: sqlite3.Connection | None = None
        self._open()

    # ------------------------------------------------------------ opening, repair

    def _open(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
            self._db = self._connect()
        except (sqlite3.OperationalError, OSError) as error:
            self._unavailable(error)  # locked past the timeout, unwritable: never delete it
        except sqlite3.DatabaseError:
            self._rebuild()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                             check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("BEGIN IMMEDIATE")
                # Another run may have migrated while this one waited for the lock.
                if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    db.execute("DROP TABLE IF EXISTS answers")
                    db.execute("DROP TABLE IF EXISTS settings")
                    for statement in _SCHEMA:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            db.execute("SELECT count(*) FROM answers WHERE idx = ''").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self) -> None:
        self.notes.append(Note(self.path, "package registry cache was corrupt; rebuilt it",
                               NoteLevel.INFO))
        self.close()
        remove_database(self.path)
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, OSError) as error:
            self._unavailable(error)

    def _unavailable(self, error: Exception) -> None:
        self.notes.append(Note(self.path, f"package registry cache unavailable ({error}); "
                               "looking names up without it", NoteLevel.INFO))
        self._db = None

    def _query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        """Run a read; a corrupt database is rebuilt (and reads as empty)."""
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.OperationalError:
            return []  # locked past the busy timeout: a miss, not a failure
        except sqlite3.DatabaseError:
            self._rebuild()
            return []

    def _write(self, sql: str, rows: list[tuple]) -> None:
        if self._db is None or not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self.notes.append(Note(self.path, f"could not write the package registry cache "
                                   f"({error})", NoteLevel.INFO))

    # ------------------------------------------------------------ answers

    def get_many(self, keys: Iterable[Key]) -> dict[Key, PackageRecord]:
        """Unexpired answers for `keys`; source is "cache"."""
        wanted = set(keys)
        if not wanted:
            return {}
        now = self.clock()
        groups: dict[tuple[str, str], list[str]] = {}
        for index, ecosystem, name in sorted(wanted):
            groups.setdefault((index, ecosystem), []).append(name)
        found: dict[Key, PackageRecord] = {}
        for (index, ecosystem), names in groups.items():
            for start in range(0, len(names), _BATCH):
                batch = names[start:start + _BATCH]
                rows = self._query(
                    f"SELECT name, payload FROM answers WHERE idx = ? AND ecosystem = ? AND "
                    f"expires > ? AND name IN ({','.join('?' * len(batch))})",
                    (index, ecosystem, now, *batch))
                for name, payload in rows:
                    record = _record(payload, ecosystem, name)
                    if record is not None:  # else a miss: the next answer overwrites it
                        found[(index, ecosystem, name)] = record
        return found

    def put_many(self, answers: Iterable[tuple[str, PackageRecord]]) -> None:
        """Store definite answers (exists True or False); "could not tell" is skipped."""
        now = self.clock()
        rows = []
        for index, record in answers:
            if record.exists is None:
                continue
            ttl = POSITIVE_TTL if record.exists else NEGATIVE_TTL
            payload = json.dumps({**asdict(record), "source": "cache", "note": None},
                                 separators=(",", ":"))
            rows.append((index, record.ecosystem, record.name, now, now + ttl, payload))
        self._write("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)", rows)

    # ------------------------------------------------------------ small remembered settings

    def get_setting(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE key = ? AND expires > ?",
                           (key, self.clock()))
        return rows[0][0] if rows and isinstance(rows[0][0], str) else None

    def put_setting(self, key: str, value: str, ttl: float) -> None:
        self._write("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)",
                    [(key, value, self.clock() + ttl)])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# Field -> the types a stored answer may hold there (a bad row is a miss, never an error).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "exists": (bool,), "first_release": (str, type(None)), "release_count": (int, type(None)),
    "yanked": (bool,), "deprecated": (str, type(None)), "summary": (str, type(None)),
    "source": (str,), "note": (str, type(None)), "index": (str, type(None)),
}


def _record(payload, ecosystem: str, name: str) -> PackageRecord | None:
    """The stored answer about (ecosystem, name), or None if the row is not one we wrote:
    not a JSON object, another name, a field of the wrong type, "exists" missing."""
    try:
        data = json.loads(payload)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("ecosystem") != ecosystem or \
            data.get("name") != name or "exists" not in data:
        return None
    values = {key: value for key, value in data.items() if key in _RECORD_FIELDS}
    for key, value in values.items():
        allowed = _FIELD_TYPES.get(key)
        if allowed is not None and not isinstance(value, allowed):
            return None
        if key == "release_count" and (isinstance(value, bool) or (value or 0) < 0):
            return None
    return PackageRecord(**values)
