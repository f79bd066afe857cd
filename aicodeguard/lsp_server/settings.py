"""What applies to a document: the project's configuration and the editor's settings.

The project file (``.aicodeguard.toml`` or ``[tool.aicodeguard]`` in
pyproject.toml, found the way `aicodeguard scan` finds it) wins for rule
selection, so the command line, the commit hook and the editor agree.  Editor
settings fill in where the project says nothing: rule selection when there is
no project file, offline mode (either side can ask for it), the fail-on level
used for the red/yellow split, and whether the server checks anything at all.

Project files are re-read when they change on disk: every lookup compares the
size and modification time of each candidate file up the folder tree (a few
`stat` calls), so a save, a `git checkout` or an edit in another program is
picked up without relying on the client's file watching.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import CONFIG_FILES, Config, ConfigError, discover
from ..discovery import PathMatcher, in_tool_folder
from ..model import Confidence, Severity
from ..rules import selector_problems

SECTION = "aicodeguard"


@dataclass(frozen=True)
class ClientSettings:
    """Settings from the editor (`initializationOptions`, `workspace/configuration`)."""

    enable: bool = True
    offline: bool = False
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    fail_on_confidence: Confidence | None = None

    @classmethod
    def parse(cls, raw, problems: list[str]) -> ClientSettings:
        """Lenient: a wrong value is reported in `problems` and left at its default."""
        if isinstance(raw, dict):
            for wrapper in (SECTION, "settings"):
                if isinstance(raw.get(wrapper), dict):
                    raw = raw[wrapper]
        if not isinstance(raw, dict):
            return cls()
        values = {}
        for key, value in raw.items():
            name = _KEYS.get(key)
            if name is None:
                continue
            try:
                values[name] = _VALIDATORS[name](value)
            except (TypeError, ValueError) as error:
                problems.append(f"setting {SECTION}.{key}: {error}")
        return cls(**values)


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _ids(value) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of rule ids or prefixes")
    ids = tuple(item.strip().upper() for item in value)
    problems = selector_problems(ids)
    if problems:  # an unknown id would check nothing without a word: keep the default
        raise ValueError("; ".join(problems))
    return ids


def _severity(value) -> Severity | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise TypeError("expected low, medium, high or critical")
    return Severity.parse(value)


def _confidence(value) -> Confidence | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise TypeError("expected low, medium or high")
    return Confidence.parse(value)


_KEYS = {"enable": "enable", "offline": "offline", "select": "select", "ignore": "ignore",
         "failOn": "fail_on", "fail-on": "fail_on", "fail_on": "fail_on",
         "failOnConfidence": "fail_on_confidence", "fail-on-confidence": "fail_on_confidence",
         "fail_on_confidence": "fail_on_confidence"}
_VALIDATORS = {"enable": _boolean, "offline": _boolean, "select": _ids, "ignore": _ids,
               "fail_on": _severity, "fail_on_confidence": _confidence}


@dataclass(frozen=True)
class Effective:
    """Everything that decides how one document is checked and shown."""

    config: Config
    fail_on: Severity
    enabled: bool
    excluded: bool


def effective(project: Config, client: ClientSettings, path: str, folder: str | None) -> Effective:
    overrides: dict = {"offline": True} if client.offline or _offline_env() else {}
    if project.path is None:
        overrides.update(select=client.select, ignore=client.ignore)
    # The editor's gates only choose colours (error = what the hook and CI reject).
    overrides.update(fail_on=client.fail_on, fail_on_confidence=client.fail_on_confidence)
    config = project.with_overrides(**overrides)
    return Effective(config, client.fail_on or config.fail_on, client.enable,
                     _excluded(path, config, folder))


def _offline_env() -> bool:
    return os.environ.get("AICODEGUARD_OFFLINE") == "1"


def _excluded(path: str, config: Config, folder: str | None) -> bool:
    """Would `aicodeguard scan` of the project skip this file?  (exclude patterns and
    recognised tool folders: virtual environments, node_modules, caches...)"""
    root = config.root if config.path else folder or os.path.dirname(path)
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    return in_tool_folder(root, relative) or PathMatcher(config.exclude).matches(relative)


class ProjectConfigs:
    """The project configuration for each folder, re-read when its files change."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple, Config, str | None]] = {}

    def for_folder(self, folder: str) -> tuple[Config, str | None]:
        stamp = _stamp(folder)
        cached = self._cache.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            config, error = discover(folder), None
        except ConfigError as problem:
            config, error = Config(), str(problem)
        self._cache[folder] = (stamp, config, error)
        return config, error

    def forget(self) -> None:
        self._cache.clear()


def _stamp(folder: str) -> tuple:
    """Size and modification time of every configuration file `discover` may read."""
    found = []
    current = os.path.abspath(folder)
    while True:
        for name in CONFIG_FILES:
            candidate = os.path.join(current, name)
            try:
                info = os.stat(candidate)
            except OSError:
                continue
            found.append((candidate, info.st_ino, info.st_mtime_ns, info.st_size))
        parent = os.path.dirname(current)
        if parent == current:
            return tuple(found)
        current = parent
