"""Light, intra-function taint for JavaScript/TypeScript: where did a sink's data come from?

Values are followed backwards from the sink through declarations,
destructuring, string building, `await`, member access and method calls on
tainted receivers, inside one function and the functions around it.  Calls
to unknown functions stop the trail (they may sanitise); known sanitisers and
number/boolean conversions stop it on purpose.  The tables live in `sources.py`.
"""

from __future__ import annotations

from ..shared import Taint
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
    REQUEST_ATTRIBUTES,
    REQUEST_METHODS,
    SAFE_MEMBERS,
    SANITIZERS,
    SOURCE_CALLS,
)
from .values import MAX_HOPS, TRANSPARENT, unwrap

# Node types whose value is made of their children's values.
_PASS_THROUGH = TRANSPARENT | frozenset({
    "await_expression", "array", "spread_element", "object", "sequence_expression",
    "arguments", "template_substitution", "yield_expression",
})
_PASS_OPERATORS = frozenset({"+", "||", "&&", "??"})
_MESSAGE_REGISTRARS = frozenset({"addEventListener", "on", "once", "addListener"})




class TaintTracker:
    def __init__(self, ctx):
        self.ctx = ctx
        self._handlers: dict[int, bool] = {}

    def of(self, node) -> Taint | None:
        """The first untrusted source found in `node`'s value, or None.

        The worklist carries the outermost access chain around each node, so a
        finding shows `req.query.name.trim()` rather than `req.query`."""
        ctx = self.ctx
        seen: set[int] = set()
        stack = [(node, 0, None)]
        while stack:
            current, hops, chain = stack.pop()
            if current is None or current.id in seen or hops > MAX_HOPS:
                continue
            seen.add(current.id)
            source = self._source(current)
            if source is not None:
                if chain is not None and chain is not source.node:
                    return Taint(source.kind, chain, ctx.text(chain))
                return source
            kind = current.type
            if kind in ("identifier", "shorthand_property_identifier"):
                stack.extend(self._identifier(current, hops))
            elif kind == "template_string":
                stack.extend((child, hops, None) for child in current.named_children
                             if child.type == "template_substitution")
            elif kind in _PASS_THROUGH:
                stack.extend((child, hops, chain if kind in TRANSPARENT else None)
                             for child in current.named_children)
            elif kind == "pair":
                stack.append((current.child_by_field_name("value"), hops, None))
            elif kind == "binary_expression":
                op = current.child_by_field_name("operator")
                if op is not None and ctx.text(op) in _PASS_OPERATORS:
                    stack.append((current.child_by_field_name("left"), hops, None))
                    stack.append((current.child_by_field_name("right"), hops, None))
            elif kind == "ternary_expression":
                stack.append((current.child_by_field_name("consequence"), hops, None))
                stack.append((current.child_by_field_name("alternative"), hops, None))
            elif kind == "member_expression":
                prop = current.child_by_field_name("property")
                if prop is None or ctx.text(prop) not in SAFE_MEMBERS:
                    stack.append((current.child_by_field_name("object"), hops, chain or current))
            elif kind == "subscript_expression":
                stack.append((current.child_by_field_name("object"), hops, chain or current))
            elif kind in ("call_expression", "new_expression"):
                stack.extend(self._call_inputs(current, hops, chain))
        return None

    # -- sources -------------------------------------------------------------
    def _source(self, node) -> Taint | None:
        kind = node.type
        if kind == "_source":
            return node.taint
        if kind in ("call_expression", "new_expression"):
            return self._call_source(node)
        if kind in ("member_expression", "subscript_expression"):
            return self._access_source(node)
        return None

    def _call_source(self, node) -> Taint | None:
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
        if parts is not None and call.method in REQUEST_METHODS.get(".".join(parts), ()):
            return Taint("request", node, ctx.text(node))
        if call.method in LLM_RUN_METHODS:
            head = ctx.text(receiver).lower()
            if any(hint in head for hint in LLM_RECEIVER_HINTS):
                return Taint("llm", node, ctx.text(node))
        return None

    def _access_source(self, node) -> Taint | None:
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
        head = ".".join(parts[:-1])
        if parts[-1] in REQUEST_ATTRIBUTES.get(head, ()):
            return Taint("request", node, text)
        return None

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
    def _identifier(self, node, hops: int):
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
                head = ".".join(parts) if parts else ""
                if binding.path[0] in REQUEST_ATTRIBUTES.get(head, ()):
                    found.append((_Source(Taint("request", binding.node, ctx.text(binding.node))),
                                  hops, None))
                    continue
            found.append((value, hops + 1, None))
        if not bindings:
            function = ctx.function_of(node)
            if function is not None and self._is_message_parameter(function, name):
                found.append((_Source(Taint("message", node, name)), hops, None))
            elif function is not None and self._is_form_parameter(function, name):
                found.append((_Source(Taint("request", node, name)), hops, None))
        return found

    def _is_form_parameter(self, function, name: str) -> bool:
        """`async function action(formData: FormData)`: a Next.js server action's form."""
        param = self.ctx.parameters(function).get(name)
        annotation = param[1].child_by_field_name("type") if param is not None else None
        return annotation is not None and self.ctx.text(annotation).lstrip(": ") == "FormData"

    def _call_inputs(self, node, hops: int, chain):
        ctx = self.ctx
        call = ctx.call(node)
        if (call.qualname or "") in SANITIZERS or (call.method or "") in SANITIZERS:
            return []
        if call.method in ("replace", "replaceAll") and len(call.args) > 1 and \
                ctx.literal(call.args[1]) == "\\$&":
            return []  # the regular-expression escaping idiom
        inputs = []
        receiver = call.receiver
        if receiver is not None:
            inputs.append((receiver, hops, chain or node))
        if (call.qualname or "") in PROPAGATING_CALLS or call.method in PROPAGATING_METHOD_ARGS:
            inputs.extend((arg, hops, None) for arg in call.args)
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


class _Source:
    """An already-identified source standing in the worklist."""

    __slots__ = ("id", "taint", "type")

    def __init__(self, taint: Taint):
        self.taint = taint
        self.id = -taint.node.id - 1
        self.type = "_source"


def _ends_with_any(name: str, tails) -> bool:
    return any(name == tail or name.endswith("." + tail) for tail in tails)
