"""A baseline: findings a team has accepted, so only new ones fail a scan.

Each entry is a path (relative to the baseline file's folder), a rule id and the
finding's fingerprint (rule + path + whitespace-normalised line text + a counter
for identical lines; see fingerprint.py).  No line numbers, so edits elsewhere in
a file do not touch it; no timestamps and sorted, one entry per line, so creating
it again gives the same bytes and merges cleanly.  Scans only read it;
`aicodeguard baseline create` writes it.  No code text is stored (a finding's line
may hold a secret), and the fingerprints hash the redacted line (fingerprint.py).
"""

from __future__ import annotations

import json
import os

from .config import ConfigError, read_settings_file
from .fingerprint import fingerprints
from .model import Finding

FORMAT_VERSION = 1
DEFAULT_BASELINE = ".aicodeguard-baseline.json"
_COMMENT = ("Findings accepted when aicodeguard was adopted; scans with --baseline hide them "
            "and fail on new ones. Re-create with `aicodeguard baseline create`.")

Entry = tuple[str, str, str]  # (path, rule id, fingerprint)


class BaselineError(ConfigError):
    """The baseline file is missing or malformed; the message names the file."""


class Baseline:
    def __init__(self, folder: str, entries: set[Entry]):
        self.folder = folder  # entries' paths are relative to this folder
        self.entries = entries

    @classmethod
    def load(cls, path: str) -> Baseline:
        try:
            document = json.loads(read_settings_file(path, what="the baseline"))
        except ConfigError as error:
            raise BaselineError(f"{error}; create it with `aicodeguard baseline create`") \
                from None
        except ValueError as error:
            raise BaselineError(f"{path}: not a valid baseline file ({error})") from None
        return cls(_folder_of(path), _parse(document, path))

    def split(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """(findings the baseline does not list, how many it does)."""
        new: list[Finding] = []
        for finding, entry in zip(findings, entries_for(findings, self.folder)):
            if entry not in self.entries:
                new.append(finding)
        return new, len(findings) - len(new)


def entries_for(findings: list[Finding], folder: str) -> list[Entry]:
    """Each finding's baseline entry, in the same order."""
    relative = {path: _relative(path, folder) for path in {f.location.path for f in findings}}
    prints = fingerprints(findings, lambda finding: relative[finding.location.path])
    return [(relative[finding.location.path], finding.rule_id, fingerprint)
            for finding, fingerprint in zip(findings, prints)]


def render(findings: list[Finding], baseline_path: str) -> str:
    """The baseline file's text: sorted, one entry per line, nothing that changes by itself."""
    rows = sorted(set(entries_for(findings, _folder_of(baseline_path))))
    entries = [json.dumps({"path": path, "rule": rule, "fingerprint": fingerprint},
                          ensure_ascii=False) for path, rule, fingerprint in rows]
    out = ["{", f'  "aicodeguard_baseline": {FORMAT_VERSION},',
           f'  "comment": {json.dumps(_COMMENT)},']
    if entries:
        out += ['  "findings": [', ",\n".join(f"    {entry}" for entry in entries), "  ]"]
    else:
        out.append('  "findings": []')
    return "\n".join(out + ["}", ""])


def write(findings: list[Finding], baseline_path: str) -> int:
    """Write the baseline (atomically: a scan never reads half a file); returns its size."""
    text = render(findings, baseline_path)
    temporary = f"{baseline_path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, baseline_path)
    return len(Baseline.load(baseline_path).entries)


def _folder_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def _relative(path: str, folder: str) -> str:
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def _parse(document, path: str) -> set[Entry]:
    if not isinstance(document, dict) or document.get("aicodeguard_baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not an aicodeguard baseline (version {FORMAT_VERSION})")
    rows = document.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f"{path}: \"findings\" must be a list")
    entries: set[Entry] = set()
    for number, row in enumerate(rows, start=1):
        values = tuple(row.get(key) for key in ("path", "rule", "fingerprint")) \
            if isinstance(row, dict) else ()
        if len(values) != 3 or not all(isinstance(value, str) for value in values):
            raise BaselineError(f"{path}: entry {number} needs string \"path\", \"rule\" "
                                "and \"fingerprint\"")
        entries.add(values)
    return entries
