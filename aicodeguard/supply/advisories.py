"""Known-vulnerable versions: the advisory snapshot, loaded only when a pinned version
is checked, and the matching of one version against it.

The snapshot is the embedded one (`data/advisories.tsv.gz`, built by
`advisory_build.py` from the PyPA advisory database and the Node.js security working
group's archive; see `data/ADVISORIES-NOTICE.md` for their licences) or, when newer, the
user's refresh written by `aicodeguard advisories update` into the cache folder.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from .names import PYPI, normalize_pypi


class _Versions:
    """`versions` (packaging, node-semver), imported on first use: `describe()` runs on
    every command line start and must not pay for them."""

    def __getattr__(self, name: str):
        from . import versions as module

        return getattr(module, name)


versions = _Versions()

EMBEDDED = os.path.join(os.path.dirname(__file__), "data", "advisories.tsv.gz")
USER_FILE = "advisories.tsv.gz"


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    score: float | None  # highest CVSS base score of its vectors
    vector: str | None
    intervals: tuple[tuple, ...]
    listed: frozenset[str]  # versions listed as affected where no range says it
    npm_range: str | None  # an npm range OSV could not express (npm semantics apply)
    patched: str | None  # npm: the range of fixed versions, where intervals end without one

    def affects(self, ecosystem: str, version: str) -> bool:
        if version in self.listed:
            return True
        if self.npm_range is not None:
            return versions.satisfies_npm_range(version, self.npm_range)
        parsed = versions.parse(ecosystem, version)
        return parsed is not None and any(versions.in_interval(ecosystem, parsed, interval)
                                          for interval in self.intervals)

    def fixes(self, ecosystem: str) -> list[str]:
        found = [fixed for _, fixed, _ in self.intervals if fixed]
        if self.patched:
            lowest = versions.lowest_allowed(ecosystem, self.patched)
            found += [lowest] if lowest else []
        return found

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


@dataclass(frozen=True)
class Match:
    """The advisories that apply to one version of one package, with what to do."""

    advisories: tuple[Advisory, ...]
    fixed_in: str | None  # the lowest version above it that none of them affects

    @property
    def score(self) -> float | None:
        scores = [a.score for a in self.advisories if a.score is not None]
        return max(scores) if scores else None

    @property
    def ids(self) -> list[str]:
        return [advisory.id for advisory in self.advisories]


class AdvisoryDatabase:
    def __init__(self, path: str):
        self.path = path
        with open(path, "rb") as handle:
            lines = gzip.decompress(handle.read()).decode("utf-8").split("\n")
        self.info = json.loads(lines[0])
        self._raw: dict[tuple[str, str], str] = {}
        for line in lines[1:]:
            ecosystem, _, rest = line.partition("\t")
            name, _, payload = rest.partition("\t")
            if payload:
                self._raw[(ecosystem, name)] = payload
        self._parsed: dict[tuple[str, str], tuple[Advisory, ...]] = {}

    @property
    def date(self) -> str:
        return self.info.get("date", "")

    def advisories(self, ecosystem: str, name: str) -> tuple[Advisory, ...]:
        key = (ecosystem, normalize_pypi(name) if ecosystem == PYPI else name)
        if key not in self._parsed:
            raw = self._raw.get(key)
            self._parsed[key] = tuple(_advisory(item) for item in json.loads(raw)) if raw else ()
        return self._parsed[key]

    def match(self, ecosystem: str, name: str, version: str) -> Match | None:
        return match_among(ecosystem, version, self.advisories(ecosystem, name))

    def compact_form(self, ecosystem: str) -> dict[str, list]:
        """One ecosystem's data as `advisory_build.compact` makes it (for a partial refresh)."""
        return {name: json.loads(raw) for (eco, name), raw in self._raw.items()
                if eco == ecosystem}

    def __len__(self) -> int:
        return len(self._raw)


def match_among(ecosystem: str, version: str, known) -> Match | None:
    """The advisories of `known` (one package's) that affect `version`, with the fix."""
    known = tuple(known)
    hits = tuple(a for a in known if a.affects(ecosystem, version))
    if not hits:
        return None
    return Match(hits, _lowest_fix(ecosystem, version, known))


def advisory_from_compact(item: dict) -> Advisory:
    """One advisory of `advisory_build.compact`'s form (for data fetched online)."""
    return _advisory(item)


def _advisory(item: dict) -> Advisory:
    return Advisory(item["id"], tuple(item.get("aliases", ())), item.get("summary", ""),
                    item.get("score"), item.get("vector"),
                    tuple(tuple(interval) for interval in item.get("ranges", ())),
                    frozenset(item.get("versions", ())), item.get("npm_range"),
                    item.get("patched"))


def _lowest_fix(ecosystem: str, version: str, known: tuple[Advisory, ...]) -> str | None:
    """The lowest `fixed` version above `version` that no advisory of the package affects."""
    current = versions.parse(ecosystem, version)
    key = versions.sort_key(ecosystem)
    candidates = sorted({fixed for advisory in known for fixed in advisory.fixes(ecosystem)}, key=key)
    for candidate in candidates:
        parsed = versions.parse(ecosystem, candidate)
        if parsed is None or current is None or versions.compare(ecosystem, parsed, current) <= 0:
            continue
        if not any(advisory.affects(ecosystem, candidate) for advisory in known):
            return candidate
    return None


def user_snapshot_path() -> str:
    from ..storage import cache_dir

    return os.path.join(cache_dir(), USER_FILE)


@lru_cache(maxsize=1)
def database() -> AdvisoryDatabase:
    """The newest snapshot available: the user's refresh if newer than the embedded one."""
    embedded = AdvisoryDatabase(EMBEDDED)
    refreshed = user_snapshot_path()
    if os.path.isfile(refreshed):
        try:
            user = AdvisoryDatabase(refreshed)
        except (OSError, ValueError, EOFError):
            return embedded  # a damaged refresh: the embedded data still answers
        if user.date >= embedded.date:
            return user
    return embedded


def _header(path: str) -> dict:
    """A snapshot's first line (its info), without reading the rest."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.loads(handle.readline())


def describe() -> str:
    """For `--version`: the advisory data's date (embedded or refreshed).  Reads only the
    snapshots' first lines: every command line builds the version text."""
    try:
        date, origin = _header(EMBEDDED).get("date", ""), ""
    except (OSError, ValueError, EOFError):
        return "advisories unavailable"
    refreshed = user_snapshot_path()
    if os.path.isfile(refreshed):
        try:
            user_date = _header(refreshed).get("date", "")
        except (OSError, ValueError, EOFError):
            user_date = ""
        if user_date and user_date >= date:
            date, origin = user_date, ", refreshed"
    return f"advisories of {date}{origin}"
