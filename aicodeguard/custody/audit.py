"""`aicodeguard audit [REV-RANGE]`: the chain of custody of a history.

For every commit: was it AI-assisted (and by what), did it point to its prompt, was it
checked (the `Checked-by` trailer or the opt-in git note) and by which version and
policy, which dependencies it added, removed or changed, which waivers it introduced,
and whether it changed the files that control the gate.  For a finding or a dependency
today (`--blame PATH:LINE`): which commit brought it in, and whether that commit was
AI-assisted.
"""

from __future__ import annotations

import datetime
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..supply.requirements import requirement_name
from ..waivers import WAIVER_FILE, WaiverError, expiry, is_expired, parse_waivers, split_fields
from . import codeowners
from .checked import parse_trailer
from .history import (
    CONTROL_NAME,
    MANIFEST_NAME,
    MANIFEST_PATHSPECS,
    Commit,
    blame,
    blame_lines,
    changed_paths,
    commits,
    grep,
    manifest_changes,
    show,
    suppression_changes,
)
from .trailers import read

AUDIT_SCHEMA_VERSION = "1.1"  # 1.1: waivers at HEAD, gate_files, check_stale, today
_JSON_DEPENDENCY = re.compile(r'^\s*"(?P<name>(?:@[\w.-]+/)?[\w.-]+)"\s*:\s*"(?P<spec>[^"]*)"')
_TOML_DEPENDENCY = re.compile(r'^\s*(?P<name>[A-Za-z0-9][\w.-]*)\s*=\s*["{](?P<spec>[^"\n]*)')
_SPEC_SHAPE = re.compile(r"^[\s\^~<>=!*0-9vx|.,-]*$|^(?:npm:|latest$)")
_SUPPRESSION = re.compile(r"aicodeguard:\s*ignore\[([^\]]*)\](.*)")
# An inline suppression as suppressions.py finds it: behind a comment start.
_INLINE = re.compile(r"(?:#|//|/\*|<!--|--|;)\s*aicodeguard:\s*ignore"
                     r"(?:\[(?P<ids>[^\]\n]*)\])?(?P<rest>[^\n]*)")
_INLINE_GREP = r"aicodeguard:[[:space:]]*ignore"
_PROSE = (".md", ".rst", ".txt", ".adoc")  # documentation quoting the syntax, not waivers
_REASON_NOISE = " \t:-—–*/>"


@dataclass(frozen=True)
class AuditOptions:
    revisions: tuple[str, ...] = ("HEAD",)
    ai_markers: tuple[str, ...] = ()
    blame: tuple[str, ...] = ()  # PATH:LINE, or a dependency's name
    ai_identities: tuple[tuple[str, str], ...] = ()
    today: datetime.date | None = None  # None: waivers.today()
    waivers_at: str = "HEAD"  # the revision whose waivers and gate files are listed


def audit(folder: str, options: AuditOptions) -> dict:
    revisions = list(options.revisions)
    # The four passes over the history are independent git processes: run them together.
    with ThreadPoolExecutor(max_workers=3) as pool:
        reading_history = pool.submit(commits, folder, revisions)
        suppressions = pool.submit(lambda: list(suppression_changes(folder, revisions)))
        changed = changed_paths(folder, revisions)
        manifest_paths = {path for paths in changed.values() for path in paths
                          if MANIFEST_NAME.search(path)}
        manifest_lines = list(manifest_changes(folder, revisions, manifest_paths)) \
            if manifest_paths else []
        history = reading_history.result()
        suppression_lines = suppressions.result()
    control_files = {sha: files for sha, paths in changed.items()
                     if (files := [path for path in paths if CONTROL_NAME.search(path)])}
    by_sha = {commit.sha: commit for commit in history}
    for sha, path, line in manifest_lines:
        dependency = _dependency(path, line)
        if dependency and sha in by_sha:
            by_sha[sha].dependencies.append(dependency)
    added: dict[tuple[str, str], str] = {}  # (path, line) -> the newest commit adding it
    for sha, path, line in suppression_lines:
        if sha not in by_sha or not line.startswith("+"):
            continue
        added.setdefault((path, line[1:].strip()), sha)
        if path.endswith(WAIVER_FILE):
            _waiver_file_line(by_sha[sha].waivers, path, line[1:])
        else:
            by_sha[sha].waivers.append(_waiver(path, line[1:]))
    for sha, files in control_files.items():
        if sha in by_sha:
            by_sha[sha].control_files = files
    reading = (options.ai_markers, options.ai_identities)
    entries = [_entry(commit, reading) for commit in history]
    if options.today is None:
        from ..waivers import today

        on = today()
    else:
        on = options.today
    waivers = _waivers_at(folder, options.waivers_at, on, by_sha, reading, added)
    summary = _summary(entries)
    summary.update(waivers=len(waivers), waivers_expired=sum(w["expired"] for w in waivers),
                   waivers_without_owner=sum(w["owner"] is None for w in waivers))
    return {
        "schema_version": AUDIT_SCHEMA_VERSION,
        "range": revisions,
        "today": on.isoformat(),
        "summary": summary,
        "commits": entries,
        "waivers": waivers,
        "gate_files": _gate_files(folder, options.waivers_at),
        "blame": [item for target in options.blame
                  for item in _blamed(folder, target, by_sha, reading)],
    }


def _entry(commit: Commit, reading) -> dict:
    custody = read(commit.message, *reading)
    checked = custody.checked_by or _note_check(commit.note)
    stale = False
    if custody.checked_by:
        recorded = parse_trailer(custody.checked_by).get("tree", "")
        # The content under the claim changed since (an amend or rebase without the hooks).
        stale = bool(recorded) and bool(commit.tree) and not commit.tree.startswith(recorded)
    return {
        "sha": commit.sha, "author": commit.author, "email": commit.email,
        "date": commit.date, "subject": commit.subject,
        "ai_assisted": custody.ai_assisted, "ai_tools": list(custody.ai_tools),
        "ai_evidence": list(custody.evidence), "prompt_refs": list(custody.prompt_refs),
        "checked": checked is not None and not stale, "checked_by": checked,
        "check_stale": stale,
        "dependencies": _net_dependencies(commit.dependencies),
        "waivers": commit.waivers, "control_files_changed": commit.control_files,
    }


def _note_check(note: str) -> str | None:
    first = note.split("\n", 1)[0]
    return first if first.startswith("Checked by aicodeguard") else None


def _dependency(path: str, line: str) -> dict | None:
    """A dependency named on one added or removed manifest line, or None."""
    sign, text = line[0], line[1:].split("#", 1)[0].strip()
    name = spec = None
    if path.endswith("package.json"):
        match = _JSON_DEPENDENCY.match(text)
        if match and _SPEC_SHAPE.match(match.group("spec")) and match.group("name") not in (
                "version", "node", "npm", "name"):
            name, spec = match.group("name"), match.group("spec")
    elif path.endswith((".toml", "Pipfile")) and (match := _TOML_DEPENDENCY.match(text)) \
            and not text.startswith(("name", "version", "requires-python", "python =")):
        name, spec = match.group("name"), match.group("spec").strip()
    else:
        candidate = text.strip().strip(",").strip("\"'")
        name = requirement_name(candidate) if candidate else None
        spec = candidate[len(name):].strip() if name else None
    if not name:
        return None
    return {"name": name, "version": spec or "", "path": path,
            "ecosystem": "npm" if path.endswith("package.json") else "pypi",
            "change": "added" if sign == "+" else "removed"}


def _net_dependencies(changes: list[dict]) -> list[dict]:
    """A name removed and added in one commit is one version change."""
    by_name: dict[tuple, dict] = {}
    for change in changes:
        key = (change["ecosystem"], change["name"], change["path"])
        earlier = by_name.get(key)
        if earlier is not None and earlier["change"] != change["change"]:
            added, removed = (change, earlier) if change["change"] == "added" else (earlier, change)
            by_name[key] = {**added, "change": "changed", "from": removed["version"]}
        else:
            by_name.setdefault(key, change)
    return sorted(by_name.values(), key=lambda c: (c["path"], c["name"]))


def _waiver(path: str, text: str) -> dict:
    match = _SUPPRESSION.search(text)
    rules = [r.strip() for r in match.group(1).split(",")] if match else []
    fields = split_fields(match.group(2).strip(_REASON_NOISE)) if match else split_fields("")
    return {"path": path, "rules": rules, "owner": fields.owner,
            "until": fields.until, "text": text.strip()[:200]}


def _waiver_file_line(waivers: list[dict], path: str, text: str) -> None:
    """One added line of the waiver file: `[[waiver]]` opens an entry, `key = value` fills
    the open one (or, alone, records an edit of an existing entry: a new date, say)."""
    if text.strip() == "[[waiver]]":
        waivers.append({"path": path, "rules": [], "owner": None, "until": None, "text": ""})
        return
    found = re.match(r'\s*(rule|owner|until|fingerprint)\s*=\s*"?([^"\s#]+)', text)
    if found is None:
        return
    key, value = found.groups()
    if not waivers or waivers[-1]["path"] != path:
        waivers.append({"path": path, "rules": [], "owner": None, "until": None, "text": ""})
    current = waivers[-1]
    if key == "rule":
        current["rules"] = [value.upper()]
    elif key == "fingerprint":
        current["text"] = text.strip()[:200]
    else:
        current[key] = value


def _waivers_at(folder: str, revision: str, on: datetime.date, by_sha: dict,
                reading, added: dict[tuple[str, str], str]) -> list[dict]:
    """Every waiver in `revision`'s tree — inline suppressions (with their `until=` and
    `owner=`, when written) and the waiver file's entries — with the commit that wrote it,
    its age in days, its owner and expiry, and whether it has expired on `on`.

    The commit is the newest of the audited ones that added exactly that line (`added`,
    from the history already read); `git blame` (one process per file) only for the
    lines that came from before the audited range."""
    found: list[dict] = []
    texts: dict[tuple[str, int], str] = {}
    for path, number, text in grep(folder, revision, _INLINE_GREP):
        match = _INLINE.search(text)
        if match is None or path.lower().endswith(_PROSE):
            continue
        fields = split_fields(match.group("rest").strip(_REASON_NOISE))
        rules = sorted({part.strip().upper() for part in (match.group("ids") or "").split(",")
                        if part.strip()})
        found.append({"kind": "inline", "path": path, "line": number, "rules": rules,
                      "owner": fields.owner, "until": fields.until, "reason": fields.reason,
                      "approver": None, "ticket": None, "fingerprint": None})
        texts[(path, number)] = text.strip()
    text = show(folder, revision, WAIVER_FILE)
    if text is not None:
        try:
            entries = parse_waivers(text, WAIVER_FILE).waivers
        except WaiverError as error:
            entries = ()
            found.append({"kind": "file", "path": WAIVER_FILE, "line": 1, "rules": [],
                          "owner": None, "until": None, "reason": f"unreadable: {error}",
                          "approver": None, "ticket": None, "fingerprint": None})
        for waiver in entries:
            entry = waiver.as_dict()
            entry.update(kind="file", path=WAIVER_FILE, line=waiver.line, rules=[waiver.rule],
                         waived_path=waiver.path)
            found.append(entry)
            lines = text.splitlines()
            texts[(WAIVER_FILE, waiver.line)] = lines[waiver.line - 1].strip() \
                if waiver.line <= len(lines) else ""
    origins: dict[tuple[str, int], tuple[str, datetime.date | None]] = {}
    unknown: dict[str, list[int]] = {}
    for (path, number), line in texts.items():
        sha = added.get((path, line))
        if sha in by_sha:
            origins[(path, number)] = (sha, _day(by_sha[sha].date))
        else:
            unknown.setdefault(path, []).append(number)
    for path, numbers in unknown.items():
        for number, (sha, seconds) in blame_lines(folder, path, numbers, revision).items():
            origins[(path, number)] = (sha, datetime.datetime.fromtimestamp(
                seconds, datetime.timezone.utc).date())
    missing = {sha for sha, _ in origins.values() if sha not in by_sha}
    extra = {commit.sha: commit for commit in commits(folder, ["--no-walk", *sorted(missing)])} \
        if missing else {}
    for waiver in found:
        sha, day = origins.get((waiver["path"], waiver["line"]), (None, None))
        commit = by_sha.get(sha) or extra.get(sha)
        last = expiry(waiver["until"])
        waiver.update(
            commit=sha, added=day.isoformat() if day else None,
            age_days=(on - day).days if day else None,
            ai_assisted=read(commit.message, *reading).ai_assisted if commit else None,
            expired=is_expired(waiver["until"], on),
            days_left=(last - on).days if last not in (None, datetime.date.min) else None)
    return sorted(found, key=lambda w: (w["path"], w["line"]))


def _day(iso: str) -> datetime.date | None:
    try:
        return datetime.datetime.fromisoformat(iso).date()
    except ValueError:
        return None


def _gate_files(folder: str, revision: str) -> list[dict]:
    """The gate's files in `revision` and who must approve changes to them (CODEOWNERS)."""
    listed = _ls_tree(folder, revision)
    location = next((name for name in codeowners.LOCATIONS if name in listed), None)
    entries = codeowners.parse(show(folder, revision, location) or "") if location else []
    gate = [name for name in sorted(listed) if _is_gate_file(name)]
    return [{"path": name, "owners": list(codeowners.owners_of(entries, name)),
             "codeowners": location} for name in gate]


def _is_gate_file(name: str) -> bool:
    return bool(CONTROL_NAME.search(name))


def _ls_tree(folder: str, revision: str) -> set[str]:
    from .history import _git

    try:
        out = _git(folder, "ls-tree", "-r", "--name-only", "-z", revision)
    except Exception:  # noqa: BLE001 - an empty repository has no tree to list
        return set()
    return {name for name in out.split("\0") if name}


def _summary(entries: list[dict]) -> dict:
    assisted = [e for e in entries if e["ai_assisted"]]
    return {
        "commits": len(entries), "ai_assisted": len(assisted),
        "ai_assisted_share": round(len(assisted) / len(entries), 3) if entries else 0.0,
        "checked": sum(e["checked"] for e in entries),
        "ai_assisted_unchecked": sum(not e["checked"] for e in assisted),
        "ai_assisted_without_prompt_ref": sum(not e["prompt_refs"] for e in assisted),
        "waivers_added": sum(len(e["waivers"]) for e in entries),
        "control_file_changes": sum(bool(e["control_files_changed"]) for e in entries),
    }


def _blamed(folder: str, target: str, by_sha: dict, reading) -> list[dict]:
    """PATH:LINE: the commit that wrote that line.  A bare name: a dependency — every
    manifest line at HEAD that names it."""
    path, _, line = target.rpartition(":")
    if line.isdigit() and path:
        return [_blamed_line(folder, target, path, int(line), by_sha, reading)]
    wanted = _normal_name(target)
    places = [(path, number) for path, number, text in
              grep(folder, "HEAD", _name_pattern(target), *MANIFEST_PATHSPECS)
              if (dependency := _dependency(path, "+" + text))
              and _normal_name(dependency["name"]) == wanted]
    if not places:
        return [{"target": target, "commit": None,
                 "error": "no dependency manifest at HEAD names this package"}]
    return [{**_blamed_line(folder, f"{path}:{number}", path, number, by_sha, reading),
             "dependency": target} for path, number in places]


def _name_pattern(name: str) -> str:
    """A POSIX regular expression for a package name: any case, `-`, `_`, `.` alike."""
    out = []
    for char in name.strip():
        if char in "-_.":
            out.append("[-_.]")
        elif char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        elif char.isalnum():
            out.append(char)
        else:
            out.append(f"[{char}]" if char not in "]^\\" else "\\" + char)
    return "".join(out)


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _blamed_line(folder: str, target: str, path: str, line: int, by_sha: dict,
                 reading) -> dict:
    sha = blame(folder, path, line)
    result = {"target": target, "commit": sha}
    if sha is None:
        return {**result, "error": "git cannot attribute this line"}
    commit = by_sha.get(sha) or next(iter(commits(folder, ["-1", sha])), None)
    if commit is not None:
        custody = read(commit.message, *reading)
        result.update(subject=commit.subject, author=commit.author, date=commit.date,
                      ai_assisted=custody.ai_assisted, ai_tools=list(custody.ai_tools),
                      prompt_refs=list(custody.prompt_refs),
                      checked=custody.checked_by is not None)
    return result


def render_text(report: dict) -> str:
    summary = report["summary"]
    lines = [f"{summary['commits']} commits: {summary['ai_assisted']} AI-assisted "
             f"({summary['ai_assisted_share']:.0%}), {summary['checked']} checked by aicodeguard, "
             f"{summary['ai_assisted_unchecked']} AI-assisted and unchecked, "
             f"{summary['waivers_added']} waivers added, "
             f"{summary['control_file_changes']} commits changed the gate's files", ""]
    for entry in report["commits"]:
        marks = []
        if entry["ai_assisted"]:
            marks.append("AI: " + ", ".join(entry["ai_tools"]))
        marks.append("checked" if entry["checked"] else
                     "check claimed for other content" if entry.get("check_stale")
                     else "not checked")
        lines.append(f"{entry['sha'][:10]} {entry['date'][:10]} {entry['subject'][:60]}"
                     f"  [{'; '.join(marks)}]")
        for dependency in entry["dependencies"]:
            old = f" (was {dependency['from']})" if dependency.get("from") is not None else ""
            lines.append(f"    dependency {dependency['change']}: {dependency['name']}"
                         f"{dependency['version'] and ' ' + dependency['version']}{old}"
                         f" in {dependency['path']}")
        for waiver in entry["waivers"]:
            owner = waiver["owner"] or "no owner"
            until = waiver["until"] or "no expiry"
            lines.append(f"    waiver {','.join(waiver['rules']) or '(file)'} in "
                         f"{waiver['path']}: {owner}, {until}")
        if entry["control_files_changed"]:
            lines.append(f"    changed the gate's files: {', '.join(entry['control_files_changed'])}")
    if report.get("waivers"):
        lines += ["", f"Waivers at HEAD ({summary['waivers']}, {summary['waivers_expired']} "
                      f"expired, {summary['waivers_without_owner']} without an owner; today "
                      f"{report['today']}):"]
        for waiver in report["waivers"]:
            state = "EXPIRED" if waiver["expired"] else (
                f"until {waiver['until']}" if waiver["until"] else "no expiry")
            age = f"{waiver['age_days']} days old" if waiver["age_days"] is not None else "age ?"
            origin = (f"added in {waiver['commit'][:10]}"
                      + (" (AI-assisted)" if waiver.get("ai_assisted") else "")) \
                if waiver["commit"] else "not committed"
            target = waiver.get("waived_path") or waiver["path"]
            lines.append(f"  {','.join(waiver['rules']) or '(all rules)'} {target}"
                         f"{'' if waiver['kind'] == 'file' else ':' + str(waiver['line'])}: "
                         f"{waiver['owner'] or 'no owner'}, {state}, {age}, {origin}")
    unowned = [item["path"] for item in report.get("gate_files", []) if not item["owners"]]
    if unowned and any(item["codeowners"] for item in report["gate_files"]):
        lines += ["", f"Gate files no CODEOWNERS entry covers: {', '.join(unowned)}"]
    if report["blame"]:
        lines.append("")
    for item in report["blame"]:
        if item.get("commit") is None:
            lines.append(f"{item['target']}: {item.get('error')}")
            continue
        ai = "AI-assisted" if item.get("ai_assisted") else "not AI-assisted"
        lines.append(f"{item['target']}: brought in by {item['commit'][:10]} "
                     f"({item.get('subject', '')[:60]}; {ai})")
    return "\n".join(lines) + "\n"


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
