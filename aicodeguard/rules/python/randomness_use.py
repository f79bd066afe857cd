"""Where a Python random value goes (AIG209): a cookie, a session entry, a link, a mail.

The verdicts on names and link text are shared with JavaScript
(`rules/random_purpose.py`); this module finds the place in Python code.
"""

from __future__ import annotations

from ...analysis.secret_names import is_security_name
from ..random_purpose import (
    SECRET_PATH,
    SECRET_QUERY_KEYS,
    Purpose,
    built_link_purpose,
    cookie_purpose,
    message_purpose,
    sends_message,
    session_purpose,
)
from .crypto_values import Destination

COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie", "set_secure_cookie"})
# `session["k"] = v`, `request.session[...]`, `response.cookies[...]`.
SESSION_HOLDERS = frozenset({"session", "cookies", "COOKIES"})
# Calls that build a link to one of the application's own pages from keyword arguments.
URL_BUILDERS = frozenset({"url_for", "reverse", "url_path_for", "build_absolute_uri",
                          "reverse_lazy", "route_url"})
# Calls that make the body of a mail.
MAIL_BODIES = frozenset({"set_content", "EmailMessage", "EmailMultiAlternatives", "Message",
                         "MIMEText", "attach_alternative"})
_STRING_BUILDING = frozenset({"interpolation", "string", "binary_operator", "concatenated_string",
                              "parenthesized_expression", "argument_list", "call", "tuple",
                              "format_expression"})


def use_purpose(ctx, node, dest: Destination | None) -> Purpose | None:
    """The purpose shown by where `node`'s value goes (`dest`, from `destination`)."""
    found = _link_purpose(ctx, node)
    if found is not None or dest is None:
        return found
    owner = _owner_call(ctx, dest)
    if owner is not None:
        found = _call_purpose(ctx, owner, node, dest)
        if found is not None:
            return found
    if dest.kind == "assign":
        return _stored_purpose(ctx, dest)
    return None


def _owner_call(ctx, dest: Destination):
    """The call the value is an argument (or keyword argument) of."""
    if dest.kind == "argument":
        return ctx.call(dest.node)
    if dest.kind == "keyword":
        parent = dest.node.parent
        owner = parent.parent if parent is not None else None
        return ctx.call(owner) if owner is not None and owner.type == "call" else None
    return None


def _call_purpose(ctx, call, node, dest: Destination) -> Purpose | None:
    tail = call.name.rpartition(".")[2]
    if tail in COOKIE_SETTERS:
        value = call.arg(1, "value")
        if value is None or not _contains(value, node):
            return None
        return cookie_purpose(ctx.literal(call.arg(0, "key") or call.keywords.get("name")))
    if tail in URL_BUILDERS and dest.kind == "keyword":
        endpoint = ctx.literal(call.arg(0))
        if is_security_name(dest.name) or dest.name in SECRET_QUERY_KEYS or (
                isinstance(endpoint, str) and SECRET_PATH.search(f"/{endpoint}/")):
            return Purpose(f"the `{dest.name}=` of a link built by `{tail}()`", by_use=True)
        return None
    holder = call.func.child_by_field_name("object") if call.func is not None \
        and call.func.type == "attribute" else None
    if tail in MAIL_BODIES or sends_message(tail, ctx.text(holder) if holder else ""):
        return message_purpose(tail, ctx.text(call.node))
    return None


def _stored_purpose(ctx, dest: Destination) -> Purpose | None:
    """`session["k"] = v`, `response.cookies["k"] = v`, `headers["Set-Cookie"] = ...`."""
    left = dest.node.child_by_field_name("left")
    if left is None or left.type != "subscript":
        return None
    holder = left.child_by_field_name("value")
    holder_name = ctx.text(holder).rpartition(".")[2] if holder is not None else ""
    key = ctx.literal(left.child_by_field_name("subscript"))
    if isinstance(key, str) and key.lower() == "set-cookie":
        return cookie_purpose(None)
    if holder_name not in SESSION_HOLDERS:
        return None
    return session_purpose(key) if holder_name == "session" else cookie_purpose(key)


def _link_purpose(ctx, node) -> Purpose | None:
    return built_link_purpose(ctx.source.data, node, _STRING_BUILDING)


def _contains(outer, inner) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte
