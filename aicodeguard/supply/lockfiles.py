"""Exact versions from lock files, each with the line that records it.

Pipfile.lock, poetry.lock, uv.lock and pdm.lock for Python; package-lock.json and
npm-shrinkwrap.json (lockfile versions 1–3), yarn.lock (classic and berry) and
pnpm-lock.yaml for npm.  Only packages that come from an index are returned: git,
path, workspace, link and editable entries (the project itself) are not.  Parsing is
line-oriented where the standard library has no parser that keeps positions; a lock
file that does not read as its format gives nothing and raises `NotALockFile`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..storage import tomllib
from .names import NPM, PYPI

LOCK_FILES = {
    "Pipfile.lock": "pipfile_lock", "poetry.lock": "toml_lock", "uv.lock": "toml_lock",
    "pdm.lock": "toml_lock", "package-lock.json": "npm_lock",
    "npm-shrinkwrap.json": "npm_lock", "yarn.lock": "yarn_lock", "pnpm-lock.yaml": "pnpm_lock",
}


class NotALockFile(ValueError):
    """The file is named like a lock file but does not read as one."""


@dataclass(frozen=True, slots=True)
class Pinned:
    name: str
    ecosystem: str
    version: str
    line: int  # 1-based
    column: int  # 1-based, where the version (or the entry) is written
    end_column: int


def pins(file_name: str, text: str) -> list[Pinned]:
    reader = LOCK_FILES.get(file_name)
    if reader is None:
        return []
    return list(globals()[f"_{reader}"](text))


def _locate(lines: list[str], needle: str, start: int) -> tuple[int, int]:
    """(line index, column index) of the first `needle` at or after line `start`."""
    for index in range(start, len(lines)):
        column = lines[index].find(needle)
        if column >= 0:
            return index, column
    return start, 0


def _pin(name: str, ecosystem: str, version: str, lines: list[str], index: int) -> Pinned:
    column = lines[index].find(version) if index < len(lines) else -1
    if column < 0:
        column = len(lines[index]) - len(lines[index].lstrip()) if index < len(lines) else 0
    return Pinned(name, ecosystem, version, index + 1, column + 1, column + 1 + len(version))


# ---------------------------------------------------------------- Python

def _json_object(text: str) -> dict:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise NotALockFile(f"not JSON ({error})") from None
    if not isinstance(document, dict):
        raise NotALockFile("not a JSON object")
    return document


def _pipfile_lock(text: str) -> Iterator[Pinned]:
    document = _json_object(text)
    lines = text.split("\n")
    cursor = 0
    for section in ("default", "develop"):
        entries = document.get(section)
        if not isinstance(entries, dict):
            continue
        cursor, _ = _locate(lines, f'"{section}"', cursor)
        for name, entry in entries.items():
            version = entry.get("version", "") if isinstance(entry, dict) else ""
            if not isinstance(version, str) or not version.startswith("=="):
                continue  # git, path and editable entries have no version
            index, _ = _locate(lines, f'"{name}"', cursor)
            index, _ = _locate(lines, f'"{version}"', index)
            yield _pin(name, PYPI, version.lstrip("="), lines, index)


_NON_INDEX_SOURCES = ("git", "path", "directory", "editable", "virtual", "url", "file")


def _toml_lock(text: str) -> Iterator[Pinned]:
    """poetry.lock, uv.lock, pdm.lock: `[[package]]` tables with name and version."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise NotALockFile(f"not valid TOML ({error})") from None
    packages = document.get("package")
    if packages is None and ("version" in document or "metadata" in document):
        packages = []  # the lock file of a project without dependencies
    if not isinstance(packages, list):
        raise NotALockFile("no [[package]] tables")
    lines = text.split("\n")
    cursor = 0
    for package in packages:
        if not isinstance(package, dict):
            continue
        name, version = package.get("name"), package.get("version")
        cursor, _ = _locate(lines, "[[package]]", cursor)
        cursor += 1
        if not isinstance(name, str) or not isinstance(version, str) or _local(package):
            continue
        index, _ = _locate(lines, f'version = "{version}"', cursor)
        yield _pin(name, PYPI, version, lines, index)


def _local(package: dict) -> bool:
    source = package.get("source")
    if isinstance(source, dict):  # uv: {registry = …} or {git/path/editable/virtual = …}
        kind = source.get("type", "")  # poetry: [package.source] type = "git"
        return bool(set(source) & set(_NON_INDEX_SOURCES)) or kind in _NON_INDEX_SOURCES
    return any(key in package for key in ("git", "path", "editable", "url"))  # pdm


# ---------------------------------------------------------------- npm

def _npm_lock(text: str) -> Iterator[Pinned]:
    document = _json_object(text)
    lines = text.split("\n")
    packages = document.get("packages")
    if isinstance(packages, dict):  # lockfile versions 2 and 3
        cursor = 0
        for key, entry in packages.items():
            if not key or not isinstance(entry, dict):
                continue
            cursor, _ = _locate(lines, json.dumps(key), cursor)
            name = entry.get("name") or key.rpartition("node_modules/")[2]
            if _npm_registry_entry(key, entry):
                index, _ = _locate(lines, '"version"', cursor)
                yield _pin(name, NPM, entry["version"], lines, index)
        return
    yield from _npm_lock_v1(document.get("dependencies"), lines, [0])


def _npm_registry_entry(key: str, entry: dict) -> bool:
    version = entry.get("version")
    if not isinstance(version, str) or entry.get("link") or "node_modules/" not in key:
        return False
    resolved = entry.get("resolved", "")
    return not (isinstance(resolved, str) and resolved.startswith(("git", "file:")))


def _npm_lock_v1(dependencies, lines: list[str], cursor: list[int]) -> Iterator[Pinned]:
    if not isinstance(dependencies, dict):
        return
    for name, entry in dependencies.items():
        if not isinstance(entry, dict):
            continue
        cursor[0], _ = _locate(lines, json.dumps(name) + ":", cursor[0])
        version = entry.get("version")
        if isinstance(version, str) and not version.startswith(("git", "file:", "http")):
            index, _ = _locate(lines, '"version"', cursor[0])
            yield _pin(name, NPM, version, lines, index)
        yield from _npm_lock_v1(entry.get("dependencies"), lines, cursor)


# yarn.lock: an entry header (one or more `name@range` keys, quoted or not) at column 0,
# then indented fields; classic writes `version "1.2.3"`, berry `version: 1.2.3`.
_YARN_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')


def _yarn_lock(text: str) -> Iterator[Pinned]:
    lines = text.split("\n")
    if not any(line.startswith(("# yarn lockfile", "__metadata:")) for line in lines[:5]):
        raise NotALockFile("no yarn lockfile header")
    name = None
    for index, line in enumerate(lines):
        if line and not line[0].isspace() and line.rstrip().endswith(":") \
                and not line.startswith(("#", "__metadata")):
            name = _yarn_name(line.rstrip()[:-1])
        elif name is not None and (match := _YARN_VERSION.match(line)):
            yield _pin(name, NPM, match.group(1), lines, index)
            name = None


def _yarn_name(header: str) -> str | None:
    """The package of an entry header, or None for workspace, patch, link, git entries."""
    first = header.split(",")[0].strip().strip('"')
    at = first.find("@", 1)  # scoped names start with @
    if at < 0:
        return None
    name, reference = first[:at], first[at + 1:]
    if reference.startswith("npm:"):
        reference = reference[4:]
    if reference.startswith(("workspace:", "patch:", "link:", "portal:", "file:", "git",
                             "http", "exec:")) or "#" in reference:
        return None
    return name


_PNPM_KEY = re.compile(r"^  '?/?((?:@[^/@\s]+/)?[^/@\s(]+)[@/]([0-9][^(_:'\s]*)")


def _pnpm_lock(text: str) -> Iterator[Pinned]:
    lines = text.split("\n")
    if not any(line.startswith("lockfileVersion") for line in lines[:5]):
        raise NotALockFile("no lockfileVersion")
    in_packages = False
    for index, line in enumerate(lines):
        if line and not line[0].isspace():
            in_packages = line.rstrip() == "packages:"
            continue
        if in_packages and (match := _PNPM_KEY.match(line)):
            yield _pin(match.group(1), NPM, match.group(2), lines, index)
