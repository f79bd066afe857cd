"""How much of a working tree's recent history is AI-assisted, and which findings sit on
lines last written by an AI-assisted commit — for the HTML scan report.

Bounded and optional: one `git log` for the last `last` commits, one `git blame
--porcelain` (only the finding lines) per file with findings, up to `max_files` files,
and one `git log --no-walk` for the messages of the commits blame names.  Outside a git
work tree, or when git fails, there is nothing to say (None); a file git cannot blame
(untracked, outside the repository) is simply left out.
"""

from __future__ import annotations

import re
from collections import Counter

from ..gitdiff import GitError
from .history import _git, commits
from .trailers import read

UNCOMMITTED = "0" * 40
_BLAME_HEADER = re.compile(r"^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$")


def ai_share(folder: str, lines_by_path: dict[str, set[int]], *, last: int = 100,
             max_files: int = 200, markers: tuple[str, ...] = (),
             identities: tuple[tuple[str, str], ...] = ()) -> dict | None:
    """`lines_by_path`: the finding lines of each path (paths as git sees them from
    `folder`); `markers`, `identities`: the team's own (`custody.settings`).  Returns
    {"commits", "limit", "ai_assisted", "share", "tools", "blamed_files",
     "lines": {(path, line): {"sha", "ai_assisted", "tools", "subject"}}} or None."""
    try:
        if _git(folder, "rev-parse", "--is-inside-work-tree").strip() != "true":
            return None
        recent = commits(folder, [f"--max-count={last}", "HEAD"])
    except GitError:
        return None
    custody = {commit.sha: read(commit.message, markers, identities) for commit in recent}
    tools = Counter(tool for c in custody.values() for tool in c.ai_tools)
    assisted = sum(c.ai_assisted for c in custody.values())
    blamed, blamed_files = _blame_lines(folder, lines_by_path, max_files)
    unknown = sorted({sha for sha in blamed.values() if sha not in custody and sha != UNCOMMITTED})
    subjects = {commit.sha: commit.subject for commit in recent}
    if unknown:
        try:
            for commit in commits(folder, ["--no-walk", *unknown]):
                custody[commit.sha] = read(commit.message, markers, identities)
                subjects[commit.sha] = commit.subject
        except GitError:
            pass
    lines = {}
    for key, sha in blamed.items():
        known = custody.get(sha)
        lines[key] = {"sha": sha, "ai_assisted": bool(known and known.ai_assisted),
                      "tools": list(known.ai_tools) if known else [],
                      "subject": subjects.get(sha, "not committed yet" if sha == UNCOMMITTED
                                              else "")}
    return {"commits": len(recent), "limit": last, "ai_assisted": assisted,
            "share": round(assisted / len(recent), 3) if recent else 0.0,
            "tools": dict(tools.most_common()), "blamed_files": blamed_files,
            "lines": lines}


def _blame_lines(folder: str, lines_by_path: dict[str, set[int]],
                 max_files: int) -> tuple[dict[tuple[str, int], str], int]:
    """(path, line) -> the commit that last wrote it, for the working tree's content."""
    found: dict[tuple[str, int], str] = {}
    files = 0
    for path in sorted(lines_by_path)[:max_files]:
        ranges = [arg for line in sorted(lines_by_path[path]) if line > 0
                  for arg in ("-L", f"{line},{line}")]
        if not ranges:
            continue
        try:
            out = _git(folder, "blame", "--porcelain", *ranges, "--", path)
        except GitError:
            continue
        files += 1
        for text in out.split("\n"):
            match = _BLAME_HEADER.match(text)
            if match:
                found[(path, int(match.group(2)))] = match.group(1)
    return found, files
