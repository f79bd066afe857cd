"""JavaScript checks for AIG209: `Math.random()` (and `crypto.pseudoRandomBytes`) producing
a value an attacker must not guess.

`Math.random()` is fine for animation, jitter, colours and UI keys, so a call
is reported when its value (or, one step on, a variable holding it) becomes a
secret: by use — a cookie, a session entry, the token of a link, a code sent
by mail or SMS (`rules/random_purpose.py` judges the place) — or, when no use
says otherwise, by the name of its place (`token`, `otp`, `generateToken()`).
A use or name that says what the value is for (`?v=` cache busting, jitter, a
test) keeps it quiet.
"""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import is_security_name
from ...model import Confidence, Severity
from ..crypto import INSECURE_RANDOM
from ..random_purpose import (
    BENIGN,
    Purpose,
    built_link_purpose,
    cookie_purpose,
    is_benign_name,
    message_purpose,
    sends_message,
    session_purpose,
)
from .checks import on
from .places import Place, destination, function_name

MAX_USES = 32  # how many later uses of a variable are examined
_STRING_BUILDING = frozenset({"template_substitution", "template_string", "binary_expression",
                              "parenthesized_expression", "arguments", "call_expression",
                              "member_expression"})
COOKIE_JARS = re.compile(r"cookies?(\(\))?$", re.IGNORECASE)
_FUNCTIONS = ("function_declaration", "arrow_function", "function_expression",
              "method_definition")


@on.call("Math.random")
def insecure_random(ctx, call) -> None:
    place = destination(ctx, call.node)
    found = [p for p in [_purpose(ctx, call.node, place, later=False),
                         *_later_purposes(ctx, place)] if p is not None]
    chosen = next((p for p in found if p.by_use), None)
    if chosen is not None and not chosen.where:
        return  # the code shows what it is for: a cache buster, a preference cookie
    if chosen is None:
        function = ctx.function_of(call.node)
        if any(not p.where for p in found) or (
                function is not None and is_benign_name(function_name(ctx, function))):
            return
        chosen = next(iter(found), None)
    if chosen is None:
        return
    ctx.report(INSECURE_RANDOM, call.node,
               f"`Math.random()` is predictable (its state can be recovered from a few outputs) "
               f"but its value becomes {chosen.where}; use `crypto.randomBytes()`, "
               "`crypto.randomInt()` or `crypto.randomUUID()` (`crypto.getRandomValues()` in "
               "browsers)", severity=chosen.severity, confidence=chosen.confidence)


def _purpose(ctx, node, place: Place | None, *, later: bool) -> Purpose | None:
    """What the value is for: its use first, else the name of its place."""
    found = _use_purpose(ctx, node, place)
    if found is not None or place is None:
        return found
    if place.kind in ("assign", "key") and is_benign_name(place.name):
        return BENIGN
    if is_security_name(place.name, function=place.kind in ("return", "argument")):
        return Purpose(place.describe(), by_use=False,
                       confidence=Confidence.MEDIUM if later else Confidence.HIGH)
    if place.kind == "assign" and not later:
        where = _returned_by_security_function(ctx, place)
        return Purpose(where, by_use=False) if where else None
    return None


def _use_purpose(ctx, node, place: Place | None) -> Purpose | None:
    found = _link_purpose(ctx, node)
    if found is not None or place is None:
        return found
    if place.kind == "argument":
        return _call_purpose(ctx, ctx.call(place.node), node)
    if place.kind == "key":  # `transporter.sendMail({ text: `Your code ${code}` })`
        obj = place.node.parent
        args = obj.parent if obj is not None else None
        owner = args.parent if args is not None and args.type == "arguments" else None
        return _call_purpose(ctx, ctx.call(owner), node) if owner is not None else None
    if place.kind == "assign":  # `req.session.token = ...`
        target = place.node.child_by_field_name("left")
        holder = target.child_by_field_name("object") if target is not None and \
            target.type == "member_expression" else None
        if holder is not None and ctx.text(holder).rpartition(".")[2] == "session":
            return session_purpose(place.name)
    return None


def _call_purpose(ctx, call, node) -> Purpose | None:
    holder = ctx.text(call.receiver) if call.receiver is not None else ""
    tail = call.method or (call.qualname or "").rpartition(".")[2]
    if call.method == "cookie" or (call.method == "set" and COOKIE_JARS.search(holder)):
        value = call.arg(1)
        if value is None or not value.start_byte <= node.start_byte < value.end_byte:
            return None
        return cookie_purpose(ctx.literal(call.arg(0)))
    if tail and sends_message(tail, holder):
        return message_purpose(tail, ctx.text(call.node))
    return None


def _link_purpose(ctx, node) -> Purpose | None:
    return built_link_purpose(ctx.source.data, node, _STRING_BUILDING)


def _later_purposes(ctx, place: Place | None) -> list[Purpose | None]:
    """A variable given the random value, then set as a cookie, put in a link or mailed."""
    if place is None or place.kind != "assign":
        return []
    target = place.node.child_by_field_name("name") or place.node.child_by_field_name("left")
    if target is None or target.type != "identifier":
        return []
    scope = ctx.scope_of(place.node)
    name, after, found = place.name, place.node.end_byte, []
    stack = [scope]
    while stack and len(found) < MAX_USES:
        current = stack.pop()
        if current.type == "identifier" and current.start_byte >= after and \
                ctx.text(current) == name:
            found.append(_purpose(ctx, current, destination(ctx, current), later=True))
        stack.extend(current.named_children)
    return found


def _returned_by_security_function(ctx, place) -> str:
    """A local that collects the random value and is returned from `generateToken()`."""
    function = ctx.function_of(place.node)
    name = function_name(ctx, function) if function is not None else None
    if not name or not is_security_name(name, function=True):
        return ""
    body = function.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type == "return_statement" and node.named_child_count and \
                _root_name(ctx, node.named_children[0]) == place.name:
            return f"the result of `{name}()`"
        if node.type not in _FUNCTIONS[:3]:
            stack.extend(node.named_children)
    return ""


def _root_name(ctx, node) -> str | None:
    """`password` in `password`, `password.join('')` or `password.slice(0, n)`."""
    node = unwrap(node)
    while node is not None and node.type in ("call_expression", "member_expression"):
        if node.type == "call_expression":
            node = unwrap(node.child_by_field_name("function"))
        else:
            node = unwrap(node.child_by_field_name("object"))
    return ctx.text(node) if node is not None and node.type == "identifier" else None


@on.call("crypto.pseudoRandomBytes")
def pseudo_random_bytes(ctx, call) -> None:
    ctx.report(INSECURE_RANDOM, call.node,
               "`crypto.pseudoRandomBytes` is deprecated and not meant for secrets; use "
               "`crypto.randomBytes()`", severity=Severity.MEDIUM)
