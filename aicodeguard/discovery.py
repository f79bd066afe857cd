"""Which files a scan looks at.

Folders are searched recursively; inside a git work tree git decides what is
ignored (``git ls-files --cached --others --exclude-standard``), elsewhere a
plain walk.  Everywhere, folders that tools create are left out — but only when
recognised for sure: by a name nothing else uses (`node_modules`, `.git`,
`__pycache__`, ...) or by content (a virtual environment's ``pyvenv.cfg``).
Names people also give to their own code (`build`, `dist`, `venv`, `coverage`)
are scanned.  Explicit file arguments are always scanned unless `force_exclude`
is set (hooks pass every staged file explicitly).  Symlinks are not followed out
of the folder being scanned.  What is left out, and why, is counted in `skipped`.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import subprocess
from collections import Counter
from dataclasses import dataclass

from .languages import language_for_name, language_for_shebang
from .model import Note, NoteLevel

# Folders recognised by name wherever they are: package managers' install folders,
# version-control data and tool caches.  No one names their own code like this.
TOOL_FOLDER_NAMES = frozenset({
    ".git", ".hg", ".svn", ".bzr",
    "node_modules", "bower_components", "__pypackages__",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".tox", ".nox",
    ".ipynb_checkpoints",
})
# Kept for the modules that build a `PathMatcher` from it (the language server, the
# supply-chain manifest search): the same names, as patterns.
DEFAULT_EXCLUDES = tuple(sorted(TOOL_FOLDER_NAMES))
# A folder holding one of these is a Python environment (venv/virtualenv, conda).
ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta")
# .../lib/python3.12/site-packages (a --prefix or system install); Lib/site-packages.
_SITE_PACKAGES = re.compile(r"(^|/)(lib(64)?/python\d+(\.\d+)?t?|Lib)/site-packages$")

# Keys of `Discovery.skipped` (and `Outcome.skipped`): why something was not scanned.
SKIP_EXCLUDED_FILES = "excluded-files"  # matched an `exclude` pattern
SKIP_EXCLUDED_FOLDERS = "excluded-folders"
SKIP_TOOL_FOLDERS = "tool-folders"  # environments, node_modules, VCS data, caches
SKIP_SYMLINKS = "symlinks"  # loops, broken, or leading out of the scanned folder
SKIP_NOT_REGULAR = "not-regular"  # FIFOs, sockets, devices
SKIP_SUBMODULES = "submodules"
SKIP_UNSUPPORTED = "unsupported"  # named files of a kind aicodeguard does not read
SKIP_UNSCANNABLE = "unscannable"  # could not be checked: an error note names each


def is_environment(folder: str) -> bool:
    """True for a Python environment (venv, virtualenv, conda), recognised by content."""
    return any(os.path.lexists(os.path.join(folder, marker)) for marker in ENVIRONMENT_MARKERS)


def is_site_packages(base: str, relative: str) -> bool:
    """`relative` (under `base`) is an installation's .../lib/pythonX.Y/site-packages."""
    path = os.path.abspath(os.path.join(base, relative)).replace(os.sep, "/")
    return _SITE_PACKAGES.search(path) is not None


class ToolFolders:
    """Finds the tool folder (by name or content) a relative path lies in, if any."""

    def __init__(self, base: str):
        self.base = base
        self._environments: dict[str, bool] = {}

    def containing(self, relative: str) -> str | None:
        """The relative path of the tool folder around `relative` ("/"-separated)."""
        parts = relative.split("/")[:-1]
        for index, name in enumerate(parts):
            prefix = "/".join(parts[:index + 1])
            if name in TOOL_FOLDER_NAMES or self.is_environment(prefix) \
                    or (name == "site-packages" and is_site_packages(self.base, prefix)):
                return prefix
        return None

    def is_environment(self, prefix: str) -> bool:
        known = self._environments.get(prefix)
        if known is None:
            known = self._environments[prefix] = is_environment(os.path.join(self.base, prefix))
        return known


def in_tool_folder(root: str, relative: str) -> bool:
    """Would a scan of `root` leave out `relative` ("/"-separated) as a tool folder's file?
    (For faces that judge one file at a time, such as the language server.)"""
    return ToolFolders(root).containing(relative) is not None


@dataclass(frozen=True, slots=True)
class Target:
    path: str  # as opened
    display: str  # as shown to the user (relative to the working directory)
    language: str


def display_path(path: str, cwd: str | None = None) -> str:
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, cwd)
    return absolute if relative.startswith("..") else relative


class PathMatcher:
    """gitignore-flavoured patterns: `name` matches any path component, `a/b*` the path."""

    def __init__(self, patterns):
        self.names: set[str] = set()
        self.name_globs: list[str] = []
        self.path_globs: list[str] = []
        for pattern in patterns:
            pattern = pattern.rstrip("/")
            if "/" in pattern:
                self.path_globs.append(pattern.lstrip("/"))
            elif any(ch in pattern for ch in "*?["):
                self.name_globs.append(pattern)
            else:
                self.names.add(pattern)

    def matches(self, relative: str) -> bool:
        parts = relative.split("/")
        if self.names.intersection(parts):
            return True
        for pattern in self.name_globs:
            if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                return True
        for pattern in self.path_globs:
            prefixes = ("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
                return True
        return False


class Discovery:
    def __init__(self, excludes=(), *, respect_gitignore: bool = True, force_exclude: bool = False,
                 languages=None):
        self.excludes = PathMatcher(excludes)  # the user's own `exclude` patterns
        self.respect_gitignore = respect_gitignore
        self.force_exclude = force_exclude
        self.languages = languages  # None: every language we know
        self.notes: list[Note] = []
        self.missing: list[str] = []
        self.skipped: Counter[str] = Counter()
        self._seen: set[str] = set()

    def run(self, paths) -> list[Target]:
        targets: list[Target] = []
        for path in paths:
            if not os.path.lexists(path):
                self.missing.append(path)
                self.notes.append(Note(path, "no such file or directory", NoteLevel.ERROR))
                continue
            if os.path.isdir(path):
                targets.extend(self._folder(path))
            else:
                target = self._explicit_file(path)
                if target is not None:
                    targets.append(target)
        return targets

    def _wanted(self, language: str | None) -> bool:
        return language is not None and (self.languages is None or language in self.languages)

    def _explicit_file(self, path: str) -> Target | None:
        display = display_path(path)
        if self.force_exclude and self._force_excluded(display):
            return None
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as error:
            self.notes.append(Note(display, f"cannot resolve: {error.strerror or error}",
                                   NoteLevel.ERROR))
            return None
        if not os.path.isfile(real):  # named, so it had to be checked: an error
            self.notes.append(Note(display, "not a regular file (FIFO, socket or device); "
                                   "not checked", NoteLevel.ERROR))
            return None
        language = language_for_name(path) or self._shebang_language(real)
        if not self._wanted(language):
            self.skipped[SKIP_UNSUPPORTED] += 1
            self.notes.append(Note(display, "not a language aicodeguard analyses; skipped",
                                   NoteLevel.INFO))
            return None
        return self._target(path, display, real, language)

    def _force_excluded(self, display: str) -> bool:
        relative = display.replace(os.sep, "/")
        if self.excludes.matches(relative):
            self.skipped[SKIP_EXCLUDED_FILES] += 1
            return True
        base = os.getcwd()
        if os.path.isabs(relative):
            base, relative = os.sep, relative.lstrip("/")
        if ToolFolders(base).containing(relative) is not None:
            self.skipped[SKIP_TOOL_FOLDERS] += 1
            return True
        return False

    def _target(self, path: str, display: str, real: str, language: str) -> Target | None:
        if real in self._seen:
            return None
        self._seen.add(real)
        return Target(path, display, language)

    def _folder(self, folder: str) -> list[Target]:
        listed = self._git_files(folder) if self.respect_gitignore else None
        candidates = listed if listed is not None else self._walk(folder)
        root_real = os.path.realpath(folder)
        tools = ToolFolders(folder)
        tool_folders: set[str] = set()
        targets = []
        for relative in candidates:
            if listed is not None:  # the walk has pruned these folders already
                if self.excludes.matches(relative):
                    self.skipped[SKIP_EXCLUDED_FILES] += 1
                    continue
                tool_folder = tools.containing(relative)
                if tool_folder is not None:
                    tool_folders.add(tool_folder)
                    continue
            path = os.path.join(folder, relative) if folder != "." else relative
            if relative.endswith("/"):  # an untracked repository inside this one
                targets.extend(self._folder(path.rstrip("/")))
                continue
            language = language_for_name(relative)
            if language is None and "." not in os.path.basename(relative):
                language = self._shebang_language(path)
            if not self._wanted(language):
                continue
            display = display_path(path)
            if os.path.islink(path):
                real = self._symlink_target(path, display, root_real)
                if real is None:
                    continue
            elif os.path.isdir(path):  # a submodule: a repository of its own
                self.skipped[SKIP_SUBMODULES] += 1
                continue
            elif not os.path.isfile(path):
                if os.path.lexists(path):  # FIFO, socket, device (the walk finds them)
                    self.skipped[SKIP_NOT_REGULAR] += 1
                    self.notes.append(Note(display, "not a regular file (FIFO, socket or "
                                           "device); not read", NoteLevel.WARNING))
                continue  # else tracked but deleted from the work tree: nothing to check
            else:
                real = os.path.realpath(path)
            target = self._target(path, display, real, language)
            if target is not None:
                targets.append(target)
        self.skipped[SKIP_TOOL_FOLDERS] += len(tool_folders)
        return targets

    def _symlink_target(self, path: str, display: str, root_real: str) -> str | None:
        """Where a symlinked file leads, if it stays inside the scanned folder."""
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as error:
            reason = "symlink loop" if error.errno == errno.ELOOP else "broken symlink"
            self.skipped[SKIP_SYMLINKS] += 1
            self.notes.append(Note(display, f"{reason}; skipped", NoteLevel.INFO))
            return None
        if not (real + os.sep).startswith(root_real + os.sep):
            self.skipped[SKIP_SYMLINKS] += 1
            self.notes.append(Note(display, "symlink leads outside the scanned folder; "
                                   "not followed", NoteLevel.INFO))
            return None
        return real if os.path.isfile(real) else None

    def _git_files(self, folder: str) -> list[str] | None:
        try:
            result = subprocess.run(
                ["git", "-C", folder, "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard"],
                capture_output=True, timeout=60, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode != 0:
            return None
        names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
        return sorted({name for name in names if name})

    def _walk(self, folder: str) -> list[str]:
        found: list[str] = []
        stack = [""]
        while stack:
            relative = stack.pop()
            current = os.path.join(folder, relative) if relative else folder
            try:
                entries = list(os.scandir(current))
            except OSError as error:
                self.notes.append(Note(display_path(current),
                                       f"cannot list folder: {error.strerror or error}",
                                       NoteLevel.ERROR))
                continue
            if relative and (any(entry.name in ENVIRONMENT_MARKERS for entry in entries)
                             or (relative.endswith("site-packages")
                                 and is_site_packages(folder, relative))):
                self.skipped[SKIP_TOOL_FOLDERS] += 1
                continue
            for entry in entries:
                child = f"{relative}/{entry.name}" if relative else entry.name
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                    if self.excludes.matches(child):
                        self.skipped[SKIP_EXCLUDED_FOLDERS if is_folder
                                     else SKIP_EXCLUDED_FILES] += 1
                    elif is_folder and entry.name in TOOL_FOLDER_NAMES:
                        self.skipped[SKIP_TOOL_FOLDERS] += 1
                    elif is_folder:
                        stack.append(child)
                    elif entry.is_symlink() and os.path.isdir(entry.path):
                        self.skipped[SKIP_SYMLINKS] += 1
                        self.notes.append(Note(display_path(entry.path),
                                               "symlinked folder; not followed", NoteLevel.INFO))
                    else:
                        found.append(child)
                except OSError as error:
                    self.notes.append(Note(display_path(entry.path),
                                           f"cannot inspect: {error.strerror or error}",
                                           NoteLevel.ERROR))
        found.sort()
        return found

    @staticmethod
    def _shebang_language(path: str) -> str | None:
        try:  # non-blocking, regular files only: opening a FIFO must not hang the scan
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        with os.fdopen(descriptor, "rb") as handle:
            try:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    return None
                return language_for_shebang(handle.read(128))
            except OSError:
                return None
