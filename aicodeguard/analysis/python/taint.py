"""Light, intra-function taint: where did the data reaching a sink come from?

Values are followed backwards from the sink through assignments, string
building, containers and method calls on tainted receivers, inside one
function (plus module-level constants).  Calls to unknown functions stop the
trail (they may sanitise); known sanitisers stop it on purpose.  The source
tables live in `sources.py`.
"""

from __future__ import annotations

from ..shared import Taint
from .context import MAX_HOPS, PyContext
from .guards import is_guarded
from .sources import (
    ENV_ATTRIBUTES,
    HANDLER_ATTRIBUTES,
    HANDLER_BASE_HINT,
    HANDLER_METHODS,
    LLM_ATTRIBUTE_TAILS,
    LLM_CALL_TAILS,
    LLM_CLIENT_MODULES,
    LLM_RECEIVER_HINTS,
    LLM_RUN_METHODS,
    PROPAGATING_CALLS,
    PROPAGATING_METHOD_ARGS,
    REQUEST_ATTRIBUTES,
    REQUEST_OBJECT_NAMES,
    ROUTE_DECORATOR_METHODS,
    SANITIZERS,
    SOURCE_CALLS,
    TRUSTED_PARAMETER_TYPES,
)

# Node types whose value is made of their children's values.
_PASS_THROUGH = frozenset({
    "binary_operator", "concatenated_string", "parenthesized_expression", "list", "tuple",
    "set", "expression_list", "conditional_expression", "await", "boolean_operator",
    "list_comprehension", "set_comprehension", "generator_expression",
    "dictionary_comprehension", "list_splat", "dictionary_splat", "keyword_argument",
    "pair", "dictionary", "interpolation", "format_expression", "argument_list",
})




class TaintTracker:
    def __init__(self, ctx: PyContext):
        self.ctx = ctx
        self._route_params: dict[int, dict[str, object]] = {}
        self._handlers: dict[int, bool] = {}

    def of(self, node, barrier=None) -> Taint | None:
        """The first untrusted source found in `node`'s value, or None.

        The worklist carries the outermost access chain around each node, so
        a finding shows `request.args.get("q")` rather than `request.args`.
        `barrier(node)` returning True stops the trail there: a sink's own
        sanitisers (a log sink accepts `repr()`, a shell sink does not)."""
        seen: set[int] = set()
        stack = [(node, 0, None)]
        while stack:
            current, hops, chain = stack.pop()
            if current is None or current.id in seen or hops > MAX_HOPS:
                continue
            seen.add(current.id)
            if barrier is not None and barrier(current):
                continue
            kind = current.type
            source = self._source(current)
            if source is not None:
                if chain is not None:
                    return Taint(source.kind, chain, self.ctx.text(chain))
                return source
            if kind == "identifier":
                stack.extend((n, h, None) for n, h in self._identifier(current, hops))
            elif kind == "string":
                stack.extend((child, hops, None) for child in current.named_children
                             if child.type == "interpolation")
            elif kind in _PASS_THROUGH:
                stack.extend((child, hops, None) for child in current.named_children)
            elif kind == "attribute":
                stack.append((current.child_by_field_name("object"), hops, chain or current))
            elif kind == "subscript":
                stack.append((current.child_by_field_name("value"), hops, chain or current))
            elif kind == "call":
                outer = chain or current
                for index, child in enumerate(self._call_inputs(current)):
                    stack.append((child, hops, outer if index == 0 and _is_receiver(current, child)
                                  else None))
        return None

    # -- sources ---------------------------------------------------------------
    def _source(self, node) -> Taint | None:
        kind = node.type
        if kind == "_route_parameter":
            return Taint("request", node.node, node.name)
        if kind == "call":
            return self._call_source(node)
        if kind in ("attribute", "subscript"):
            return self._access_source(node)
        return None

    def _call_source(self, node) -> Taint | None:
        ctx = self.ctx
        call = ctx.call(node)
        name = call.qualname
        if name in SOURCE_CALLS:
            return Taint(SOURCE_CALLS[name], node, ctx.text(node))
        if name and any(name.endswith(tail) for tail in LLM_CALL_TAILS):
            return Taint("llm", node, ctx.text(node))
        if call.func is None or call.func.type != "attribute":
            return None
        if call.method in REQUEST_ATTRIBUTES:  # request.get_json(), await request.json()
            accessed = self._access_source(call.func)
            if accessed is not None:
                return Taint(accessed.kind, node, ctx.text(node))
        if call.method in HANDLER_METHODS and ctx.text(call.func).startswith("self.") \
                and self._in_handler(node):  # tornado: self.get_argument("q")
            return Taint("request", node, ctx.text(node))
        if call.method in LLM_RUN_METHODS:
            receiver = call.func.child_by_field_name("object")
            if receiver is not None and (_mentions(ctx.text(receiver), LLM_RECEIVER_HINTS)
                                         or self._llm_client(receiver)):
                return Taint("llm", node, ctx.text(node))
        return None

    def _llm_client(self, receiver) -> bool:
        """`ai = ChatOpenAI(...)`: a receiver constructed by an LLM library."""
        if receiver.type != "identifier":
            return False
        for binding in self.ctx.reaching(self.ctx.text(receiver), receiver):
            value = binding.value
            if binding.kind == "assign" and value is not None and value.type == "call":
                name = self.ctx.call(value).qualname or ""
                if name.partition(".")[0] in LLM_CLIENT_MODULES:
                    return True
        return False

    def _access_source(self, node) -> Taint | None:
        ctx = self.ctx
        text = ctx.text(node)
        compact = "".join(text.split())
        if any(tail in compact for tail in LLM_ATTRIBUTE_TAILS):
            return Taint("llm", node, text)
        if node.type != "attribute":
            return None
        qualname = ctx.qualname(node)
        if qualname is None:
            obj = node.child_by_field_name("object")
            attr = node.child_by_field_name("attribute")
            if obj is None or attr is None or obj.type not in ("attribute", "identifier"):
                return None
            qualname = f"{ctx.qualname(obj) or ''}.{ctx.text(attr)}"
        if qualname in ("sys.argv",):
            return Taint("argv", node, text)
        if qualname in ENV_ATTRIBUTES:
            return Taint("env", node, text)
        head, _, attr = qualname.rpartition(".")
        if attr in REQUEST_ATTRIBUTES and (
            head == "flask.request"
            or head.rpartition(".")[2] in REQUEST_OBJECT_NAMES
        ):
            return Taint("request", node, text)
        if head == "self" and attr in HANDLER_ATTRIBUTES and self._in_handler(node):
            return Taint("request", node, text)  # http.server: self.path, self.headers
        return None

    def _in_handler(self, node) -> bool:
        """Inside a class deriving from a `...RequestHandler` (http.server, tornado)."""
        scope = self.ctx.scope_of(node)
        while scope.type != "class_definition":
            if scope.type == "module":
                return False
            scope = self.ctx.scope_of(scope)
        cached = self._handlers.get(scope.id)
        if cached is None:
            bases = scope.child_by_field_name("superclasses")
            cached = bases is not None and HANDLER_BASE_HINT in self.ctx.text(bases)
            self._handlers[scope.id] = cached
        return cached

    # -- propagation -----------------------------------------------------------
    def _identifier(self, node, hops: int):
        ctx = self.ctx
        if is_guarded(ctx, node):  # `if x not in ALLOWED: raise` earlier in the function
            return []
        name = ctx.text(node)
        bindings = _live(ctx.reaching(name, node), node)
        if bindings:
            return [(b.value, hops + 1) for b in bindings if b.value is not None]
        function = ctx.function_of(node)
        if function is not None:
            param = self._route_parameters(function).get(name)
            if param is not None:
                return [(_Param(param, name), hops)]
        return []

    def _call_inputs(self, node):
        ctx = self.ctx
        call = ctx.call(node)
        name = call.qualname
        if name in SANITIZERS or (call.method and call.method in SANITIZERS):
            return []
        inputs = []
        if name in PROPAGATING_CALLS:  # also `json.loads(...)`, an attribute call
            inputs.extend(call.positional)
        elif call.func is not None and call.func.type == "attribute":
            inputs.append(call.func.child_by_field_name("object"))
            if call.method in PROPAGATING_METHOD_ARGS:
                inputs.extend(call.positional)
                inputs.extend(call.keywords.values())
        return inputs

    def _route_parameters(self, function) -> dict[str, object]:
        """Parameters a web framework fills from the request (FastAPI, Flask path)."""
        cached = self._route_params.get(function.id)
        if cached is not None:
            return cached
        found: dict[str, object] = {}
        parent = function.parent
        if function.type == "function_definition" and parent is not None \
                and parent.type == "decorated_definition" and self._is_route(parent):
            ctx = self.ctx
            for name, param in ctx.parameters(function).items():
                annotation = param.child_by_field_name("type")
                default = param.child_by_field_name("value")
                typed = ctx.text(annotation) if annotation is not None else ""
                if name in ("self", "cls", "request", "req") or typed.split(".")[-1] in \
                        TRUSTED_PARAMETER_TYPES or (default is not None and "Depends" in ctx.text(default)):
                    continue
                found[name] = param
        self._route_params[function.id] = found
        return found

    def _is_route(self, decorated) -> bool:
        ctx = self.ctx
        for decorator in decorated.named_children:
            if decorator.type != "decorator" or not decorator.named_child_count:
                continue
            expr = decorator.named_children[0]
            if expr.type == "call":
                func = expr.child_by_field_name("function")
                if func is not None and func.type == "attribute":
                    attr = func.child_by_field_name("attribute")
                    if attr is not None and ctx.text(attr) in ROUTE_DECORATOR_METHODS:
                        return True
        return False


class _Param:
    """A route parameter standing in the worklist: it is itself the source."""

    __slots__ = ("node", "name", "id", "type")

    def __init__(self, node, name: str):
        self.node = node
        self.name = name
        self.id = -node.id - 1
        self.type = "_route_parameter"


def _live(bindings: list, use) -> list:
    """Drop bindings overwritten by a later plain assignment that surely runs before `use`.

    `x = request.args["x"]; x = int(x); sink(x)`: only `x = int(x)` reaches the
    sink.  "Surely" means the assignment is a statement of a block that
    encloses `use` (not inside an `if`, `try` or loop that `use` is outside of)."""
    if len(bindings) < 2:
        return bindings
    cut = None
    for binding in bindings:
        if binding.kind == "assign" and (cut is None or binding.node.start_byte > cut) \
                and _runs_before(binding.node, use):
            cut = binding.node.start_byte
    if cut is None:
        return bindings
    return [b for b in bindings if b.node.start_byte >= cut]


def _runs_before(assignment, use) -> bool:
    statement = assignment.parent
    if statement is None or statement.type != "expression_statement" \
            or use.start_byte < assignment.end_byte:
        return False
    block = statement.parent
    current = use.parent
    while current is not None:
        if block is not None and current.id == block.id:
            return True
        if current.type in ("function_definition", "lambda", "class_definition"):
            return False
        current = current.parent
    return False


def _mentions(text: str, hints: frozenset[str]) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in hints)


def _is_receiver(call, node) -> bool:
    func = call.child_by_field_name("function")
    return func is not None and func.type == "attribute" and \
        func.child_by_field_name("object").id == node.id
