"""What JavaScript injection-style checks ask about a value before they judge it.

Reporting (severity raised by remote taint, the source shown as a related
location, LLM flows routed to AIG80x) is every language's (`rules/sinks.py`), and
the `Assessment` record the Python pack's: they only need a context with `report`,
`location`, `string_info` and a `Taint` with `kind`, `label`, `is_llm` and
`is_remote`, which the JavaScript context provides.
"""

from __future__ import annotations

from ...analysis.javascript.sources import SAFE_MEMBERS, SANITIZERS
from ...analysis.javascript.values import unwrap
from ..python.injection_values import Assessment
from ..sinks import report_sink

__all__ = ("Assessment", "assess", "first_taint", "is_sanitized", "remote_taint", "report_sink")

# Methods whose result is a number, a date text or a boolean: cannot carry markup or SQL.
_SAFE_RESULT_METHODS = frozenset({"toFixed", "toPrecision", "getTime", "valueOf",
                                  "toISOString", "toLocaleDateString", "toLocaleString"})


def is_sanitized(ctx, node, extra: frozenset[str] = frozenset()) -> bool:
    """`DOMPurify.sanitize(x)`, `Number(x)`, `x.length`, or a name holding one."""
    node = ctx.value_of(node)
    if node is None:
        return False
    kind = node.type
    if kind in ("call_expression", "new_expression"):
        call = ctx.call(node)
        name, method = call.qualname or "", call.method or ""
        return name in SANITIZERS or name in extra or method in SANITIZERS or method in extra \
            or method in _SAFE_RESULT_METHODS
    if kind == "member_expression":
        prop = node.child_by_field_name("property")
        return prop is not None and ctx.text(prop) in SAFE_MEMBERS
    return kind in ("number", "true", "false", "null", "undefined")


def assess(ctx, node, sanitizers: frozenset[str] = frozenset()) -> Assessment | None:
    """None when `node` is constant or every variable part is sanitised."""
    node = unwrap(node)
    if node is None or ctx.is_literal(node):
        return None
    info = ctx.string_info(node)
    parts = [part for part in info.dynamic_parts if not is_sanitized(ctx, part, sanitizers)]
    if not parts:
        return None
    return Assessment(info, parts, first_taint(ctx, parts))


def first_taint(ctx, nodes):
    for node in nodes:
        taint = ctx.taint(node)
        if taint is not None:
            return taint
    return None


def remote_taint(ctx, nodes):
    """The first taint from data an outside party controls (request, URL, LLM...)."""
    for node in nodes:
        taint = ctx.taint(node)
        if taint is not None and taint.is_remote:
            return taint
    return None
