"""What the injection checks ask about a value before they judge it.

Which parts of a built string are neither constants nor passed through a
sanitiser, what a name was last assigned, and which items an argument list
holds.  The judging (severity, message) stays in each family's module.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.python.containers import changed_values
from ...analysis.python.context import PyContext
from ...analysis.python.guards import is_guarded
from ...analysis.python.own_data import is_own_data
from ...analysis.python.sources import SANITIZERS
from ...analysis.shared import StringInfo, Taint

MAX_FOLLOW = 4  # how many `a = b` steps `value_of` follows
WEB_KINDS = frozenset({"request", "llm"})
NUMERIC_TYPES = frozenset({"int", "float", "bool", "decimal.Decimal", "Decimal", "UUID",
                           "uuid.UUID"})


@dataclass(slots=True)
class Assessment:
    """A non-constant value reaching a sink: how it was built and what is in it."""

    info: StringInfo
    parts: list  # dynamic parts that no sanitiser guards
    taint: Taint | None

    @property
    def built(self) -> bool:
        """Assembled at run time from constant text and variable parts."""
        return self.info.built

    def how(self) -> str:
        return self.info.describe() if self.built else "a non-constant value"


def assess(ctx: PyContext, node, sanitisers: frozenset[str] = frozenset(),
           barrier=None) -> Assessment | None:
    """None when `node` is constant or every variable part is sanitised, checked by a
    guard (`if x not in ALLOWED: raise`, see `analysis.python.guards`) or made only of the
    module's own data (`for op in ("<", ">"): eval("a %s b" % op)`)."""
    if node is None or ctx.is_literal(node):
        return None
    info = ctx.string_info(node)
    parts = [part for part in info.dynamic_parts if not is_sanitised(ctx, part, sanitisers)
             and not is_own_data(ctx, part)
             and not (part.type == "identifier" and is_guarded(ctx, part))]
    if not parts:
        return None
    return Assessment(info, parts, first_taint(ctx, parts, barrier))


def first_taint(ctx: PyContext, nodes, barrier=None) -> Taint | None:
    for node in nodes:
        taint = ctx.taint(node, barrier)
        if taint is not None:
            return taint
    return None


def remote_taint(ctx: PyContext, nodes, barrier=None) -> Taint | None:
    """The first taint from data an outside party controls (request, input(), LLM)."""
    for node in nodes:
        taint = ctx.taint(node, barrier)
        if taint is not None and taint.is_remote:
            return taint
    return None


def web_taint(ctx: PyContext, nodes, barrier=None) -> Taint | None:
    """Like `remote_taint`, without `input()`: for sinks where the person at the
    terminal only affects themselves (their own log, regex or plugin name)."""
    for node in nodes:
        taint = ctx.taint(node, barrier)
        if taint is not None and taint.kind in WEB_KINDS:
            return taint
    return None


def value_of(ctx: PyContext, node):
    """Follow a name to the expression last assigned to it (`cmd = [...]` -> the list)."""
    for _ in range(MAX_FOLLOW):
        if node is None or node.type != "identifier":
            break
        assigned = [b for b in ctx.reaching(ctx.text(node), node)
                    if b.kind == "assign" and b.value is not None]
        if not assigned:
            break
        node = max(assigned, key=lambda b: b.node.start_byte).value
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count:
        node = node.named_children[0]
    return node


def is_sanitised(ctx: PyContext, node, extra: frozenset[str] = frozenset()) -> bool:
    """`shlex.quote(x)`, `int(x)`, `str(len(x))`, a name holding one, or a tuple of them
    (the right side of `"%s %s" % (quote(a), quote(b))`)."""
    stack = [node]
    seen: set[int] = set()  # `parts = (parts, x)` must not loop forever
    while stack:
        popped = stack.pop()
        stack.extend(changed_values(ctx, popped))  # `parts.append(x)`: x is in the value too
        current = value_of(ctx, popped)
        if current is None:
            return False
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.type in ("tuple", "list", "expression_list"):
            stack.extend(current.named_children)
        elif current.type == "conditional_expression" and current.named_child_count == 3:
            stack.extend(current.named_children[::2])  # `"a" if flag else "b"`
        elif current.type == "dictionary":
            stack.extend(pair.child_by_field_name("value") for pair in current.named_children
                         if pair.type == "pair")
        elif _joins_with_constant(ctx, current):
            stack.extend(ctx.call(current).positional[:1])  # `", ".join("?" * len(keys))`
        elif not (_sanitising_call(ctx, current, extra) or _constant_repeat(ctx, current)
                  or _numeric_parameter(ctx, current)):
            return False
    return True


def _joins_with_constant(ctx: PyContext, node) -> bool:
    """`", ".join(items)`: made of the separator and the items (judged in their turn)."""
    if node.type != "call":
        return False
    call = ctx.call(node)
    return call.method == "join" and len(call.positional) == 1 and not call.keywords \
        and ctx.is_literal(call.func.child_by_field_name("object"))


def _numeric_parameter(ctx: PyContext, node) -> bool:
    """`def f(count: int)`: a parameter declared as a number (FastAPI enforces it)."""
    if node.type != "identifier":
        return False
    function = ctx.function_of(node)
    param = ctx.parameters(function).get(ctx.text(node)) if function is not None else None
    annotation = param.child_by_field_name("type") if param is not None else None
    return annotation is not None and ctx.text(annotation) in NUMERIC_TYPES \
        and not ctx.reaching(ctx.text(node), node)


def _constant_repeat(ctx: PyContext, node) -> bool:
    """`"?" for _ in ids` and `["%s"] * len(ids)`: placeholders, however many."""
    if node.type == "for_in_clause" and node.parent is not None:
        node = node.parent  # `",".join("?" for _ in ids)` hands over the clause itself
    if node.type in ("generator_expression", "list_comprehension"):
        return ctx.is_literal(node.child_by_field_name("body"))
    if node.type == "binary_operator" and ctx.text(node.child_by_field_name("operator")) == "*":
        return ctx.is_literal(node.child_by_field_name("left"))
    return False


def _sanitising_call(ctx: PyContext, node, extra: frozenset[str]) -> bool:
    while node is not None and node.type == "call":
        call = ctx.call(node)
        name = call.qualname or ""
        if name in SANITIZERS or name in extra or call.method in SANITIZERS \
                or (call.method and call.method in extra):
            return True
        if name != "str" or len(call.positional) != 1:
            return False
        node = value_of(ctx, call.positional[0])
    return ctx.is_literal(node) if node is not None else False


def sequence_items(ctx: PyContext, node) -> list[tuple[object, bool]] | None:
    """Items of a list/tuple display, also joined with `+`: (node, spread) pairs.

    `spread` marks an item that stands for any number of elements (`*args`, or
    an opaque operand of `+`, or what `.append()`/`.extend()` added to the list later).
    None when `node` is not a sequence display."""
    added = []
    if node is not None and node.type == "identifier":
        added = [(b.value, True) for b in ctx.reaching(ctx.text(node), node)
                 if b.kind == "mutate" and b.value is not None]
    node = value_of(ctx, node)
    if node is None or node.type not in ("list", "tuple", "binary_operator"):
        return None
    items: list[tuple[object, bool]] = []
    displays = 0
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = value_of(ctx, stack.pop())
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        if current.type in ("list", "tuple"):
            displays += 1
            for child in current.named_children:
                if child.type != "comment":
                    items.append((child, child.type == "list_splat"))
        elif current.type == "binary_operator" and _operator(ctx, current) == "+":
            stack.append(current.child_by_field_name("right"))
            stack.append(current.child_by_field_name("left"))
        else:
            items.append((current, True))
    return items + added if displays else None


def _operator(ctx: PyContext, node) -> str:
    op = node.child_by_field_name("operator")
    return ctx.text(op) if op is not None else ""
