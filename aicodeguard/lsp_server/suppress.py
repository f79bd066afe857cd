"""Where an ``aicodeguard: ignore[ID] reason`` comment can go for a finding.

A suppression silences its own line and the next one, so it goes at the end
of the flagged line, or on a line of its own above it when the line ends
inside a multi-line string, comment or JSX text, or with a backslash
continuation.  An ignore comment that already covers the line gets the id
added instead.  The edit is in engine units (1-based lines, code-point columns).
"""

from __future__ import annotations

import os
import re

from ..analysis.source import SourceFile
from ..model import Edit, Suppression

REASON_PLACEHOLDER = "<reason>"

# Comment syntax (opening, closing) per language, then per file extension for file
# kinds without a grammar; None: the format has no comments (JSON).
COMMENTS_BY_LANGUAGE = {
    "python": ("# ", ""),
    "javascript": ("// ", ""),
    "typescript": ("// ", ""),
    "tsx": ("// ", ""),
}
COMMENTS_BY_EXTENSION = {
    ".md": ("<!-- ", " -->"),
    ".mdc": ("<!-- ", " -->"),
    ".markdown": ("<!-- ", " -->"),
    ".json": None,
    ".ipynb": None,
    ".jsonc": ("// ", ""),
}
DEFAULT_COMMENT = ("# ", "")

# Syntax nodes a comment cannot be appended inside (prefixes of node type names).
_OPAQUE_PREFIXES = ("string", "template_string", "comment", "jsx_")
_IGNORE_IDS = re.compile(r"ignore\[([^\]\n]*)\]")


def comment_syntax(language: str, path: str) -> tuple[str, str] | None:
    if language in COMMENTS_BY_LANGUAGE:
        return COMMENTS_BY_LANGUAGE[language]
    return COMMENTS_BY_EXTENSION.get(os.path.splitext(path)[1].lower(), DEFAULT_COMMENT)


def suppression_edit(rule_id: str, line: int, source: SourceFile,
                     suppressions: list[Suppression], tree, syntax) -> Edit | None:
    """The edit that silences `rule_id` on 1-based `line`, or None when no place is safe."""
    for suppression in suppressions:
        if line in suppression.applies_to and suppression.rule_ids:
            return _extend(rule_id, suppression, source)
    if syntax is None:
        return None
    opening, closing = syntax
    comment = f"{opening}aicodeguard: ignore[{rule_id}] {REASON_PLACEHOLDER}{closing}"
    row = line - 1
    text = source.line_text(row)
    content = text.rstrip()
    if not content.endswith("\\") and not _opaque(tree, source, row, len(content) - 1):
        separator = "  " if content else ""
        return Edit(line, len(content) + 1, line, len(text) + 1, separator + comment)
    above = source.line_text(row - 1).rstrip() if row else ""
    indent = text[: len(text) - len(text.lstrip())]
    if above.endswith("\\") or _opaque(tree, source, row, len(indent)):
        return None
    return Edit(line, 1, line, 1, f"{indent}{comment}{_newline(source, row)}")


def _extend(rule_id: str, suppression: Suppression, source: SourceFile) -> Edit | None:
    text = source.line_text(suppression.line - 1)
    match = _IGNORE_IDS.search(text, suppression.column - 1)
    if match is None:
        return None
    column = match.end(1) + 1
    added = f", {rule_id}" if match.group(1).strip() else rule_id
    return Edit(suppression.line, column, suppression.line, column, added)


def _opaque(tree, source: SourceFile, row: int, column: int) -> bool:
    """Is code point `column` of `row` inside a string, comment or JSX text that
    continues on another line?"""
    if tree is None or column < 0:
        return False
    prefix = source.line_text(row)[:column]
    offset = source.line_starts[row] + len(prefix.encode("utf-8"))
    node = tree.root_node.descendant_for_byte_range(offset, offset + 1)
    while node is not None:
        if node.type.startswith(_OPAQUE_PREFIXES) and (
                node.start_point[0] < row or node.end_point[0] > row):
            return True
        node = node.parent
    return False


def _newline(source: SourceFile, row: int) -> str:
    starts = source.line_starts
    if row + 1 >= len(starts):
        return "\n"
    end = starts[row + 1]
    return "\r\n" if source.data[end - 2:end] == b"\r\n" else "\n"
