"""Facts about the scanned project that resolution needs: its manifests, what they
declare, its own module and package names, where its installed packages live.

The project folder is the git work tree around the scanned files (else the nearest
folder with a manifest, else their common folder).  Manifests are looked for there
and a few levels down, so a hook that scans only `app/main.py` still knows what
`requirements.txt` declares.  Only file names and manifest contents are read.

The project folder is also the *scan root* that bounds what manifests can make us read
(contained.py): `-r`/`-c` includes, workspace globs and `baseUrl` folders are followed
only inside it (symlinks resolved), to regular files, bounded in size and depth.  An
include that is refused is an error naming the manifest line (the names in it were
not checked); a missing one is a warning (pip would fail on it too).
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.source import SourceFile
from ..discovery import DEFAULT_EXCLUDES
from ..languages import language_for_name
from ..model import FileResult, ImportRef, Note, NoteLevel
from . import manifests
from .contained import (
    MAX_INCLUDE_BYTES,
    MAX_INCLUDE_DEPTH,
    MAX_MANIFEST_BYTES,
    Missing,
    Refused,
    inside,
    read_contained,
    read_quietly,
    real_root,
)
from .names import NPM, PYPI, normalize_pypi
from .requirements import requirements_file

MANIFEST_KINDS = frozenset({"requirements", "pyproject", "setup-cfg", "pipfile", "package-json"})
MANIFEST_FILES = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "package.json",
                  "requirements.txt")
MAX_DEPTH = 3
MAX_ENTRIES = 5000
MAX_INCLUDES = 200  # files reached through includes, in all
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
    included: dict[str, bytes] = field(default_factory=dict)  # reached through `-r`/`-c`
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    # Problems to report even for scanned files: refused includes, failed manifests.
    problems: list[Note] = field(default_factory=list)
    real_root: str = ""

    def __post_init__(self):
        self.real_root = self.real_root or real_root(self.root)

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


@dataclass(frozen=True, slots=True)
class _Pending:
    path: str
    included_as: str | None = None  # "requirement" or "constraint" for an include
    depth: int = 0
    via: tuple[str, int, str] | None = None  # (manifest, line, path as written)

    def where(self) -> str:
        _, line, written = self.via or ("", 0, self.path)
        return f"line {line}: include `{written}`"


def load_project(scanned_paths: list[str], python_paths: list[str],
                 analyze: Analyze) -> Project:
    """Everything about the project around `scanned_paths` (python files: `python_paths`)."""
    project = Project(find_root(scanned_paths))
    pending = [_Pending(p) for p in _manifest_paths(project.root)]
    read: dict[str, bytes | None] = {}  # realpath -> the bytes read (None: not read)
    includes = 0
    while pending:
        item = pending.pop(0)
        path = os.path.abspath(item.path)
        real = os.path.realpath(path)
        if real in read:  # read already (found by the walk, or a cycle of includes)
            if item.via is not None and read[real] is not None and path in project.manifests:
                project.included.setdefault(path, read[real])
            continue
        if item.via is not None:
            includes += 1
            if includes > MAX_INCLUDES:  # one note, then the rest are dropped
                if includes == MAX_INCLUDES + 1:
                    _refused(project, item, f"more than {MAX_INCLUDES} includes in all")
                continue
            if item.depth > MAX_INCLUDE_DEPTH:
                _refused(project, item, f"includes nested more than {MAX_INCLUDE_DEPTH} deep")
                continue
        read[real] = None
        try:
            found, read[real] = _read_manifest(project, path, analyze, item)
            pending.extend(found)
            if read[real] is None and item.via is not None:
                del read[real]  # refused: refused again (with a note) wherever it is included
        except Exception as error:  # noqa: BLE001 - one bad manifest must not stop the rest
            project.problems.append(Note(path, f"internal error reading this manifest "
                                         f"({type(error).__name__}: {error}); its package "
                                         "names were not checked", NoteLevel.ERROR))
    _local_modules(project, python_paths)
    return project


def _refused(project: Project, item: _Pending, reason: str) -> None:
    manifest = item.via[0] if item.via else item.path
    project.problems.append(Note(manifest, f"{item.where()} not followed: {reason}; the "
                                 "package names in it were not checked", NoteLevel.ERROR))


def _read_bytes(project: Project, path: str, item: _Pending) -> bytes | None:
    """The manifest's bytes, if it may be read; refusals are noted."""
    limit = MAX_INCLUDE_BYTES if item.via else MAX_MANIFEST_BYTES
    try:
        return read_contained(path, project.real_root, limit)
    except Missing as error:
        if item.via is not None:
            project.problems.append(Note(item.via[0], f"{item.where()} not found ({error}); "
                                         "pip would fail on it too", NoteLevel.WARNING))
    except Refused as error:
        if item.via is not None:
            _refused(project, item, str(error))
        else:  # found by the walk (a symlink out, a FIFO named requirements.txt): context only
            project.notes.append((path, f"not read: {error}; its declared packages are not "
                                  "known"))
    return None


def _read_manifest(project: Project, path: str, analyze: Analyze, item: _Pending):
    """Record one manifest's facts; returns the files it includes (`-r`, `-c`) and its
    bytes (None if it was not read)."""
    data = _read_bytes(project, path, item)
    if data is None:
        return [], None
    source = SourceFile(path, data)
    folder = os.path.dirname(path)
    if os.path.basename(path) == "setup.py" and item.via is None:
        _setup_py(project, path, data, analyze)
        return [], data
    included_as = item.included_as
    kind = "requirements" if included_as else language_for_name(path)
    ecosystem = NPM if kind == "package-json" else PYPI
    includes: list[_Pending] = []
    try:
        if kind == "requirements":
            constraint = included_as == "constraint" or (
                not included_as and os.path.basename(path).lower().startswith("constraints"))
            refs, found = requirements_file(source, "constraint" if constraint else "requirement")
            includes = [_Pending(_include_path(folder, inc.path),
                                 "constraint" if inc.constraint or constraint else "requirement",
                                 item.depth + 1, (path, inc.line, inc.path))
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
        return [], None
    project.manifests[path] = refs
    if item.via is not None:
        project.included[path] = data
    declares = [ref for ref in refs if ref.source != "constraint"]
    if declares or kind != "requirements":
        project.has_manifest[ecosystem] = True
    project.declared[ecosystem].update(_own(ecosystem, [ref.name for ref in declares]))
    if ecosystem == PYPI and kind != "requirements":
        project.python_roots.append(folder)
    if ecosystem == NPM:
        project.node_folders.append(folder)
        _tsconfig(project, folder)
    return includes, data


def _include_path(folder: str, written: str) -> str:
    """Where pip looks for `-r written` (relative to the including file; `file:` URLs)."""
    if written.startswith("file:"):
        import urllib.parse
        import urllib.request

        written = urllib.request.url2pathname(urllib.parse.urlsplit(written).path)
    return os.path.join(folder, written)


def _own(ecosystem: str, names) -> set[str]:
    return {normalize_pypi(n) if ecosystem == PYPI else n for n in names}


def _setup_py(project: Project, path: str, data: bytes, analyze: Analyze) -> None:
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


def _workspaces(project: Project, folder: str, patterns: list[str], ecosystem: str) -> None:
    for pattern in patterns[:100]:
        if not isinstance(pattern, str) or os.path.isabs(pattern) or ".." in pattern.replace(
                "\\", "/").split("/"):
            continue  # a workspace lives inside the project
        for member in sorted(itertools.islice(glob.iglob(os.path.join(folder, pattern)), 1000)):
            if not inside(project.real_root, member):
                continue
            if os.path.isdir(member) and ecosystem == PYPI:
                project.python_roots.append(member)
            elif os.path.isdir(member):
                project.node_folders.append(member)


def _tsconfig(project: Project, folder: str) -> None:
    """Path aliases (`compilerOptions.paths`) and `baseUrl` folders make bare specifiers local."""
    for name in ("tsconfig.json", "jsconfig.json"):
        path = os.path.join(folder, name)
        data = read_quietly(path, MAX_INCLUDE_BYTES) if inside(project.real_root, path) else None
        if data is None:
            continue
        try:
            options = json.loads(_strip_jsonc(data.decode("utf-8"))).get("compilerOptions") or {}
        except (ValueError, AttributeError):
            continue
        if not isinstance(options, dict):
            continue
        paths = options.get("paths")
        for alias in paths if isinstance(paths, dict) else ():
            project.js_alias_prefixes.append(alias.rstrip("*"))
        base = options.get("baseUrl")
        if isinstance(base, str) and inside(project.real_root, os.path.join(folder, base)):
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
