"""Where aicodeguard keeps its caches, how a corrupt one is thrown away, and how a
corrupt one is told apart from one we may only read.

Shared by the result cache (engine) and the registry cache (supply chain), so
it sits below both.
"""

from __future__ import annotations

import os
import sys

if sys.version_info >= (3, 11):
    import tomllib  # noqa: F401  (re-exported: the one TOML reader of the package)
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # noqa: F401


def cache_dir() -> str:
    explicit = os.environ.get("AICODEGUARD_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aicodeguard")


def remove_database(path: str) -> None:
    """Delete an SQLite database and its write-ahead files (to rebuild a corrupt one)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except OSError:
            pass


# SQLite result codes (the primary code: the low byte of an extended one).
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
_READ_ONLY_CODES = frozenset({3, 8, 23})  # SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH
_CORRUPT_WORDS = ("malformed", "not a database", "corrupt")
_READ_ONLY_WORDS = ("readonly", "read-only", "permission", "access permission")


def sqlite_problem(error: Exception) -> str:
    """What an SQLite or OS error says about a cache database: "corrupt" (throw it away
    and rebuild it), "read-only" (read it if we can, never write or delete it) or
    "unavailable" (busy, cannot be opened, a full disk: use no cache this run)."""
    if isinstance(error, PermissionError):
        return "read-only"
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        code &= 0xFF
        if code in _CORRUPT_CODES:
            return "corrupt"
        if code in _READ_ONLY_CODES:
            return "read-only"
        return "unavailable"
    text = str(error).lower()
    if any(word in text for word in _CORRUPT_WORDS):
        return "corrupt"
    if any(word in text for word in _READ_ONLY_WORDS):
        return "read-only"
    return "unavailable"
