"""Value questions the crypto and secret checks share: is this argument a
compile-time constant, where does a value end up (which name receives it),
which names does an expression mention, what was a receiver constructed from.

All walks use explicit stacks or bounded parent climbs; names are followed
through assignments with `PyContext.reaching`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.python.context import MAX_HOPS, PyContext
from ...model import Edit

# Calls whose result is constant when their arguments are.
_CONSTANT_CALLS = frozenset({
    "bytes", "bytearray", "str", "bytes.fromhex", "bytearray.fromhex", "binascii.unhexlify",
    "binascii.a2b_hex", "base64.b64decode", "base64.urlsafe_b64decode", "codecs.decode",
})
_CONSTANT_METHODS = frozenset({"encode", "decode", "ljust", "rjust", "zfill", "join", "fromhex",
                               "upper", "lower", "strip"})
# Attributes holding sizes (`b"\0" * AES.block_size`).
_SIZE_ATTRIBUTES = frozenset({"block_size", "BLOCK_SIZE", "key_size", "digest_size"})
_LITERAL_TYPES = frozenset({"string", "concatenated_string", "integer", "float", "true",
                            "false", "none"})
_COMPOSITE_TYPES = frozenset({"parenthesized_expression", "binary_operator", "unary_operator",
                              "list", "tuple", "expression_list"})


def is_constant(ctx: PyContext, node) -> bool:
    """True when every part of the value is fixed in the source (literals, their
    products and encodings, names assigned only such values)."""
    stack = [(node, 0)]
    while stack:
        current, hops = stack.pop()
        if current is None or hops > MAX_HOPS:
            return False
        kind = current.type
        if kind in _LITERAL_TYPES:
            if kind == "string" and any(c.type == "interpolation" for c in current.named_children):
                return False
            continue
        if kind == "keyword_argument":
            stack.append((current.child_by_field_name("value"), hops))
            continue
        if kind in _COMPOSITE_TYPES:
            stack.extend((child, hops) for child in current.named_children
                         if child.type != "comment")
            continue
        if kind == "attribute":
            attr = current.child_by_field_name("attribute")
            if attr is not None and ctx.text(attr) in _SIZE_ATTRIBUTES:
                continue
            return False
        if kind == "call":
            parts = _constant_call_parts(ctx, current)
            if parts is None:
                return False
            stack.extend((part, hops) for part in parts)
            continue
        if kind == "identifier":
            bindings = ctx.reaching(ctx.text(current), current)
            if not bindings or any(b.kind != "assign" or b.value is None for b in bindings):
                return False
            stack.extend((b.value, hops + 1) for b in bindings)
            continue
        return False
    return True


def _constant_call_parts(ctx: PyContext, node):
    """The inputs of a value-preserving call (`bytes(16)`, `"k".encode()`), else None."""
    call = ctx.call(node)
    args = list(call.positional) + list(call.keywords.values())
    if call.star_args or call.star_kwargs:
        return None
    if call.qualname in _CONSTANT_CALLS:
        return args
    if call.method in _CONSTANT_METHODS and call.func is not None:
        return [call.func.child_by_field_name("object"), *args]
    return None


def string_literal(ctx: PyContext, node, hops: int = 0):
    """The plain string node a value is (`"k"`, `b"k"`, `"k".encode()`, a name bound
    only to one), or None."""
    while node is not None and hops <= MAX_HOPS:
        kind = node.type
        if kind in ("string", "concatenated_string"):
            return node if ctx.is_literal(node) else None
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            node = node.named_children[0]
        elif kind == "call":
            call = ctx.call(node)
            if call.method != "encode" or call.func is None:
                return None
            node = call.func.child_by_field_name("object")
        elif kind == "identifier":
            bindings = ctx.reaching(ctx.text(node), node)
            if len(bindings) != 1 or bindings[0].kind != "assign":
                return None
            node, hops = bindings[0].value, hops + 1
        else:
            return None
    return None


def first_line(ctx: PyContext, node) -> str:
    """The node's source text up to its first line break (what a snippet can echo)."""
    return ctx.text(node).split("\n", 1)[0]


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a value ends up: kind is assign, keyword, key, return, default, append or argument."""

    kind: str
    name: str
    node: object


# Calls that hand on (a transformation of) their input: the value keeps its purpose.
_TRANSFORM_TAILS = frozenset({
    "str", "int", "hex", "format", "chr", "join", "encode", "decode", "hexdigest", "digest",
    "upper", "lower", "zfill", "rjust", "ljust", "map", "list", "tuple", "bytes", "bytearray",
    "b64encode", "urlsafe_b64encode", "b32encode", "hexlify", "md5", "sha1", "sha256",
    "sha512", "sha224", "sha384", "new", "update", "replace", "strip", "to_bytes",
})
_TRANSPARENT = frozenset({
    "parenthesized_expression", "binary_operator", "interpolation", "string",
    "concatenated_string", "conditional_expression", "boolean_operator", "list", "tuple",
    "set", "expression_list", "await", "subscript", "format_expression", "unary_operator",
})
_COMPREHENSIONS = frozenset({"generator_expression", "list_comprehension", "set_comprehension"})
_ADDERS = frozenset({"append", "extend", "add", "insert", "shuffle"})
MAX_CLIMB = 16


def destination(ctx: PyContext, node) -> Destination | None:
    """The name that receives `node`'s value, climbing through string building,
    comprehensions and transforming calls (`str(...)`, `"".join(...)`, `.hexdigest()`)."""
    current = node
    for _ in range(MAX_CLIMB):
        parent = current.parent
        if parent is None:
            return None
        kind = parent.type
        if kind in ("assignment", "augmented_assignment"):
            right = parent.child_by_field_name("right")
            if right is None or right.id != current.id:
                return None
            name = target_name(ctx, parent.child_by_field_name("left"))
            return Destination("assign", name, parent) if name else None
        if kind == "keyword_argument":
            name = parent.child_by_field_name("name")
            return Destination("keyword", ctx.text(name), parent) if name is not None else None
        if kind == "pair":
            key = ctx.literal(parent.child_by_field_name("key"))
            return Destination("key", key, parent) if isinstance(key, str) else None
        if kind == "return_statement":
            function = ctx.function_of(parent)
            name = function.child_by_field_name("name") if function is not None else None
            return Destination("return", ctx.text(name), parent) if name is not None else None
        if kind in ("default_parameter", "typed_default_parameter"):
            name = parent.child_by_field_name("name")
            return Destination("default", ctx.text(name), parent) if name is not None else None
        if kind in ("argument_list", "call"):
            owner = parent.parent if kind == "argument_list" else parent
            arguments = owner.child_by_field_name("arguments") if owner is not None else None
            if owner is None or owner.type != "call" or arguments is None or (
                    kind == "call" and arguments.id != current.id):
                return None
            call = ctx.call(owner)
            tail = call.name.rpartition(".")[2]
            if tail in _ADDERS and call.func is not None and call.func.type == "attribute":
                name = target_name(ctx, call.func.child_by_field_name("object"))
                return Destination("append", name, call.node) if name else None
            if tail not in _TRANSFORM_TAILS:
                return Destination("argument", tail, call.node) if tail else None
            current = call.node
            continue
        if kind == "attribute":
            call = parent.parent
            if call is None or call.type != "call" or ctx.call(call).method not in _TRANSFORM_TAILS:
                return None
            current = call
            continue
        if kind in _COMPREHENSIONS:
            body = parent.child_by_field_name("body")
            if body is None or body.id != current.id:
                return None
        elif kind not in _TRANSPARENT:
            return None
        current = parent
    return None


def target_name(ctx: PyContext, node) -> str | None:
    """`x`, `obj.attr` -> `attr`, `d["key"]` -> `key`; None for other targets."""
    if node is None:
        return None
    kind = node.type
    if kind == "identifier":
        return ctx.text(node)
    if kind == "attribute":
        attr = node.child_by_field_name("attribute")
        return ctx.text(attr) if attr is not None else None
    if kind == "subscript":
        key = ctx.literal(node.child_by_field_name("subscript"))
        return key if isinstance(key, str) else None
    return None


def names_in(ctx: PyContext, node, limit: int = 200) -> list[str]:
    """Identifiers, attribute names and string subscript keys an expression mentions,
    following local names one assignment back."""
    found: list[str] = []
    stack = [(node, 0)]
    seen = 0
    while stack and seen < limit:
        current, hops = stack.pop()
        if current is None:
            continue
        seen += 1
        kind = current.type
        if kind == "identifier":
            name = ctx.text(current)
            found.append(name)
            if hops == 0:
                earlier = [b for b in ctx.reaching(name, current)
                           if not b.node.start_byte <= current.start_byte < b.node.end_byte]
                for binding in earlier[-1:]:
                    if binding.value is not None and binding.kind in ("assign", "augment"):
                        stack.append((binding.value, hops + 1))
        elif kind == "string":
            value = ctx.literal(current)
            if isinstance(value, str) and len(value) < 40 and current.parent is not None and \
                    current.parent.type in ("subscript", "argument_list"):
                found.append(value)
            stack.extend((child, hops) for child in current.named_children
                         if child.type == "interpolation")
        else:
            stack.extend((child, hops) for child in current.named_children)
    return found


def bound_call(ctx: PyContext, node):
    """The `Call` that made the object `node` refers to (`s = requests.Session()`,
    `with aiohttp.ClientSession() as s`, `requests.Session().get`), or None."""
    for _ in range(MAX_HOPS):
        if node is None:
            return None
        if node.type == "call":
            return ctx.call(node)
        if node.type == "await" and node.named_child_count:
            node = node.named_children[0]
            continue
        if node.type != "identifier":
            return None
        bindings = [b for b in ctx.reaching(ctx.text(node), node)
                    if b.kind in ("assign", "with", "walrus")]
        if not bindings or bindings[-1].value is None:
            return None
        node = bindings[-1].value
    return None


def receiver(call):
    """The object a method is called on, or None for plain function calls."""
    if call.func is None or call.func.type != "attribute":
        return None
    return call.func.child_by_field_name("object")


def constant_name(ctx: PyContext, node) -> str:
    """The qualified name an argument refers to (`ssl.CERT_NONE`), also through a
    name assigned it (`MODE = AES.MODE_ECB`), or ''."""
    for _ in range(MAX_HOPS):
        if node is None or node.type not in ("identifier", "attribute"):
            return ""
        name = ctx.qualname(node) or ""
        if node.type == "attribute" or name != ctx.text(node):
            return name
        bindings = ctx.reaching(name, node)
        if len(bindings) != 1 or bindings[0].kind != "assign":
            return name
        node = bindings[0].value
    return ""


def dict_value(ctx: PyContext, node, key: str):
    """The value stored under `key` in a dict literal, `dict(...)` call or a name
    bound to one; None when absent or unknown."""
    for _ in range(MAX_HOPS):
        if node is None:
            return None
        if node.type == "identifier":
            bindings = ctx.reaching(ctx.text(node), node)
            if not bindings or bindings[-1].kind != "assign":
                return None
            node = bindings[-1].value
            continue
        if node.type == "dictionary":
            for pair in node.named_children:
                if pair.type == "pair" and ctx.literal(pair.child_by_field_name("key")) == key:
                    return pair.child_by_field_name("value")
            return None
        if node.type == "call" and ctx.call(node).qualname == "dict":
            return ctx.call(node).keywords.get(key)
        return None
    return None


def replace_edit(ctx: PyContext, node, text: str) -> Edit:
    loc = ctx.location(node)
    return Edit(loc.line, loc.column, loc.end_line, loc.end_column, text)


def append_keyword_edit(ctx: PyContext, call, text: str) -> Edit | None:
    """An edit adding `text` (e.g. `usedforsecurity=False`) as the call's last argument."""
    args = call.node.child_by_field_name("arguments")
    if args is None or args.type != "argument_list" or args.child_count < 2:
        return None
    close = args.children[-1]
    before = args.children[-2]
    if before.type == "(":
        prefix = ""
    elif before.type == ",":
        prefix = " "
    else:
        prefix = ", "
    loc = ctx.location(close)
    return Edit(loc.line, loc.column, loc.line, loc.column, prefix + text)


# Packages whose modules code often star-imports (`from Crypto.Cipher import *`).
STAR_IMPORTED_PACKAGES = ("Crypto.", "Cryptodome.")


def with_bare_names(table: dict) -> dict:
    """Add `DES.new` beside `Crypto.Cipher.DES.new`: after `from Crypto.Cipher import *`
    (or in a snippet missing its imports) the call is only known by that name."""
    bare = {".".join(name.split(".")[2:]): value for name, value in table.items()
            if name.startswith(STAR_IMPORTED_PACKAGES)}
    _BARE_NAMES.update(bare)
    return {**bare, **table}


_BARE_NAMES: set[str] = set()


def lookup(ctx: PyContext, call, table: dict):
    """`table[call.qualname]`, refusing a bare name whose head the file binds itself."""
    name = call.qualname or ""
    found = table.get(name)
    if found is not None and name in _BARE_NAMES:
        head = name.partition(".")[0]
        if head in ctx.bindings or head in ctx.imports or _defines(ctx, head):
            return None
    return found


def _defines(ctx: PyContext, name: str) -> bool:
    """Does the module define a class or function of this name at top level?"""
    for node in ctx.tree.root_node.named_children:
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition")
        if node is not None and node.type in ("class_definition", "function_definition"):
            defined = node.child_by_field_name("name")
            if defined is not None and ctx.text(defined) == name:
                return True
    return False


def methods_called_in(ctx: PyContext, node, whole=False) -> set[str]:
    """Names of the methods called anywhere in `node`'s function (or module); with
    `whole`, anywhere inside `node` itself (a class)."""
    scope = node if whole else ctx.function_of(node) or ctx.tree.root_node
    names: set[str] = set()
    stack = [scope]
    while stack:
        current = stack.pop()
        if current.type == "call":
            func = current.child_by_field_name("function")
            if func is not None and func.type == "attribute":
                names.add(ctx.text(func.child_by_field_name("attribute")))
        stack.extend(current.named_children)
    return names
