"""What git knows that a scan needs: the staged content, and which lines changed since a ref.

`--staged` judges a commit on what it will contain (the index), not on the working
tree, so a partially staged file is checked as it will be committed.  `--diff`
keeps only findings on lines added or changed since the merge base of a ref and
HEAD (``git diff -U0`` hunks; new and untracked files count whole), so a team can
adopt aicodeguard on an old code base and still fail on new problems.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field

from .config import ConfigError
from .discovery import (
    ENVIRONMENT_MARKERS,
    SKIP_EXCLUDED_FILES,
    SKIP_TOOL_FOLDERS,
    Target,
    ToolFolders,
    display_path,
)
from .languages import language_for_name, language_for_shebang
from .model import Finding

WHOLE_FILE = None  # in `ChangedLines.lines`: every line of the file is new
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
# Index entries worth scanning: regular files (executable or not); not symlinks or submodules.
_FILE_MODES = {"100644", "100755"}


class GitError(ConfigError):
    """A git command failed (not a repository, unknown ref): a usage error, exit status 2."""


def git(*args: str, cwd: str | None = None, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise GitError(f"cannot run git ({error})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def repo_root(cwd: str | None = None) -> str:
    return os.fsdecode(git("rev-parse", "--show-toplevel", cwd=cwd).rstrip(b"\n"))


def _cwd_prefix(cwd: str | None) -> str:
    """The working directory relative to the top of the work tree ("" or "sub/dir/")."""
    return os.fsdecode(git("rev-parse", "--show-prefix", cwd=cwd).rstrip(b"\n"))


def _to_repo_path(display: str, root: str, prefix: str) -> str:
    if os.path.isabs(display):
        return os.path.relpath(display, root).replace(os.sep, "/")
    return os.path.normpath(prefix + display).replace(os.sep, "/")


# --- the index -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StagedFile:
    path: str  # relative to the top of the work tree, "/"-separated
    data: bytes


def staged_files(pathspecs=(), cwd: str | None = None) -> list[StagedFile]:
    """Files added or modified in the index (what `git commit` would record), with content."""
    raw = git("diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames",
              "--diff-filter=AMT", "--", *pathspecs, cwd=cwd)
    fields = raw.split(b"\0")
    wanted: list[tuple[str, str]] = []  # (path, blob id)
    for header, path in zip(fields[0::2], fields[1::2]):
        parts = header.decode("ascii", "replace").lstrip(":").split()
        if len(parts) >= 4 and parts[1] in _FILE_MODES:
            wanted.append((os.fsdecode(path), parts[3]))
    if not wanted:
        return []
    blobs = _read_blobs([blob for _, blob in wanted], cwd)
    return [StagedFile(path, blobs[blob]) for path, blob in wanted]


def staged_targets(pathspecs, folder: str, excludes, languages,
                   skipped: Counter | None = None) -> list[Target]:
    """Scan targets for the staged files: content written under `folder`, shown by path.

    `excludes` (a `discovery.PathMatcher` of the user's `exclude` patterns) applies as
    for files named on the command line with --force-exclude; so do tool folders
    recognised for sure (`node_modules`, `.git`, caches by name; a virtual environment by
    its `pyvenv.cfg`, staged or in the work tree) — never mere names such as `build` or
    `venv`.  What is left out is counted in `skipped`; files in languages outside
    `languages` are not aicodeguard's to read.
    """
    root = repo_root()
    skipped = skipped if skipped is not None else Counter()
    staged = staged_files(pathspecs)
    environments = {os.path.dirname(item.path) for item in staged
                    if os.path.basename(item.path) in ENVIRONMENT_MARKERS}
    tools = ToolFolders(root)
    targets = []
    tool_folders: set[str] = set()
    for item in staged:
        display = display_path(os.path.join(root, item.path))
        if excludes.matches(display.replace(os.sep, "/")):
            skipped[SKIP_EXCLUDED_FILES] += 1
            continue
        tool_folder = tools.containing(item.path) or _staged_environment(item.path, environments)
        if tool_folder is not None:
            tool_folders.add(tool_folder)
            continue
        language = language_for_name(item.path) or language_for_shebang(item.data[:128])
        if language not in languages:
            continue
        written = os.path.join(folder, *item.path.split("/"))
        os.makedirs(os.path.dirname(written), exist_ok=True)
        with open(written, "wb") as handle:
            handle.write(item.data)
        targets.append(Target(written, display, language))
    skipped[SKIP_TOOL_FOLDERS] += len(tool_folders)
    return targets


def _staged_environment(path: str, environments: set[str]) -> str | None:
    """The staged virtual environment (a folder with a staged pyvenv.cfg) `path` is in."""
    parent = os.path.dirname(path)
    while parent:
        if parent in environments:
            return parent
        parent = os.path.dirname(parent)
    return None


def _read_blobs(blob_ids: list[str], cwd: str | None) -> dict[str, bytes]:
    """Contents of many blobs through one `git cat-file --batch` process."""
    out = git("cat-file", "--batch", cwd=cwd, data="".join(f"{b}\n" for b in blob_ids).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for blob in blob_ids:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        blobs[blob] = out[start:start + size]
        position = start + size + 1  # content is followed by a newline
    return blobs


# --- changed lines ---------------------------------------------------------------------

@dataclass
class ChangedLines:
    """Lines added or changed per file (repo-relative path -> line ranges, or WHOLE_FILE)."""

    root: str
    prefix: str  # the scan's working directory relative to `root`
    lines: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)

    def covers(self, finding: Finding) -> bool:
        """True when any line the finding spans was added or changed."""
        location = finding.location
        path = _to_repo_path(location.path, self.root, self.prefix)
        if path not in self.lines:
            return False
        ranges = self.lines[path]
        if ranges is WHOLE_FILE:
            return True
        end = max(location.end_line, location.line)
        return any(start <= end and location.line <= last for start, last in ranges)


def changed_lines(base: str, *, staged: bool = False, cwd: str | None = None) -> ChangedLines:
    """Lines that differ from the merge base of `base` and HEAD.

    Compared with the working tree (or the index when `staged`); untracked files
    count whole unless `staged`.  Renames are followed, so moving a file does not
    make its old findings new.
    """
    root = repo_root(cwd)
    since = merge_base(base, cwd)
    patch = git("-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff",
                "-M", *(["--cached"] if staged else []), since, "--", cwd=root)
    changed = ChangedLines(root, _cwd_prefix(cwd), parse_patch(patch))
    if not staged:
        untracked = git("ls-files", "-z", "--others", "--exclude-standard", cwd=root)
        for name in untracked.split(b"\0"):
            if name:
                changed.lines[os.fsdecode(name)] = WHOLE_FILE
    return changed


def merge_base(base: str, cwd: str | None = None) -> str:
    """The commit `base` and HEAD share (so changes made on `base` since do not count)."""
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", cwd=cwd).strip()
    except GitError:
        raise GitError(f"--base {base!r} is not a commit in this repository (in CI, fetch "
                       "it first, e.g. actions/checkout with fetch-depth: 0)") from None
    try:
        return git("merge-base", commit.decode(), "HEAD", cwd=cwd).strip().decode()
    except GitError:  # no HEAD yet, or unrelated histories: compare with `base` itself
        return commit.decode()


def parse_patch(patch: bytes) -> dict[str, list[tuple[int, int]] | None]:
    """New-side line ranges per file from `git diff -U0` output."""
    lines: dict[str, list[tuple[int, int]] | None] = {}
    current: str | None = None
    new_file = in_header = False  # header rows come before a file's first hunk
    for row in patch.split(b"\n"):
        if row.startswith(b"diff --git "):
            current, new_file, in_header = None, False, True
        elif in_header and row.startswith(b"new file mode"):
            new_file = True
        elif in_header and row.startswith(b"+++ "):
            target = _unquote(row[4:].removesuffix(b"\t"))  # git adds a tab after "a b.py"
            current = None if target == "/dev/null" else target[2:]  # strip "b/"
            if current is not None:
                lines[current] = WHOLE_FILE if new_file else []
        elif row.startswith(b"@@ "):
            in_header = False
            if current is None or lines[current] is WHOLE_FILE:
                continue
            match = _HUNK.match(row)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                if count:
                    lines[current].append((start, start + count - 1))
    return lines


def _unquote(raw: bytes) -> str:
    """Undo git's C-style quoting of unusual paths ("b/caf\\303\\251.py")."""
    text = raw.decode("utf-8", "surrogateescape")
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        return text
    out = bytearray()
    body, index = text[1:-1], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            index += 1
        elif body[index + 1:index + 4].isdigit():
            out.append(int(body[index + 1:index + 4], 8))
            index += 4
        else:
            out.append(_ESCAPES.get(body[index + 1], ord(body[index + 1])))
            index += 2
    return out.decode("utf-8", "surrogateescape")
