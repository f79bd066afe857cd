"""Version semantics of the two ecosystems, from their own libraries: PEP 440 through
`packaging`, npm's semver ranges through `node-semver` (a port of npm's own module).
Nothing here orders or matches versions by hand.

An advisory's affected versions are OSV intervals: `introduced` inclusive, `fixed`
exclusive, `last_affected` inclusive ("0" as `introduced` means "from the start").
"""

from __future__ import annotations

import re
from functools import cmp_to_key, lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .names import PYPI


class _LazyModule:
    """node-semver, imported on first use: its import compiles many patterns (~30 ms), and
    most runs (Python projects, npm lock files whose packages have no advisory, plain
    `x.y.z` versions) never need it."""

    def __getattr__(self, name: str):
        import nodesemver as module

        globals()["nodesemver"] = module
        return getattr(module, name)


nodesemver = _LazyModule()
_PLAIN = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


class PlainVersion:
    """An npm version that is a bare `major.minor.patch` (no pre-release, no build): its
    semver order is the order of the three numbers (semver.org, rule 11), so it is
    compared without node-semver; anything else is compared through node-semver."""

    __slots__ = ("major", "minor", "patch", "version")
    prerelease = ()

    def __init__(self, text: str, numbers: tuple[int, int, int]):
        self.version = text
        self.major, self.minor, self.patch = numbers

    def compare(self, other) -> int:
        if isinstance(other, PlainVersion):
            mine, theirs = (self.major, self.minor, self.patch), \
                (other.major, other.minor, other.patch)
            return (mine > theirs) - (mine < theirs)
        return nodesemver.make_semver(self.version, loose=True).compare(other)

Interval = tuple  # (introduced | None, fixed | None, last_affected | None)


@lru_cache(maxsize=4096)
def _pep440(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


@lru_cache(maxsize=4096)
def _semver(text: str):
    plain = _PLAIN.fullmatch(text)
    if plain is not None:
        return PlainVersion(text, tuple(int(part) for part in plain.groups()))
    try:
        return nodesemver.make_semver(text, loose=True)
    except (ValueError, TypeError):
        return None


def parse(ecosystem: str, text: str):
    """A comparable version, or None when the text is not a version of that ecosystem."""
    return _pep440(text) if ecosystem == PYPI else _semver(text)


def compare(ecosystem: str, a, b) -> int:
    """-1, 0 or 1 for two parsed versions of `ecosystem`."""
    return _compare(ecosystem, a, b)


def _compare(ecosystem: str, a, b) -> int:
    if ecosystem == PYPI:
        return (a > b) - (a < b)
    if isinstance(b, PlainVersion) and not isinstance(a, PlainVersion):
        return -b.compare(a)
    return a.compare(b)


def in_interval(ecosystem: str, version, interval: Interval) -> bool:
    """Is the parsed `version` inside one OSV interval?"""
    introduced, fixed, last_affected = interval
    if introduced not in (None, "0"):
        start = parse(ecosystem, introduced)
        if start is None or _compare(ecosystem, version, start) < 0:
            return False
    if fixed is not None:
        end = parse(ecosystem, fixed)
        return end is not None and _compare(ecosystem, version, end) < 0
    if last_affected is not None:
        end = parse(ecosystem, last_affected)
        return end is not None and _compare(ecosystem, version, end) <= 0
    return True


def satisfies_npm_range(version_text: str, npm_range: str) -> bool:
    """npm's own `semver.satisfies`, for advisories whose range OSV could not express."""
    try:
        return bool(nodesemver.satisfies(version_text, npm_range, loose=True))
    except (ValueError, TypeError):
        return False


def sort_key(ecosystem: str):
    """A key function ordering version strings in the ecosystem's order (unparsable
    ones first)."""
    def compare(a: str, b: str) -> int:
        first, second = parse(ecosystem, a), parse(ecosystem, b)
        if first is None or second is None:
            return (first is not None) - (second is not None)
        return _compare(ecosystem, first, second)
    return cmp_to_key(compare)


# ---------------------------------------------------------------- ranges in manifests

def exact_pin(ecosystem: str, spec: str) -> str | None:
    """The one version a specifier allows (`==1.2.3`, `===1.2.3`; npm `1.2.3`, `=1.2.3`,
    `v1.2.3`), or None for a range."""
    spec = spec.strip()
    if ecosystem == PYPI:
        try:
            specifiers = list(SpecifierSet(spec))
        except InvalidSpecifier:
            return None
        if len(specifiers) == 1 and specifiers[0].operator in ("==", "===") \
                and "*" not in specifiers[0].version:
            return specifiers[0].version
        return None
    text = spec[1:] if spec.startswith("=") else spec
    if _PLAIN.fullmatch(text.strip()):
        return text.strip()
    semver = _semver(text.strip())
    return semver.version if semver is not None and nodesemver.valid(text.strip(), True) \
        else None


def lowest_allowed(ecosystem: str, spec: str) -> str | None:
    """The lowest version a range allows, when it has a lower bound; else None.

    A range without a lower bound (`<3`, `*`, no specifier) says nothing about which
    version gets installed, so it is not judged (it would flag every dependency that
    ever had an advisory)."""
    spec = spec.strip()
    if ecosystem == PYPI:
        try:
            specifiers = SpecifierSet(spec)
        except InvalidSpecifier:
            return None
        floors = [s.version for s in specifiers
                  if s.operator in (">=", "~=", "==", "===") and "*" not in s.version]
        floors = [v for v in floors if _pep440(v) is not None and specifiers.contains(
            _pep440(v), prereleases=True)]
        return min(floors, key=_pep440) if floors else None
    return _npm_min_version(spec)


def _npm_min_version(spec: str) -> str | None:
    """npm's `semver.minVersion` over node-semver's parsed comparator sets, counting only
    sets with a real lower bound."""
    try:
        parsed = nodesemver.make_range(spec, loose=True)
    except (ValueError, TypeError):
        return None
    found = None
    for comparators in parsed.set:
        floor = None
        for comparator in comparators:
            if comparator.operator not in (">=", ">", "", "="):
                continue
            candidate = nodesemver.make_semver(comparator.semver.version, loose=True)
            if comparator.operator == ">":
                candidate = nodesemver.make_semver(
                    nodesemver.inc(candidate.version, "patch" if not candidate.prerelease
                                   else "prerelease", loose=True), loose=True)
            if floor is None or candidate.compare(floor) > 0:
                floor = candidate
        if floor is None or floor.version == "0.0.0" \
                or not nodesemver.satisfies(floor.version, spec, loose=True):
            continue
        if found is None or floor.compare(found) < 0:
            found = floor
    return found.version if found is not None else None
