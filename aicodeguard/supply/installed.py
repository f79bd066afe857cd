"""What is installed: Python distributions (metadata only) and npm packages in node_modules.

Nothing is imported and no `find_spec` is called (that runs `__init__.py` of
parent packages): only `*.dist-info`/`*.egg-info` metadata files are read, from
the running environment (`sys.path`) and from a virtual environment inside the
project.
"""

from __future__ import annotations

import glob
import os
import sys

from .names import normalize_pypi

_VENV_FOLDERS = (".venv", "venv", "env", ".env")


def project_site_packages(root: str) -> list[str]:
    """site-packages folders of virtual environments kept in the project folder."""
    found = []
    for name in _VENV_FOLDERS:
        venv = os.path.join(root, name)
        if os.path.isfile(os.path.join(venv, "pyvenv.cfg")):
            found += glob.glob(os.path.join(venv, "lib", "python*", "site-packages"))
            found += glob.glob(os.path.join(venv, "Lib", "site-packages"))
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
    try:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


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
    """Whether `node_modules/<name>/package.json` exists in one of `folders`."""
    return any(os.path.isfile(os.path.join(folder, "node_modules", *name.split("/"),
                                           "package.json")) for folder in folders)
