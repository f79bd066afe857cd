"""Find ``aicodeguard: ignore[ID, ...] reason`` comments in any comment syntax.

A suppression silences the listed rules on its own line and on the line
after it, so it can sit at the end of the flagged line or on its own line
above it.
"""

from __future__ import annotations

import re

from .analysis.source import SourceFile
from .model import Suppression

MARKER = b"aicodeguard:"
_PATTERN = re.compile(
    r"(?:#|//|/\*|<!--|--|;)\s*aicodeguard:\s*ignore"
    r"(?:\[(?P<ids>[^\]\n]*)\])?(?P<reason>[^\n]*)"
)
_REASON_NOISE = " \t:-—–*/>"
_PLACEHOLDER = re.compile(r"<[^<>]*>?|\.\.\.|(?i:reason|todo|fixme|tbd|xxx)")
# Waiver fields written before the reason: `ignore[AIG101] until=2027-03-01 owner=@team why`.
# They stay in `reason` (waivers.py reads them there); a reason of fields only is none.
_LEADING_FIELDS = re.compile(r"^(?:\s*\b(?:until|owner)=\S+)+\s*")


def find_suppressions(source: SourceFile) -> list[Suppression]:
    if MARKER not in source.data:
        return []
    text = source.data.decode("utf-8", "replace")
    found = []
    for match in _PATTERN.finditer(text):
        start = match.start()
        row = text.count("\n", 0, start)
        line_start = text.rfind("\n", 0, start) + 1
        ids = tuple(sorted({part.strip().upper() for part in (match.group("ids") or "").split(",")
                            if part.strip()}))
        reason = match.group("reason").strip(_REASON_NOISE)
        reason = reason.removesuffix("-->").removesuffix("*/").strip(_REASON_NOISE)
        if _PLACEHOLDER.fullmatch(reason) or _PLACEHOLDER.fullmatch(_without_fields(reason)):
            reason = ""  # an editor's `<reason>` placeholder left unedited is no reason
        elif not _without_fields(reason):
            reason = ""  # `until=` and `owner=` (waivers.py) alone say nothing about why
        column = start - line_start + 1
        found.append(Suppression(
            line=row + 1,
            column=column,
            end_column=column + len(match.group(0)),
            applies_to=(row + 1, row + 2),
            rule_ids=ids,
            reason=reason,
            line_text=source.snippet(row),
        ))
    return found


def _without_fields(reason: str) -> str:
    return _LEADING_FIELDS.sub("", reason).strip(_REASON_NOISE)
