"""CI formats: GitHub workflow commands, GitLab Code Quality and SAST reports, JUnit XML.

Each is a pure function of the outcome (the SAST report also takes the run's start and
end time).  Paths are as reported (relative to the working directory, which in CI is
the checkout).  Gating findings (those that fail the run) are GitHub errors, JUnit
failures; the rest are GitHub warnings and JUnit skipped cases, so a CI page shows the
same split as the exit status.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from xml.etree import ElementTree

from .. import __version__
from ..config import Config
from ..fingerprint import fingerprints
from ..model import Finding, NoteLevel, Severity
from ..policy import Outcome, gate
from ..rules import BY_ID, doc_url
from .text import plural

CODE_QUALITY_SEVERITY = {Severity.LOW: "minor", Severity.MEDIUM: "major",
                         Severity.HIGH: "critical", Severity.CRITICAL: "blocker"}
SAST_SEVERITY = {Severity.LOW: "Low", Severity.MEDIUM: "Medium", Severity.HIGH: "High",
                 Severity.CRITICAL: "Critical"}
SAST_SCHEMA_VERSION = "15.1.4"
# The schema's message levels: a file that could not be checked fails the run (status
# "failure"), so it is fatal; info notes are left out, as in the other formats.
SAST_MESSAGE_LEVEL = {NoteLevel.ERROR: "fatal", NoteLevel.WARNING: "warn"}
# Stable vulnerability ids: a UUID derived from the finding's fingerprint.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/aicodeguard/aicodeguard")


def _rule_name(rule_id: str) -> str:
    rule = BY_ID.get(rule_id)
    return rule.name if rule else rule_id


# --- GitHub workflow commands -------------------------------------------------------

def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(finding: Finding, config: Config) -> str:
    command = "error" if gate(finding, config) == "fail" else "warning"
    loc = finding.location
    properties = {
        "file": loc.path, "line": loc.line, "col": loc.column,
        "endLine": loc.end_line, "endColumn": loc.end_column,
        "title": f"{finding.rule_id} {_rule_name(finding.rule_id)}",
    }
    joined = ",".join(f"{key}={_escape_property(str(value))}"
                      for key, value in properties.items())
    message = (f"{finding.message} [{finding.severity.label}/{finding.confidence.label}]")
    return f"::{command} {joined}::{_escape_data(message)}"


def render_github(outcome: Outcome, config: Config) -> str:
    lines = [github_command(finding, config) for finding in outcome.findings]
    for note in outcome.notes:
        if note.level.value == "info":
            continue
        command = "error" if note.level.value == "error" else "warning"
        lines.append(f"::{command} file={_escape_property(note.path)},title=aicodeguard::"
                     f"{_escape_data(note.message)}")
    return "".join(line + "\n" for line in lines)


# --- GitLab Code Quality --------------------------------------------------------------

def render_gitlab(outcome: Outcome, config: Config) -> str:
    entries = []
    for finding, fingerprint in zip(outcome.findings, fingerprints(outcome.findings)):
        loc = finding.location
        below_gate = gate(finding, config) == "informational"
        entries.append({
            "description": finding.message,
            "check_name": finding.rule_id,
            "fingerprint": fingerprint,
            "severity": "info" if below_gate else CODE_QUALITY_SEVERITY[finding.severity],
            "location": {"path": loc.path, "lines": {"begin": loc.line}},
        })
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"


# --- GitLab SAST ----------------------------------------------------------------------

def _gitlab_time(moment: datetime | None) -> str:
    """GitLab's `scan.start_time` form: UTC, seconds, no zone suffix."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _identifiers(rule_id: str) -> list[dict]:
    identifiers = [{"type": "aicodeguard_rule_id", "name": f"aicodeguard {rule_id}",
                    "value": rule_id, "url": doc_url(rule_id)}]
    rule = BY_ID.get(rule_id)
    for number in rule.cwe if rule else ():
        identifiers.append({"type": "cwe", "name": f"CWE-{number}", "value": str(number),
                            "url": f"https://cwe.mitre.org/data/definitions/{number}.html"})
    return identifiers


def render_gitlab_sast(outcome: Outcome, config: Config, *, started: datetime | None = None,
                       ended: datetime | None = None) -> str:
    vendor = {"name": "aicodeguard"}
    tool = {"id": "aicodeguard", "name": "aicodeguard", "version": __version__,
            "vendor": vendor}
    vulnerabilities = []
    for finding, fingerprint in zip(outcome.findings, fingerprints(outcome.findings)):
        loc = finding.location
        vulnerabilities.append({
            "id": str(uuid.uuid5(_ID_NAMESPACE, fingerprint)),
            "name": f"{finding.rule_id} {_rule_name(finding.rule_id)}",
            "description": finding.message,
            "severity": SAST_SEVERITY[finding.severity],
            "location": {"file": loc.path, "start_line": loc.line, "end_line": loc.end_line},
            "identifiers": _identifiers(finding.rule_id),
        })
    document = {
        "version": SAST_SCHEMA_VERSION,
        "scan": {
            "analyzer": dict(tool),
            "scanner": dict(tool),
            "type": "sast",
            "start_time": _gitlab_time(started),
            "end_time": _gitlab_time(ended),
            "status": "failure" if outcome.has_errors else "success",
            "messages": [{"level": SAST_MESSAGE_LEVEL[note.level],
                          "value": f"{note.path}: {note.message}"}
                         for note in outcome.notes if note.level in SAST_MESSAGE_LEVEL],
        },
        "vulnerabilities": vulnerabilities,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- JUnit XML ------------------------------------------------------------------------

def render_junit(outcome: Outcome, config: Config) -> str:
    """One testsuite; one testcase per finding (classname: the file, name: rule and
    position) failing when the finding gates the run, skipped otherwise; one error case
    per file that could not be checked; a clean run is one passing case."""
    suite = ElementTree.Element("testsuite", name="aicodeguard")
    failures = skipped = errors = 0
    for finding in outcome.findings:
        loc = finding.location
        case = ElementTree.SubElement(
            suite, "testcase", classname=loc.path,
            name=f"{finding.rule_id} {_rule_name(finding.rule_id)} at line {loc.line}, "
                 f"column {loc.column}", file=loc.path, line=str(loc.line))
        detail = (f"{loc.path}:{loc.line}:{loc.column}: {finding.rule_id} "
                  f"[{finding.severity.label}/{finding.confidence.label}] {finding.message}")
        if gate(finding, config) == "fail":
            failures += 1
            failure = ElementTree.SubElement(case, "failure", message=finding.message,
                                             type=finding.rule_id)
            failure.text = detail
        else:
            skipped += 1
            ElementTree.SubElement(case, "skipped", message=f"below the gate: {detail}")
    for note in outcome.notes:
        if note.level.value != "error":
            continue
        errors += 1
        case = ElementTree.SubElement(suite, "testcase", classname=note.path,
                                      name="file could not be checked", file=note.path)
        ElementTree.SubElement(case, "error", message=note.message, type="not-checked")
    if len(suite) == 0:
        ElementTree.SubElement(suite, "testcase", classname="aicodeguard",
                               name=f"scan of {plural(outcome.files_scanned, 'file')}")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    ElementTree.indent(suite)
    body = ElementTree.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
