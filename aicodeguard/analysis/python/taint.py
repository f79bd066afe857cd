"""Light taint: where did the data reaching a sink come from?

Values are followed backwards from the sink through assignments (in branches that
can run: `guards.is_dead`), string building, containers (entry by entry where
`containers` can replay them), `self` attributes and method calls on tainted
receivers, inside one function plus module-level constants — and through the
functions the file or the project's modules define, by their `summaries`.  Calls to
other functions stop the trail (they may sanitise); known sanitisers stop it on
purpose.  The source tables live in `sources.py`.
"""

from __future__ import annotations

from ..shared import Taint
from .callers import constructor_arguments
from .containers import attribute_values, element_values
from .context import MAX_HOPS, PyContext, runs_before, surviving
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
from .summaries import flow

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
        return self._walk(node, barrier, None)

    def _walk(self, node, barrier, reach: _Reach | None) -> Taint | None:
        """`of`; with `reach`, also note the parameters of `reach.function` the value
        is made of, and carry on past sources (for `summaries`)."""
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
                    source = Taint(source.kind, chain, self.ctx.text(chain))
                if reach is None:
                    return source
                reach.source = reach.source or source
                continue
            if kind == "identifier":
                stack.extend((n, h, None) for n, h in self._identifier(current, hops, reach))
            elif kind == "string":
                stack.extend((child, hops, None) for child in current.named_children
                             if child.type == "interpolation")
            elif kind == "conditional_expression" and self.ctx.live_arm(current) is not None:
                stack.append((self.ctx.live_arm(current), hops, None))
            elif kind in _PASS_THROUGH:
                stack.extend((child, hops, None) for child in current.named_children)
            elif kind == "attribute":
                stack.extend((n, hops + 1, None) for n in attribute_values(self.ctx, current))
                stack.append((current.child_by_field_name("object"), hops, chain or current))
            elif kind == "subscript":
                known = element_values(self.ctx, current)
                if known is not None:  # `d["key"]`, `items[0]`: that entry only
                    stack.extend((n, hops + 1, None) for n in known)
                else:
                    stack.append((current.child_by_field_name("value"), hops, chain or current))
            elif kind == "call":
                outer = chain or current
                returned, passed = self._returned(current)
                if returned is not None:
                    if reach is None:
                        return returned
                    reach.source = reach.source or returned
                stack.extend((child, hops + 1, None) for child in passed)
                for index, child in enumerate(self._call_inputs(current)):
                    stack.append((child, hops, outer if index == 0 and _is_receiver(current, child)
                                  else None))
        return None

    def _returned(self, node) -> tuple[Taint | None, list]:
        """A call of a function the file or project defines: see `summaries.flow`."""
        call = self.ctx.call(node)
        if call.qualname in SANITIZERS or call.qualname in SOURCE_CALLS \
                or call.qualname in PROPAGATING_CALLS:
            return None, []
        return flow(self.ctx, node)

    # -- sources ---------------------------------------------------------------
    def is_source(self, node) -> bool:
        """Whether `node` itself is untrusted data (`request.args`, `sys.argv`)."""
        return self._source(node) is not None

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
    def _identifier(self, node, hops: int, reach: _Reach | None = None):
        ctx = self.ctx
        name = ctx.text(node)
        bindings = surviving(ctx.live_bindings(name, node), node)
        own_value = reach is not None and name in reach.params and not any(
            b.kind == "assign" and runs_before(b.node, node) for b in bindings)
        found = self._values(node, name, hops, bindings, reach)
        # `if x not in ALLOWED: raise` earlier in the function: asked last, it is the
        # costly question, and most names lead nowhere anyway
        if not (found or own_value) or is_guarded(ctx, node):
            return []
        if own_value:
            reach.reached.add(name)  # the parameter's own value may still be here
        return found

    def _values(self, node, name: str, hops: int, bindings, reach: _Reach | None) -> list:
        """What the identifier `node` may hold: its bindings' values, else a route
        parameter or what the file passes to a constructor for it."""
        if bindings:
            return [(b.value, hops + 1) for b in bindings if b.value is not None]
        function = self.ctx.function_of(node)
        if function is not None:
            param = self._route_parameters(function).get(name)
            if param is not None:
                return [(_Param(param, name), hops)]
            if reach is None and function.type == "function_definition":
                # `Job(request.args["x"])` reaches `def __init__(self, target)`
                return [(n, hops + 1) for n in constructor_arguments(self.ctx, function, name)]
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


class _Reach:
    """What a summary walk collects: the first source, and the parameters reached."""

    __slots__ = ("params", "reached", "source")

    def __init__(self, params):
        self.params = params
        self.reached: set[str] = set()
        self.source: Taint | None = None


def reaching_parameters(ctx: PyContext, value, function) -> tuple[Taint | None, set[str]]:
    """The untrusted source `value` holds whatever `function` is passed, and the
    names of `function`'s parameters it is made of (a walk of `function`'s own)."""
    reach = _Reach(ctx.parameters(function))
    ctx.tracker._walk(value, None, reach)
    return reach.source, reach.reached


class _Param:
    """A route parameter standing in the worklist: it is itself the source."""

    __slots__ = ("node", "name", "id", "type")

    def __init__(self, node, name: str):
        self.node = node
        self.name = name
        self.id = -node.id - 1
        self.type = "_route_parameter"


def _mentions(text: str, hints: frozenset[str]) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in hints)


def _is_receiver(call, node) -> bool:
    func = call.child_by_field_name("function")
    return func is not None and func.type == "attribute" and \
        func.child_by_field_name("object").id == node.id
