"""Who must approve changes to the gate's own files: CODEOWNERS, as GitHub and GitLab read it.

The file is the first of `LOCATIONS` that exists.  Patterns follow gitignore: a leading
or inner `/` anchors a pattern to the root, a trailing `/` means a folder's contents,
`*` stays within a folder, `**` crosses folders, and a pattern naming a folder covers
everything under it (but, as on GitHub, `docs/*` only the files directly in docs/).  The last matching pattern wins; one without owners leaves the path
unowned.  GitLab sections (`[Name]`, `^[Optional]`, `[Name][2]`, with default owners after
the header) are each read that way, and a path is owned when some section gives it owners.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..config import read_settings_file
from ..discovery import display_path
from ..model import Finding, Location
from ..rules.meta import UNOWNED_GATE_FILE

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
_SECTION = re.compile(r"^\^?\[(?P<name>[^\]]+)\](?:\[\d+\])?\s*(?P<owners>.*)$")
_UNESCAPED_SPACE = re.compile(r"(?<!\\)\s+")


@dataclass(frozen=True)
class Entry:
    section: str
    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    section, defaults = "", ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header and not line.startswith("[!"):
            section = header.group("name").strip().lower()  # GitLab: names are case-blind
            defaults = tuple(_owners(header.group("owners")))
            continue
        parts = _UNESCAPED_SPACE.split(line)
        pattern = parts[0].replace("\\ ", " ").replace("\\#", "#")
        owners = tuple(_owners(" ".join(parts[1:])))
        if pattern.startswith("!"):  # GitLab exclusion: the path has no owner here
            pattern, owners = pattern[1:], ()
        elif not owners and section:
            owners = defaults
        entries.append(Entry(section, pattern, owners, number, _regex(pattern)))
    return entries


def _owners(text: str) -> list[str]:
    found = []
    for word in text.split():
        if word.startswith("#"):
            break  # a trailing comment
        if "@" in word:
            found.append(word)
    return found


def _regex(pattern: str) -> re.Pattern:
    folder_only = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    out, index = [], 0
    while index < len(body):
        if body.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif body.startswith("/**", index) and index + 3 == len(body):
            out.append("/.*")
            index += 3
        elif body.startswith("**", index):
            out.append(".*")
            index += 2
        elif body[index] == "*":
            out.append("[^/]*")
            index += 1
        elif body[index] == "?":
            out.append("[^/]")
            index += 1
        elif body[index] == "[":
            end = body.find("]", index + 1)
            if end < 0:
                out.append(re.escape("["))
                index += 1
            else:
                out.append("[" + body[index + 1:end].replace("!", "^", 1) + "]")
                index = end + 1
        else:
            out.append(re.escape(body[index]))
            index += 1
    prefix = "" if anchored else "(?:.*/)?"
    # GitHub: `docs/*` owns the files directly in docs/, not those further down.
    suffix = "/.*" if folder_only else "" if body.endswith("/*") else "(?:/.*)?"
    try:
        return re.compile(f"^{prefix}{''.join(out)}{suffix}$")
    except re.error:
        return re.compile(r"(?!)")  # a broken pattern matches nothing, as on GitHub


def owners_of(entries: list[Entry], path: str) -> tuple[str, ...]:
    """The owners of `path` (relative to the repository root, `/`-separated)."""
    last_by_section: dict[str, Entry] = {}
    for entry in entries:
        if entry.regex.match(path):
            last_by_section[entry.section] = entry
    owners: list[str] = []
    for entry in last_by_section.values():
        owners.extend(owner for owner in entry.owners if owner not in owners)
    return tuple(owners)


def find_codeowners(root: str) -> tuple[str, str] | None:
    """(location, text) of the repository's CODEOWNERS file on disk, or None."""
    for location in LOCATIONS:
        path = os.path.join(root, location)
        if os.path.isfile(path):
            return location, read_settings_file(path).decode("utf-8", "replace")
    return None


def repository_root(start: str) -> str | None:
    """The top of the git work tree holding `start` (by its `.git`), without running git."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def unowned_gate_files(root: str, gate_files: list[str], *, require: bool = False
                       ) -> list[Finding]:
    """AIG007 on each of `gate_files` (paths on disk: the configuration file, the waiver
    file, policy files) that no CODEOWNERS entry of the repository at `root` covers.
    Nothing when the repository has no CODEOWNERS file, unless `require`."""
    found = find_codeowners(root)
    if found is None and not require:
        return []
    location, text = found if found else (None, "")
    entries = parse(text)
    findings = []
    for path in sorted(set(gate_files)):
        relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        if relative.startswith("../") or owners_of(entries, relative):
            continue
        if location is None:
            message = (f"{relative} controls the gate, and the repository has no CODEOWNERS "
                       "file (require-codeowners is on); add one that gives this file to "
                       "the people who approve security exceptions")
        else:
            message = (f"{relative} controls the gate but no entry of {location} covers it, "
                       "so anyone can loosen the gate in the change it should stop; add "
                       f"`/{relative} @owner`")
        findings.append(Finding(UNOWNED_GATE_FILE.id, UNOWNED_GATE_FILE.severity,
                                UNOWNED_GATE_FILE.confidence, message,
                                Location(display_path(path), 1, 1, 1, 1), ""))
    return findings


def check_gate_files(config_path: str | None, start: str, *, policy_files=(),
                     require: bool = False) -> list[Finding]:
    """AIG007 for a scan: the configuration file in use, the waiver file and `policy_files`
    of the repository holding `start`.  Nothing outside a git work tree."""
    from ..waivers import find_waiver_file

    root = repository_root(config_path or start)
    if root is None:
        return []
    files = [path for path in (config_path, find_waiver_file(start), *policy_files) if path]
    return unowned_gate_files(root, files, require=require)
