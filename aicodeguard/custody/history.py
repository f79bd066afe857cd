"""The history as `audit` needs it, read with git's own plumbing in a fixed number of
processes whatever the number of commits: one `git log` for the messages (and notes),
one for the diffs of dependency manifests, one for suppression comments (git's `-G`
does the filtering), one for the files that control the gate.
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


@dataclass
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str
    message: str
    note: str = ""
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
               f"--format={RECORD}%H{FIELD}%P{FIELD}%an{FIELD}%ae{FIELD}%aI{FIELD}%B{FIELD}%N",
               *revisions, "--")
    found = []
    for record in out.split(RECORD)[1:]:
        sha, parents, author, email, date, message, note = (record.split(FIELD) + [""] * 7)[:7]
        found.append(Commit(sha, tuple(parents.split()), author, email, date,
                            message.strip(), note.strip()))
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


def manifest_changes(folder: str, revisions: list[str]) -> Iterator[tuple[str, str, str]]:
    yield from _patches(folder, revisions, "--", *MANIFEST_PATHSPECS)


def suppression_changes(folder: str, revisions: list[str]) -> Iterator[tuple[str, str, str]]:
    for sha, path, line in _patches(folder, revisions, f"-G{SUPPRESSION}",
                                    "--", ".", ".aicodeguard-waivers.toml"):
        if re.search(r"aicodeguard:\s*ignore", line) or path.endswith("aicodeguard-waivers.toml"):
            yield sha, path, line


def control_changes(folder: str, revisions: list[str]) -> dict[str, list[str]]:
    out = _git(folder, "log", "--no-color", "--name-only", f"--format={RECORD}%H",
               *revisions, "--", *CONTROL_PATHSPECS)
    changed: dict[str, list[str]] = {}
    for record in out.split(RECORD)[1:]:
        sha, _, names = record.partition("\n")
        changed[sha.strip()] = [name for name in names.split("\n") if name.strip()]
    return changed


def blame(folder: str, path: str, line: int, revision: str = "HEAD") -> str | None:
    """The commit that last wrote `path`:`line` at `revision` (None when git cannot say)."""
    try:
        out = _git(folder, "blame", "--porcelain", "-L", f"{line},{line}", revision, "--", path)
    except GitError:
        return None
    first = out.split("\n", 1)[0].split()
    return first[0] if first else None
