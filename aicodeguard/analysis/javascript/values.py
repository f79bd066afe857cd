"""Constant values and string building in JavaScript/TypeScript expressions.

`literal` computes what an expression is when it does not depend on run-time
data; `string_info` says how a string was put together (template literal,
`+`, `.concat`, `.join`, `util.format`) and which parts are dynamic.  Names
are followed through the bindings `JsContext` collected.  Explicit stacks and
bounded depth: nothing recurses over the tree without a limit.
"""

from __future__ import annotations

import math
import operator
import re

from ..shared import UNKNOWN, StringInfo

MAX_HOPS = 12  # how many assignments a value is followed through
MAX_DEPTH = 100  # how deeply nested an expression is evaluated

# TypeScript wrappers that do not change the value.
TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                         "non_null_expression", "type_assertion"})
VALUE_BINDINGS = frozenset({"declare", "assign"})


def unwrap(node):
    """The expression inside parentheses and TypeScript casts."""
    while node is not None and node.type in TRANSPARENT and node.named_child_count:
        node = node.named_children[0]
    return node


def literal(ctx, node, hops: int = 0, depth: int = 0):
    """The constant value of an expression, or UNKNOWN."""
    node = unwrap(node)
    if node is None or hops > MAX_HOPS or depth > MAX_DEPTH:
        return UNKNOWN
    depth += 1
    kind = node.type
    if kind == "string":
        return _string_text(ctx, node)
    if kind == "template_string":
        if any(child.type == "template_substitution" for child in node.named_children):
            return UNKNOWN
        return _string_text(ctx, node)
    if kind == "number":
        return _number(ctx.text(node))
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind == "unary_expression":
        return _unary(ctx, node, hops, depth)
    if kind == "binary_expression":
        return _binary(ctx, node, hops, depth)
    if kind in ("member_expression", "subscript_expression"):
        return _member(ctx, node, hops, depth)
    if kind == "call_expression":
        return ctx.call_literal(node, hops + 1, depth)
    if kind == "ternary_expression":
        condition = literal(ctx, node.child_by_field_name("condition"), hops, depth)
        if condition is UNKNOWN:
            return UNKNOWN
        arm = "consequence" if truthy(condition) else "alternative"
        return literal(ctx, node.child_by_field_name(arm), hops, depth)
    if kind == "array":
        items = [literal(ctx, child, hops, depth) for child in node.named_children
                 if child.type != "comment"]
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    if kind == "identifier":
        return _name_value(ctx, node, hops, depth)
    return UNKNOWN


def _name_value(ctx, node, hops: int, depth: int):
    """The constant a name holds: what its last assignment gives, when that assignment
    always runs before the use or every earlier one is constant too (`let v = 'a'; if (c)
    v = param;` is not constant)."""
    bindings = ctx.reaching(ctx.text(node), node)
    if not bindings or any(b.kind not in VALUE_BINDINGS for b in bindings):
        return UNKNOWN
    value = literal(ctx, bindings[-1].value, hops + 1, depth)
    if value is UNKNOWN or len(bindings) == 1 or ctx.overrides(bindings[-1], node):
        return value
    for binding in bindings[:-1]:
        if binding.value is not None and literal(ctx, binding.value, hops + 1, depth) is UNKNOWN:
            return UNKNOWN
    return value


def target_name(ctx, node) -> str | None:
    """The name a value is stored or read under: `x`, `obj.prop` -> `prop`, `d['key']` ->
    `key`; None for other shapes."""
    kind = node.type
    if kind == "identifier":
        return ctx.text(node)
    if kind == "member_expression":
        prop = node.child_by_field_name("property")
        return ctx.text(prop) if prop is not None else None
    if kind == "subscript_expression":
        key = ctx.literal(node.child_by_field_name("index"))
        return key if isinstance(key, str) else None
    return None


def access_key(ctx, node, hops: int = 0, depth: int = 0) -> str | None:
    """`k` for `o.k` and `o["k"]`, else None."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return ctx.text(prop) if prop is not None else None
    index = literal(ctx, node.child_by_field_name("index"), hops, depth)
    return index if isinstance(index, str) else None


def written_key(ctx, node, hops: int = 0, depth: int = 0) -> tuple[str | None, bool]:
    """For an assignment `o.k = v` (`o["k"] = v`): (`k`, True); for `o.k.x = v`:
    (`k`, False); (None, False) for anything else."""
    if node.type != "assignment_expression":
        return None, False
    left = unwrap(node.child_by_field_name("left"))
    key, levels = None, 0
    while left is not None and left.type in ("member_expression", "subscript_expression"):
        key, levels = access_key(ctx, left, hops, depth), levels + 1
        left = unwrap(left.child_by_field_name("object"))
    return key, levels == 1


def _member(ctx, node, hops: int, depth: int):
    """`o.k` where `o` is a local object literal and every later `o.k = v` is constant."""
    if node.type == "subscript_expression":
        index = literal(ctx, node.child_by_field_name("index"), hops, depth)
        if type(index) is int:  # `a[1]` of an array known position by position
            elements = ctx.array_element(node, index)
            if elements is None:
                return UNKNOWN
            return literal(ctx, elements[0], hops + 1, depth) if elements else None
        key = index if isinstance(index, str) else None
    else:
        key = access_key(ctx, node, hops, depth)
    obj = unwrap(node.child_by_field_name("object"))
    if key is None or obj is None or obj.type != "identifier":
        return UNKNOWN
    value = UNKNOWN
    for binding in ctx.reaching(ctx.text(obj), obj):
        if binding.kind in VALUE_BINDINGS and not binding.path:
            value = _object_key(ctx, binding.value, key, hops, depth)
        elif binding.kind == "mutate":
            written, direct = written_key(ctx, binding.node, hops + 1, depth)
            if written is None or (written == key and not direct):
                return UNKNOWN
            if written == key:
                value = literal(ctx, binding.value, hops + 1, depth)
        else:
            return UNKNOWN
        if value is UNKNOWN:
            return UNKNOWN  # any non-constant value the key may still hold
    return value


def _object_key(ctx, obj, key: str, hops: int, depth: int):
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return UNKNOWN
    value = None  # `undefined` until a pair gives the key
    for child in obj.named_children:
        if child.type == "pair":
            name = child.child_by_field_name("key")
            text = ctx.key_text(name) if name is not None else None
            if text is None:
                return UNKNOWN
            if text == key:
                value = literal(ctx, child.child_by_field_name("value"), hops + 1, depth)
        elif child.type != "comment":
            return UNKNOWN  # a spread, a shorthand or a method
    return value


_ARITHMETIC = {
    "-": operator.sub, "*": operator.mul, "%": lambda a, b: math.fmod(a, b) if b else UNKNOWN,
    "/": lambda a, b: a / b if b else UNKNOWN,
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}
_EQUALITY = {"===": True, "==": True, "!==": False, "!=": False}


def _binary(ctx, node, hops: int, depth: int):
    """`+` on strings and numbers, arithmetic and comparisons on numbers, equality,
    `&&`/`||` (enough to fold the conditions of branches that never run)."""
    op = node.child_by_field_name("operator")
    symbol = ctx.text(op) if op is not None else ""
    if symbol not in _ARITHMETIC and symbol not in _EQUALITY and symbol not in ("+", "&&", "||"):
        return UNKNOWN
    left = literal(ctx, node.child_by_field_name("left"), hops, depth)
    if left is UNKNOWN:
        return UNKNOWN
    if symbol in ("&&", "||"):
        if truthy(left) == (symbol == "||"):
            return left
        return literal(ctx, node.child_by_field_name("right"), hops, depth)
    right = literal(ctx, node.child_by_field_name("right"), hops, depth)
    if right is UNKNOWN:
        return UNKNOWN
    if symbol in _EQUALITY:
        if (_is_number(left) and _is_number(right)) or type(left) is type(right):
            same = left == right
        elif symbol in ("==", "!="):
            return UNKNOWN  # loose equality converts types
        else:
            same = False
        return same if _EQUALITY[symbol] else not same
    if symbol == "+" and (isinstance(left, str) or isinstance(right, str)):
        return _js_str(left) + _js_str(right)
    if not _is_number(left) or not _is_number(right):
        return UNKNOWN
    return left + right if symbol == "+" else _ARITHMETIC[symbol](left, right)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def truthy(value) -> bool:
    """JavaScript truthiness of a constant (`literal`'s result)."""
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "") if not isinstance(value, list) else True


def _unary(ctx, node, hops: int, depth: int):
    op = node.child_by_field_name("operator")
    symbol = ctx.text(op) if op is not None else ""
    if symbol == "void":
        return None
    value = literal(ctx, node.child_by_field_name("argument"), hops, depth)
    if value is UNKNOWN:
        return UNKNOWN
    if symbol == "!":
        return not truthy(value)
    if symbol == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    if symbol == "+" and isinstance(value, (int, float)):
        return value
    return UNKNOWN


def _js_str(value) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(_js_str(item) for item in value)
    return str(value)


def _number(text: str):
    text = text.replace("_", "").rstrip("n")
    try:
        return int(text, 0) if text[:2].lower() in ("0x", "0o", "0b") else (
            int(text) if text.isdigit() else float(text))
    except ValueError:
        return UNKNOWN


def _string_text(ctx, node) -> str:
    pieces = []
    for child in node.named_children:
        if child.type == "string_fragment":
            pieces.append(ctx.text(child))
        elif child.type == "escape_sequence":
            pieces.append(unescape(ctx.text(child)))
        elif child.type == "html_character_reference":
            pieces.append(ctx.text(child))
    return "".join(pieces)


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f",
                   "v": "\v"}
_CODE_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]+)\})")


def unescape(text: str) -> str:
    """The character(s) a JavaScript escape sequence stands for."""
    match = _CODE_ESCAPE.fullmatch(text)
    if match:
        code = int(next(group for group in match.groups() if group), 16)
        return chr(code) if code <= 0x10FFFF else ""
    if len(text) == 2 and text[0] == "\\":
        return _SIMPLE_ESCAPES.get(text[1], text[1])
    return text.lstrip("\\")


def string_info(ctx, node) -> StringInfo:
    """How a string was built, following names through assignments."""
    info = StringInfo()
    pieces: list[str] = []
    stack = [(node, 0)]
    seen: set[int] = set()
    while stack:
        current, hops = stack.pop()
        current = unwrap(current)
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        kind = current.type
        if kind == "string":
            info.kinds.add("literal")
            pieces.append(_string_text(ctx, current))
        elif kind == "template_string":
            _template(ctx, current, info, pieces)
        elif kind == "binary_expression" and _operator(ctx, current) == "+":
            info.kinds.add("concat")
            stack.append((current.child_by_field_name("right"), hops))
            stack.append((current.child_by_field_name("left"), hops))
        elif kind == "call_expression":
            _string_call(ctx, current, hops, info, pieces, stack)
        elif kind == "identifier" and hops < MAX_HOPS:
            bindings = [b for b in ctx.reaching(ctx.text(current), current)
                        if b.kind in VALUE_BINDINGS or b.kind == "augment"]
            if not bindings or any(b.value is None for b in bindings):
                _opaque(ctx, current, info, pieces)
                continue
            if any(b.kind == "augment" for b in bindings):
                info.kinds.add("concat")
            stack.extend((b.value, hops + 1) for b in reversed(bindings))
        else:
            _opaque(ctx, current, info, pieces)
    info.literal_text = "".join(pieces)
    return info


def _operator(ctx, node) -> str:
    op = node.child_by_field_name("operator")
    return ctx.text(op) if op is not None else ""


def _template(ctx, node, info: StringInfo, pieces: list[str]) -> None:
    dynamic = False
    for child in node.named_children:
        kind = child.type
        if kind == "string_fragment":
            pieces.append(ctx.text(child))
        elif kind == "escape_sequence":
            pieces.append(unescape(ctx.text(child)))
        elif kind == "template_substitution":
            expr = child.named_children[0] if child.named_child_count else None
            value = literal(ctx, expr)
            if value is UNKNOWN:
                dynamic = True
                info.dynamic_parts.append(expr)
            else:
                pieces.append(_js_str(value))
    info.kinds.add("template" if dynamic else "literal")


# Methods that return a changed copy of the receiver string.
_STRING_METHODS = frozenset({
    "trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "toString", "slice",
    "substring", "substr", "normalize", "toLocaleLowerCase", "toLocaleUpperCase",
})


def _string_call(ctx, call, hops, info: StringInfo, pieces, stack) -> None:
    func = unwrap(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    arg_nodes = [a for a in args.named_children if a.type != "comment"] \
        if args is not None and args.type == "arguments" else []
    if func is not None and func.type == "member_expression":
        receiver = func.child_by_field_name("object")
        prop = func.child_by_field_name("property")
        method = ctx.text(prop) if prop is not None else ""
        if method == "concat":
            info.kinds.add("concat")
            stack.extend((arg, hops) for arg in reversed(arg_nodes))
            stack.append((receiver, hops))
            return
        if method == "join":
            info.kinds.add("join")
            items = ctx.array_items(receiver)
            if items is None:
                info.dynamic_parts.append(receiver)
            else:
                stack.extend((item, hops) for item in reversed(items))
            return
        if method in _STRING_METHODS:
            stack.append((receiver, hops))
            return
    name = ctx.qualname(func) if func is not None else None
    if name in ("util.format", "format") and arg_nodes:
        info.kinds.add("util_format")
        stack.append((arg_nodes[0], hops))
        for arg in arg_nodes[1:]:
            if literal(ctx, arg) is UNKNOWN:
                info.dynamic_parts.append(arg)
        return
    if name == "String" and arg_nodes:
        stack.append((arg_nodes[0], hops))
        return
    _opaque(ctx, call, info, pieces)


def _opaque(ctx, node, info: StringInfo, pieces: list[str]) -> None:
    value = literal(ctx, node)
    if value is UNKNOWN:
        info.dynamic_parts.append(node)
    else:
        pieces.append(_js_str(value))
