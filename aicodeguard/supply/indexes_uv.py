"""uv's index settings: ``UV_*`` variables, ``uv.toml`` and ``[tool.uv]`` in pyproject.toml.

uv does not read pip's configuration.  It searches its indexes in priority order (the
``UV_INDEX`` variable, then the project's, user's and system's ``[[index]]`` tables) and
the default index last; ``explicit`` indexes serve only the packages pinned to them in
``[tool.uv.sources]``.

The project's own uv.toml / ``[tool.uv]`` is part of the scanned repository: its index
settings are used only with ``project_indexes`` (the user's opt-in), else ignored with a
note.  Its ``[tool.uv.sources]`` may still pin a package to an index the *user* named
(that only chooses among the user's indexes).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..storage import tomllib
from .contained import read_quietly
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


IGNORED_NOTE = ("{file} names a package index; ignored (the repository does not choose "
                "where package names are sent; --project-indexes to honour it)")
_INDEX_KEYS = ("index", "index-url", "extra-index-url", "find-links", "no-index")


def _load(path: str) -> dict | None:
    data = read_quietly(path)  # regular files only: a FIFO named uv.toml must not block
    if data is None:
        return None
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return table if isinstance(table, dict) else None


def _project_table(project_dir: str) -> tuple[dict, dict, str] | None:
    """(uv settings, [tool.uv.sources], file) of the nearest uv.toml or pyproject [tool.uv]."""
    for folder in _ancestors(project_dir):
        uv_toml = os.path.join(folder, "uv.toml")
        if os.path.isfile(uv_toml):
            return _load(uv_toml) or {}, {}, uv_toml
        pyproject = os.path.join(folder, "pyproject.toml")
        tool = (_load(pyproject) or {}).get("tool") if os.path.isfile(pyproject) else None
        tool_uv = tool.get("uv") if isinstance(tool, dict) else None
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


def _settings(project_dir: str, env: Mapping[str, str], project_indexes: bool):
    """(settings tables with their files, highest priority first; the project's sources;
    notes; names of the project's own indexes that were ignored)."""
    if env.get("UV_NO_CONFIG"):
        return [], {}, [], set()
    if env.get("UV_CONFIG_FILE"):
        table = _load(env["UV_CONFIG_FILE"])
        return ([(table, env["UV_CONFIG_FILE"])] if table else []), {}, [], set()
    tables, sources, notes, ignored = [], {}, [], set()
    project = _project_table(project_dir)
    if project is not None:
        sources = project[1]
        if project_indexes:
            tables.append((project[0], project[2]))
        elif any(key in project[0] for key in _INDEX_KEYS):
            label = "uv.toml" if project[2].endswith("uv.toml") else "pyproject.toml [tool.uv]"
            notes.append(IGNORED_NOTE.format(file=label))
            ignored = {entry.name for entry in _table_entries(project[0], project[2])}
    for path in _user_files(env):
        table = _load(path) if os.path.isfile(path) else None
        if table:
            tables.append((table, path))
            break  # uv reads the user file, or failing that the first system file
    return tables, sources, notes, ignored


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
    for item in table.get("index") if isinstance(table.get("index"), list) else []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            name = item.get("name") if isinstance(item.get("name"), str) else None
            entries.append(_Entry(item["url"], path, name, bool(item.get("default")),
                                  bool(item.get("explicit")), item.get("format") == "flat", folder))
    if isinstance(table.get("index-url"), str):
        entries.append(_Entry(table["index-url"], path, default=True, relative_to=folder))
    for key, flat in (("extra-index-url", False), ("find-links", True)):
        values = table.get(key) if isinstance(table.get(key), list) else []
        entries += [_Entry(url, path, flat=flat, relative_to=folder)
                    for url in values if isinstance(url, str)]
    return entries


def uv_plan(project_dir: str, env: Mapping[str, str], defaults: ManagerDefaults, *,
            project_indexes: bool = False) -> IndexPlan:
    tables, sources, notes, ignored = _settings(project_dir, env, project_indexes)
    entries = _env_entries(env)
    for table, path in tables:
        entries += _table_entries(table, path)
    no_index = env.get("UV_NO_INDEX") or any(t.get("no-index") is True for t, _ in tables)

    def index_of(entry: _Entry) -> Index:
        return configured(entry.url, PYPI, entry.origin, defaults, flat=entry.flat,
                          relative_to=entry.relative_to)

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
            elif isinstance(wanted, str) and wanted not in ignored:
                notes.append(f"[tool.uv.sources] {package} names an unknown index {wanted!r}")
    return IndexPlan("uv", tuple(general), {k: tuple(v) for k, v in pinned.items()},
                     tuple(notes))
