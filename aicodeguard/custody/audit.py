"""`aicodeguard audit [REV-RANGE]`: the chain of custody of a history.

For every commit: was it AI-assisted (and by what), did it point to its prompt, was it
checked (the `Checked-by` trailer or the opt-in git note) and by which version and
policy, which dependencies it added, removed or changed, which waivers it introduced,
and whether it changed the files that control the gate.  For a finding or a dependency
today (`--blame PATH:LINE`): which commit brought it in, and whether that commit was
AI-assisted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..supply.requirements import requirement_name
from .history import (
    Commit,
    blame,
    commits,
    control_changes,
    manifest_changes,
    suppression_changes,
)
from .trailers import read

AUDIT_SCHEMA_VERSION = "1.0"
_JSON_DEPENDENCY = re.compile(r'^\s*"(?P<name>(?:@[\w.-]+/)?[\w.-]+)"\s*:\s*"(?P<spec>[^"]*)"')
_TOML_DEPENDENCY = re.compile(r'^\s*(?P<name>[A-Za-z0-9][\w.-]*)\s*=\s*["{](?P<spec>[^"\n]*)')
_SPEC_SHAPE = re.compile(r"^[\s\^~<>=!*0-9vx|.,-]*$|^(?:npm:|latest$)")
_SUPPRESSION = re.compile(r"aicodeguard:\s*ignore\[([^\]]*)\](.*)")


@dataclass(frozen=True)
class AuditOptions:
    revisions: tuple[str, ...] = ("HEAD",)
    ai_markers: tuple[str, ...] = ()
    blame: tuple[str, ...] = ()  # PATH:LINE


def audit(folder: str, options: AuditOptions) -> dict:
    revisions = list(options.revisions)
    history = commits(folder, revisions)
    by_sha = {commit.sha: commit for commit in history}
    for sha, path, line in manifest_changes(folder, revisions):
        dependency = _dependency(path, line)
        if dependency and sha in by_sha:
            by_sha[sha].dependencies.append(dependency)
    for sha, path, line in suppression_changes(folder, revisions):
        if sha in by_sha and line.startswith("+"):
            by_sha[sha].waivers.append(_waiver(path, line[1:]))
    for sha, files in control_changes(folder, revisions).items():
        if sha in by_sha:
            by_sha[sha].control_files = files
    entries = [_entry(commit, options.ai_markers) for commit in history]
    return {
        "schema_version": AUDIT_SCHEMA_VERSION,
        "range": revisions,
        "summary": _summary(entries),
        "commits": entries,
        "blame": [_blamed(folder, target, by_sha, options.ai_markers)
                  for target in options.blame],
    }


def _entry(commit: Commit, markers: tuple[str, ...]) -> dict:
    custody = read(commit.message, markers)
    checked = custody.checked_by or _note_check(commit.note)
    return {
        "sha": commit.sha, "author": commit.author, "email": commit.email,
        "date": commit.date, "subject": commit.subject,
        "ai_assisted": custody.ai_assisted, "ai_tools": list(custody.ai_tools),
        "ai_evidence": list(custody.evidence), "prompt_refs": list(custody.prompt_refs),
        "checked": checked is not None, "checked_by": checked,
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
    rest = match.group(2) if match else text
    fields = dict(re.findall(r"\b(until|owner)=(\S+)", rest))
    return {"path": path, "rules": rules, "owner": fields.get("owner"),
            "until": fields.get("until"), "text": text.strip()[:200]}


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


def _blamed(folder: str, target: str, by_sha: dict, markers: tuple[str, ...]) -> dict:
    path, _, line = target.rpartition(":")
    sha = blame(folder, path, int(line)) if line.isdigit() and path else None
    result = {"target": target, "commit": sha}
    if sha is None:
        return {**result, "error": "git cannot attribute this line"}
    commit = by_sha.get(sha) or next(iter(commits(folder, ["-1", sha])), None)
    if commit is not None:
        custody = read(commit.message, markers)
        result.update(subject=commit.subject, author=commit.author, date=commit.date,
                      ai_assisted=custody.ai_assisted, ai_tools=list(custody.ai_tools))
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
        marks.append("checked" if entry["checked"] else "not checked")
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
