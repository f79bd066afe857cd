"""What a function of the file does with its parameters: which flow to its return value.

`def build(name): return "SELECT ... " + name` passes `name` through, `def clean(x):
return int(x)` does not (sanitisers cut the flow, as at a sink), `def get_q(): return
request.args["q"]` returns untrusted data itself.  The taint walk applies a summary at
each call of a function it can name: `helper(...)` (module-level or nested), `f = lambda
x: ...`, `self.method(...)` / `cls.method(...)` in the same class, and, through
`project_modules`, a function of the project's own modules (`from .db import run;
run(...)`, `import util; util.run(...)`).

Summaries are computed when a walk first needs one and memoised in `ctx.memo`.  A
function that reaches itself (recursion, directly or through others) is summarised
again from the first answer, at most MAX_ROUNDS times, until nothing changes; calls
deeper than MAX_DEPTH summaries are unknown (the trail stops, as for any unknown call).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..shared import Taint
from .context import PyContext

MAX_ROUNDS = 3
MAX_DEPTH = 6
_NESTED = frozenset({"function_definition", "lambda", "class_definition"})


@dataclass(frozen=True, slots=True)
class Summary:
    """`params`: names of the parameters whose value reaches a returned value;
    `source`: untrusted data the function returns whatever it is passed; `signature`:
    every parameter's name, in order (to match arguments by position)."""

    params: tuple[str, ...] = ()
    source: Taint | None = None
    signature: tuple[str, ...] = ()


EMPTY = Summary()


def flow(ctx: PyContext, call_node) -> tuple[Taint | None, list]:
    """For a call of a function the file (or the project) defines: the untrusted data it
    returns itself, and the argument nodes whose value flows into its result.
    `(None, [])` when the callee is unknown or passes nothing through."""
    from .project_modules import imported_summary

    call = ctx.call(call_node)
    function, skip_first = callee(ctx, call)
    summary = summarise(ctx, function) if function is not None else imported_summary(ctx, call)
    if summary is None:
        return None, []
    positions = {name: index for index, name in enumerate(summary.signature[skip_first:])}
    arguments = (call.arg(positions.get(name), name) for name in summary.params)
    return summary.source, [argument for argument in arguments if argument is not None]


def callee(ctx: PyContext, call) -> tuple[object | None, bool]:
    """The function (or lambda) node a call runs, if this file defines it, and whether
    its first parameter is the receiver (`self.m(...)`)."""
    func = call.func
    if func is None:
        return None, False
    if func.type == "identifier":
        name = ctx.text(func)
        if name in ctx.imports:
            return None, False
        bindings = ctx.reaching(name, call.node)
        if bindings:  # `f = lambda x: ...`; any other value is not a function we know
            value = bindings[-1].value
            lambda_ok = len(bindings) == 1 and value is not None and value.type == "lambda"
            return (value if lambda_ok else None), False
        return _visible_definition(ctx, name, call.node), False
    if func.type == "attribute":
        receiver = func.child_by_field_name("object")
        if receiver is None or receiver.type != "identifier" \
                or ctx.text(receiver) not in ("self", "cls"):
            return None, False
        method = _method(ctx, call.method, call.node)
        return method, method is not None and not _is_static(ctx, method)
    return None, False


def summarise(ctx: PyContext, function) -> Summary:
    key = ("summary", function.id)
    state = ctx.memo.get(key)
    if isinstance(state, Summary):
        return state
    depth = ctx.memo.get(("summary-depth",), 0)
    if state is not None or depth >= MAX_DEPTH:  # reached from inside itself, or too deep
        ctx.memo[("summary-recursive", function.id)] = True
        return state.answer if state is not None else EMPTY
    ctx.memo[("summary-depth",)] = depth + 1
    try:
        answer = Summary(signature=tuple(ctx.parameters(function)))
        for _ in range(MAX_ROUNDS):
            ctx.memo[key] = _Pending(answer)
            ctx.memo.pop(("summary-recursive", function.id), None)
            fresh = _compute(ctx, function)
            recursive = ctx.memo.pop(("summary-recursive", function.id), False)
            if fresh == answer or not recursive:
                answer = fresh
                break
            answer = fresh
    finally:
        ctx.memo[("summary-depth",)] = depth
    ctx.memo[key] = answer
    return answer


class _Pending:
    """A summary being computed: the answer so far, for calls from inside itself."""

    __slots__ = ("answer",)

    def __init__(self, answer: Summary):
        self.answer = answer


def _compute(ctx: PyContext, function) -> Summary:
    from .taint import reaching_parameters

    params: list[str] = []
    source = None
    for value in returned_values(function):
        found, reached = reaching_parameters(ctx, value, function)
        source = source or found
        params.extend(name for name in reached if name not in params)
    order = tuple(ctx.parameters(function))
    return Summary(tuple(sorted(params, key=order.index)), source, order)


def returned_values(function) -> list:
    """The expressions a function returns (a lambda: its body); nested functions and
    classes are not looked into."""
    if function.type == "lambda":
        body = function.child_by_field_name("body")
        return [body] if body is not None else []
    body = function.child_by_field_name("body")
    found, stack = [], [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type == "return_statement":
            found.extend(node.named_children)
            continue
        stack.extend(child for child in node.named_children if child.type not in _NESTED)
    return found


def _visible_definition(ctx: PyContext, name: str, use):
    """The `def name` a bare call sees: in an enclosing function, else at module level."""
    candidates = ctx.functions_named(name)
    if not candidates:
        return None
    scopes = []
    scope = ctx.scope_of(use)
    while True:
        if scope.type != "class_definition":
            scopes.append(scope.id)
        if scope.type == "module":
            break
        scope = ctx.scope_of(scope)
    best = None
    for function in candidates:
        owner = ctx.scope_of(function)
        if owner.id in scopes and (best is None or scopes.index(owner.id)
                                   < scopes.index(ctx.scope_of(best).id)):
            best = function
    return best


def _method(ctx: PyContext, name: str | None, use):
    """`def name` in the class whose method makes the call."""
    if not name:
        return None
    scope = ctx.scope_of(use)
    while scope.type != "class_definition":
        if scope.type == "module":
            return None
        scope = ctx.scope_of(scope)
    for function in ctx.functions_named(name):
        if ctx.scope_of(function).id == scope.id:
            return function
    return None


def _is_static(ctx: PyContext, function) -> bool:
    parent = function.parent
    return parent is not None and parent.type == "decorated_definition" and any(
        ctx.text(d).strip() == "@staticmethod" for d in parent.named_children
        if d.type == "decorator")
