"""Facts about the scanned project that resolution needs: its manifests, what they
declare, its own module and package names, where its installed packages live.

The project folder is the git work tree around the scanned files (else the nearest
folder with a manifest, else their common folder).  Manifests are looked for there
and a few levels down, so a hook that scans only `app/main.py` still knows what
`requirements.txt` declares.  Only file names and manifest contents are read.
"""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.source import SourceFile
from ..discovery import DEFAULT_EXCLUDES
from ..languages import language_for_name
from ..model import FileResult, ImportRef
from . import manifests
from .names import NPM, PYPI, normalize_pypi
from .requirements import requirements_file

MANIFEST_KINDS = frozenset({"requirements", "pyproject", "setup-cfg", "pipfile", "package-json"})
MANIFEST_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "package.json",
                  "requirements.txt")
MAX_DEPTH = 3
MAX_ENTRIES = 5000
MAX_INCLUDES = 50
_SETUP_PY_NAME = re.compile(r"""\bname\s*=\s*["']([A-Za-z0-9._-]+)["']""")

# The engine's `analyze_source(path, data, language)`: supply sits below the engine, so
# whoever runs the project check hands it in.
Analyze = Callable[[str, bytes, str], FileResult]


@dataclass
class Project:
    root: str
    manifests: dict[str, list[ImportRef]] = field(default_factory=dict)  # path -> refs
    declared: dict[str, set[str]] = field(default_factory=lambda: {PYPI: set(), NPM: set()})
    own: dict[str, set[str]] = field(default_factory=lambda: {PYPI: set(), NPM: set()})
    has_manifest: dict[str, bool] = field(default_factory=lambda: {PYPI: False, NPM: False})
    python_roots: list[str] = field(default_factory=list)
    local_modules: set[str] = field(default_factory=set)
    js_local_names: set[str] = field(default_factory=set)
    js_alias_prefixes: list[str] = field(default_factory=list)
    node_folders: list[str] = field(default_factory=list)
    included: set[str] = field(default_factory=set)  # files reached through `-r`/`-c`
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, message)

    def is_local_js(self, package: str) -> bool:
        if package in self.js_local_names or package in self.own[NPM]:
            return True
        return any(f"{package}/".startswith(prefix) for prefix in self.js_alias_prefixes)


def find_root(paths: list[str]) -> str:
    folders = [os.path.dirname(os.path.abspath(p)) for p in paths] or [os.getcwd()]
    common = os.path.commonpath(folders)
    current = common
    with_manifest = None
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        if with_manifest is None and any(os.path.isfile(os.path.join(current, name))
                                         for name in MANIFEST_FILES):
            with_manifest = current
        parent = os.path.dirname(current)
        if parent == current:
            return with_manifest or common
        current = parent


def _manifest_paths(root: str) -> list[str]:
    """Manifest files in `root` and up to MAX_DEPTH folders below (excluded folders skipped)."""
    excluded = set(DEFAULT_EXCLUDES)
    found, stack, entries = [], [(root, 0)], 0
    while stack and entries < MAX_ENTRIES:
        folder, depth = stack.pop()
        try:
            listing = list(os.scandir(folder))
        except OSError:
            continue
        entries += len(listing)
        for entry in listing:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH and name not in excluded and not name.startswith(".") \
                        and not name.endswith(".egg-info"):
                    stack.append((entry.path, depth + 1))
            elif name == "setup.py" or language_for_name(entry.path) in MANIFEST_KINDS:
                found.append(entry.path)
    return sorted(found)


def load_project(scanned_paths: list[str], python_paths: list[str],
                 analyze: Analyze) -> Project:
    """Everything about the project around `scanned_paths` (python files: `python_paths`)."""
    project = Project(find_root(scanned_paths))
    pending: list[tuple[str, str | None]] = [(p, None) for p in _manifest_paths(project.root)]
    seen: set[str] = set()
    while pending and len(seen) < MAX_INCLUDES * 4:
        path, included_as = pending.pop(0)
        path = os.path.abspath(path)
        if path in seen:
            continue
        seen.add(path)
        pending.extend(_read_manifest(project, path, analyze, included_as))
    _local_modules(project, python_paths)
    return project


def _read_manifest(project: Project, path: str, analyze: Analyze,
                   included_as: str | None = None):
    """Record one manifest's facts; returns the files it includes (`-r`, `-c`) as
    (path, "requirement" or "constraint").  `included_as`: how this file was included."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(5 * 1024 * 1024)
        source = SourceFile(path, data)
    except OSError:
        return []
    folder = os.path.dirname(path)
    if os.path.basename(path) == "setup.py":
        return _setup_py(project, path, data, analyze)
    kind = "requirements" if included_as else language_for_name(path)
    ecosystem = NPM if kind == "package-json" else PYPI
    includes: list[tuple[str, str]] = []
    try:
        if kind == "requirements":
            constraint = included_as == "constraint" or (
                not included_as and os.path.basename(path).lower().startswith("constraints"))
            refs, found = requirements_file(source, "constraint" if constraint else "requirement")
            includes = [(os.path.join(folder, inc.path),
                         "constraint" if inc.constraint or constraint else "requirement")
                        for inc in found if not inc.path.startswith(("http:", "https:"))]
        else:
            reader = {"pyproject": manifests.pyproject, "setup-cfg": manifests.setup_cfg,
                      "pipfile": manifests.pipfile, "package-json": manifests.package_json}[kind]
            manifest = reader(source)
            refs = manifest.refs
            project.own[ecosystem].update(_own(ecosystem, manifest.own_names))
            _workspaces(project, folder, manifest.workspaces, ecosystem)
    except manifests.ManifestError as error:
        project.notes.append((path, f"{error}; its declared packages are not known"))
        return []
    project.manifests[path] = refs
    declares = [ref for ref in refs if ref.source != "constraint"]
    if declares or kind != "requirements":
        project.has_manifest[ecosystem] = True
    project.declared[ecosystem].update(_own(ecosystem, [ref.name for ref in declares]))
    project.included.update(os.path.abspath(included) for included, _ in includes)
    if ecosystem == PYPI and kind != "requirements":
        project.python_roots.append(folder)
    if ecosystem == NPM:
        project.node_folders.append(folder)
        _tsconfig(project, folder)
    return includes


def _own(ecosystem: str, names) -> set[str]:
    return {normalize_pypi(n) if ecosystem == PYPI else n for n in names}


def _setup_py(project: Project, path: str, data: bytes, analyze: Analyze) -> list[str]:
    """setup.py: its declared requirements come from the Python analyzer's references."""
    result = analyze(path, data, "python")
    refs = [ref for ref in result.imports if ref.source == "setup.py"]
    project.manifests[path] = refs
    project.has_manifest[PYPI] = True
    project.declared[PYPI].update(normalize_pypi(ref.name) for ref in refs)
    project.python_roots.append(os.path.dirname(path))
    match = _SETUP_PY_NAME.search(data.decode("utf-8", "replace"))
    if match:
        project.own[PYPI].add(normalize_pypi(match.group(1)))
    return []


def _workspaces(project: Project, folder: str, patterns: list[str], ecosystem: str) -> None:
    for pattern in patterns[:100]:
        for member in glob.glob(os.path.join(folder, pattern)):
            if os.path.isdir(member) and ecosystem == PYPI:
                project.python_roots.append(member)
            elif os.path.isdir(member):
                project.node_folders.append(member)


def _tsconfig(project: Project, folder: str) -> None:
    """Path aliases (`compilerOptions.paths`) and `baseUrl` folders make bare specifiers local."""
    for name in ("tsconfig.json", "jsconfig.json"):
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            options = json.loads(_strip_jsonc(text)).get("compilerOptions") or {}
        except (OSError, ValueError, AttributeError):
            continue
        for alias in (options.get("paths") or {}):
            project.js_alias_prefixes.append(alias.rstrip("*"))
        base = options.get("baseUrl")
        if isinstance(base, str):
            try:
                names = os.listdir(os.path.join(folder, base))
            except OSError:
                names = []
            project.js_local_names.update(os.path.splitext(n)[0] for n in names)


_JSONC = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _strip_jsonc(text: str) -> str:
    without = _JSONC.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
    return _TRAILING_COMMA.sub(r"\1", without)


def _local_modules(project: Project, python_paths: list[str]) -> None:
    """Top-level names importable from the project itself: modules and packages in the
    project folder, its Python project folders and their `src/`, and next to (and above)
    every scanned Python file."""
    folders = {project.root}
    for root in project.python_roots:
        folders.update((root, os.path.join(root, "src")))
    root_prefix = project.root.rstrip(os.sep) + os.sep
    for path in python_paths:
        folder = os.path.dirname(os.path.abspath(path))
        folders.add(folder)
        while folder.startswith(root_prefix) and folder != os.path.dirname(folder):
            project.local_modules.add(os.path.basename(folder))
            folder = os.path.dirname(folder)  # stops at the filesystem root (project "/")
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith((".py", ".pyi")) or name.endswith((".so", ".pyd")):
                project.local_modules.add(name.split(".", 1)[0])
            elif entry.is_dir(follow_symlinks=False) and name.isidentifier():
                project.local_modules.add(name)
