"""Ask the user's own package indexes and registries about names (the online supply-chain half).

API::

    from aicodeguard.supply.online import lookup
    records = lookup(names, project_dir=folder, config=config)
    records[("pypi", "requests")]   # -> PackageRecord; every requested name has one
    records.notes                   # -> list[aicodeguard.model.Note] to show with the run

`names` are ``(ecosystem, name)`` pairs, ecosystem "pypi" (PEP 503-normalised names) or
"npm".  `records` is a `LookupResult`: a plain dict plus a `notes` list (index or cache
trouble, names not verified and why, private names not looked up), one note per cause
rather than per name.  Each record's ``exists`` is True, False (every index asked answered
404) or None with ``note`` saying why (deadline, network down, HTTP error, offline,
"private package, not looked up"); ``index`` names where the answer came from.

What goes over the network: GET ``<index>/<name>/`` (simple API, PEP 691 JSON preferred,
HTML accepted) on each index the package manager would use, plus ``<json-api>/<name>/json``
on the public default index only (first upload, release count, summary); GET
``<registry>/<name>`` for npm.  Only package names: never code, paths or versions.
Indexes are chosen as pip, uv or npm would choose them (indexes.py); names matching
``private-packages`` go only to indexes the user configured, never to the default one.

Answers come from the cache first (registry_cache.py); the rest are fetched concurrently
and the whole call returns within ``config.network_deadline`` seconds (at most
`MAX_DEADLINE`, whatever the configuration says) plus a few milliseconds.  It never
raises for network trouble and never waits past the deadline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from fnmatch import fnmatchcase

from ..model import Note, NoteLevel
from .indexes import PYPI, Index, ManagerDefaults, plan_for
from .names import normalize_pypi
from .records import PackageRecord
from .registry_cache import RegistryCache

PRIVATE_NOTE = "private package, not looked up"
MAX_DEADLINE = 30.0  # seconds; whatever a configuration says (a repository's could say 1e12)
DEFAULT_DEADLINE = 3.0
OFFLINE_NOTE = "offline mode: not in the registry cache"
EXAMPLES = 5

Name = tuple[str, str]


class LookupResult(dict):
    """(ecosystem, name) -> PackageRecord, plus the run's `notes`."""

    def __init__(self):
        super().__init__()
        self.notes: list[Note] = []


def lookup(names: Iterable[Name], *, project_dir: str, config,
           clock: Callable[[], float] = time.time, defaults: ManagerDefaults | None = None,
           env: Mapping[str, str] | None = None) -> LookupResult:
    """What the configured indexes say about `names` (see the module docstring).

    `clock` dates cache entries (tests move it); `defaults` fixes the package managers'
    default index URLs instead of asking pip and npm; `env` replaces os.environ.
    """
    deadline = time.monotonic() + network_deadline(config)
    result = LookupResult()
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return result
    cache = RegistryCache(clock=clock) if config.cache else None
    try:
        _lookup(result, wanted, project_dir, config, deadline, cache,
                defaults or ManagerDefaults(memo=cache, deadline=deadline),
                os.environ if env is None else env)
    finally:
        if cache is not None:
            result.notes[:0] = cache.notes
            cache.close()
    return result


def network_deadline(config) -> float:
    """The configured deadline, clamped to (0, MAX_DEADLINE]; junk means the default."""
    value = getattr(config, "network_deadline", DEFAULT_DEADLINE)
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_DEADLINE
    if value != value:  # NaN
        return DEFAULT_DEADLINE
    return min(max(value, 0.0), MAX_DEADLINE)


def _lookup(result: LookupResult, wanted: list[Name], project_dir: str, config,
            deadline: float, cache: RegistryCache | None, defaults: ManagerDefaults,
            env: Mapping[str, str]) -> None:
    routes, unrouted = _routes(result, wanted, project_dir, config, defaults, env)
    keys = [(index.label, *name) for name, indexes in routes.items()
            for index in indexes if _cacheable(index)]
    cached = cache.get_many(keys) if cache is not None else {}
    answers: dict[Name, dict[Index, PackageRecord]] = {
        name: {index: cached[(index.label, *name)] for index in indexes
               if (index.label, *name) in cached}
        for name, indexes in routes.items()}
    missing = {name: [i for i in indexes if i not in answers[name]]
               for name, indexes in routes.items()
               if not any(r.exists for r in answers[name].values())
               and len(answers[name]) < len(indexes)}
    if config.offline:
        for name, indexes in missing.items():
            offline = PackageRecord(*name, None, note=OFFLINE_NOTE)
            answers[name].update(dict.fromkeys(indexes, offline))
    elif missing:
        from .online_fetch import fetch  # network path only: keeps cache hits cheap

        fetched = fetch(missing, deadline)
        for name, by_index in fetched.items():
            answers[name].update(by_index)
        if cache is not None:
            cache.put_many((index.label, record) for by_index in fetched.values()
                           for index, record in by_index.items() if _cacheable(index))
    for name, indexes in routes.items():
        result[name] = _merge(name, [answers[name][i] for i in indexes if i in answers[name]])
    result.notes += _summary(answers, result, unrouted, project_dir)


def _is_private(ecosystem: str, name: str, patterns: tuple[str, ...]) -> bool:
    if ecosystem == PYPI:
        return any(fnmatchcase(name, normalize_pypi(p)) for p in patterns)
    return any(fnmatchcase(name.lower(), p.lower()) for p in patterns)


def _routes(result, wanted, project_dir, config, defaults, env):
    """name -> indexes to ask; names with none get their record now (-> unrouted notes)."""
    plans = {}
    for ecosystem in dict.fromkeys(e for e, _ in wanted):
        plans[ecosystem] = plan_for(ecosystem, project_dir, defaults, env,
                                    project_indexes=bool(getattr(config, "project_indexes",
                                                                 False)))
        result.notes += [Note(project_dir, text, NoteLevel.INFO) for text in plans[ecosystem].notes]
    routes: dict[Name, tuple[Index, ...]] = {}
    unrouted: dict[str, list[str]] = {}
    for ecosystem, name in wanted:
        indexes = plans[ecosystem].for_name(name)
        why = "no package index configured"
        if _is_private(ecosystem, name, config.private_packages):
            indexes, why = tuple(i for i in indexes if not i.is_default), PRIVATE_NOTE
        if indexes:
            routes[(ecosystem, name)] = indexes
        else:
            result[(ecosystem, name)] = PackageRecord(ecosystem, name, None, note=why)
            unrouted.setdefault(why, []).append(name)
    return routes, unrouted


def _cacheable(index: Index) -> bool:
    """Local folders are read afresh (cheap, and they change); flat pages have no names."""
    return not index.flat and not index.url.startswith("file:")


def _merge(name: Name, records: list[PackageRecord]) -> PackageRecord:
    """One answer from every index's: exists anywhere wins; absent only if absent everywhere."""
    source = "network" if any(r.source == "network" for r in records) else "cache"
    existing = [r for r in records if r.exists]
    if existing:
        base = existing[0]
        return replace(
            base, source=source,
            first_release=min(filter(None, (r.first_release for r in existing)), default=None),
            release_count=max((r.release_count for r in existing if r.release_count is not None),
                              default=None),
            yanked=all(r.yanked for r in existing),
            deprecated=next((r.deprecated for r in existing if r.deprecated), None),
            summary=next((r.summary for r in existing if r.summary), None))
    unknown = [r for r in records if r.exists is None]
    if unknown:
        note = "; ".join(dict.fromkeys(f"{r.index}: {r.note}" if r.index else str(r.note)
                                       for r in unknown))
        return PackageRecord(*name, None, source=source, note=note, index=unknown[0].index)
    return PackageRecord(*name, False, source=source,
                         index=", ".join(r.index for r in records if r.index) or None)


def _examples(names: list[str]) -> str:
    shown = ", ".join(names[:EXAMPLES])
    return shown + (f" and {len(names) - EXAMPLES} more" if len(names) > EXAMPLES else "")


def _summary(answers, result, unrouted, project_dir) -> list[Note]:
    """One note per (index, reason) for names left unverified, one per unrouted reason."""
    causes: dict[tuple[str, str], list[str]] = {}
    for name, by_index in answers.items():
        if result[name].exists is None:
            for index, record in by_index.items():
                if record.exists is None:
                    causes.setdefault((index.label, record.note or "?"), []).append(name[1])
    notes = [Note(label, f"{len(names)} package name(s) not verified: {reason} "
                  f"({_examples(names)})", NoteLevel.INFO)
             for (label, reason), names in causes.items()]
    if PRIVATE_NOTE in unrouted:
        names = unrouted.pop(PRIVATE_NOTE)
        notes.append(Note(project_dir, f"{len(names)} name(s) match private-packages and no "
                          f"index you configured serves them; not looked up ({_examples(names)})",
                          NoteLevel.INFO))
    notes += [Note(project_dir, f"{len(names)} package name(s) not verified: {why} "
                   f"({_examples(names)})", NoteLevel.INFO) for why, names in unrouted.items()]
    return notes
