"""What the callers in the same file pass for a function's parameters.

`def calc(expr): return eval(expr)` says nothing about `expr`; `calc(input("> "))` a few
lines below does.  `caller_taint` looks at every call of the enclosing function in the
file — `name(...)` for a module-level or nested function, `self.name(...)` /
`cls.name(...)` for a method — and returns the first untrusted source (`Taint`) a
caller passes at the parameter's position.  One level only (a caller's own parameters
are not followed further); at most MAX_CALLERS calls are read.
"""

from __future__ import annotations

import re

from ..shared import Taint
from .context import PyContext

MAX_CALLERS = 16


def caller_taint(ctx: PyContext, nodes) -> Taint | None:
    """The first taint a same-file caller passes for a parameter among `nodes`."""
    for node in nodes:
        if node is None or node.type != "identifier":
            continue
        name = ctx.text(node)
        if not ctx.is_parameter(name, node) or ctx.reaching(name, node):
            continue  # not a parameter, or reassigned before the use
        function = ctx.function_of(node)
        if function is None or function.type != "function_definition":
            continue
        taint = _passed(ctx, function, name)
        if taint is not None:
            return taint
    return None


def _passed(ctx: PyContext, function, name: str) -> Taint | None:
    key = ("caller_taint", function.id, name)
    if key in ctx.memo:
        return ctx.memo[key]
    ctx.memo[key] = None  # a recursive function reaches itself: no answer from there
    found = None
    names = list(ctx.parameters(function))
    func_name_node = function.child_by_field_name("name")
    if func_name_node is not None and name in names:
        position = names.index(name)
        method = _is_method(function)
        if method:
            position -= 1  # `self` / `cls` is the receiver
        for call_node in _calls(ctx, ctx.text(func_name_node), method):
            call = ctx.call(call_node)
            argument = call.arg(position, name) if position >= 0 else None
            taint = ctx.taint(argument) if argument is not None else None
            if taint is not None:
                found = taint
                break
    ctx.memo[key] = found
    return found


def _is_method(function) -> bool:
    parent = function.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    return parent is not None and parent.type == "block" and parent.parent is not None \
        and parent.parent.type == "class_definition"


def _calls(ctx: PyContext, name: str, method: bool) -> list:
    """Calls of `name` (`self.name(` / `cls.name(` for a method), at most MAX_CALLERS."""
    prefix = rb"\b(?:self|cls)\s*\.\s*" if method else rb"(?<![\w.])"
    pattern = re.compile(prefix + re.escape(name.encode()) + rb"\s*\(")
    root = ctx.tree.root_node
    found = []
    for match in pattern.finditer(ctx.source.data):
        start = match.end() - 1  # the "("
        node = root.descendant_for_byte_range(start, start + 1)
        call = node.parent.parent if node is not None and node.parent is not None else None
        if call is None or call.type != "call":
            continue
        found.append(call)
        if len(found) >= MAX_CALLERS:
            break
    return found
