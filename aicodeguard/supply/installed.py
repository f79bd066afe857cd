"""What is installed: Python distributions (metadata only) and npm packages in node_modules.

Nothing is imported and no `find_spec` is called (that runs `__init__.py` of
parent packages): only `*.dist-info`/`*.egg-info` metadata files are read, from
the running environment (`sys.path`), from the virtual environments inside the
project (any folder with a `pyvenv.cfg`: `.venv`, `venv`, `env`, `.venv-3.12`, ...) and
from the environment the user activated (`$VIRTUAL_ENV`, `$CONDA_PREFIX`): a hook that
runs in pre-commit's own isolated environment still sees what the project installed.
What git tracks is the repository's own content, not an installation:
a committed virtual environment or `node_modules/<name>/package.json` could
otherwise vouch for a package that does not exist, so it counts as not installed.
"""

from __future__ import annotations

import functools
import glob
import os
import subprocess
import sys

from .contained import read_quietly
from .names import normalize_pypi

MAX_METADATA_BYTES = 16 * 1024 * 1024  # a RECORD of a very large distribution

# The user's own environment (trusted: it is not the repository's content).
_ENVIRONMENT_VARIABLES = ("VIRTUAL_ENV", "CONDA_PREFIX")


def _site_packages(prefix: str) -> list[str]:
    return sorted(glob.glob(os.path.join(glob.escape(prefix), "lib", "python*",
                                         "site-packages"))) + \
        glob.glob(os.path.join(glob.escape(prefix), "Lib", "site-packages"))


def project_site_packages(root: str) -> list[str]:
    """site-packages folders of the virtual environments kept in the project folder
    (folders with a `pyvenv.cfg` that git does not track), then of the activated one."""
    try:
        venvs = sorted(entry.name for entry in os.scandir(root)
                       if entry.is_dir(follow_symlinks=False)
                       and os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")))
    except OSError:
        venvs = []
    tracked = _tracked(root, tuple(f":(literal){name}/pyvenv.cfg" for name in venvs)
                       ) if venvs else frozenset()
    found = []
    for name in venvs:
        if f"{name}/pyvenv.cfg" not in tracked:
            found += _site_packages(os.path.join(root, name))
    for variable in _ENVIRONMENT_VARIABLES:
        prefix = os.environ.get(variable)
        if prefix and os.path.isabs(prefix):
            found += [path for path in _site_packages(prefix) if path not in found]
    return found


def installed_modules(extra_paths: list[str]) -> dict[str, set[str]]:
    """Top-level module name -> normalised names of the distributions that install it.

    Reads `*.dist-info`/`*.egg-info` folders directly (the distribution's name is
    in the folder name): parsing every METADATA file would cost ten times more.
    """
    modules: dict[str, set[str]] = {}
    seen: set[str] = set()
    for folder in [*extra_paths, *sys.path]:
        try:
            entries = [entry for entry in os.scandir(folder or ".")
                       if entry.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for entry in entries:
            name = normalize_pypi(entry.name.rsplit(".", 1)[0].split("-", 1)[0])
            if name in seen:
                continue
            seen.add(name)
            for module in _top_levels(entry.path) or {name.replace("-", "_")}:
                modules.setdefault(module, set()).add(name)
    return modules


def _read(folder: str, name: str) -> str:
    """A metadata file's text; "" unless a regular file (a FIFO in a project's venv must
    not block the run) of sane size."""
    data = read_quietly(os.path.join(folder, name), MAX_METADATA_BYTES)
    return data.decode("utf-8", "replace") if data is not None else ""


def _top_levels(folder: str) -> set[str]:
    text = _read(folder, "top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    tops = set()
    for line in _read(folder, "RECORD").splitlines():
        path = line.split(",", 1)[0]
        head, sep, _ = path.partition("/")
        if sep and not head.endswith((".dist-info", ".data", ".egg-info")) and head not in (
                "..", "__pycache__", "bin"):
            tops.add(head)
        elif not sep and head.endswith(".py"):
            tops.add(head[:-3])
        elif not sep and head.endswith((".so", ".pyd")):
            tops.add(head.split(".", 1)[0])
    return tops


def npm_installed(name: str, folders: list[str]) -> bool:
    """Whether `node_modules/<name>/package.json` exists, untracked, in one of `folders`."""
    manifest = f"node_modules/{name}/package.json"
    return any(os.path.isfile(os.path.join(folder, *manifest.split("/")))
               and manifest not in _tracked_node_modules(folder) for folder in folders)


@functools.lru_cache(maxsize=64)
def _tracked_node_modules(folder: str) -> frozenset[str]:
    return _tracked(folder, ("node_modules/*/package.json", "node_modules/@*/*/package.json"))


def _tracked(folder: str, pathspecs: tuple[str, ...]) -> frozenset[str]:
    """The paths (relative to `folder`) matching `pathspecs` that git tracks there."""
    try:
        done = subprocess.run(["git", "-C", folder, "ls-files", "-z", "--", *pathspecs],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if done.returncode != 0:  # not a work tree
        return frozenset()
    return frozenset(filter(None, os.fsdecode(done.stdout).split("\0")))  # relative to folder
