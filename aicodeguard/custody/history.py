"""The history as `audit` needs it, read with git's own plumbing in a fixed number of
processes whatever the number of commits: one `git log` for the messages (and notes),
one for the paths each commit changed (the gate's files, which manifests to read), one
for the diffs of those manifests, two for suppression comments (git's `-G` does the
filtering) and the waiver file.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..gitdiff import GitError

RECORD, FIELD = "\x1e", "\x1f"

MANIFEST_PATHSPECS = (
    ":(glob)**/requirements*.txt", ":(glob)**/requirements*.in", ":(glob)**/requirements/*.txt",
    ":(glob)**/constraints*.txt", ":(glob)**/pyproject.toml", ":(glob)**/setup.cfg",
    ":(glob)**/Pipfile", ":(glob)**/package.json",
)
# Files whose changes change what the gate decides: configuration, waivers, policies,
# baseline, and who must approve them.
CONTROL_PATHSPECS = (
    ".aicodeguard.toml", "pyproject.toml", ".aicodeguard-waivers.toml",
    ".aicodeguard-baseline.json", ":(glob)**/*.rego", "CODEOWNERS", ".github/CODEOWNERS",
    "docs/CODEOWNERS", ".gitlab/CODEOWNERS", ".pre-commit-config.yaml",
)
SUPPRESSION = r"aicodeguard:[[:space:]]*ignore"
WAIVER_FILE = ".aicodeguard-waivers.toml"


@dataclass
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str
    message: str
    note: str = ""
    tree: str = ""
    dependencies: list[dict] = field(default_factory=list)
    waivers: list[dict] = field(default_factory=list)
    control_files: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


def _git(folder: str, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", folder, *args], capture_output=True, timeout=600,
                              check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise GitError(f"git {args[0]}: {error}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout.decode("utf-8", "replace")


def commits(folder: str, revisions: list[str]) -> list[Commit]:
    """Every commit of `revisions` (git log arguments), newest first."""
    out = _git(folder, "log", "--notes=aicodeguard", "--no-color",
               f"--format={RECORD}%H{FIELD}%P{FIELD}%an{FIELD}%ae{FIELD}%aI{FIELD}%T{FIELD}%B"
               f"{FIELD}%N",
               *revisions, "--")
    found = []
    for record in out.split(RECORD)[1:]:
        sha, parents, author, email, date, tree, message, note = \
            (record.split(FIELD) + [""] * 8)[:8]
        found.append(Commit(sha, tuple(parents.split()), author, email, date,
                            message.strip(), note.strip(), tree))
    return found


def _patches(folder: str, revisions: list[str], *options: str) -> Iterator[tuple[str, str, str]]:
    """(commit, path, diff line) for each added or removed line of the selected diffs."""
    out = _git(folder, "log", "--no-color", "--no-ext-diff", "-p", "-U0", "--no-renames",
               f"--format={RECORD}%H", *options, *revisions)
    for record in out.split(RECORD)[1:]:
        sha, _, body = record.partition("\n")
        path, in_header = "", False
        for line in body.split("\n"):
            if line.startswith("diff --git "):
                in_header = True
            elif in_header and line.startswith("+++ b/"):
                path = line[6:]
            elif in_header and line.startswith("--- a/"):
                path = line[6:]
            elif line.startswith("@@"):
                in_header = False
            elif not in_header and line[:1] in ("+", "-"):
                yield sha.strip(), path, line


# The same sets as regular expressions over the paths `changed_paths` lists: a wildcard
# pathspec makes git walk every tree of every commit (seconds on a long history), a list
# of the changed paths costs one tree diff per commit.
MANIFEST_NAME = re.compile(r"(?:^|/)(?:requirements[^/]*\.(?:txt|in)|requirements/[^/]*\.txt"
                           r"|constraints[^/]*\.txt|pyproject\.toml|setup\.cfg|Pipfile"
                           r"|package\.json)$")
CONTROL_NAME = re.compile(r"^(?:\.aicodeguard\.toml|pyproject\.toml|\.aicodeguard-waivers\.toml"
                          r"|\.aicodeguard-baseline\.json|(?:\.github/|docs/|\.gitlab/)?CODEOWNERS"
                          r"|\.pre-commit-config\.yaml)$|\.rego$")


def changed_paths(folder: str, revisions: list[str]) -> dict[str, list[str]]:
    """{commit: paths it added, changed or deleted} (against its first parent)."""
    out = _git(folder, "-c", "core.quotePath=false", "log", "--no-color", "--name-only",
               "--no-renames", f"--format={RECORD}%H", *revisions, "--")
    changed: dict[str, list[str]] = {}
    for record in out.split(RECORD)[1:]:
        sha, _, names = record.partition("\n")
        changed[sha.strip()] = [name for name in names.split("\n") if name.strip()]
    return changed


def manifest_changes(folder: str, revisions: list[str], paths=None
                     ) -> Iterator[tuple[str, str, str]]:
    """Added and removed lines of dependency manifests; `paths`: the manifests to look at
    (from `changed_paths`; None: find them with wildcard pathspecs, slower)."""
    if paths is None:
        yield from _patches(folder, revisions, "--", *MANIFEST_PATHSPECS)
        return
    paths = sorted(paths)
    for start in range(0, len(paths), 500):
        chunk = [f":(literal){path}" for path in paths[start:start + 500]]
        yield from _patches(folder, revisions, "--", *chunk)


def suppression_changes(folder: str, revisions: list[str]) -> Iterator[tuple[str, str, str]]:
    """Lines with a suppression comment, and every line of the waiver file (whose changes
    `-G` would not select), newest commit first within each of the two passes."""
    for sha, path, line in _patches(folder, revisions, f"-G{SUPPRESSION}",
                                    "--", ".", f":(exclude){WAIVER_FILE}"):
        if re.search(r"aicodeguard:\s*ignore", line):
            yield sha, path, line
    yield from _patches(folder, revisions, "--", WAIVER_FILE)


def grep(folder: str, revision: str, pattern: str, *pathspecs: str) -> list[tuple[str, int, str]]:
    """(path, line, text) of each line matching the extended regular expression `pattern` in
    `revision`'s tree (none when nothing matches)."""
    try:
        out = _git(folder, "grep", "-I", "-n", "-z", "-E", "-e", pattern, revision, "--",
                   *pathspecs)
    except GitError:
        return []  # exit status 1: no match
    found = []
    prefix = f"{revision}:"
    for record in out.split("\n"):
        path, _, rest = record.partition("\0")
        number, _, text = rest.partition("\0")
        if number.isdigit():
            found.append((path.removeprefix(prefix), int(number), text))
    return found


def blame_lines(folder: str, path: str, lines: list[int], revision: str = "HEAD"
                ) -> dict[int, tuple[str, int]]:
    """{line: (commit, committer time)} for `lines` of `path` at `revision`, in one process."""
    ranges = [arg for line in sorted(set(lines)) for arg in ("-L", f"{line},{line}")]
    try:
        out = _git(folder, "blame", "--porcelain", *ranges, revision, "--", path)
    except GitError:
        return {}
    times: dict[str, int] = {}
    found: dict[int, str] = {}
    sha = ""
    for line in out.split("\n"):
        head = line.split()
        if len(head) >= 3 and len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
            sha = head[0]
            found[int(head[2])] = sha
        elif line.startswith("committer-time "):
            times[sha] = int(line.split()[1])
    return {number: (sha, times.get(sha, 0)) for number, sha in found.items()}


def show(folder: str, revision: str, path: str) -> str | None:
    try:
        return _git(folder, "show", f"{revision}:{path}")
    except GitError:
        return None


def blame(folder: str, path: str, line: int, revision: str = "HEAD") -> str | None:
    """The commit that last wrote `path`:`line` at `revision` (None when git cannot say)."""
    try:
        out = _git(folder, "blame", "--porcelain", "-L", f"{line},{line}", revision, "--", path)
    except GitError:
        return None
    first = out.split("\n", 1)[0].split()
    return first[0] if first else None
