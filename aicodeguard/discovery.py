"""Which files a scan looks at.

Folders are searched recursively; inside a git work tree git decides what is
ignored (``git ls-files --cached --others --exclude-standard``), elsewhere a
plain walk applies the default excludes.  Explicit file arguments are always
scanned unless `force_exclude` is set (hooks pass every staged file
explicitly).  Symlinks are not followed out of the folder being scanned.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import subprocess
from dataclasses import dataclass

from .languages import language_for_name, language_for_shebang
from .model import Note, NoteLevel

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", "node_modules", ".venv", "venv", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "*.egg-info",
    "site-packages", "__pypackages__", "build", "dist", "buck-out", "_build",
    ".ipynb_checkpoints", ".direnv", ".pyenv", ".pytype", ".cache", "bower_components",
    ".next", ".nuxt", ".svelte-kit", "coverage",
)


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
        self.excludes = PathMatcher((*DEFAULT_EXCLUDES, *excludes))
        self.respect_gitignore = respect_gitignore
        self.force_exclude = force_exclude
        self.languages = languages  # None: every language we know
        self.notes: list[Note] = []
        self.missing: list[str] = []
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
        if self.force_exclude and self.excludes.matches(display):
            return None
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as error:
            self.notes.append(Note(display, f"cannot resolve: {error.strerror or error}",
                                   NoteLevel.ERROR))
            return None
        if not os.path.isfile(real):
            self.notes.append(Note(display, "not a regular file; skipped", NoteLevel.WARNING))
            return None
        language = language_for_name(path) or self._shebang_language(real)
        if not self._wanted(language):
            self.notes.append(Note(display, "not a language aicodeguard analyses; skipped",
                                   NoteLevel.INFO))
            return None
        return self._target(path, display, real, language)

    def _target(self, path: str, display: str, real: str, language: str) -> Target | None:
        if real in self._seen:
            return None
        self._seen.add(real)
        return Target(path, display, language)

    def _folder(self, folder: str) -> list[Target]:
        listed = self._git_files(folder) if self.respect_gitignore else None
        candidates = listed if listed is not None else self._walk(folder)
        root_real = os.path.realpath(folder)
        targets = []
        for relative in candidates:
            if self.excludes.matches(relative):
                continue
            path = os.path.join(folder, relative) if folder != "." else relative
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
            elif not os.path.isfile(path):
                continue  # tracked but deleted, or a submodule
            else:
                real = os.path.realpath(path)
            target = self._target(path, display, real, language)
            if target is not None:
                targets.append(target)
        return targets

    def _symlink_target(self, path: str, display: str, root_real: str) -> str | None:
        """Where a symlinked file leads, if it stays inside the scanned folder."""
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as error:
            reason = "symlink loop" if error.errno == errno.ELOOP else "broken symlink"
            self.notes.append(Note(display, f"{reason}; skipped", NoteLevel.INFO))
            return None
        if not (real + os.sep).startswith(root_real + os.sep):
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
            if relative and any(entry.name == "pyvenv.cfg" for entry in entries):
                continue  # a virtual environment
            for entry in entries:
                child = f"{relative}/{entry.name}" if relative else entry.name
                if self.excludes.matches(child):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(child)
                    elif entry.is_symlink() and os.path.isdir(entry.path):
                        self.notes.append(Note(display_path(entry.path),
                                               "symlinked folder; not followed", NoteLevel.INFO))
                    else:
                        found.append(child)
                except OSError:
                    continue
        found.sort()
        return found

    @staticmethod
    def _shebang_language(path: str) -> str | None:
        try:
            with open(path, "rb") as handle:
                return language_for_shebang(handle.read(128))
        except OSError:
            return None
