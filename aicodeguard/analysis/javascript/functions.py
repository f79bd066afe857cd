"""The file's own functions as the taint tracker sees them: which function a call runs,
what it returns, and where it is called from.

Calls are resolved by name inside the file only: a function declaration, a `const f =`
arrow or function expression, and `this.m()` to a method of the enclosing class.
Everything is computed on demand and cached in `ctx.memo`.
"""

from __future__ import annotations

import re

from ..shared import UNKNOWN
from .values import VALUE_BINDINGS, literal, unwrap

_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "generator_function"})
_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
_NESTED = frozenset({"function_declaration", "function_expression", "arrow_function",
                     "method_definition", "generator_function_declaration",
                     "generator_function", "class_declaration", "class"})
MAX_CALL_SITES = 8  # call sites a parameter is followed back to
# Helper names that say the helper makes its input safe.
SANITIZER_NAME = re.compile(r"escape|saniti[sz]|encode|clean|strip|quote|purif|valid|check|"
                            r"safe|allow|whitelist|filter|normali[sz]e|verify|assert",
                            re.IGNORECASE)
_CHECKS = re.compile(r"\b(?:if|switch|throw|try)\b|\?[^.?]|\.replace(?:All)?\(")
# What a caller may have checked an argument with before passing it on.
_CALLER_GUARD = re.compile(rb"\bif\s*\(.*(?:\.test\(|\.match\(|startsWith\(|endsWith\(|"
                           rb"includes\(|indexOf\(|[!=]==|isValid|allow)")


def callee(ctx, call):
    """The function of this file that `call` runs, or None."""
    func = unwrap(call.func)
    if func is None or call.is_new:
        return None
    if func.type == "identifier":
        return named_function(ctx, ctx.text(func), func)
    if func.type == "member_expression" and call.method is not None:
        obj = unwrap(func.child_by_field_name("object"))
        if obj is not None and obj.type == "this":
            return _method(ctx, call.method, call.node)
        if obj is not None and obj.type == "identifier":
            return _instance_method(ctx, obj, call.method)
    return None


def _instance_method(ctx, obj, name: str):
    """`m` of class `C` for `x.m()` after `const x = new C()`."""
    bindings = ctx.reaching(ctx.text(obj), obj)
    value = unwrap(bindings[-1].value) if bindings else None
    if value is None or value.type != "new_expression":
        return None
    constructor = value.child_by_field_name("constructor")
    if constructor is None or constructor.type != "identifier":
        return None
    cls = ctx.text(constructor)
    for method in _index(ctx)[1].get(name, ()):
        owner = method.parent.parent if method.parent is not None else None
        label = owner.child_by_field_name("name") if owner is not None else None
        if label is not None and ctx.text(label) == cls:
            return method
    return None


def attribute_values(ctx, use, name: str) -> list:
    """What `this.name` can hold at `use`: every `this.name = v` in the same class."""
    body = _class_body(ctx, use)
    if body is None:
        return []
    return [binding.value for binding in ctx.bindings.get("this." + name, ())
            if body.start_byte <= binding.node.start_byte < body.end_byte]


def _class_body(ctx, use):
    function = ctx.function_of(use)
    while function is not None and function.type != "method_definition":
        function = ctx.function_of(function)
    return function.parent if function is not None else None


def named_function(ctx, name: str, use):
    bindings = ctx.reaching(name, use)
    if bindings:
        value = unwrap(bindings[-1].value) if bindings[-1].kind in VALUE_BINDINGS else None
        return value if value is not None and value.type in _FUNCTION_VALUES else None
    found = _index(ctx)[0].get(name)
    return found[0] if found is not None and len(found) == 1 else None


def _method(ctx, name: str, use):
    """The method `name` of the class whose body contains `use`."""
    for method in _index(ctx)[1].get(name, ()):
        body = method.parent
        if body is not None and body.start_byte <= use.start_byte < body.end_byte:
            return method
    return None


def _index(ctx):
    """(declared functions by name, methods by name)."""
    found = ctx.memo.get(("functions",))
    if found is None:
        declared: dict[str, list] = {}
        methods: dict[str, list] = {}
        for function in ctx.functions:
            table = declared if function.type in _DECLARATIONS else (
                methods if function.type == "method_definition" else None)
            name = function.child_by_field_name("name") if table is not None else None
            if name is not None:
                table.setdefault(ctx.text(name), []).append(function)
        found = ctx.memo[("functions",)] = (declared, methods)
    return found


def is_builder(ctx, function) -> bool:
    """Is `function` a straight-line value builder, safe to follow into?  Not one that
    checks (`if`, `switch`, `?:`, `throw`, `try`) or rewrites characters (`.replace`), nor
    one whose name says it escapes or validates: those are treated like sanitisers."""
    key = ("builder", function.id)
    found = ctx.memo.get(key)
    if found is None:
        name = _name(ctx, function) or ""
        body = function.child_by_field_name("body")
        found = ctx.memo[key] = body is not None and not SANITIZER_NAME.search(name) and \
            not _CHECKS.search(ctx.text(body))
    return found


def returned_values(ctx, function) -> list:
    """The expressions `function` returns (an arrow's expression body included)."""
    key = ("returns", function.id)
    found = ctx.memo.get(key)
    if found is not None:
        return found
    found = ctx.memo[key] = []
    body = function.child_by_field_name("body")
    if body is None:
        return found
    if body.type != "statement_block":
        found.append(body)
        return found
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type == "return_statement":
            found.extend(child for child in node.named_children if child.type != "comment")
        elif node.type not in _NESTED:
            stack.extend(node.named_children)
    return found


def returned_constant(ctx, function, hops: int = 0, depth: int = 0):
    """The constant every `return` of `function` gives, else UNKNOWN."""
    found = UNKNOWN
    for result in returned_values(ctx, function):
        value = literal(ctx, result, hops, depth)
        if value is UNKNOWN or (found is not UNKNOWN and value != found):
            return UNKNOWN
        found = value
    return found


def declaring_function(ctx, name: str, use):
    """The function whose parameter `use` (a name with no local binding) refers to."""
    scope = ctx.function_of(use)
    while scope is not None:
        if name in ctx.parameters(scope):
            return scope
        scope = ctx.function_of(scope)
    return None


def checked_by_caller(ctx, call, position: int) -> bool:
    """Did the caller test argument `position` (a name it is built from) in an `if` before
    the call?  The test itself is not understood: any such check keeps the trail quiet."""
    arg = call.arg(position)
    if arg is None:
        return False
    before = call.node.start_byte
    lines = [line for start, line in _guard_lines(ctx, ctx.function_of(call.node))
             if start < before]
    if not lines:
        return False
    names = {ctx.text(node) for node in _identifiers(arg)}
    return any(re.search(rf"\b{re.escape(name)}\b", line) for line in lines for name in names)


def _guard_lines(ctx, function) -> list[tuple[int, str]]:
    """(start byte, text) of the lines of `function` (or the file) that test something."""
    key = ("guard-lines", function.id if function is not None else 0)
    found = ctx.memo.get(key)
    if found is None:
        start = function.start_byte if function is not None else 0
        end = function.end_byte if function is not None else len(ctx.source.data)
        found = ctx.memo[key] = []
        offset = start
        for line in ctx.source.data[start:end].split(b"\n"):
            if _CALLER_GUARD.search(line):
                found.append((offset, line.decode("utf-8", "replace")))
            offset += len(line) + 1
    return found


def _identifiers(node) -> list:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(current)
        elif current.type == "member_expression":
            prop = current.child_by_field_name("property")
            if prop is not None:
                found.append(prop)
            stack.append(current.child_by_field_name("object"))
        else:
            stack.extend(current.named_children)
    return found


def call_sites(ctx, function) -> list:
    """Calls in this file that run `function` (through its name or `this.name`)."""
    key = ("call-sites", function.id)
    found = ctx.memo.get(key)
    if found is not None:
        return found
    found = ctx.memo[key] = []
    name = _name(ctx, function)
    for node in ctx.calls_by_name.get(name, ()) if name else ():
        call = ctx.call(node)
        target = callee(ctx, call)
        if target is not None and target.id == function.id:
            found.append(call)
            if len(found) >= MAX_CALL_SITES:
                break
    return found


def _name(ctx, function) -> str | None:
    name = function.child_by_field_name("name")
    if name is not None:
        return ctx.text(name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return ctx.text(target) if target is not None and target.type == "identifier" else None
    return None
