"""Known-vulnerable and stale versions: the versions every scanned manifest and lock file
pins (`FileResult.pins`), judged once per run against the advisory data.

`check_pins` runs after the per-file scan, beside `check.check_project`: it appends
AIG609 (an exact pin of an affected version), AIG610 (a range whose lowest allowed
version is affected) and AIG611 (an exact pin far behind the latest known release) to
the result of the file where the version is written, so suppressions, per-file ignores
and baselines apply.  A name that a lock file of the project pins is judged there (that
is what gets installed), not at its range in the manifest.

The advisory data is loaded only when a selected rule needs it and a pin exists; the
network is used only when the user configured an OSV-compatible `advisory-url` and the
run is not offline (`advisory_online.py`), within the run's network deadline.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from ..model import Confidence, Edit, FileResult, Finding, Fix, Note, NoteLevel, Pin, Severity
from ..rules.supply import (
    ALLOWS_VULNERABLE_VERSIONS,
    STALE_PIN,
    VERSION_RULES,
    VULNERABLE_DEPENDENCY,
)
from . import versions
from .advisories import Match, match_among
from .check import _Lines, enabled
from .contained import MAX_MANIFEST_BYTES, read_quietly
from .names import PYPI, normalize_pypi

log = logging.getLogger("aicodeguard")

LOCK_SOURCE = "lockfile"
MAX_LOCK_BYTES = 4 * MAX_MANIFEST_BYTES  # a lock file read only to see what it pins
SHOWN_ADVISORIES = 5  # in a message; metadata lists all
UNKNOWN_SEVERITY = "unknown-severity"  # evidence when no advisory has a CVSS vector
SCORED = "advisory"
# "Several releases behind": another major version, or this many minor versions.
STALE_MINORS = 3


def check_pins(results: list[FileResult], config, texts: dict[str, bytes] | None = None
               ) -> list[Note]:
    """Add AIG609–AIG611 findings to `results` (in place); returns the run's notes.

    `texts` gives the content of files that are not (or not yet) on disk as scanned, by
    path (an editor's buffer): fixes are offered only where the version is written there.
    Never raises: a failure is an error note, and every other finding is still reported."""
    if not enabled(config, VERSION_RULES) or not any(result.pins for result in results):
        return []
    try:
        return _Check(results, config, texts or {}).run()
    except Exception as error:  # a bug here must not lose the rest of the scan
        log.debug("known-vulnerability check failed", exc_info=True)
        return [Note("", f"internal error in the known-vulnerability checks "
                     f"({type(error).__name__}: {error}); pinned versions were not checked",
                     NoteLevel.ERROR)]


def _key(ecosystem: str, name: str) -> tuple[str, str]:
    return ecosystem, normalize_pypi(name) if ecosystem == PYPI else name


@dataclass
class _Judged:
    result: FileResult
    pin: Pin
    version: str  # the pinned version, or the lowest one a range allows
    exact: bool


class _Check:
    def __init__(self, results: list[FileResult], config, texts: dict[str, bytes]):
        self.results = results
        self.texts = texts
        self.config = config
        self.on = {rule.id for rule in VERSION_RULES if enabled(config, (rule,))}
        self.notes: list[Note] = []
        self.lines = _Lines()
        self.raw_lines: dict[str, list[str]] = {}
        self.reported: set[tuple] = set()

    def run(self) -> list[Note]:
        judged = []
        for result in self.results:
            for pin in result.pins:
                exact = pin.spec.lstrip("=") if pin.source == LOCK_SOURCE else \
                    versions.exact_pin(pin.ecosystem, pin.spec)
                if exact is not None:
                    judged.append(_Judged(result, pin, exact, True))
                elif ALLOWS_VULNERABLE_VERSIONS.id in self.on:
                    lowest = versions.lowest_allowed(pin.ecosystem, pin.spec)
                    if lowest is not None:
                        judged.append(_Judged(result, pin, lowest, False))
        judged.sort(key=lambda j: (j.result.path, j.pin.location.line, j.pin.location.column,
                                   j.pin.name))
        matches = self._matches(judged) if self.on - {STALE_PIN.id} else {}
        stale = []
        locks = _Locks(self.results)
        for item in judged:
            match = matches.get((item.pin.ecosystem, item.pin.name, item.version))
            if item.exact and match is not None and VULNERABLE_DEPENDENCY.id in self.on:
                self._add(item, self._vulnerable(item, match))
            elif not item.exact and match is not None and not locks.pins(item):
                self._add(item, self._allows(item, match))
            elif item.exact and match is None and item.pin.source != LOCK_SOURCE \
                    and STALE_PIN.id in self.on:
                stale.append(item)
        if stale:
            self._stale(stale)
        self.notes += locks.notes
        return self.notes

    # ------------------------------------------------------------ advisory matching

    def _matches(self, judged: list[_Judged]) -> dict[tuple, Match]:
        from .advisories import database

        db = database()
        wanted = sorted({(j.pin.ecosystem, j.pin.name, j.version) for j in judged})
        online = {}
        url = advisory_url(self.config)
        if url and not getattr(self.config, "offline", False):
            from .advisory_online import query

            exact = sorted({(j.pin.ecosystem, j.pin.name, j.version) for j in judged if j.exact})
            online, notes = query(exact, url, self.config)
            self.notes += notes
        found = {}
        for ecosystem, name, version in wanted:
            known = list(db.advisories(ecosystem, name))
            seen = {alias for advisory in known for alias in advisory.names}
            for advisory in online.get((ecosystem, name, version), ()):
                if not seen.intersection(advisory.names):
                    known.append(advisory)
                    seen.update(advisory.names)
            match = match_among(ecosystem, version, known)
            if match is not None:
                found[(ecosystem, name, version)] = match
        return found

    # ------------------------------------------------------------ findings

    def _vulnerable(self, item: _Judged, match: Match) -> Finding:
        pin, version = item.pin, item.version
        severity, evidence = _severity(match.score)
        if pin.source == LOCK_SOURCE:
            advice = (f"update the lock file so it installs {match.fixed_in} or later "
                      "(raise the range in the manifest if it excludes that)"
                      if match.fixed_in else "no fixed version is known: replace the "
                      "package or update the lock file when one is released")
            fix = None
        else:
            advice = f"upgrade to {match.fixed_in}" if match.fixed_in else \
                "no fixed version is known: replace the package or watch its advisories"
            fix = self._fix(item, match.fixed_in, f"Upgrade {pin.name} to {match.fixed_in}")
        message = (f"`{pin.name}` {version} has known vulnerabilities: {_listed(match)} "
                   f"({_score_text(match.score)}); {advice}")
        return self._finding(VULNERABLE_DEPENDENCY.id, severity, evidence, message, item,
                             match, fix)

    def _allows(self, item: _Judged, match: Match) -> Finding:
        pin = item.pin
        severity, evidence = _severity(match.score)
        severity = Severity(max(Severity.LOW, severity - 1))
        fix = self._fix(item, match.fixed_in, f"Raise the lower bound of {pin.name} to "
                        f"{match.fixed_in}")
        if match.fixed_in and fix is not None:
            advice = f"raise the lower bound to {match.fixed_in}"
        elif match.fixed_in:
            advice = f"change the range so its lowest version is {match.fixed_in} or later"
        else:
            advice = "no fixed version is known: replace the package or watch its advisories"
        message = (f"`{pin.name}` {pin.spec} allows vulnerable versions (its lowest allowed, "
                   f"{item.version}, is affected by {_listed(match)}; "
                   f"{_score_text(match.score)}); {advice}")
        return self._finding(ALLOWS_VULNERABLE_VERSIONS.id, severity, evidence, message, item,
                             match, fix)

    def _finding(self, rule_id: str, severity: Severity, evidence: str, message: str,
                 item: _Judged, match: Match, fix: Fix | None) -> Finding:
        aliases = sorted({alias for advisory in match.advisories for alias in advisory.aliases}
                         - set(match.ids))
        metadata = {"package": item.pin.name, "ecosystem": item.pin.ecosystem,
                    "version": item.version, "cvss": match.score,
                    "advisories": tuple(match.ids), "aliases": tuple(aliases),
                    "fixed_in": match.fixed_in}
        return Finding(rule_id, severity, Confidence.HIGH, message, item.pin.location, fix=fix,
                       evidence=evidence, metadata=tuple(sorted(metadata.items())))

    def _stale(self, items: list[_Judged]) -> None:
        from .latest import latest_versions

        table = latest_versions()
        for item in items:
            latest = table.get(item.pin.ecosystem, item.pin.name)
            behind = _behind(item.pin.ecosystem, item.version, latest) if latest else None
            if behind is None:
                continue
            message = (f"`{item.pin.name}` is pinned to {item.version}, {behind} the latest "
                       f"known release {latest} (per the package lists of {table.date}); "
                       "assistants suggest the versions of their training data, which lag "
                       "behind: check the changelog and move to a current release")
            metadata = {"package": item.pin.name, "ecosystem": item.pin.ecosystem,
                        "version": item.version, "latest": latest}
            self._add(item, Finding(STALE_PIN.id, STALE_PIN.severity, STALE_PIN.confidence,
                                    message, item.pin.location, evidence="pattern",
                                    metadata=tuple(sorted(metadata.items()))))

    def _add(self, item: _Judged, finding: Finding) -> None:
        key = (item.result.path, item.pin.location.line, item.pin.ecosystem, item.pin.name,
               finding.rule_id)
        if key in self.reported:
            return
        self.reported.add(key)
        snippet = self.lines.get(item.result, item.pin.location.line)
        item.result.findings.append(Finding(
            finding.rule_id, finding.severity, finding.confidence, finding.message,
            finding.location, snippet, (), finding.fix, finding.evidence, finding.metadata))

    def _fix(self, item: _Judged, fixed: str | None, title: str) -> Fix | None:
        """Rewrite the version where it is written, if the new spec still allows `fixed`."""
        location = item.pin.location
        if not fixed or location.line != location.end_line:
            return None
        text = self._line(item.result.path, location.line)
        if text is None or text[location.column - 1:location.end_column - 1] != item.version:
            return None
        ecosystem = item.pin.ecosystem
        spec = item.pin.spec.replace(item.version, fixed, 1)
        if not item.exact and not _allows(ecosystem, spec, fixed):
            return None
        return Fix(title, (Edit(location.line, location.column, location.line,
                                location.end_column, fixed),), safe=False)

    def _line(self, path: str, line: int) -> str | None:
        lines = self.raw_lines.get(path)
        if lines is None:
            data = self.texts.get(path)
            data = read_quietly(path) or b"" if data is None else data
            lines = self.raw_lines[path] = data.decode("utf-8", "replace").split("\n")
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else None


def advisory_url(config) -> str | None:
    """The OSV-compatible query endpoint the user configured (config, then environment)."""
    url = getattr(config, "advisory_url", None) or os.environ.get("AICODEGUARD_ADVISORY_URL")
    return url.rstrip("/") if isinstance(url, str) and url.strip() else None


def _severity(score: float | None) -> tuple[Severity, str]:
    if score is None:
        return Severity.MEDIUM, UNKNOWN_SEVERITY
    if score >= 9:
        return Severity.CRITICAL, SCORED
    if score >= 7:
        return Severity.HIGH, SCORED
    if score >= 4:
        return Severity.MEDIUM, SCORED
    return Severity.LOW, SCORED


def _score_text(score: float | None) -> str:
    return f"CVSS {score:.1f}" if score is not None else "unknown severity"


def _listed(match: Match) -> str:
    """"PYSEC-2018-28 (CVE-2018-18074, GHSA-x84v-xcm2-53pg), …" for the first few."""
    parts = []
    for advisory in match.advisories[:SHOWN_ADVISORIES]:
        aliases = [alias for alias in advisory.aliases if alias.startswith(("CVE-", "GHSA-"))]
        parts.append(f"{advisory.id} ({', '.join(aliases)})" if aliases else advisory.id)
    more = len(match.advisories) - SHOWN_ADVISORIES
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def _allows(ecosystem: str, spec: str, version: str) -> bool:
    if ecosystem == PYPI:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            return SpecifierSet(spec).contains(version, prereleases=True)
        except InvalidSpecifier:
            return False
    return versions.satisfies_npm_range(version, spec)


def _behind(ecosystem: str, pinned: str, latest: str) -> str | None:
    """How far `pinned` is behind `latest` ("2 major versions behind"), or None if it is
    not several releases behind (or the latest is a pre-release)."""
    old, new = versions.parse(ecosystem, pinned), versions.parse(ecosystem, latest)
    if old is None or new is None or versions.compare(ecosystem, old, new) >= 0:
        return None
    if (new.is_prerelease if ecosystem == PYPI else bool(new.prerelease)):
        return None
    old_major, old_minor = _major_minor(ecosystem, old)
    new_major, new_minor = _major_minor(ecosystem, new)
    if new_major > old_major:
        count = new_major - old_major
        return f"{count} major version{'s' if count > 1 else ''} behind"
    if new_major == old_major and new_minor - old_minor >= STALE_MINORS:
        return f"{new_minor - old_minor} minor versions behind"
    return None


def _major_minor(ecosystem: str, version) -> tuple[int, int]:
    if ecosystem == PYPI:
        release = (*version.release, 0)
        return release[0], release[1]
    return version.major, version.minor


class _Locks:
    """Which names the lock files of the project pin, by the folder they govern: the
    scanned ones, and (only when a range is about to be reported) those lying beside a
    manifest or in a folder above it, read from disk within the project."""

    def __init__(self, results: list[FileResult]):
        self.notes: list[Note] = []
        self._by_folder: dict[str, set[tuple[str, str]]] = {}
        for result in results:
            if result.language == "lockfile":
                self._by_folder.setdefault(self._folder(result.path), set()).update(
                    _key(pin.ecosystem, pin.name) for pin in result.pins)
        self._root: str | None = None
        self._paths = [result.path for result in results]

    @staticmethod
    def _folder(path: str) -> str:
        return os.path.dirname(os.path.abspath(path))

    def pins(self, item: _Judged) -> bool:
        """Does a lock file governing the manifest of `item` pin its name?"""
        key = _key(item.pin.ecosystem, item.pin.name)
        folder = self._folder(item.result.path)
        for candidate in self._governing(folder):
            if key in self._names(candidate):
                return True
        return False

    def _governing(self, folder: str):
        if self._root is None:
            from .project import find_root

            self._root = find_root(self._paths)
        while True:
            yield folder
            parent = os.path.dirname(folder)
            if folder == self._root or parent == folder or \
                    not folder.startswith(self._root.rstrip(os.sep) + os.sep):
                return
            folder = parent

    def _names(self, folder: str) -> set[tuple[str, str]]:
        known = self._by_folder.get(folder)
        if known is None:
            known = self._by_folder[folder] = set()
            from .lockfiles import LOCK_FILES, NotALockFile, pins

            for name in sorted(LOCK_FILES):
                data = read_quietly(os.path.join(folder, name), MAX_LOCK_BYTES)
                if data is None:
                    continue
                try:
                    known.update(_key(pin.ecosystem, pin.name)
                                 for pin in pins(name, data.decode("utf-8", "replace")))
                except NotALockFile:
                    continue  # reported when the lock file itself is scanned
        return known
