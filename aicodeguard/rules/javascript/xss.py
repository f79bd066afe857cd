"""JavaScript checks for cross-site scripting: DOM HTML sinks and raw-HTML props."""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...model import Edit, Fix
from ..javascript_only import DOM_HTML_SINK, RAW_HTML_PROP
from .checks import on
from .sinks import assess, is_sanitized, report_sink

# jQuery methods that parse their argument as HTML when it looks like markup.
_JQUERY_HTML_METHODS = frozenset({"html", "append", "prepend", "after", "before",
                                  "replaceWith", "wrap"})
_V_HTML = re.compile(r"""\bv-html\s*=\s*["']([^"']+)["']""")


def _html_from_data(ctx, value, *, needs_markup: bool = False):
    """(description, taint) when `value` is HTML built from data, else None."""
    found = assess(ctx, value)
    if found is None:
        return None
    taint = found.taint
    if needs_markup and "<" not in found.info.literal_text and taint is None:
        return None
    if found.built:
        return f"HTML built with {found.how()}", taint
    if taint is not None and taint.is_remote:
        return "a value from outside", taint
    return None


@on.assign("innerHTML", "outerHTML", "srcdoc")
def html_property_assigned(ctx, node, name, value) -> None:
    left = node.child_by_field_name("left")
    if left is None or left.type != "member_expression":
        return
    found = _html_from_data(ctx, value)
    if found is None:
        return
    what, taint = found
    fix = None
    if name == "innerHTML" and node.type == "assignment_expression" \
            and "<" not in ctx.string_info(value).literal_text:
        prop = ctx.location(left.child_by_field_name("property"))
        fix = Fix("Assign to textContent instead (the value contains no markup)",
                  (Edit(prop.line, prop.column, prop.end_line, prop.end_column, "textContent"),),
                  safe=False)
    report_sink(ctx, DOM_HTML_SINK, value,
                f"{what} is assigned to `{name}`, which parses it as HTML; use `textContent` "
                "or sanitise with DOMPurify", taint, fix=fix)


@on.method("insertAdjacentHTML")
def insert_adjacent_html(ctx, call) -> None:
    _report_call(ctx, call, call.arg(1), "insertAdjacentHTML")


@on.call("document.write", "document.writeln")
def document_write(ctx, call) -> None:
    _report_call(ctx, call, call.arg(0), call.qualname)


@on.method(*_JQUERY_HTML_METHODS)
def jquery_html(ctx, call) -> None:
    receiver = unwrap(call.receiver)
    if receiver is None or not _looks_like_jquery(ctx, receiver) or len(call.args) != 1:
        return
    _report_call(ctx, call, call.arg(0), f"$().{call.method}",
                 needs_markup=call.method != "html")


def _looks_like_jquery(ctx, node) -> bool:
    while node is not None and node.type == "call_expression":
        func = unwrap(node.child_by_field_name("function"))
        if func is not None and func.type == "identifier":
            return ctx.text(func) in ("$", "jQuery")
        node = unwrap(func.child_by_field_name("object")) if func is not None and \
            func.type == "member_expression" else None
    return node is not None and node.type == "identifier" and ctx.text(node).startswith("$") \
        and len(ctx.text(node)) > 1


def _report_call(ctx, call, value, name: str, needs_markup: bool = False) -> None:
    found = _html_from_data(ctx, value, needs_markup=needs_markup)
    if found is None:
        return
    what, taint = found
    report_sink(ctx, DOM_HTML_SINK, value,
                f"{what} is passed to `{name}`, which parses it as HTML; build DOM nodes "
                "with `textContent` or sanitise with DOMPurify", taint)


@on.jsx("dangerouslySetInnerHTML")
@on.property("dangerouslySetInnerHTML")
def dangerously_set_inner_html(ctx, node, name, value) -> None:
    value = unwrap(value)
    if value is not None and value.type == "jsx_expression":
        value = value.named_children[0] if value.named_child_count else None
    html = ctx.property(value, "__html") if value is not None else None
    if html is None or ctx.is_literal(html) or is_sanitized(ctx, html) or _is_json(ctx, html):
        return
    found = assess(ctx, html)
    if found is None:
        return
    taint = found.taint
    report_sink(ctx, RAW_HTML_PROP, html,
                f"`{ctx.text(html)[:60]}` is rendered as raw HTML through "
                "`dangerouslySetInnerHTML`; sanitise it with DOMPurify.sanitize() or render "
                "it as text", taint)


def _is_json(ctx, node) -> bool:
    """`JSON.stringify(...)` for a JSON-LD script tag: not HTML."""
    node = unwrap(node)
    return node is not None and node.type == "call_expression" and \
        ctx.call(node).qualname == "JSON.stringify"


@on.property("template")
def vue_v_html(ctx, node, name, value) -> None:
    text = ctx.literal(value)
    if not isinstance(text, str) or "v-html" not in text:
        return
    for match in _V_HTML.finditer(text):
        expression = match.group(1).strip()
        if expression.startswith(("$sanitize(", "sanitize(", "DOMPurify.sanitize(")):
            continue
        ctx.report(RAW_HTML_PROP, value,
                   f"`v-html=\"{expression}\"` renders the value as raw HTML; use text "
                   "interpolation ({{ }}) or sanitise it with DOMPurify first")
        return
