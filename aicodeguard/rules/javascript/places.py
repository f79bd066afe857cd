"""Where a JavaScript value ends up: the name it is stored under, returned from or passed to.

Used by rules that judge a value by its purpose (`Math.random()` for a token,
a hash of a password): they walk up from the expression through the
arithmetic, conversions and string methods that keep its meaning, to the
first place that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.javascript.values import TRANSPARENT

MAX_LEVELS = 16
# Parents through which the value keeps its meaning.
_CARRIERS = TRANSPARENT | frozenset({
    "binary_expression", "template_substitution", "template_string", "unary_expression",
    "ternary_expression", "await_expression", "subscript_expression", "member_expression",
    "array", "spread_element",
})
# Calls that pass the value (or a part of it) on: conversions, string and array methods.
_CARRYING_CALLS = frozenset({
    "Math.floor", "Math.round", "Math.ceil", "Math.trunc", "Math.abs", "String", "Number",
    "parseInt", "parseFloat", "Buffer.from", "Array.from",
})
_CARRYING_METHODS = frozenset({
    "toString", "substring", "substr", "slice", "padStart", "padEnd", "charAt", "at",
    "toUpperCase", "toLowerCase", "join", "digest", "update", "concat", "map", "repeat",
    "replace", "split", "trim", "toFixed",
})
_CONTAINER_METHODS = frozenset({"push", "unshift", "append", "add", "set"})


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # assign, key, return, argument
    name: str
    node: object

    def describe(self) -> str:
        return {"assign": f"`{self.name}`", "key": f"the `{self.name}` property",
                "return": f"the result of `{self.name}()`",
                "argument": f"an argument of `{self.name}()`"}[self.kind]


def destination(ctx, node) -> Place | None:
    """The first named place the value of `node` flows into, walking up the tree."""
    current = node
    for _ in range(MAX_LEVELS):
        parent = current.parent
        if parent is None:
            return None
        kind = parent.type
        if kind in _CARRIERS:
            current = parent
            continue
        if kind in ("variable_declarator", "assignment_expression",
                    "augmented_assignment_expression"):
            target = parent.child_by_field_name("name") or parent.child_by_field_name("left")
            name = _last_name(ctx, target)
            return Place("assign", name, parent) if name else None
        if kind == "pair":
            key = parent.child_by_field_name("key")
            name = ctx.key_text(key) if key is not None else None
            return Place("key", name, parent) if name else None
        if kind in ("return_statement", "arrow_function"):
            function = ctx.function_of(current) if kind == "return_statement" else parent
            name = function_name(ctx, function) if function is not None else None
            return Place("return", name, parent) if name else None
        if kind == "arguments":
            call_node = parent.parent
            if call_node is None or call_node.type not in ("call_expression", "new_expression"):
                return None
            call = ctx.call(call_node)
            if (call.qualname or "") in _CARRYING_CALLS or call.method in _CARRYING_METHODS:
                current = call_node
                continue
            if call.method in _CONTAINER_METHODS:
                name = _last_name(ctx, call.receiver)
                return Place("assign", name, call_node) if name else None
            name = call.method or call.qualname
            return Place("argument", name, call_node) if name else None
        if kind in ("call_expression", "new_expression"):
            call = ctx.call(parent)
            if call.method in _CARRYING_METHODS or call.method is None:
                current = parent
                continue
            return None
        return None
    return None


def _last_name(ctx, node) -> str | None:
    if node is None:
        return None
    if node.type in ("identifier", "property_identifier"):
        return ctx.text(node)
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return ctx.text(prop) if prop is not None else None
    if node.type == "subscript_expression":
        key = ctx.literal(node.child_by_field_name("index"))
        return key if isinstance(key, str) else None
    return None


def function_name(ctx, function) -> str | None:
    """A function's own name, or the name of the variable, property or method holding it."""
    name = function.child_by_field_name("name")
    if name is not None:
        return ctx.text(name)
    parent = function.parent
    while parent is not None and parent.type in TRANSPARENT:
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        return _last_name(ctx, parent.child_by_field_name("name"))
    if parent.type == "assignment_expression":
        return _last_name(ctx, parent.child_by_field_name("left"))
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return ctx.key_text(key) if key is not None else None
    return None
