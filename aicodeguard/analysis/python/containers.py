"""Entries of dicts and lists, and attributes of `self`, followed one by one.

`d = {"cmd": "ls"}; d["arg"] = param; run(d["cmd"])` reads the constant entry, not
`param`; `items = ["safe", param, "x"]; items.pop(0); items[1]` is `"x"`.  The
container is replayed from a literal through the changes made to it in straight-line
code before the read (item assignments, `append`/`extend`/`insert`/`pop`/`update`/
`setdefault`/`clear` with constant keys and positions).  Whenever the replay is unsure
(a change inside a branch or loop, a non-constant key, the container passed to a call
that may change it, an alias), the answer is None and the taint walk takes the whole
container, as it always did.

`self.x` reads what the same method assigned to `self.x` before, or else whatever
any method of the class (`__init__` included) assigns to it.
"""

from __future__ import annotations

import re

from .context import PyContext, runs_before, surviving
from .guards import is_dead

# Calls that read a container passed to them and never change it.
READING_CALLS = frozenset({
    "len", "str", "repr", "list", "tuple", "set", "dict", "sorted", "print", "enumerate",
    "zip", "any", "all", "min", "max", "sum", "iter", "reversed", "bool", "frozenset",
})
# Methods that read a container without changing it.
READING_METHODS = frozenset({"get", "keys", "values", "items", "copy", "index", "count"})
# Methods the replay understands; any other method call on the container stops it.
CHANGING_METHODS = frozenset({"append", "extend", "insert", "pop", "update", "setdefault",
                              "clear"})
_LITERALS = frozenset({"dictionary", "list", "tuple"})
_UNKNOWN = object()


def attribute_values(ctx: PyContext, node) -> list:
    """The values assigned to `self.<name>` that a read of it may see (see above)."""
    obj = node.child_by_field_name("object")
    if obj is None or obj.type != "identifier" or ctx.text(obj) != "self":
        return []
    name = "".join(ctx.text(node).split())
    if name not in ctx.bindings:
        return []
    local = surviving(ctx.live_bindings(name, node), node)
    if local:
        return [b.value for b in local if b.value is not None]
    klass = _class_of(ctx, node)
    return [b.value for b in ctx.bindings[name] if b.value is not None and klass is not None
            and _class_of(ctx, b.node) == klass and not is_dead(ctx, b.node)]


def changed_values(ctx: PyContext, node) -> list:
    """What was put into the container a name holds after it was assigned
    (`parts.append(x)`, `d["k"] = x`): part of its value too.  [] for anything else."""
    if node is None or node.type != "identifier":
        return []
    name = ctx.text(node)
    if not any(b.kind in ("mutate", "item") for b in ctx.bindings.get(name, ())):
        return []
    return [b.value for b in ctx.reaching(name, node)
            if b.kind in ("mutate", "item") and b.value is not None]


def element_values(ctx: PyContext, node) -> list | None:
    """The values a constant-key read `d["k"]` / `items[0]` / `d.get("k")` may see, or
    None when the container is not known entry by entry."""
    key = ("element", node.id)
    if key not in ctx.memo:
        ctx.memo[key] = _element_values(ctx, node)
    return ctx.memo[key]


def _element_values(ctx: PyContext, node) -> list | None:
    default = None
    if node.type == "subscript":
        container = node.child_by_field_name("value")
        index = node.child_by_field_name("subscript")
    else:
        call = ctx.call(node)
        if call.method != "get" or not call.positional or len(call.positional) > 2:
            return None
        container = call.func.child_by_field_name("object")
        index = call.positional[0]
        default = call.positional[1] if len(call.positional) == 2 else None
    if container is None or container.type != "identifier" or index is None:
        return None
    wanted = ctx.literal(index)
    if not isinstance(wanted, (int, str)) or isinstance(wanted, bool):
        return None
    state = _replay(ctx, ctx.text(container), node)
    if state is None:
        return None
    if isinstance(state, dict):
        found = state.get(wanted)
        return found if found is not None else [default] if default is not None else []
    if not isinstance(wanted, int) or not -len(state) <= wanted < len(state):
        return None
    return state[wanted]


def _replay(ctx: PyContext, name: str, use):
    """The container's entries (dict: key -> value nodes; list: value nodes per
    position) just before `use`, or None when unsure."""
    bindings = surviving(ctx.live_bindings(name, use), use)
    if not bindings or bindings[0].kind != "assign" or bindings[0].value is None \
            or bindings[0].value.type not in _LITERALS \
            or not runs_before(bindings[0].node, use):
        return None
    state = _from_literal(ctx, bindings[0].value)
    if state is None:
        return None
    changes = {b.node.id for b in bindings[1:]}
    start = bindings[0].node.end_byte
    for occurrence in _occurrences(ctx, name, start, use.start_byte):
        change = _change(ctx, occurrence, changes)
        if change is _UNKNOWN or change is not None and not runs_before(change, use):
            return None
        if change is not None and not _apply(ctx, state, change):
            return None
    return state


def _from_literal(ctx: PyContext, value):
    if value.type != "dictionary":
        items = value.named_children
        if any(item.type in ("list_splat", "comment") for item in items):
            return None
        return [[item] for item in items]
    state: dict = {}
    for pair in value.named_children:
        if pair.type != "pair":
            return None
        key = ctx.literal(pair.child_by_field_name("key"))
        if not isinstance(key, (int, str)) or isinstance(key, bool):
            return None
        state[key] = [pair.child_by_field_name("value")]
    return state


def _occurrences(ctx: PyContext, name: str, start: int, end: int):
    pattern = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
    root = ctx.tree.root_node
    for match in pattern.finditer(ctx.source.data, start, end):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is not None and node.type == "identifier":
            yield node


def _change(ctx: PyContext, identifier, changes: set[int]):
    """The statement node an occurrence of the container changes it by, None for a
    read, _UNKNOWN for anything else."""
    parent = identifier.parent
    if parent is None:
        return _UNKNOWN
    owner = parent.parent
    if parent.type == "subscript" and parent.child_by_field_name("value").id == identifier.id:
        if owner is not None and owner.type == "assignment" \
                and owner.child_by_field_name("left").id == parent.id:
            return owner if owner.id in changes else _UNKNOWN
        return None  # a read of one entry
    if parent.type == "attribute" and owner is not None and owner.type == "call":
        method = ctx.call(owner).method
        if method in READING_METHODS:
            return None
        return owner if method in CHANGING_METHODS else _UNKNOWN
    if parent.type == "argument_list" and owner is not None and owner.type == "call":
        call = ctx.call(owner)
        return None if call.qualname in READING_CALLS or call.method == "join" else _UNKNOWN
    if parent.type in ("comparison_operator", "for_statement", "for_in_clause"):
        return None
    return _UNKNOWN


def _apply(ctx: PyContext, state, change) -> bool:
    """Replay one change on `state`; False when it cannot be followed exactly."""
    if change.type == "assignment":
        key = ctx.literal(change.child_by_field_name("left").child_by_field_name("subscript"))
        return _store(state, key, change.child_by_field_name("right"))
    call = ctx.call(change)
    method, args = call.method, call.positional
    if call.star_args or call.star_kwargs:
        return False
    if method == "clear" and not args:
        state.clear()
        return True
    if isinstance(state, dict):
        return _apply_dict(ctx, state, method, args, call.keywords)
    if method == "append" and len(args) == 1:
        state.append([args[0]])
    elif method == "extend" and len(args) == 1 and args[0].type in ("list", "tuple"):
        state.extend([item] for item in args[0].named_children)
    elif method == "insert" and len(args) == 2 and _int(ctx, args[0]) is not None:
        state.insert(_int(ctx, args[0]), [args[1]])
    elif method == "pop" and len(args) <= 1 and state:
        position = _int(ctx, args[0]) if args else -1
        if position is None or not -len(state) <= position < len(state):
            return False
        state.pop(position)
    else:
        return False
    return True


def _apply_dict(ctx: PyContext, state: dict, method, args, keywords) -> bool:
    if method == "update" and not args:
        state.update((key, [value]) for key, value in keywords.items())
        return True
    if method == "update" and len(args) == 1 and args[0].type == "dictionary" and not keywords:
        entries = _from_literal(ctx, args[0])
        if entries is None:
            return False
        state.update(entries)
        return True
    key = ctx.literal(args[0]) if args else None
    if not isinstance(key, (int, str)) or isinstance(key, bool):
        return False
    if method == "pop" and len(args) <= 2:
        state.pop(key, None)
        return True
    if method == "setdefault" and len(args) == 2:
        state.setdefault(key, [args[1]])
        return True
    return False


def _store(state, key, value) -> bool:
    if isinstance(state, dict):
        if not isinstance(key, (int, str)) or isinstance(key, bool):
            return False
        state[key] = [value]
        return True
    if not isinstance(key, int) or isinstance(key, bool) or not -len(state) <= key < len(state):
        return False
    state[key] = [value]
    return True


def _int(ctx: PyContext, node):
    value = ctx.literal(node)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _class_of(ctx: PyContext, node):
    scope = ctx.scope_of(node)
    while scope.type != "class_definition":
        if scope.type == "module":
            return None
        scope = ctx.scope_of(scope)
    return scope.id
