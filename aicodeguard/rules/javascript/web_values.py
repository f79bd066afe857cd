"""What the JavaScript web checks ask about a value: who controls it, what constant
text it starts with, and whether the code checked it before the sink."""

from __future__ import annotations

import re

from ...analysis.javascript.values import (
    MAX_HOPS,
    UNKNOWN,
    VALUE_BINDINGS,
    literal,
    unwrap,
)

# Calls whose result starts with their first argument.
_PREFIX_CALLS = frozenset({"path.join", "path.resolve", "String", "url.resolve"})


def flow_taint(ctx, node, kinds):
    """The taint of `node` when it is of one of `kinds`, else None."""
    taint = ctx.taint(node)
    return taint if taint is not None and taint.kind in kinds else None


def leading_text(ctx, node) -> str:
    """The constant text a string value starts with ("" when it starts with data)."""
    prefix = ""
    for _ in range(2 * MAX_HOPS):
        node = unwrap(node)
        if node is None:
            break
        value = literal(ctx, node)
        if isinstance(value, str):
            return prefix + value
        kind = node.type
        if kind == "template_string":
            for child in node.named_children:
                if child.type == "template_substitution":
                    inner = literal(ctx, child.named_children[0]) if child.named_child_count \
                        else UNKNOWN
                    if not isinstance(inner, str):
                        break
                    prefix += inner
                else:
                    prefix += ctx.text(child)
            break
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is None or ctx.text(op) != "+":
                break
            node = node.child_by_field_name("left")
        elif kind in ("call_expression", "new_expression"):
            call = ctx.call(node)
            if call.qualname not in _PREFIX_CALLS and call.qualname != "URL" or not call.args:
                break
            if call.qualname == "URL" and len(call.args) > 1:
                node = call.args[1]  # new URL(path, base): the base decides the host
            else:
                node = call.args[0]
        elif kind == "identifier":
            bindings = ctx.reaching(ctx.text(node), node)
            if not bindings or any(b.kind not in VALUE_BINDINGS for b in bindings) or \
                    (len(bindings) > 1 and not ctx.overrides(bindings[-1], node)):
                break  # `let u = 'https://x/'; if (c) u = req.query.u;`: either one
            node = bindings[-1].value
        else:
            break
    return prefix


def names_in(ctx, node) -> set[str]:
    """Variable names a value is built from (and those one assignment further back)."""
    names: set[str] = set()
    stack = [(node, 0)]
    while stack:
        current, hops = stack.pop()
        if current is None:
            continue
        if current.type == "identifier":
            name = ctx.text(current)
            if name in names or name in ctx.imports or name in ("req", "request", "ctx"):
                continue
            names.add(name)
            if hops < 2:
                stack.extend((b.value, hops + 1) for b in ctx.reaching(name, current)
                             if b.value is not None)
        elif current.type not in ("arrow_function", "function_expression"):
            stack.extend((child, hops) for child in current.named_children)
    return names


def checked_before(ctx, value, guard) -> bool:
    """True when a line of the same function, up to `value`, or the condition of a
    `cond ? value : fallback` at the sink matches `guard` (a pattern, or a predicate on the
    line's text) and names a variable `value` is built from (any branch counts: an
    approximation)."""
    matches = guard.search if isinstance(guard, re.Pattern) else guard
    function = ctx.function_of(value)
    start = function.start_byte if function is not None else 0
    names = names_in(ctx, value)
    if not names:
        return False
    text = ctx.source.data[start:value.start_byte].decode("utf-8", "replace")
    inline = unwrap(value)
    if inline is not None and inline.type == "ternary_expression":  # `ok(x) ? x : '/'`
        text += "\n" + ctx.text(inline.child_by_field_name("condition"))
    for line in text.splitlines():
        if matches(line) and any(re.search(rf"\b{re.escape(name)}\b", line)
                                      for name in names):
            return True
    return False
