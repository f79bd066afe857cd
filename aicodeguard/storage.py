"""Where aicodeguard keeps its caches, and how a corrupt one is thrown away.

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
