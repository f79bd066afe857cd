"""What a registry (or the cache, or the offline snapshot) says about one package name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackageRecord:
    ecosystem: str  # "pypi" or "npm"
    name: str
    exists: bool | None  # None: nobody could say (offline, deadline passed, registry down)
    first_release: str | None = None  # ISO 8601 date of the first upload / publish
    release_count: int | None = None
    yanked: bool = False  # every release yanked (PyPI) / unpublished (npm)
    deprecated: str | None = None  # deprecation message (npm) or project status (PEP 792)
    summary: str | None = None
    source: str = "network"  # network, cache, snapshot
    note: str | None = None  # why `exists` is None, for the run's notes
    # Where the answer came from: the index/registry URL(s) asked, credentials removed,
    # ", "-separated (a name that exists nowhere was asked everywhere); None offline.
    index: str | None = None
