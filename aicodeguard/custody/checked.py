"""What checked a commit: the record a passing pre-commit scan leaves in the git folder, and
the `Checked-by` trailer the commit-msg step writes from it.

    Checked-by: aicodeguard 0.1.0; policy 3f2a9c0e5b7d; findings 2; waivers AIG101:db.py; tree 4b825dc642cb

The scan (`scan --record-check`) writes `RECORD_JSON` naming the tree it checked (`git
write-tree`: what `git commit` is about to record), the findings it still reported, the
waivers in force in the checked files and a hash of the configuration that decided.
With the pre-commit framework several hooks (separate processes, separate files) check
one commit: their parts are merged when they belong to the same run (the same parent
process) and the same tree; a failed part poisons the run's record.  The commit-msg step
appends the trailer only when `git write-tree` still equals the recorded tree, so a
commit made with `--no-verify`, or changed after the check, gets no trailer; a
`Checked-by: aicodeguard` line already in the message (an old one, or typed by hand) is
removed first.  The tree in the trailer lets `audit` tell when a later amend or rebase
changed the content under the claim.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

from .. import __version__
from ..gitdiff import GitError, git

RECORD_JSON = "aicodeguard-check.json"
MAX_LISTED_WAIVERS = 12
_CHECKED_LINE = re.compile(r"^checked-by:\s*aicodeguard\b.*(?:\n|$)", re.IGNORECASE | re.MULTILINE)
_SUPPRESSION = re.compile(r"aicodeguard:\s*ignore(?:\[(?P<ids>[^\]\n]*)\])?")
_SCISSORS = re.compile(r"^# -+ >8 -+\n.*", re.MULTILINE | re.DOTALL)


def git_path(name: str) -> str:
    return os.fsdecode(git("rev-parse", "--git-path", name).rstrip(b"\n"))


def write_tree() -> str:
    return git("write-tree").decode().strip()


def policy_hash(paths) -> str:
    """A short hash of the files that decided (the configuration in effect), or "default"."""
    digest = hashlib.sha256()
    found = False
    for path in paths:
        if path and os.path.isfile(path):
            with open(path, "rb") as handle:
                digest.update(os.path.basename(path).encode() + b"\0" + handle.read() + b"\0")
            found = True
    return digest.hexdigest()[:12] if found else "default"


def _changed_names(pathspecs) -> list[str]:
    out = git("diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=AMT",
              "--", *pathspecs)
    return [os.fsdecode(name) for name in out.split(b"\0") if name]


def checked_waivers(paths) -> list[str]:
    """`RULE:path` for each waiver in force in the checked files' staged content: inline
    suppressions (`*` for one without ids) and waiver-file entries naming those files.
    `paths`: the files the scan was given (None: every staged file)."""
    names = _changed_names(paths or ())
    if not names:
        return []
    found: set[str] = set()
    for start in range(0, len(names), 200):
        chunk = names[start:start + 200]
        try:
            out = git("grep", "--cached", "-I", "-z", "-E", "-e",
                      r"aicodeguard:[[:space:]]*ignore", "--", *chunk)
        except GitError:
            continue  # git grep exits 1 when nothing matches
        for record in out.decode("utf-8", "replace").split("\n"):
            path, _, text = record.partition("\0")
            for match in _SUPPRESSION.finditer(text):
                ids = [part.strip().upper() for part in (match.group("ids") or "").split(",")
                       if part.strip()] or ["*"]
                found.update(f"{rule}:{path}" for rule in ids)
    found.update(_waiver_file_entries(set(names)))
    return sorted(found)


def _waiver_file_entries(names: set[str]) -> set[str]:
    from ..waivers import WAIVER_FILE, WaiverError, parse_waivers

    try:
        text = git("show", f":{WAIVER_FILE}").decode("utf-8", "replace")
        waivers = parse_waivers(text, WAIVER_FILE).waivers
    except (GitError, WaiverError):
        return set()
    return {f"{waiver.rule}:{waiver.path}" for waiver in waivers if waiver.path in names}


def record(*, passed: bool, findings: int, policy: str, summary: str, paths=None) -> dict:
    """Add this scan's part to the run's record (see module doc); returns the record."""
    tree = write_tree()
    run = os.getppid()
    path = git_path(RECORD_JSON)
    previous = _load(path)
    same_run = previous.get("tree") == tree and previous.get("run") == run
    current = previous if same_run else {"tree": tree, "run": run, "parts": {}}
    key = hashlib.sha256("\0".join(sorted(paths or ["(staged)"])).encode()).hexdigest()[:16]
    if not passed:
        current["failed"] = True
    current["parts"][key] = {
        "findings": findings, "policy": policy, "summary": summary,
        "waivers": checked_waivers(paths) if passed else [],
    }
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(current, handle)
    os.replace(temporary, path)
    return current


def _load(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) and isinstance(data.get("parts"), dict) else {}
    except (OSError, ValueError):
        return {}


def trailer_value(current: dict) -> str | None:
    """The `Checked-by` value for a record, or None when any part failed."""
    parts = list(current.get("parts", {}).values())
    if current.get("failed") or not parts:
        return None
    policies = sorted({part["policy"] for part in parts})
    waivers = sorted({waiver for part in parts for waiver in part["waivers"]})
    listed = ",".join(waivers[:MAX_LISTED_WAIVERS]) or "none"
    if len(waivers) > MAX_LISTED_WAIVERS:
        listed += f",+{len(waivers) - MAX_LISTED_WAIVERS} more"
    return (f"aicodeguard {__version__}; policy {'+'.join(policies)}; "
            f"findings {sum(part['findings'] for part in parts)}; waivers {listed}; "
            f"tree {current['tree'][:12]}")


def note_text(current: dict) -> str:
    """The opt-in git note's text (post-commit hook): the verdict, each part's summary line
    and the trailer."""
    summaries = "\n".join(part["summary"] for part in current["parts"].values())
    return (f"Checked by aicodeguard {__version__}: passed.\n{summaries}\n"
            f"Checked-by: {trailer_value(current)}\n")


def parse_trailer(value: str) -> dict:
    """`aicodeguard 0.1.0; policy h; findings 2; waivers a,b; tree t` -> its fields."""
    fields = {}
    for part in value.split(";"):
        key, _, rest = part.strip().partition(" ")
        if key:
            fields[key] = rest.strip()
    return fields


# ---------------------------------------------------------------- the commit-msg step

def message_body(text: str) -> str:
    """The message as it will be committed: no comment lines, nothing below the scissors."""
    text = _SCISSORS.sub("", text)
    return "\n".join(line for line in text.split("\n") if not line.startswith("#")).strip()


def disclosure_problems(message: str, settings) -> list[str]:
    from .trailers import read

    custody = read(message, settings.ai_markers, settings.ai_identities)
    problems = []
    if settings.require_ai_disclosure and not custody.ai_assisted \
            and not custody.declared_unassisted:
        problems.append("this repository requires every commit to say whether an AI assistant "
                        "helped (require-ai-disclosure): end the message with a trailer such "
                        "as `Co-authored-by: <assistant> <address>`, `Assisted-by: <tool>` "
                        "or `AI-assisted: no`")
    if settings.require_prompt_ref and custody.ai_assisted and not custody.prompt_refs:
        problems.append(f"this AI-assisted commit ({', '.join(custody.ai_tools)}) needs an "
                        "`AI-Prompt-Ref: <prompt, session or ticket>` trailer "
                        "(require-prompt-ref)")
    return problems


def commit_msg(message_file: str, config_file: str | None = None) -> int:
    """The commit-msg hook: 0 (trailer written when the content was checked), 1 (the
    message breaks a custody requirement), 2 (configuration error)."""
    from ..config import ConfigError
    from .settings import load_custody

    try:
        settings = load_custody(os.getcwd(), config_file)
    except ConfigError as error:
        print(f"aicodeguard: error: {error}", file=sys.stderr)
        return 2
    with open(message_file, encoding="utf-8", errors="surrogateescape") as handle:
        text = handle.read()
    problems = disclosure_problems(message_body(text), settings)
    if problems:
        for problem in problems:
            print(f"aicodeguard: commit refused: {problem}", file=sys.stderr)
        return 1
    cleaned = _CHECKED_LINE.sub("", text)
    value = _checked_value()
    if cleaned != text:
        with open(message_file, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(cleaned)
    if value is not None:
        done = subprocess.run(["git", "interpret-trailers", "--in-place", "--where", "end",
                               "--trailer", f"Checked-by: {value}", message_file],
                              capture_output=True, check=False, timeout=60)
        if done.returncode != 0:
            print("aicodeguard: could not add the Checked-by trailer: "
                  f"{done.stderr.decode('utf-8', 'replace').strip()}", file=sys.stderr)
    return 0


def _checked_value() -> str | None:
    """The trailer for the content about to be committed, if a passing check recorded
    exactly this tree; the record is used up either way."""
    try:
        path = git_path(RECORD_JSON)
        current = _load(path)
        if os.path.exists(path):
            os.remove(path)
        if not current or current.get("tree") != write_tree():
            return None
        return trailer_value(current)
    except (GitError, OSError):
        return None
