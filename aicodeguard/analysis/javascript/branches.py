"""Branches that can never run: `if` and `switch` on constant conditions.

`if (7 * 18 + 106 > 200) { bar = "safe" } else { bar = param }` never runs its `else`,
so the assignment there carries nothing to the code after it.  The collected bindings
inside such arms are dropped (`JsContext.drop_dead_bindings`).
"""

from __future__ import annotations

import re

from ..shared import UNKNOWN
from .values import literal, truthy

_EXITS = frozenset({"break_statement", "return_statement", "throw_statement",
                    "continue_statement"})


def dead_ranges(ctx, statements) -> list[tuple[int, int]]:
    """Byte ranges of the arms of `if`/`switch` statements that never run."""
    found: list[tuple[int, int]] = []
    for node in statements:
        if node.type == "if_statement":
            _if_arms(ctx, node, found)
        elif node.type == "switch_statement":
            _switch_arms(ctx, node, found)
    return found


_STRINGS = re.compile(r"'[^'\\]*'|\"[^\"\\]*\"")
_CONDITION = re.compile(r"[\w$\s.+\-*/%<>=!&|()']*")
_NAMES = re.compile(r"(?<![\w$.])[A-Za-z_$][\w$]*(?![\w$])(?!\s*\()")
_CALL = re.compile(r"[\w$]\s*\(")
_KEYWORDS = frozenset({"true", "false", "null", "undefined", "typeof"})


def _constant(ctx, node):
    """The value of a condition made of literals and names assigned exactly once (a name
    assigned again, in a loop say, may hold something else when the branch runs).  The
    text is screened first: most conditions name a parameter or call something."""
    if node is None:
        return UNKNOWN
    text = _STRINGS.sub("''", ctx.text(node))
    if not _CONDITION.fullmatch(text) or _CALL.search(text):
        return UNKNOWN
    for name in _NAMES.findall(text):
        if name not in _KEYWORDS and len(ctx.bindings.get(name, ())) != 1:
            return UNKNOWN
    return literal(ctx, node)


def _if_arms(ctx, node, found) -> None:
    value = _constant(ctx, node.child_by_field_name("condition"))
    if value is UNKNOWN:
        return
    dead = node.child_by_field_name("alternative" if truthy(value) else "consequence")
    if dead is not None:
        found.append((dead.start_byte, dead.end_byte))


def _switch_arms(ctx, node, found) -> None:
    """Cases that neither match a constant discriminant nor are fallen into."""
    value = _constant(ctx, node.child_by_field_name("value"))
    body = node.child_by_field_name("body")
    if value is UNKNOWN or body is None:
        return
    cases = [case for case in body.named_children if case.type in ("switch_case",
                                                                   "switch_default")]
    labels = []
    for case in cases:
        label = case.child_by_field_name("value") if case.type == "switch_case" else None
        labels.append(None if label is None else literal(ctx, label))
    if any(label is UNKNOWN for label in labels):
        return
    start = next((i for i, label in enumerate(labels)
                  if label is not None and label == value and type(label) is type(value)),
                 None)
    if start is None:
        start = next((i for i, case in enumerate(cases) if case.type == "switch_default"),
                     None)
    live = set()
    index = start
    while index is not None and index < len(cases):
        live.add(index)
        statements = [child for child in cases[index].named_children
                      if child.type.endswith("statement") or child.type == "statement_block"]
        if statements and statements[-1].type in _EXITS:
            break
        index += 1
    for index, case in enumerate(cases):
        if index not in live:
            found.append((case.start_byte, case.end_byte))
