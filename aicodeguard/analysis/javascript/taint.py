"""Light taint for JavaScript/TypeScript: where did a sink's data come from?

Values are followed backwards from the sink through declarations,
destructuring, string building, `await`, member access (by constant key) and
method calls on tainted receivers, inside one function and the functions around
it; into what the file's own straight-line helpers return, and from a helper's
parameter back to its call sites in the file (`functions.py`).  Calls to other
unknown functions stop the trail (they may sanitise); known sanitisers and
number/boolean conversions stop it on purpose.  The tables live in `sources.py`.
"""

from __future__ import annotations

from ..shared import UNKNOWN, Taint
from .functions import (
    attribute_values,
    call_sites,
    callee,
    checked_by_caller,
    declaring_function,
    is_builder,
    returned_values,
)
from .handlers import parameter_role
from .project_modules import imported_function
from .sources import (
    ARGV_SOURCES,
    BROWSER_SOURCES,
    DOM_LOOKUPS,
    ENV_SOURCES,
    FORM_VALUE_MEMBERS,
    LLM_ACCESS_TAILS,
    LLM_CALL_TAILS,
    LLM_RECEIVER_HINTS,
    LLM_RUN_METHODS,
    PROPAGATING_CALLS,
    PROPAGATING_METHOD_ARGS,
    REQUEST_ATTRIBUTE_NAMES,
    REQUEST_ATTRIBUTES,
    REQUEST_METHODS,
    SAFE_MEMBERS,
    SANITIZERS,
    SOURCE_CALLS,
)
from .values import MAX_HOPS, TRANSPARENT, literal, truthy, unwrap, written_key

# Node types whose value is made of their children's values.
_PASS_THROUGH = TRANSPARENT | frozenset({
    "await_expression", "array", "spread_element", "object", "sequence_expression",
    "arguments", "template_substitution", "yield_expression",
})
_PASS_OPERATORS = frozenset({"+", "||", "&&", "??"})
_MESSAGE_REGISTRARS = frozenset({"addEventListener", "on", "once", "addListener"})
# Bindings that change what a name holds inside rather than what it names.
_MUTATIONS = frozenset({"mutate", "attribute"})
MAX_FRAMES = 3  # nested same-file calls followed into


class TaintTracker:
    """Worklist items are `(node, hops, chain, key, frame)`: `key` is the constant property
    read from the value (`o.cmd` looks at `o` with key `cmd`, so `o.safe = "ls"` does not
    count), `frame` the call of a same-file function whose returned value is being followed
    (its parameters stand for that call's arguments)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._handlers: dict[int, bool] = {}

    def of(self, node) -> Taint | None:
        """The first untrusted source found in `node`'s value, or None.

        The worklist carries the outermost access chain around each node, so a
        finding shows `req.query.name.trim()` rather than `req.query`."""
        ctx = self.ctx
        seen: set[tuple] = set()
        stack = [(node, 0, None, None, None)]
        while stack:
            current, hops, chain, key, frame = stack.pop()
            if current is None or hops > MAX_HOPS:
                continue
            mark = (current.id, key, frame.id if frame is not None else 0)
            if mark in seen:
                continue
            seen.add(mark)
            source = self._source(current, frame)
            if source is not None:
                if chain is not None and chain is not source.node:
                    return Taint(source.kind, chain, ctx.text(chain))
                return source
            kind = current.type
            if kind in ("identifier", "shorthand_property_identifier"):
                stack.extend(self._identifier(current, hops, key, frame))
            elif kind == "template_string":
                stack.extend((child, hops, None, None, frame) for child in current.named_children
                             if child.type == "template_substitution")
            elif kind == "object" and key is not None:
                stack.extend((value, hops, None, None, frame)
                             for value in _object_values(ctx, current, key))
            elif kind in _PASS_THROUGH:
                keep = kind in TRANSPARENT or kind == "await_expression"
                stack.extend((child, hops, chain if kind in TRANSPARENT else None,
                              key if keep else None, frame)
                             for child in current.named_children)
            elif kind == "pair":
                stack.append((current.child_by_field_name("value"), hops, None, None, frame))
            elif kind == "binary_expression":
                op = current.child_by_field_name("operator")
                if op is not None and ctx.text(op) in _PASS_OPERATORS:
                    stack.append((current.child_by_field_name("left"), hops, None, None, frame))
                    stack.append((current.child_by_field_name("right"), hops, None, None, frame))
            elif kind == "ternary_expression":
                stack.extend((arm, hops, None, key, frame) for arm in _live_arms(ctx, current))
            elif kind == "member_expression":
                prop = current.child_by_field_name("property")
                name = ctx.text(prop) if prop is not None else None
                obj = current.child_by_field_name("object")
                if name not in SAFE_MEMBERS and obj is not None and obj.type == "this":
                    stack.extend((value, hops + 1, None, None, frame)
                                 for value in attribute_values(ctx, current, name))
                elif name not in SAFE_MEMBERS:
                    stack.append((obj, hops, chain or current, name, frame))
            elif kind == "subscript_expression":
                index = ctx.literal(current.child_by_field_name("index"))
                elements = ctx.array_element(current, index) if type(index) is int else None
                if elements is not None:
                    stack.extend((value, hops + 1, None, None, frame) for value in elements)
                else:
                    stack.append((current.child_by_field_name("object"), hops,
                                  chain or current, index if isinstance(index, str) else None,
                                  frame))
            elif kind in ("call_expression", "new_expression"):
                stack.extend(self._call_inputs(current, hops, chain, frame))
        return None

    # -- sources -------------------------------------------------------------
    def _source(self, node, frame) -> Taint | None:
        kind = node.type
        if kind == "_source":
            return node.taint
        if kind in ("call_expression", "new_expression"):
            return self._call_source(node, frame)
        if kind in ("member_expression", "subscript_expression"):
            return self._access_source(node, frame)
        return None

    def _call_source(self, node, frame) -> Taint | None:
        ctx = self.ctx
        call = ctx.call(node)
        name = call.qualname or ""
        if name in SOURCE_CALLS:
            return Taint(SOURCE_CALLS[name], node, ctx.text(node))
        if name and _ends_with_any(name, LLM_CALL_TAILS):
            return Taint("llm", node, ctx.text(node))
        receiver = call.receiver
        if receiver is None or call.method is None:
            return None
        parts = ctx.dotted(receiver)
        if parts is not None and self._reads_request(parts + [call.method], receiver, frame,
                                                     REQUEST_METHODS):
            return Taint("request", node, ctx.text(node))
        if call.method in LLM_RUN_METHODS:
            head = ctx.text(receiver).lower()
            if any(hint in head for hint in LLM_RECEIVER_HINTS):
                return Taint("llm", node, ctx.text(node))
        return None

    def _access_source(self, node, frame) -> Taint | None:
        ctx = self.ctx
        text = ctx.text(node)
        compact = "".join(text.split()).replace("?.[", "[").replace("?.", ".")
        if compact.endswith(LLM_ACCESS_TAILS):
            return Taint("llm", node, text)
        parts = ctx.dotted(node)
        if not parts:
            return self._form_value(node)
        joined = ".".join(parts)
        if joined in ENV_SOURCES:
            return Taint("env", node, text)
        if joined in ARGV_SOURCES:
            return Taint("argv", node, text)
        if joined in BROWSER_SOURCES:
            return Taint("url", node, text)
        if self._reads_request(parts, node, frame, REQUEST_ATTRIBUTES):
            return Taint("request", node, text)
        return None

    def _reads_request(self, parts: list[str], node, frame, table) -> bool:
        """Does `a.b.c` (`parts`; the last one an attribute or method name) read request
        data per `table`, by its names or by what its head parameter stands for?"""
        name = parts[-1]
        if name in table.get(".".join(parts[:-1]), ()):
            return True
        if name not in REQUEST_ATTRIBUTE_NAMES or len(parts) < 2:
            return False
        resolved = self._resolved(parts, node, frame)
        return resolved is not parts and name in table.get(".".join(resolved[:-1]), ())

    def _resolved(self, parts: list[str], node, frame) -> list[str]:
        """`parts` with a parameter head replaced by what it stands for: the dotted
        argument of the call being followed (`r` in `cmdFor(req)` is `req`), or `request`/
        `ctx` for the first parameter of a route handler (`r.payload` in Hapi)."""
        head = parts[0]
        ctx = self.ctx
        if any(binding.kind not in _MUTATIONS for binding in ctx.reaching(head, node)):
            return parts
        function = declaring_function(ctx, head, node)
        if function is None:
            return parts
        if frame is not None and frame.function.id == function.id:
            arg = frame.argument(ctx.parameters(function)[head][0])
            outer = ctx.dotted(arg) if arg is not None else None
            return self._resolved([*outer, *parts[1:]], arg, frame.parent) if outer else parts
        role = parameter_role(ctx, function, head)
        return [role, *parts[1:]] if role else parts

    def _form_value(self, node) -> Taint | None:
        """`document.getElementById('q').value`: what the user typed."""
        prop = node.child_by_field_name("property") if node.type == "member_expression" else None
        obj = unwrap(node.child_by_field_name("object")) if prop is not None else None
        if obj is None or obj.type != "call_expression" or \
                self.ctx.text(prop) not in FORM_VALUE_MEMBERS:
            return None
        if self.ctx.call(obj).qualname in DOM_LOOKUPS:
            return Taint("input", node, self.ctx.text(node))
        return None

    # -- propagation ---------------------------------------------------------
    def _identifier(self, node, hops: int, key, frame):
        ctx = self.ctx
        name = ctx.text(node)
        bindings = ctx.reaching(name, node)
        found = []
        for binding in bindings:
            value = binding.value
            if value is None:
                continue
            if binding.path:
                parts = ctx.dotted(unwrap(value))
                if parts and self._reads_request(parts + [binding.path[0]], value, frame,
                                                 REQUEST_ATTRIBUTES):
                    found.append((_Source(Taint("request", binding.node, ctx.text(binding.node))),
                                  hops, None, None, frame))
                    continue
            elif key is not None and binding.kind == "mutate" and \
                    written_key(ctx, binding.node)[0] not in (None, key):
                continue  # `o.other = v` says nothing about `o.key`
            found.append((value, hops + 1, None, None if binding.kind == "mutate" else key,
                          frame))
        if bindings:
            return found
        function = declaring_function(ctx, name, node)
        if function is None:
            return found
        position = ctx.parameters(function)[name][0]
        probe = ctx.probe.source(ctx, function, name, node) \
            if ctx.probe is not None and frame is None else None
        if frame is not None and frame.function.id == function.id:
            found.append((frame.argument(position), hops + 1, None, key, frame.parent))
        elif probe is not None:
            found.append((_Source(probe), hops, None, None, frame))
        elif self._is_message_parameter(function, name):
            found.append((_Source(Taint("message", node, name)), hops, None, None, frame))
        elif self._is_form_parameter(function, name):
            found.append((_Source(Taint("request", node, name)), hops, None, None, frame))
        elif frame is None:
            found.extend((call.arg(position), hops + 1, None, key, None)
                         for call in call_sites(ctx, function)
                         if not call.spread and not checked_by_caller(ctx, call, position))
        return found

    def _is_form_parameter(self, function, name: str) -> bool:
        """`async function action(formData: FormData)`: a Next.js server action's form."""
        param = self.ctx.parameters(function).get(name)
        annotation = param[1].child_by_field_name("type") if param is not None else None
        return annotation is not None and self.ctx.text(annotation).lstrip(": ") == "FormData"

    def _call_inputs(self, node, hops: int, chain, frame):
        ctx = self.ctx
        call = ctx.call(node)
        if (call.qualname or "") in SANITIZERS or (call.method or "") in SANITIZERS:
            return []
        if call.method in ("replace", "replaceAll") and len(call.args) > 1 and \
                ctx.literal(call.args[1]) == "\\$&":
            return []  # the regular-expression escaping idiom
        function = callee(ctx, call)
        if function is not None:
            if (frame is not None and frame.depth >= MAX_FRAMES) or \
                    not is_builder(ctx, function):
                return []
            inner = _Frame(function, call, frame)
            return [(value, hops + 1, None, None, inner)
                    for value in returned_values(ctx, function)]
        imported = imported_function(ctx, call)
        if imported is not None:
            source, positions = imported.returns()
            if source is not None:
                return [(_Source(Taint(source.kind, node, ctx.text(node))), hops, None, None,
                         frame)]
            return [(call.arg(position), hops + 1, None, None, frame)
                    for position in positions if not call.spread]
        inputs = []
        receiver = call.receiver
        if receiver is not None:
            inputs.append((receiver, hops, chain or node, None, frame))
        if (call.qualname or "") in PROPAGATING_CALLS or call.method in PROPAGATING_METHOD_ARGS:
            inputs.extend((arg, hops, None, None, frame) for arg in call.args)
        return inputs

    def _is_message_parameter(self, function, name: str) -> bool:
        """Is `name` the first parameter of a `message` event / socket handler?"""
        params = self.ctx.parameters(function)
        if params.get(name, (None,))[0] != 0:
            return False
        cached = self._handlers.get(function.id)
        if cached is None:
            cached = self._handlers[function.id] = self._is_message_handler(function)
        return cached

    def _is_message_handler(self, function) -> bool:
        ctx = self.ctx
        parent = function.parent
        if parent is not None and parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            return left is not None and ctx.text(left).rpartition(".")[2] == "onmessage"
        if parent is None or parent.type != "arguments" or parent.parent is None:
            return False
        call = ctx.call(parent.parent) if parent.parent.type == "call_expression" else None
        if call is None or call.method not in _MESSAGE_REGISTRARS or not call.args:
            return False
        return ctx.literal(call.args[0]) == "message" and len(call.args) > 1 \
            and call.args[1].id == function.id


class _Frame:
    """A call of a same-file function whose returned values are being followed."""

    __slots__ = ("call", "depth", "function", "id", "parent")

    def __init__(self, function, call, parent):
        self.function = function
        self.call = call
        self.parent = parent
        self.id = call.node.id
        self.depth = parent.depth + 1 if parent is not None else 1

    def argument(self, position: int):
        return None if self.call.spread else self.call.arg(position)


def _object_values(ctx, obj, key: str) -> list:
    """What `{...}.key` can be: the matching pair's value, and whatever a spread brings."""
    found = []
    for child in obj.named_children:
        if child.type == "pair":
            name = child.child_by_field_name("key")
            if name is None or ctx.key_text(name) in (None, key):
                found.append(child.child_by_field_name("value"))
        elif child.type == "shorthand_property_identifier":
            if ctx.text(child) == key:
                found.append(child)
        elif child.type == "spread_element":
            found.append(child)
    return found


def _live_arms(ctx, node) -> list:
    """Both arms of `c ? a : b`, or the one a constant condition picks."""
    condition = literal(ctx, node.child_by_field_name("condition"))
    consequence = node.child_by_field_name("consequence")
    alternative = node.child_by_field_name("alternative")
    if condition is UNKNOWN:
        return [consequence, alternative]
    return [consequence if truthy(condition) else alternative]


class _Source:
    """An already-identified source standing in the worklist."""

    __slots__ = ("id", "taint", "type")

    def __init__(self, taint: Taint):
        self.taint = taint
        self.id = -taint.node.id - 1
        self.type = "_source"


def _ends_with_any(name: str, tails) -> bool:
    return any(name == tail or name.endswith("." + tail) for tail in tails)
