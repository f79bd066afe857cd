"""Inputs a grammar cannot parse safely, caught before the parser sees them.

tree-sitter-python's external scanner keeps the indentation stack in a
fixed-size state buffer: with some 500 nested indentation levels (plus an
open string) it overflows and the process crashes.  No real code comes close;
generated or hostile files can, so such a file is refused (an error note: it
was not checked).

Only lines that can open a block count: lines inside triple-quoted strings
(docstrings, embedded text) do not, so a long docstring indented ever deeper
cannot get a file refused.  Lines inside brackets still count on purpose:
after a syntax error tree-sitter recovers with an unbalanced bracket open and
its scanner pushes their indentation too (measured: an unclosed "(" followed
by 600 nested `if` lines crashes it).
"""

from __future__ import annotations

import re

MAX_INDENT_LEVELS = 400
_SPACES = b" " * MAX_INDENT_LEVELS
_DEEP_LINE = re.compile(rb"^[ \t]{%d}" % MAX_INDENT_LEVELS, re.MULTILINE)
# What hides line starts from the scanner: comments and string literals (a one-line
# string ends at its line's end even when unterminated; a triple-quoted one runs to
# its closing quotes or the end of the file).  Scanned left to right, so quotes inside
# comments and "#" inside strings are not mistaken for each other.
_HIDING = re.compile(rb"""
      \#[^\n]*
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
    | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
    | "(?:[^"\\\n]|\\.)*"?
    | '(?:[^'\\\n]|\\.)*'?
""", re.VERBOSE | re.DOTALL)
_LINE_START = re.compile(rb"^[ \t\f]+(?=[^ \t\f\r\n#])", re.MULTILINE)


def _hidden_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the multi-line string literals in `data`."""
    spans = []
    for match in _HIDING.finditer(data):
        start, end = match.span()
        if data[start] != 35 and data.find(b"\n", start, end) != -1:  # 35: "#"
            spans.append((start, end))
    return spans


def indentation_depth(data: bytes) -> int:
    """How many indentation levels are open at the deepest point.

    Counts the indentation of indented lines that start outside a string literal
    (blank and comment-only lines do not count); a tab counts as 8 columns, as in the
    grammar's scanner.  Unindented lines are passed over for speed: that can only
    overstate the depth, never understate it.  Linear in the file's size, not recursive.
    """
    spans = _hidden_spans(data)
    span_index = 0
    stack = [0]
    deepest = 0
    for match in _LINE_START.finditer(data):
        position = match.start()
        while span_index < len(spans) and spans[span_index][1] <= position:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] < position:
            continue  # the line starts inside a string literal
        indent = match.group().rsplit(b"\f", 1)[-1]  # a form feed resets the column
        width = len(indent) + 7 * indent.count(b"\t")
        while width < stack[-1]:
            stack.pop()
        if width > stack[-1]:
            stack.append(width)
            deepest = max(deepest, len(stack) - 1)
    return deepest


def _may_be_deep(data: bytes) -> bool:
    """A fast necessary condition for `_DEEP_LINE`: without tabs, a line indented that far
    holds MAX_INDENT_LEVELS spaces in a row (a substring search, far faster than the regex)."""
    return b"\t" in data or _SPACES in data


def parse_refusal(language: str, data: bytes) -> str | None:
    """Why `data` must not be parsed, or None when it is safe."""
    if language == "python" and _may_be_deep(data) and _DEEP_LINE.search(data):
        depth = indentation_depth(data)
        if depth >= MAX_INDENT_LEVELS:
            return (f"indentation nested {depth} levels deep, beyond what the Python "
                    "grammar parses safely; not checked")
    return None
