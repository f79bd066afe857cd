"""Is a value made only from the module's own data?

Code that writes code from its own tables — `for op in ("<", "=="): eval("x %s y" % op)`,
`exec(TEMPLATE.format(name=name))` for each name of a constant list, a private helper
only ever called with the module's constants — builds text no outside party chooses.
`is_own_data` answers yes when every leaf of the value is a literal, a module constant,
a class or function defined in the module, an attribute of an imported module, an
element of a constant collection a loop walks over, or a parameter of a private
function (`_name`, or one nested in another) every caller in the file passes such data
to.  Anything else (a public parameter, a call of an unknown function, an attribute of
an object) is not.  Bounded: MAX_HOPS names per leaf, MAX_CALLERS calls per parameter,
MAX_SUMMARY_DEPTH nested caller look-ups; walks use explicit stacks.
"""

from __future__ import annotations

import re

from ..shared import UNKNOWN
from .context import MAX_HOPS, PyContext
from .summaries import flow

MAX_CALLERS = 16  # call sites read for one parameter
MAX_SUMMARY_DEPTH = 2  # parameters of parameters
MAX_NODES = 2000  # nodes visited for one question

# Builtins (and str methods) whose result is made of their arguments (and receiver).
_COMBINING_CALLS = frozenset({
    "str", "repr", "int", "float", "bool", "len", "sorted", "reversed", "list", "tuple", "set",
    "frozenset", "dict", "dir", "getattr", "range", "enumerate", "zip", "format", "min", "max",
    "abs", "chr", "ord", "hex", "oct", "bin", "type", "vars",
})
_COMBINING_METHODS = frozenset({
    "format", "join", "replace", "strip", "lstrip", "rstrip", "lower", "upper", "title",
    "capitalize", "split", "rsplit", "splitlines", "items", "keys", "values", "copy",
    "encode", "decode", "ljust", "rjust", "center", "zfill", "removeprefix", "removesuffix",
})
_PASS_THROUGH = frozenset({
    "binary_operator", "concatenated_string", "parenthesized_expression", "list", "tuple",
    "set", "expression_list", "conditional_expression", "boolean_operator", "unary_operator",
    "keyword_argument", "pair", "dictionary", "interpolation", "format_expression",
    "argument_list", "list_splat", "dictionary_splat", "comparison_operator", "not_operator",
    "slice", "format_specifier",
})
_COMPREHENSIONS = frozenset({"list_comprehension", "set_comprehension",
                             "generator_expression", "dictionary_comprehension"})
_CONSTANTS = frozenset({"integer", "float", "true", "false", "none", "ellipsis",
                        "string_content", "escape_sequence", "string_start", "string_end",
                        "type_conversion", "comment"})


def is_own_data(ctx: PyContext, node, _depth: int = 0) -> bool:
    """True when `node`'s value is built only from the module's own data (see above)."""
    key = ("own_data", node.id)
    cached = ctx.memo.get(key)
    if cached is None:
        ctx.memo[key] = False  # a cycle through callers counts as "not shown to be own"
        cached = ctx.memo[key] = _Walk(ctx, _depth).run(node)
    return cached


class _Walk:
    def __init__(self, ctx: PyContext, depth: int):
        self.ctx = ctx
        self.depth = depth

    def run(self, node) -> bool:
        ctx = self.ctx
        stack = [(node, 0)]
        seen: set[int] = set()
        while stack:
            current, hops = stack.pop()
            if current is None or current.id in seen:
                continue
            if hops > MAX_HOPS or len(seen) > MAX_NODES:
                return False
            seen.add(current.id)
            kind = current.type
            if kind in _CONSTANTS:
                continue
            if kind == "string":
                stack.extend((child, hops) for child in current.named_children
                             if child.type == "interpolation")
            elif kind in _PASS_THROUGH:
                stack.extend((child, hops) for child in current.named_children)
            elif kind in _COMPREHENSIONS:
                stack.extend((child, hops) for child in current.named_children)
            elif kind in ("for_in_clause", "if_clause"):
                right = current.child_by_field_name("right")
                stack.extend((child, hops) for child in current.named_children
                             if right is None or child.id == right.id
                             or current.type == "if_clause")
            elif kind == "identifier":
                values = self._identifier(current)
                if values is None:
                    return False
                stack.extend((value, hops + 1) for value in values)
            elif kind in ("attribute", "subscript") and ctx.tracker.is_source(current):
                return False  # `bottle.request.params`: not the library's constant
            elif kind == "attribute":
                obj = current.child_by_field_name("object")
                if obj is not None and obj.type == "identifier" and \
                        ctx.text(obj) in ctx.imports and not ctx.reaching(ctx.text(obj), obj):
                    if ctx.taint(current) is not None:  # os.environ, sys.argv
                        return False
                    continue  # `sys.maxsize`, `string.ascii_letters`: the library's constants
                stack.append((obj, hops))
            elif kind == "subscript":
                stack.extend((child, hops) for child in current.named_children)
            elif kind == "call":
                inputs = _call_inputs(ctx, current)
                if inputs is None:
                    return False
                stack.extend((child, hops) for child in inputs)
            else:
                return False
        return True

    def _identifier(self, node) -> list | None:
        """What the name's value is made of; None when that is not the module's own."""
        ctx = self.ctx
        name = ctx.text(node)
        # `line = line[1:]` reads the earlier value: not the binding whose value holds the use
        bindings = [b for b in ctx.reaching(name, node) if b.value is None
                    or not b.value.start_byte <= node.start_byte < b.value.end_byte]
        values = []
        if ctx.is_parameter(name, node):  # what callers pass may still be the value
            passed = self._parameter(name, node)
            if passed is None:
                return None
            values.extend(passed)
        elif not bindings:
            # a class or function defined in this module (not a builtin like `input`)
            return [] if ctx.redefines(name) or name in ("__name__", "__file__") else None
        for binding in bindings:
            if binding.value is None or binding.kind not in (
                    "assign", "augment", "walrus", "for", "unpack", "mutate", "item"):
                return None
            values.append(binding.value)
        return values

    def _parameter(self, name: str, use) -> list | None:
        """The arguments every caller passes for parameter `name` of a private function."""
        ctx = self.ctx
        function = ctx.function_of(use)
        if function is None or function.type != "function_definition" \
                or self.depth >= MAX_SUMMARY_DEPTH:
            return None
        name_node = function.child_by_field_name("name")
        func_name = ctx.text(name_node) if name_node is not None else ""
        nested = ctx.function_of(function) is not None
        if not (func_name.startswith("_") and not func_name.startswith("__")) and not nested:
            return None  # callers outside this file may pass anything
        position = list(ctx.parameters(function)).index(name)
        calls = _calls_of(ctx, func_name)
        if len(calls) > MAX_CALLERS:
            return None  # more callers than are read: not all of them were seen
        arguments = []
        for call in calls:
            argument = _argument(ctx, call, position, name)
            if argument is None or not is_own_data(ctx, argument, self.depth + 1):
                return None
            arguments.append(argument)
        return [] if arguments else None


def _calls_of(ctx: PyContext, name: str) -> list:
    """Calls `name(...)` anywhere in the file (at most MAX_CALLERS + 1)."""
    key = ("calls_of", name)
    cached = ctx.memo.get(key)
    if cached is not None:
        return cached
    found = []
    pattern = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\s*\(")
    root = ctx.tree.root_node
    for match in pattern.finditer(ctx.source.data):
        node = root.descendant_for_byte_range(match.start(), match.start() + len(name))
        call = node.parent if node is not None else None
        if node is None or node.type != "identifier" or call is None or call.type != "call" \
                or call.child_by_field_name("function").id != node.id:
            continue
        found.append(call)
        if len(found) > MAX_CALLERS:
            break
    ctx.memo[key] = found
    return found


def _argument(ctx: PyContext, call_node, position: int, name: str):
    call = ctx.call(call_node)
    if call.star_args or call.star_kwargs:
        return None
    return call.arg(position, name)


def _combining_inputs(ctx: PyContext, call) -> list | None:
    inputs = [*call.positional, *call.keywords.values()]
    if call.func.type == "identifier":
        name = ctx.text(call.func)
        if name in _COMBINING_CALLS and not ctx.redefines(name):
            return inputs
        if ctx.redefines(name) and not ctx.reaching(name, call.func) \
                and flow(ctx, call.node)[0] is None:
            return inputs  # a function of this module given the module's own data
        return None
    if call.method in _COMBINING_METHODS:
        return [call.func.child_by_field_name("object"), *inputs]
    return None


def _call_inputs(ctx: PyContext, node) -> list | None:
    call = ctx.call(node)
    if call.func is None or call.star_args or call.star_kwargs:
        return None
    if ctx.literal(node) is not UNKNOWN:
        return []
    return _combining_inputs(ctx, call)

