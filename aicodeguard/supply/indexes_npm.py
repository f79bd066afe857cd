"""npm's registry settings: ``npm_config_*`` variables and the ``.npmrc`` chain.

Precedence as npm applies it: the environment, the project's ``.npmrc`` (in the nearest
folder with a package.json or node_modules), the user's ``~/.npmrc``, the global
``{prefix}/etc/npmrc``, then npm's built-in default (asked at run time).  Auth lines
(``//host/path/:_authToken=…``) are read only to authenticate to the private registry
they name; they are never logged, noted or stored, and never sent to the public default.
The project's own ``.npmrc`` is part of the scanned code, so not trusted: it is ignored
(with a note when it names a registry) unless the user opts in with ``project_indexes``;
even then an auth line that takes its value from an environment variable is ignored: a
repository could otherwise name its own host and collect the token of whoever scans it.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import shutil
import urllib.parse
from collections.abc import Mapping

from .contained import read_quietly
from .indexes import NPM, Index, IndexPlan, ManagerDefaults, configured, default_index

_SCOPED_REGISTRY = re.compile(r"(@[^:/\s]+):registry")
_VARIABLE = re.compile(r"\$\{([^}?]+)\??\}")
IGNORED_NOTE = ("the project's .npmrc names a registry; ignored (the repository does not "
                "choose where package names are sent; --project-indexes to honour it)")


def _read_npmrc(path: str, env: Mapping[str, str], notes: list[str], *,
                trusted: bool = True) -> dict[str, str]:
    """Settings of one .npmrc; an untrusted (project) file may not pull secrets from `env`."""
    data = read_quietly(path)  # regular files only: a FIFO must not block the run
    try:
        lines = data.decode("utf-8").splitlines() if data is not None else None
    except UnicodeDecodeError:
        lines = None
    if lines is None:
        notes.append(f"could not read {path} (not a readable UTF-8 text file)")
        return {}
    settings = {}
    for line in lines:
        line = line.strip()
        key, sep, value = line.partition("=")
        if not sep or line.startswith(("#", ";")):
            continue
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key.startswith("//") and not trusted and _VARIABLE.search(value):
            continue  # a scanned repository must not send your tokens to a host it names
        settings[key] = _VARIABLE.sub(lambda m: env.get(m.group(1), ""), value)
    return settings


def _project_prefix(project_dir: str) -> str:
    folder = os.path.abspath(project_dir)
    while True:
        if any(os.path.exists(os.path.join(folder, n)) for n in ("package.json", "node_modules")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.abspath(project_dir)
        folder = parent


def _npmrc_files(project_dir: str, env: Mapping[str, str]) -> list[str]:
    """Project, user and global .npmrc, highest priority first."""
    home = env.get("HOME") or os.path.expanduser("~")
    files = [_project_npmrc(project_dir),
             _env_get(env, "userconfig") or os.path.join(home, ".npmrc")]
    global_file = _env_get(env, "globalconfig")
    if not global_file:
        prefix = _env_get(env, "prefix")
        node = shutil.which("node", path=env.get("PATH"))
        if not prefix and node:
            prefix = os.path.dirname(os.path.dirname(os.path.realpath(node)))
        global_file = os.path.join(prefix, "etc", "npmrc") if prefix else None
    return files + ([global_file] if global_file else [])


def _project_npmrc(project_dir: str) -> str:
    return os.path.join(_project_prefix(project_dir), ".npmrc")


def _env_get(env: Mapping[str, str], key: str) -> str | None:
    return _env_settings(env).get(key)


def _env_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {k[len("npm_config_"):].lower(): v for k, v in env.items()
            if k.lower().startswith("npm_config_") and v}


def _authorization(url: str, settings: Mapping[str, str]) -> str | None:
    """The Authorization header npm would send to `url`, from the longest matching auth key."""
    parts = urllib.parse.urlsplit(url)
    nerf = f"//{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"
    best = None
    for key in settings:
        prefix, _, field = key.rpartition(":")
        if prefix.startswith("//") and nerf.startswith(prefix.rstrip("/") + "/") and field in (
                "_authToken", "_auth", "username") and (best is None or len(prefix) > len(best)):
            best = prefix
    if best is None:
        return None
    if settings.get(f"{best}:_authToken"):
        return "Bearer " + settings[f"{best}:_authToken"]
    if settings.get(f"{best}:_auth"):
        return "Basic " + settings[f"{best}:_auth"]
    try:
        password = base64.b64decode(settings.get(f"{best}:_password", "")).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user = settings.get(f"{best}:username", "")
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def npm_plan(project_dir: str, env: Mapping[str, str], defaults: ManagerDefaults, *,
             project_indexes: bool = False) -> IndexPlan:
    notes: list[str] = []
    layers = [(_env_settings(env), "npm_config_* environment variables")]
    files = _npmrc_files(project_dir, env)
    chain = [(path, position > 0) for position, path in enumerate(files)]  # (file, trusted)
    project_rc = files[0]
    if not project_indexes and os.path.abspath(project_rc) not in {
            os.path.abspath(path) for path in files[1:]}:
        chain = chain[1:]  # the repository's .npmrc does not choose where names go
        if os.path.isfile(project_rc) and any(
                key == "registry" or _SCOPED_REGISTRY.fullmatch(key)
                for key in _read_npmrc(project_rc, {}, [], trusted=False)):
            notes.append(IGNORED_NOTE)
    layers += [(_read_npmrc(path, env, notes, trusted=trusted), path)
               for path, trusted in chain if os.path.isfile(path)]
    merged: dict[str, tuple[str, str]] = {}
    for settings, origin in reversed(layers):  # lowest priority first, so higher ones win
        merged.update({key: (value, origin) for key, value in settings.items()})
    plain = {key: value for key, (value, _) in merged.items()}
    cafile = plain.get("cafile")

    def index_of(key: str) -> Index:
        url, origin = merged[key]
        index = configured(url, NPM, origin, defaults, verify=cafile)
        if index.is_default:
            return index
        return Index(index.url, NPM, origin, auth=_authorization(index.url, plain), verify=cafile)

    if "registry" in merged:
        main = (index_of("registry"),)
    else:
        fallback = default_index(NPM, defaults)
        main = (fallback,) if fallback else ()
        if not main:
            notes.append("npm's default registry could not be determined (is npm installed?)")
    pinned = {m.group(1): (index_of(key),) for key in merged
              if (m := _SCOPED_REGISTRY.fullmatch(key))}
    return IndexPlan("npm", main, pinned, tuple(notes))
