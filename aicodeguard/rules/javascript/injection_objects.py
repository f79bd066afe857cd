"""JavaScript checks where data becomes object structure: NoSQL filters (AIG111) and
prototype pollution through hand-written deep merges (AIG120)."""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ..injection import NOSQL_INJECTION
from ..javascript_only import PROTOTYPE_POLLUTION
from ..llm import LLM_OUTPUT_TO_CODE
from .checks import on
from .places import function_name
from .sinks import assess, report_sink

# MongoDB driver and Mongoose methods: name -> position of the filter argument.
FILTER_METHODS = {
    "find": 0, "findOne": 0, "findOneAndUpdate": 0, "findOneAndDelete": 0,
    "findOneAndReplace": 0, "findOneAndRemove": 0, "updateOne": 0, "updateMany": 0,
    "deleteOne": 0, "deleteMany": 0, "countDocuments": 0, "count": 0, "exists": 0,
    "replaceOne": 0, "remove": 0, "where": 0, "distinct": 1, "findAndModify": 0,
}
_LOGICAL = frozenset({"$or", "$and", "$nor"})
# Libraries with methods of the same names that are not database queries.
_NOT_DATABASES = frozenset({"fs", "fs-extra", "lodash", "underscore", "ramda", "path", "jquery"})
# Request parts whose values are always strings (path parameters, headers, cookies).
_STRING_ONLY = re.compile(r"\.(params|headers|header|cookies|signedCookies)\b|\.param\(|"
                          r"\.get\(|\.header\(")
_GUARD = re.compile(r"__proto__|['\"](constructor|prototype)['\"]|Object\.create\(null\)|"
                    r"isSafeKey|isPrototypePolluted|FORBIDDEN|UNSAFE_KEYS|DANGEROUS_KEYS|"
                    r"BLOCKED_KEYS|hasOwnProperty\.call\(\s*Object\.prototype")


@on.method(*FILTER_METHODS)
def mongo_filter(ctx, call) -> None:
    query = unwrap(call.arg(FILTER_METHODS[call.method]))
    if call.qualname and call.qualname.partition(".")[0] in _NOT_DATABASES:
        return
    if query is None or query.type in ("arrow_function", "function_expression"):
        return
    obj = ctx.object_literal(query)
    if obj is None:
        taint = _raw_request_value(ctx, query)
        if taint is not None:
            report_sink(ctx, NOSQL_INJECTION, query,
                        f"request data `{_short(ctx.text(query))}` is passed whole as the "
                        f"MongoDB filter of `{call.method}`; the client chooses fields and "
                        "operators ($ne, $gt, $where): build the filter from validated fields",
                        taint, escalate=False)
        return
    stack = [obj]
    while stack:
        current = stack.pop()
        for child in current.named_children:
            key, value = _pair(ctx, child)
            if value is None or key is None:
                continue
            if key in _LOGICAL:
                stack.extend(item for item in (ctx.array_items(value) or ())
                             if item.type == "object")
                continue
            if key.startswith("$"):
                continue
            taint = _raw_request_value(ctx, value)
            if taint is not None:
                report_sink(ctx, NOSQL_INJECTION, value,
                            f"request data `{_short(ctx.text(value))}` is used as the value of "
                            f"`{key}` in a MongoDB filter; a JSON body or query string can send "
                            "an operator object such as {\"$ne\": null} instead of a string: "
                            "convert it with String() or check its type first", taint,
                            escalate=False)
                return


def _pair(ctx, child):
    if child.type == "pair":
        key = child.child_by_field_name("key")
        return (ctx.key_text(key) if key is not None else None), child.child_by_field_name("value")
    if child.type == "shorthand_property_identifier":
        return ctx.text(child), child
    return None, None


def _raw_request_value(ctx, node):
    """The request taint of `node` when it may still be an object (not converted)."""
    taint = ctx.taint(node)
    if taint is None or taint.kind != "request" or _STRING_ONLY.search(taint.text):
        return None
    value = ctx.value_of(node)
    if value is None:
        return None
    if value.type in ("member_expression", "subscript_expression", "identifier",
                      "await_expression", "shorthand_property_identifier"):
        return taint
    if value.type == "call_expression" and taint.node.id == value.id:
        return taint
    return None


@on.property("$where")
def mongo_where(ctx, node, key, value) -> None:
    found = assess(ctx, value)
    if found is None or not (found.built or found.taint is not None):
        return
    report_sink(ctx, NOSQL_INJECTION, value,
                f"the `$where` JavaScript of a MongoDB query is built with {found.how()}; the "
                "server runs it for every document: express the condition with query "
                "operators instead", found.taint, llm_rule=LLM_OUTPUT_TO_CODE)


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- prototype pollution ------------------------------------------------------

@on.node("for_in_statement")
def merge_loop(ctx, node) -> None:
    left = node.child_by_field_name("left")
    right = unwrap(node.child_by_field_name("right"))
    operator = node.child_by_field_name("operator")
    if left is None or right is None or operator is None:
        return
    if ctx.text(operator) == "in":
        key = left if left.type == "identifier" else None
    elif right.type == "call_expression" and ctx.call(right).qualname in (
            "Object.keys", "Object.entries", "Reflect.ownKeys", "Object.getOwnPropertyNames"):
        key = left if left.type == "identifier" else (
            left.named_children[0] if left.type == "array_pattern" and left.named_child_count
            else None)
    else:
        return
    if key is not None and key.type == "identifier":
        _check_merge(ctx, node.child_by_field_name("body"), ctx.text(key), node)


@on.method("forEach")
def merge_for_each(ctx, call) -> None:
    receiver = unwrap(call.receiver)
    callback = unwrap(call.arg(0))
    if receiver is None or callback is None or receiver.type != "call_expression" or \
            callback.type not in ("arrow_function", "function_expression") or \
            ctx.call(receiver).qualname not in ("Object.keys", "Object.entries"):
        return
    params = sorted(ctx.parameters(callback).items(), key=lambda item: item[1][0])
    if params:
        _check_merge(ctx, callback.child_by_field_name("body"), params[0][0], call.node)


def _check_merge(ctx, body, key: str, loop) -> None:
    """A loop over an object's keys that writes `target[key]` and recurses into
    `target[key]` itself (a deep clone that only recurses into the source is safe)."""
    function = ctx.function_of(loop)
    name = function_name(ctx, function) if function is not None else None
    if body is None or name is None or _GUARD.search(ctx.text(function)):
        return
    written: set[str] = set()
    recursions = []
    stack = [body]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "assignment_expression":
            target = _indexed_by(ctx, node.child_by_field_name("left"), key)
            if target:
                written.add(target)
        elif kind == "call_expression":
            call = ctx.call(node)
            if call.name in (name, f"this.{name}"):
                recursions.append((node, {_indexed_by(ctx, arg, key) for arg in call.args}))
        stack.extend(node.named_children)
    for node, descended in recursions:
        if written & descended:
            ctx.report(PROTOTYPE_POLLUTION, node,
                       f"`{name}` copies every key into nested objects, `__proto__` included: "
                       "input such as {\"__proto__\": {\"isAdmin\": true}} (e.g. from "
                       "JSON.parse or a request body) changes every object in the process; "
                       "skip the keys `__proto__`, `constructor` and `prototype`")
            return


def _indexed_by(ctx, node, key: str) -> str | None:
    """'target' for `target[key]` (also `target[key] || {}`), else None."""
    node = unwrap(node)
    if node is not None and node.type == "binary_expression":
        node = unwrap(node.child_by_field_name("left"))
    if node is None or node.type != "subscript_expression":
        return None
    index = unwrap(node.child_by_field_name("index"))
    if index is None or index.type != "identifier" or ctx.text(index) != key:
        return None
    return ctx.text(node.child_by_field_name("object"))
