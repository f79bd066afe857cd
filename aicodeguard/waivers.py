"""Waivers: reviewed exceptions with an owner and an expiry date.

Two places hold them:

- an inline suppression that carries fields before its reason,
  ``# aicodeguard: ignore[AIG101] until=2027-03-01 owner=@sec-team n is an enum name``;
- the waiver file ``.aicodeguard-waivers.toml``: ``[[waiver]]`` entries naming a finding by
  its fingerprint (the one the JSON report and the baseline show), with ``rule``,
  ``path``, ``reason``, ``owner``, ``until``, ``approver`` and ``ticket``.

A waiver hides its finding up to and including its ``until`` day.  From the next day it
hides nothing: the finding shows again and the waiver adds an AIG005 finding naming its
owner.  A waiver without an owner is an AIG006 finding (low; high, so failing, with
``require-waiver-owner = true``).  The baseline is a different thing: legacy findings
accepted wholesale when aicodeguard was adopted; waivers are single exceptions someone
reviewed and answers for.

Dates are compared with a ``today`` passed in, never read inside the comparison;
`today()` gives the real date, or the one in AICODEGUARD_TODAY (a hook for tests and
reproducible runs).  The application itself happens in policy: `inline_waivers` per file
before suppressions are matched, `apply_waivers` on a run's redacted findings.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from dataclasses import dataclass

from .config import ConfigError, read_settings_file
from .model import FileResult, Finding, Location, Severity, Suppression
from .rules import BY_ID, nearest_rule_id
from .rules.meta import EXPIRED_WAIVER, WAIVER_WITHOUT_OWNER
from .storage import tomllib

WAIVER_FILE = ".aicodeguard-waivers.toml"
TODAY_VARIABLE = "AICODEGUARD_TODAY"
FIELDS = ("until", "owner")
_LEADING_FIELD = re.compile(r"\s*\b(until|owner)=(\S+)")
_INLINE = re.compile(r"aicodeguard:\s*ignore(?:\[[^\]\n]*\])?(?P<rest>[^\n]*)")
ENTRY_KEYS = ("fingerprint", "rule", "path", "reason", "owner", "until", "approver", "ticket")
REQUIRED_KEYS = ("fingerprint", "rule", "path", "reason")


class WaiverError(ConfigError):
    """The waiver file (or AICODEGUARD_TODAY) is malformed; the message names it."""


def today() -> datetime.date:
    """The date waivers are judged on: AICODEGUARD_TODAY (YYYY-MM-DD) when set, else the
    local date.  Read once per run by the caller, so one run judges every waiver alike."""
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise WaiverError(f"{TODAY_VARIABLE}={text!r}: expected a date, YYYY-MM-DD") from None


# ---------------------------------------------------------------- fields of a suppression

@dataclass(frozen=True)
class WaiverFields:
    """`until=` / `owner=` written before a suppression's reason."""

    owner: str | None = None
    until: str | None = None  # as written
    reason: str = ""  # the rest

    @property
    def is_waiver(self) -> bool:
        return self.owner is not None or self.until is not None


def split_fields(text: str) -> WaiverFields:
    """`until=2027-03-01 owner=@sec-team the reason` -> the fields and the reason.  Only
    leading `key=value` words are fields; the same words later are part of the reason."""
    found: dict[str, str] = {}
    position = 0
    while match := _LEADING_FIELD.match(text, position):
        found.setdefault(match.group(1), match.group(2))
        position = match.end()
    return WaiverFields(found.get("owner"), found.get("until"), text[position:].strip())


def suppression_fields(suppression: Suppression) -> WaiverFields:
    """The fields of an inline suppression (from its reason, or from its line when the
    reason was empty: a comment with fields and no reason has no reason)."""
    if suppression.reason:
        return split_fields(suppression.reason)
    match = _INLINE.search(suppression.line_text)
    return split_fields(match.group("rest").strip(" \t:-—–")) if match else WaiverFields()


def expiry(until: str | datetime.date | None) -> datetime.date | None:
    """The last day a waiver holds; `date.min` (expired) for text that is not a date."""
    if until is None or isinstance(until, datetime.date):
        return until
    try:
        return datetime.date.fromisoformat(until)
    except ValueError:
        return datetime.date.min


def is_expired(until, on: datetime.date) -> bool:
    last = expiry(until)
    return last is not None and on > last


def _expired_message(rules: str, until, owner: str | None) -> str:
    last = expiry(until)
    when = f"expired on {last.isoformat()}" if last not in (None, datetime.date.min) \
        else f"has an expiry that is not a date ({until!s}; expected until=YYYY-MM-DD)"
    who = f"owner {owner}" if owner else "no owner named"
    return (f"waiver for {rules} {when} ({who}); it no longer hides the finding: fix it, "
            "or have the owner review it again and set a new date")


def _ownerless_message(rules: str, required: bool) -> str:
    why = " (require-waiver-owner is on)" if required else ""
    return (f"waiver for {rules} names no owner{why}; add owner=@handle so someone answers "
            "for the exception")


# ---------------------------------------------------------------- inline waivers

def inline_waivers(result: FileResult, on: datetime.date, *, require_owner: bool = False
                   ) -> tuple[list[Suppression], list[Finding]]:
    """(suppressions that still silence, AIG005/AIG006 findings) for one file.

    Policy calls this before matching findings to `result.suppressions` and matches
    against the first list instead: an expired suppression silences nothing.  A plain
    suppression (no fields) is a waiver only for `require_owner`.
    """
    active: list[Suppression] = []
    findings: list[Finding] = []
    for suppression in result.suppressions:
        fields = suppression_fields(suppression)
        rules = ", ".join(suppression.rule_ids) or "every rule"
        location = Location(result.path, suppression.line, suppression.column,
                            suppression.line, suppression.end_column)
        expired = is_expired(fields.until, on)
        if expired:
            findings.append(_finding(EXPIRED_WAIVER, _expired_message(rules, fields.until,
                                                                      fields.owner),
                                     location, suppression.line_text))
        else:
            active.append(suppression)
        if fields.owner is None and (fields.until is not None or require_owner):
            findings.append(_finding(WAIVER_WITHOUT_OWNER, _ownerless_message(rules, require_owner),
                                     location, suppression.line_text, raise_to_high=require_owner))
    return active, findings


def _finding(rule, message: str, location: Location, snippet: str, *,
             raise_to_high: bool = False) -> Finding:
    severity = max(rule.severity, Severity.HIGH) if raise_to_high else rule.severity
    return Finding(rule.id, severity, rule.confidence, message, location, snippet)


# ---------------------------------------------------------------- the waiver file

@dataclass(frozen=True)
class Waiver:
    """One entry of the waiver file."""

    fingerprint: str
    rule: str
    path: str  # relative to the waiver file's folder, with `/`
    reason: str
    owner: str | None = None
    until: datetime.date | str | None = None  # str: written, but not a date (expired)
    approver: str | None = None
    ticket: str | None = None
    line: int = 1  # of its fingerprint in the waiver file

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule, self.fingerprint)

    def as_dict(self) -> dict:
        until = self.until.isoformat() if isinstance(self.until, datetime.date) else self.until
        return {"fingerprint": self.fingerprint, "rule": self.rule, "path": self.path,
                "reason": self.reason, "owner": self.owner, "until": until,
                "approver": self.approver, "ticket": self.ticket, "line": self.line}


@dataclass(frozen=True)
class WaiverFile:
    path: str  # absolute
    waivers: tuple[Waiver, ...]
    lines: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)


def find_waiver_file(start: str) -> str | None:
    """The waiver file for `start` (a file or folder): the nearest `.aicodeguard-waivers.toml`
    walking up, not beyond the top of the git work tree that holds `start`."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        candidate = os.path.join(folder, WAIVER_FILE)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            return None
        folder = parent


def load_waivers(path: str) -> WaiverFile:
    try:
        data = read_settings_file(path)
    except ConfigError as error:
        raise WaiverError(str(error)) from None
    return parse_waivers(data.decode("utf-8", "replace"), os.path.abspath(path))


def parse_waivers(text: str, path: str) -> WaiverFile:
    """Every problem of the file in one error that names the file, the entry and the key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WaiverError(f"{path}: not valid TOML ({error})") from None
    problems = [f"unknown key {key!r} at the top level (entries go in [[waiver]] tables)"
                for key in document if key != "waiver"]
    rows = document.get("waiver", [])
    if not isinstance(rows, list):
        rows, problems = [], problems + ["'waiver' must be an array of tables ([[waiver]])"]
    lines = tuple(text.splitlines())
    waivers = []
    for number, row in enumerate(rows, start=1):
        where = f"waiver {number}"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected a table")
            continue
        entry_problems = _entry_problems(row, where)
        problems.extend(entry_problems)
        if entry_problems:
            continue
        until = row.get("until")
        if isinstance(until, str):
            until = expiry(until) if expiry(until) != datetime.date.min else until
        waivers.append(Waiver(
            fingerprint=row["fingerprint"].strip(), rule=row["rule"].strip().upper(),
            path=_normal_path(row["path"]), reason=row["reason"].strip(),
            owner=row.get("owner"), until=until, approver=row.get("approver"),
            ticket=row.get("ticket"), line=_line_of(lines, row["fingerprint"])))
    if problems:
        raise WaiverError(f"{path}: {'; '.join(problems)}")
    return WaiverFile(path, tuple(waivers), lines)


def _entry_problems(row: dict, where: str) -> list[str]:
    problems = []
    for key in row:
        if key not in ENTRY_KEYS:
            guess = difflib.get_close_matches(key.replace("_", "-").lower(), ENTRY_KEYS, n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            problems.append(f"{where}: unknown key {key!r}{hint}; known keys: "
                            f"{', '.join(ENTRY_KEYS)}")
    for key in REQUIRED_KEYS:
        if not isinstance(row.get(key), str) or not row[key].strip():
            problems.append(f"{where}: {key!r} is required (a non-empty string)")
    rule = row.get("rule")
    if isinstance(rule, str) and rule.strip() and rule.strip().upper() not in BY_ID:
        nearest = nearest_rule_id(rule)
        hint = f" (did you mean {nearest}?)" if nearest else ""
        problems.append(f"{where}: unknown rule id {rule!r}{hint}")
    for key in ("owner", "approver", "ticket"):
        if key in row and (not isinstance(row[key], str) or not row[key].strip()):
            problems.append(f"{where}: {key!r} must be a non-empty string")
    if "until" in row and not isinstance(row["until"], (str, datetime.date)) \
            or isinstance(row.get("until"), datetime.datetime):
        problems.append(f"{where}: 'until' must be a date (until = 2027-03-01)")
    return problems


def _normal_path(path: str) -> str:
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _line_of(lines: tuple[str, ...], fingerprint: str) -> int:
    for number, line in enumerate(lines, start=1):
        if fingerprint in line and line.lstrip().startswith("fingerprint"):
            return number
    return 1


def apply_waivers(findings: list[Finding], waiver_file: WaiverFile, on: datetime.date, *,
                  require_owner: bool = False
                  ) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(kept, hidden, new findings) for a run's findings and the waiver file.

    `findings`: the run's findings after policy and redaction, in report order (the
    fingerprints are those of the JSON report and the baseline, with paths relative to
    the waiver file's folder).  An entry that matches a finding hides it while it holds;
    an expired one keeps it and adds AIG005; an ownerless one adds AIG006.  Entries that
    match no finding of this run are not judged (a commit hook sees only its files; see
    `aicodeguard audit` for the full list).
    """
    from .baseline import entries_for  # the baseline's identities: same paths, same hashes

    by_key = {waiver.key: waiver for waiver in waiver_file.waivers}
    kept: list[Finding] = []
    hidden: list[Finding] = []
    matched: dict[tuple, Waiver] = {}
    for finding, key in zip(findings, entries_for(findings, waiver_file.folder)):
        waiver = by_key.get(key)
        if waiver is None:
            kept.append(finding)
            continue
        matched.setdefault(waiver.key, waiver)
        (kept if is_expired(waiver.until, on) else hidden).append(finding)
    extra = []
    shown = _display(waiver_file.path)
    for waiver in matched.values():
        location = Location(shown, waiver.line, 1, waiver.line,
                            len(_text(waiver_file, waiver.line)) + 1)
        snippet = _text(waiver_file, waiver.line)
        subject = f"{waiver.rule} in {waiver.path}"
        if is_expired(waiver.until, on):
            extra.append(_finding(EXPIRED_WAIVER, _expired_message(subject, waiver.until,
                                                                   waiver.owner),
                                  location, snippet))
        if waiver.owner is None:
            extra.append(_finding(WAIVER_WITHOUT_OWNER, _ownerless_message(subject, require_owner),
                                  location, snippet, raise_to_high=require_owner))
    return kept, hidden, extra


def _text(waiver_file: WaiverFile, line: int) -> str:
    return waiver_file.lines[line - 1].strip() if 0 < line <= len(waiver_file.lines) else ""


def _display(path: str) -> str:
    from .discovery import display_path

    return display_path(path)
