"""What a run is made of, for `scan --statistics`, `--show-settings` and `--show-files`."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections import Counter

from ..config import KEYS, Config
from ..model import Finding
from ..rules import BY_ID
from .text import plural, skipped_summary


def render_statistics(findings: list[Finding]) -> str:
    """Counts per rule and severity, most frequent first, like `ruff --statistics`:
    `count  id  name  severity`."""
    counts = Counter((f.rule_id, f.severity) for f in findings)
    rows = [(count, rule_id, BY_ID[rule_id].name if rule_id in BY_ID else rule_id,
             severity.label)
            for (rule_id, severity), count in counts.items()]
    rows.sort(key=lambda row: (-row[0], row[1], row[3]))
    if not rows:
        return "No findings.\n"
    width = max(len(str(rows[0][0])), len("count"))
    name_width = max(len(row[2]) for row in rows)
    lines = [f"{'count':>{width}}  {'id':<6}  {'name':<{name_width}}  severity"]
    lines += [f"{count:>{width}}  {rule_id:<6}  {name:<{name_width}}  {severity}"
              for count, rule_id, name, severity in rows]
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, enum.Enum):
        return json.dumps(value.name.lower())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if value is None:
        return '""  # not set'
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def render_settings(config: Config) -> str:
    """The resolved configuration as TOML-like `key = value` lines, and its source."""
    source = config.path or "none found (defaults)"
    lines = [f"# configuration: {source}"]
    for key, (name, _) in KEYS.items():
        if name == "policy" or key in ("custody",):
            continue
        lines.append(f"{key} = {_toml_value(getattr(config, name))}")
    policy = config.policy
    if dataclasses.is_dataclass(policy):
        lines.append("")
        lines.append("[policy]")
        for item in dataclasses.fields(policy):
            if item.name == "sources":  # bookkeeping: which files set the policy
                continue
            lines.append(f"{item.name.replace('_', '-')} = "
                         f"{_toml_value(getattr(policy, item.name))}")
    return "\n".join(lines) + "\n"


def render_files(targets, skipped: dict[str, int], notes) -> str:
    """What a scan would read (one path a line, with its language), then what it would
    skip and why."""
    lines = [f"{target.display}  ({target.language})"
             for target in sorted(targets, key=lambda t: t.display)]
    lines.append("")
    lines.append(f"Would scan {plural(len(targets), 'file')}.")
    skipped_text = skipped_summary(skipped)
    if skipped_text:
        lines.append(f"{skipped_text}.")
    for note in notes:
        lines.append(f"{note.level.value}: {note.path}: {note.message}")
    return "\n".join(lines) + "\n"
