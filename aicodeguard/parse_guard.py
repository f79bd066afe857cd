"""Inputs a grammar cannot parse safely, caught before the parser sees them.

tree-sitter-python's external scanner keeps the indentation stack in a
fixed-size state buffer: with some 500 nested indentation levels (plus an
open string) it overflows and the process crashes.  No real code comes close;
generated or hostile files can, so such a file is skipped with a note.
"""

from __future__ import annotations

import re

MAX_INDENT_LEVELS = 400
_DEEP_LINE = re.compile(rb"^[ \t]{%d}" % MAX_INDENT_LEVELS, re.MULTILINE)


def indentation_depth(data: bytes) -> int:
    """How many indentation levels are open at the deepest point."""
    stack = [0]
    deepest = 0
    for line in data.split(b"\n"):
        stripped = line.lstrip(b" \t")
        if not stripped or stripped.startswith(b"#"):
            continue
        width = len(line) - len(stripped)
        while width < stack[-1]:
            stack.pop()
        if width > stack[-1]:
            stack.append(width)
            deepest = max(deepest, len(stack) - 1)
    return deepest


def parse_refusal(language: str, data: bytes) -> str | None:
    """Why `data` must not be parsed, or None when it is safe."""
    if language == "python" and _DEEP_LINE.search(data):
        depth = indentation_depth(data)
        if depth >= MAX_INDENT_LEVELS:
            return (f"indentation nested {depth} levels deep, beyond what the Python "
                    "grammar parses safely; skipped")
    return None
