"""Which package index or registry a name would be installed from, as its manager sees it.

Python names follow pip's configuration, or uv's when the project uses uv (a ``uv.lock``,
a ``uv.toml`` or a ``[tool.uv]`` table); npm names follow the ``.npmrc`` chain.  Only the
user's own settings count (user-level files, the environment, the manager's default):
the scanned repository's index settings are untrusted and honoured only on request.  When
nothing is configured the manager's own default is used, asked at run time
(`ManagerDefaults`): no registry host is written in this code.  Nothing here touches the
network.  Credentials (in URLs, or ``.npmrc`` auth lines) never reach labels, notes or
cache keys: use `Index.label` for anything a person or a file sees.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

PYPI, NPM = "pypi", "npm"
DEFAULT_ORIGIN = "the package manager's default"
DEFAULT_TTL = 24 * 3600  # how long a probed default is remembered
FAILED_PROBE_TTL = 600  # a manager that could not answer is asked again soon
PROBE_TIMEOUT = 2.0  # at most; less when the run's deadline is nearer


@dataclass(frozen=True)
class Index:
    """One simple index (PyPI-style), registry (npm) or flat page/directory of files."""

    url: str  # ends with "/"
    ecosystem: str
    origin: str  # the variable or file that configured it; DEFAULT_ORIGIN otherwise
    is_default: bool = False  # the manager's own public default: private names never go here
    flat: bool = False  # a find-links page/directory, not a per-project index
    auth: str | None = field(default=None, repr=False, compare=False)  # Authorization value
    verify: str | None = field(default=None, compare=False)  # CA bundle path

    @property
    def label(self) -> str:
        return redact(self.url)

    @property
    def json_api(self) -> str | None:
        """Base of the PyPI-style JSON API, offered only by the public default index."""
        if self.ecosystem != PYPI or not self.is_default or not self.url.endswith("/simple/"):
            return None
        return self.url[: -len("simple/")] + "pypi/"


@dataclass(frozen=True)
class IndexPlan:
    """The indexes each name of one ecosystem is looked up on, in the manager's order."""

    manager: str  # pip, uv, npm
    indexes: tuple[Index, ...]
    pinned: Mapping[str, tuple[Index, ...]] = field(default_factory=dict)  # name or @scope
    notes: tuple[str, ...] = ()

    def for_name(self, name: str) -> tuple[Index, ...]:
        if name in self.pinned:
            return self.pinned[name]
        if name.startswith("@") and "/" in name:
            scope = name.split("/", 1)[0]
            if scope in self.pinned:
                return self.pinned[scope]
        return self.indexes


def redact(url: str) -> str:
    """The URL without user, password or query string."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "***" if parts.query else ""
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def as_base_url(value: str, relative_to: str | None = None, *, folder: bool = True) -> str:
    """A URL (ending in "/" when `folder`); a bare path (pip and uv allow them) becomes file://."""
    value = value.strip()
    if "://" not in value and not value.startswith("file:"):
        import pathlib  # rare: only for folders given as paths

        path = os.path.join(relative_to or os.getcwd(), os.path.expanduser(value))
        value = pathlib.Path(os.path.abspath(path)).as_uri()
    return value if value.endswith("/") or not folder else value + "/"


def same_url(a: str, b: str | None) -> bool:
    return b is not None and a.rstrip("/").lower() == b.rstrip("/").lower()


# ---------------------------------------------------------------- the managers' defaults

def _probe_pip(timeout: float) -> str | None:
    """pip's own default index URL, from the installed pip's module constant."""
    try:
        from pip._internal.models.index import PyPI  # imported only when needed (15 ms)

        return PyPI.simple_url
    except Exception:  # noqa: BLE001, S110 - pip missing or reorganised: ask another Python's
        pass
    python = shutil.which("python3") or shutil.which("python")
    if not python:
        return None
    code = "from pip._internal.models.index import PyPI; print(PyPI.simple_url)"
    return _run_for_url([python, "-c", code], os.environ, tempfile.gettempdir(), timeout)


def _probe_npm(timeout: float) -> str | None:
    """npm's own default registry: `npm config get registry` with no user or global file."""
    npm = shutil.which("npm")
    if not npm:
        return None
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("npm_config_")}
    with tempfile.TemporaryDirectory() as empty:  # npm refuses one file for both roles
        env.update(NPM_CONFIG_USERCONFIG=os.path.join(empty, "user"),
                   NPM_CONFIG_GLOBALCONFIG=os.path.join(empty, "global"))
        return _run_for_url([npm, "config", "get", "registry"], env, empty, timeout)


def _run_for_url(command: list[str], env: Mapping[str, str], cwd: str,
                 timeout: float) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=dict(env), cwd=cwd, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.strip().splitlines()
    url = lines[-1].strip() if lines else ""
    return url if done.returncode == 0 and url.startswith(("http://", "https://")) else None


PROBES: dict[str, Callable[[float], str | None]] = {"pip": _probe_pip, "npm": _probe_npm}


class ManagerDefaults:
    """The default index of pip and npm, asked once and remembered in `memo` for a day.

    `memo` is anything with ``get_setting(key)`` / ``put_setting(key, value, ttl)`` (the
    registry cache).  Values passed in are used as they are (tests, embedding callers).
    """

    def __init__(self, *, pip: str | None = None, npm: str | None = None, memo=None,
                 deadline: float | None = None):
        self._known = {k: v for k, v in (("pip", pip), ("npm", npm)) if v is not None}
        self._memo = memo
        self._deadline = deadline  # time.monotonic() value bounding the probes

    def get(self, manager: str) -> str | None:
        if manager not in self._known:
            self._known[manager] = self._remembered(manager)
        return self._known[manager] or None

    def _remembered(self, manager: str) -> str:
        key = f"default-index:{manager}"
        if self._memo is not None:
            value = self._memo.get_setting(key)
            if value == "" or (isinstance(value, str) and value.startswith(("http://",
                                                                              "https://"))):
                return value  # anything else in the row is not ours: probe again
        left = self._deadline - time.monotonic() if self._deadline else PROBE_TIMEOUT
        value = PROBES[manager](max(0.1, min(PROBE_TIMEOUT, left))) or ""
        if self._memo is not None:
            self._memo.put_setting(key, value, DEFAULT_TTL if value else FAILED_PROBE_TTL)
        return value


def default_index(ecosystem: str, defaults: ManagerDefaults) -> Index | None:
    url = defaults.get("pip" if ecosystem == PYPI else "npm")
    return Index(as_base_url(url), ecosystem, DEFAULT_ORIGIN, is_default=True) if url else None


def configured(url: str, ecosystem: str, origin: str, defaults: ManagerDefaults, **extra) -> Index:
    """An index the user named; it counts as the public default if it is the same URL."""
    base = as_base_url(url, extra.pop("relative_to", None), folder=not extra.get("flat"))
    public = same_url(base, defaults.get("pip" if ecosystem == PYPI else "npm"))
    return Index(base, ecosystem, origin, is_default=public, **extra)


# ---------------------------------------------------------------- pip

def _pip_config_files(env: Mapping[str, str]) -> list[str]:
    """pip's configuration files, lowest priority first (global, user, site, PIP_CONFIG_FILE)."""
    explicit = env.get("PIP_CONFIG_FILE")
    if explicit == os.devnull:
        return []
    home = env.get("HOME") or os.path.expanduser("~")
    if sys.platform == "win32":  # pragma: no cover - layout differs on Windows only
        name = "pip.ini"
        site_dirs = [os.path.join(env.get("PROGRAMDATA", r"C:\ProgramData"), "pip")]
        user = [os.path.join(home, "pip", name),
                os.path.join(env.get("APPDATA", home), "pip", name)]
    else:
        name = "pip.conf"
        xdg_dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        site_dirs = [os.path.join(d, "pip") for d in xdg_dirs.split(os.pathsep) if d] + ["/etc"]
        if sys.platform == "darwin":  # pragma: no cover
            site_dirs.append("/Library/Application Support/pip")
        config_home = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        user = [os.path.join(home, ".pip", name), os.path.join(config_home, "pip", name)]
    files = [os.path.join(d, name) for d in site_dirs]
    if not (explicit and os.path.exists(explicit)):
        files += user
    if env.get("VIRTUAL_ENV"):
        files.append(os.path.join(env["VIRTUAL_ENV"], name))
    if explicit:
        files.append(explicit)
    return files


def _pip_settings(env: Mapping[str, str], notes: list[str]) -> dict[str, tuple[str, str]]:
    """setting -> (value, origin), merged the way pip merges: files, [install], env vars."""
    merged: dict[str, tuple[str, str]] = {}
    for path in _pip_config_files(env):
        if not os.path.isfile(path):
            continue
        parser = configparser.RawConfigParser()
        try:
            with open(path, encoding="utf-8") as handle:
                parser.read_file(handle)
        except (OSError, UnicodeDecodeError, configparser.Error) as error:
            notes.append(f"could not read pip configuration {path} ({type(error).__name__})")
            continue
        for section in parser.sections():
            for key, value in parser.items(section):
                merged[f"{section}.{key.replace('_', '-')}"] = (value, path)
    settings: dict[str, tuple[str, str]] = {}
    for key in ("index-url", "extra-index-url", "find-links", "no-index", "cert"):
        variable = "PIP_" + key.upper().replace("-", "_")
        if env.get(variable):
            settings[key] = (env[variable], variable)
        elif f"install.{key}" in merged or f"global.{key}" in merged:
            settings[key] = merged.get(f"install.{key}") or merged[f"global.{key}"]
    return settings


def pip_plan(env: Mapping[str, str], defaults: ManagerDefaults) -> IndexPlan:
    notes: list[str] = []
    settings = _pip_settings(env, notes)
    cert = settings.get("cert", (None,))[0]
    indexes: list[Index] = []
    if settings.get("no-index", ("",))[0].strip().lower() in ("1", "true", "yes", "on"):
        notes.append("pip is configured with no-index: only find-links locations are checked")
    else:
        if "index-url" in settings:
            value, origin = settings["index-url"]
            indexes.append(configured(value.split()[0], PYPI, origin, defaults, verify=cert))
        elif (fallback := default_index(PYPI, defaults)) is not None:
            indexes.append(fallback)
        else:
            notes.append("pip's default index could not be determined (is pip installed?)")
        value, origin = settings.get("extra-index-url", ("", ""))
        indexes += [configured(url, PYPI, origin, defaults, verify=cert) for url in value.split()]
    value, origin = settings.get("find-links", ("", ""))
    indexes += [configured(url, PYPI, origin, defaults, flat=True, verify=cert)
                for url in value.split()]
    return IndexPlan("pip", tuple(indexes), notes=tuple(notes))


# ---------------------------------------------------------------- which manager

def plan_for(ecosystem: str, project_dir: str, defaults: ManagerDefaults,
             env: Mapping[str, str] | None = None, *, project_indexes: bool = False) -> IndexPlan:
    """The index plan of the manager that would install `ecosystem` names in `project_dir`.

    The scanned repository does not choose where its package names are sent: its own
    index settings (uv.toml, ``[tool.uv]`` index keys, the project ``.npmrc``) are
    honoured only with `project_indexes` (the user's ``--project-indexes``), and are
    otherwise ignored with a note.  Which manager applies may follow the repository
    (a uv.lock means uv), since that only picks among the user's own settings."""
    from . import indexes_npm, indexes_uv  # here: both import this module

    env = os.environ if env is None else env
    if ecosystem == NPM:
        plan = indexes_npm.npm_plan(project_dir, env, defaults, project_indexes=project_indexes)
    elif indexes_uv.uses_uv(project_dir):
        plan = indexes_uv.uv_plan(project_dir, env, defaults, project_indexes=project_indexes)
    else:
        plan = pip_plan(env, defaults)
    seen: set[str] = set()  # the same URL configured twice is asked once
    unique = tuple(i for i in plan.indexes if not (i.url in seen or seen.add(i.url)))
    return replace(plan, indexes=unique)
