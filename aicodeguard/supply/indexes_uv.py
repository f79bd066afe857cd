"""uv's index settings: ``UV_*`` variables, ``uv.toml`` and ``[tool.uv]`` in pyproject.toml.

uv does not read pip's configuration.  It searches its indexes in priority order (the
``UV_INDEX`` variable, then the project's, user's and system's ``[[index]]`` tables) and
the default index last; ``explicit`` indexes serve only the packages pinned to them in
``[tool.uv.sources]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..storage import tomllib
from .indexes import PYPI, Index, IndexPlan, ManagerDefaults, configured, default_index
from .names import normalize_pypi


@dataclass(frozen=True)
class _Entry:
    url: str
    origin: str
    name: str | None = None
    default: bool = False
    explicit: bool = False
    flat: bool = False
    relative_to: str | None = None


def _ancestors(start: str) -> Iterator[str]:
    folder = os.path.abspath(start)
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _load(path: str) -> dict | None:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _project_table(project_dir: str) -> tuple[dict, dict, str] | None:
    """(uv settings, [tool.uv.sources], file) of the nearest uv.toml or pyproject [tool.uv]."""
    for folder in _ancestors(project_dir):
        uv_toml = os.path.join(folder, "uv.toml")
        if os.path.isfile(uv_toml):
            return _load(uv_toml) or {}, {}, uv_toml
        pyproject = os.path.join(folder, "pyproject.toml")
        tool_uv = ((_load(pyproject) or {}).get("tool") or {}).get("uv") \
            if os.path.isfile(pyproject) else None
        if isinstance(tool_uv, dict):
            sources = tool_uv.get("sources")
            return tool_uv, sources if isinstance(sources, dict) else {}, pyproject
    return None


def uses_uv(project_dir: str) -> bool:
    """uv installs this project's packages: a uv.lock above it, or uv settings."""
    if any(os.path.isfile(os.path.join(f, "uv.lock")) for f in _ancestors(project_dir)):
        return True
    return _project_table(project_dir) is not None


def _user_files(env: Mapping[str, str]) -> list[str]:
    home = env.get("HOME") or os.path.expanduser("~")
    config_home = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    system = (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep) + ["/etc"]
    return [os.path.join(config_home, "uv", "uv.toml")] + [
        os.path.join(d, "uv", "uv.toml") for d in system if d]


def _settings(project_dir: str, env: Mapping[str, str]) -> tuple[list[tuple[dict, str]], dict]:
    """Settings tables with their files, highest priority first, and the project's sources."""
    if env.get("UV_NO_CONFIG"):
        return [], {}
    if env.get("UV_CONFIG_FILE"):
        table = _load(env["UV_CONFIG_FILE"])
        return ([(table, env["UV_CONFIG_FILE"])] if table else []), {}
    tables, sources = [], {}
    project = _project_table(project_dir)
    if project is not None:
        tables.append((project[0], project[2]))
        sources = project[1]
    for path in _user_files(env):
        table = _load(path) if os.path.isfile(path) else None
        if table:
            tables.append((table, path))
            break  # uv reads the user file, or failing that the first system file
    return tables, sources


def _env_entries(env: Mapping[str, str]) -> list[_Entry]:
    entries = []
    for item in env.get("UV_INDEX", "").split():
        named = re.fullmatch(r"([\w.-]+)=(.+)", item)  # "name=url"; a URL has ":" first
        name, url = named.groups() if named else (None, item)
        entries.append(_Entry(url, "UV_INDEX", name))
    for variable in ("UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        if env.get(variable):
            entries.append(_Entry(env[variable].split()[0], variable, default=True))
    extra = env.get("UV_EXTRA_INDEX_URL", "").split()
    entries += [_Entry(url, "UV_EXTRA_INDEX_URL") for url in extra]
    entries += [_Entry(url, "UV_FIND_LINKS", flat=True)
                for url in re.split(r"[\s,]+", env.get("UV_FIND_LINKS", "")) if url]
    return entries


def _table_entries(table: dict, path: str) -> list[_Entry]:
    folder = os.path.dirname(path)
    entries = []
    for item in table.get("index") or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            entries.append(_Entry(item["url"], path, item.get("name"), bool(item.get("default")),
                                  bool(item.get("explicit")), item.get("format") == "flat", folder))
    if isinstance(table.get("index-url"), str):
        entries.append(_Entry(table["index-url"], path, default=True, relative_to=folder))
    for key, flat in (("extra-index-url", False), ("find-links", True)):
        values = table.get(key) or []
        entries += [_Entry(url, path, flat=flat, relative_to=folder)
                    for url in values if isinstance(url, str)]
    return entries


def uv_plan(project_dir: str, env: Mapping[str, str], defaults: ManagerDefaults) -> IndexPlan:
    tables, sources = _settings(project_dir, env)
    entries = _env_entries(env)
    for table, path in tables:
        entries += _table_entries(table, path)
    no_index = env.get("UV_NO_INDEX") or any(t.get("no-index") is True for t, _ in tables)

    def index_of(entry: _Entry) -> Index:
        return configured(entry.url, PYPI, entry.origin, defaults, flat=entry.flat,
                          relative_to=entry.relative_to)

    notes: list[str] = []
    general = [index_of(e) for e in entries
               if not (e.default or e.explicit) and (e.flat or not no_index)]
    default_entry = next((e for e in entries if e.default), None)
    if not no_index:
        default = index_of(default_entry) if default_entry else default_index(PYPI, defaults)
        if default is None:
            notes.append("uv's default index could not be determined; set UV_DEFAULT_INDEX")
        else:
            general.append(default)
    named = {e.name: index_of(e) for e in reversed(entries) if e.name}
    pinned = {}
    for package, source in sources.items():
        for choice in source if isinstance(source, list) else [source]:
            wanted = choice.get("index") if isinstance(choice, dict) else None
            if isinstance(wanted, str) and wanted in named:
                pinned.setdefault(normalize_pypi(package), []).append(named[wanted])
            elif isinstance(wanted, str):
                notes.append(f"[tool.uv.sources] {package} names an unknown index {wanted!r}")
    return IndexPlan("uv", tuple(general), {k: tuple(v) for k, v in pinned.items()},
                     tuple(notes))
