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
_RECEIVER = re.compile(rb"\b(?:self|cls)\s*\.\s*\Z")  # `self.name(`
_NO_RECEIVER = re.compile(rb"(?:\A|[^\w.])\Z")  # `name(`, not `x.name(` / `xname(`


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
    return _class_of(function) is not None


def _calls(ctx: PyContext, name: str, method: bool) -> list:
    """Calls of `name` (`self.name(` / `cls.name(` for a method), at most MAX_CALLERS."""
    # The name first, so the search runs on its literal text; what precedes it after.
    pattern = re.compile(re.escape(name.encode()) + rb"\s*\(")
    before = _RECEIVER if method else _NO_RECEIVER
    data = ctx.source.data
    root = ctx.tree.root_node
    found = []
    for match in pattern.finditer(data):
        if not before.search(data, max(0, match.start() - 16), match.start()):
            continue
        start = match.end() - 1  # the "("
        node = root.descendant_for_byte_range(start, start + 1)
        call = node.parent.parent if node is not None and node.parent is not None else None
        if call is None or call.type != "call":
            continue
        found.append(call)
        if len(found) >= MAX_CALLERS:
            break
    return found


def constructor_arguments(ctx: PyContext, function, name: str) -> list:
    """What the file's `ClassName(...)` calls pass for parameter `name` of the class's
    `__init__` (`self.x = x` then `self.x` read in another method); [] for any other
    function.  At most MAX_CALLERS calls are read."""
    key = ("constructor_arguments", function.id, name)
    if key in ctx.memo:
        return ctx.memo[key]
    found = []
    func_name = function.child_by_field_name("name")
    klass = _class_of(function) if func_name is not None and ctx.text(func_name) == "__init__" \
        else None
    class_name = klass.child_by_field_name("name") if klass is not None else None
    names = list(ctx.parameters(function))
    if class_name is not None and name in names[1:]:
        calls = ctx.memo.get(("constructions", klass.id))
        if calls is None:
            calls = ctx.memo[("constructions", klass.id)] = _calls(ctx, ctx.text(class_name),
                                                                    False)
        for call_node in calls:
            argument = ctx.call(call_node).arg(names.index(name) - 1, name)
            if argument is not None:
                found.append(argument)
    ctx.memo[key] = found
    return found


def _class_of(function):
    parent = function.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    owner = parent.parent if parent is not None and parent.type == "block" else None
    return owner if owner is not None and owner.type == "class_definition" else None
