"""Positions of an array, followed one by one where they are certain.

`const a = ['safe', req.query.x]; a.shift(); exec(a[0])` runs the request data, and
`const a = [req.query.x, 'ls']; exec(a[1])` runs `ls`.  The array is replayed from its
literal through the changes made to it in straight-line code before the read (`push`,
`unshift`, `pop`, `shift`, `splice` and `a[i] = v` with constant positions).  Whenever
the replay is unsure — a change inside a branch or loop the read is not in, a
non-constant position, a spread, the array passed to a call or given another name, a
method the replay does not know — the answer is None and the whole array counts, as it
always did.
"""

from __future__ import annotations

from .values import VALUE_BINDINGS, unwrap

# Methods that read an array without changing it (a callback given to one could, but
# that is not how they are used).
READING_METHODS = frozenset({
    "join", "includes", "indexOf", "lastIndexOf", "slice", "concat", "map", "filter",
    "forEach", "some", "every", "find", "findIndex", "findLast", "findLastIndex", "reduce",
    "reduceRight", "at", "entries", "keys", "values", "toString", "flat", "flatMap",
})
CHANGING_METHODS = frozenset({"push", "unshift", "pop", "shift", "splice"})
MAX_ITEMS = 256
MAX_NESTED = 4  # array reads replayed inside one another (`a[b[0]]`, `i = a[0]; b[i]`)


def element_values(ctx, node, position: int) -> list | None:
    """What `a[position]` holds: [the element's expression], [] when the position is past
    the end, None when the array is not known position by position."""
    array = unwrap(node.child_by_field_name("object"))
    if not 0 <= position <= MAX_ITEMS or array is None or array.type != "identifier":
        return None
    name = ctx.text(array)
    bindings = ctx.reaching(name, node)
    if not bindings or bindings[0].kind not in VALUE_BINDINGS or bindings[0].path:
        return None
    declared = bindings[0]
    literal = unwrap(declared.value)
    if literal is None or literal.type != "array" or \
            ctx.scope_of(declared.node).id != ctx.scope_of(node).id or \
            any(b.kind != "mutate" for b in bindings[1:]):
        return None
    items = [child for child in literal.named_children if child.type != "comment"]
    if len(items) > MAX_ITEMS or any(item.type == "spread_element" for item in items):
        return None
    scope = ctx.scope_of(node)
    for use in _uses(ctx, name, scope, literal.end_byte, scope.end_byte):
        if use.start_byte < node.start_byte:
            changed = _replay(ctx, use, node, items)
        else:  # a function declared later may still run before the read: it may only read
            changed = ctx.scope_of(use).id == scope.id or _replay(ctx, use, node, list(items))
        if not changed:
            return None
    return [items[position]] if position < len(items) else []


def _position(ctx, index) -> int | None:
    value = ctx.literal(index) if index is not None else None
    return value if type(value) is int and 0 <= value <= MAX_ITEMS else None


def _uses(ctx, name: str, scope, start: int, end: int) -> list:
    """The identifiers `name` in `scope` (nested functions included) between two byte
    offsets, in order."""
    found, stack = [], [scope]
    while stack:
        current = stack.pop()
        if current.end_byte <= start or current.start_byte >= end:
            continue
        if current.type == "identifier" and ctx.text(current) == name:
            found.append(current)
        else:
            stack.extend(reversed(current.named_children))
    return found


def _replay(ctx, use, read, items: list) -> bool:
    """Apply what `use` (an occurrence of the array's name) does to `items`; False when
    it is not understood."""
    parent = use.parent
    if parent is None:
        return False
    if parent.type == "subscript_expression" and \
            parent.child_by_field_name("object").id == use.id:
        outer = parent.parent
        if outer is None or outer.type != "assignment_expression" or \
                outer.child_by_field_name("left").id != parent.id:
            return True  # a read
        return _in_line(ctx, outer, read) and _assign(ctx, parent, outer, items)
    if parent.type != "member_expression" or parent.child_by_field_name("object").id != use.id:
        return False  # passed on, aliased, spread, returned...
    prop = parent.child_by_field_name("property")
    method = ctx.text(prop) if prop is not None else ""
    call = parent.parent
    if call is not None and call.type == "assignment_expression":
        return call.child_by_field_name("left").id != parent.id  # `a.length = 0`
    if call is None or call.type != "call_expression" or \
            call.child_by_field_name("function").id != parent.id:
        return method == "length" or method in READING_METHODS
    if method in READING_METHODS:
        return True
    if method not in CHANGING_METHODS or not _in_line(ctx, call, read):
        return False
    return _change(ctx, ctx.call(call), method, items)


def _in_line(ctx, node, read) -> bool:
    """Does `node` always run before `read`, in the same statement list or one around it?"""
    return ctx.overrides(_At(node), read)


def _assign(ctx, target, assignment, items: list) -> bool:
    position = _position(ctx, target.child_by_field_name("index"))
    if position is None or position > len(items):
        return False
    value = assignment.child_by_field_name("right")
    if position == len(items):
        items.append(value)
    else:
        items[position] = value
    return True


def _change(ctx, call, method: str, items: list) -> bool:
    if call.spread:
        return False
    args = call.args
    if method == "push":
        items.extend(args)
    elif method == "unshift":
        items[0:0] = args
    elif method in ("pop", "shift"):
        if items:
            items.pop(-1 if method == "pop" else 0)
    else:  # splice(start, deleteCount, ...inserted)
        start = ctx.literal(args[0]) if args else None
        count = ctx.literal(args[1]) if len(args) > 1 else len(items)
        if type(start) is not int or type(count) is not int:
            return False
        start = max(0, len(items) + start) if start < 0 else min(start, len(items))
        items[start:start + max(0, count)] = args[2:]
    return len(items) <= MAX_ITEMS


class _At:
    """A node standing where `JsContext.overrides` expects a binding."""

    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node
