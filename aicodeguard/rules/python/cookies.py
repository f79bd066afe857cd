"""Python check for AIG516: a cookie set without `secure` or `httponly`, whatever it is called.

A cookie holding a session, login, token or CSRF value (by its name, or by a
value made with `secrets`/`random`/`jwt`) is medium; any other cookie named in
the code (a preference such as `theme` or `lang`) is low.  A cookie whose name
and value both come from the caller is a wrapper's business and is left to its
callers.  No Flask, Django or Starlette setting changes what `set_cookie`
sends, so the calls are judged alone; framework settings are checked in
`web_config.py`.
"""

from __future__ import annotations

import re

from ...analysis.secret_names import is_security_name
from ...model import Confidence, Fix, Severity
from ..cookie_names import (
    CSRF_COOKIE,
    cookie_stakes,
    is_preference_cookie,
    report_header,
)
from ..web import INSECURE_COOKIE
from .checks import on
from .crypto_values import names_in
from .web import append_argument, replace_node

COOKIE_SETTERS = ("set_cookie", "set_signed_cookie", "set_secure_cookie")
# Receivers whose `set_cookie` stores a cookie on the client side (test clients, cookie
# jars, browsers driven by tests), not in a response.
CLIENT_RECEIVERS = re.compile(r"client|jar|cookies|browser|driver|opener", re.IGNORECASE)
# Names in a value that make it a credential: `secrets.token_hex()`, `jwt.encode()`.
SECRET_VALUE_NAMES = frozenset({"secrets", "random", "uuid4", "urandom", "randint",
                                "getrandbits", "randbytes", "token_urlsafe", "token_hex"})
PLAIN_HTTP = "it also travels over plain HTTP, where anyone on the network reads it"
SCRIPTS = "page scripts can read it, so any XSS steals it"


@on.method(*COOKIE_SETTERS)
def cookie_without_flags(ctx, call) -> None:
    if call.star_kwargs or len(call.positional) + len(call.keywords) < 2:
        return  # options passed on from elsewhere, or a cookie jar's `set_cookie(cookie)`
    holder = call.func.child_by_field_name("object")
    if holder is not None and CLIENT_RECEIVERS.search(ctx.text(holder)):
        return
    name = ctx.literal(call.arg(0, "key") or call.keywords.get("name"))
    value = call.arg(1, "value")
    severity, confidence = _stakes(ctx, name, value)
    if severity is None:
        return
    flags = ("secure",) if isinstance(name, str) and (
        CSRF_COOKIE.search(name) or is_preference_cookie(name)) else ("secure", "httponly")
    missing = [flag for flag in flags
               if flag not in call.keywords or ctx.literal(call.keywords[flag]) is False]
    if not missing:
        return
    edits = [replace_node(ctx, call.keywords[flag], "True") for flag in missing
             if flag in call.keywords]
    absent = [f"{flag}=True" for flag in missing if flag not in call.keywords]
    if absent:
        edits.append(append_argument(ctx, call, ", ".join(absent)))
    wanted = ", ".join(f"{flag}=True" for flag in missing)
    why = " and ".join(PLAIN_HTTP if flag == "secure" else SCRIPTS for flag in missing)
    what = f"cookie `{name}`" if isinstance(name, str) else "a cookie holding a secret"
    ctx.report(INSECURE_COOKIE, call.node,
               f"{what} is set without {wanted}: {why}; pass {wanted} (and samesite=\"Lax\")",
               severity=severity, confidence=confidence,
               fix=Fix(f"Pass {wanted}", tuple(edits), safe=False))


@on.assign("Set-Cookie")
def set_cookie_header(ctx, assignment, name, value) -> None:
    _check_header(ctx, value)


@on.method("add_header", "set_header", "add", "append")
def set_cookie_header_call(ctx, call) -> None:
    first = call.arg(0)
    header = ctx.literal(first) if first is not None and first.type == "string" else None
    if isinstance(header, str) and header.lower() == "set-cookie":
        _check_header(ctx, call.arg(1))


def _check_header(ctx, value) -> None:
    """`Set-Cookie: sid=...; Path=/` written by hand: the flags are words in the text."""
    if value is None or value.type not in ("string", "binary_operator", "concatenated_string"):
        return
    text = ctx.text(value)
    cookie = re.match(r"[rbuf]*[\"']\s*([\w.-]+)=", text, re.IGNORECASE)
    name = cookie.group(1) if cookie else None
    report_header(ctx, value, text, name, _stakes(ctx, name, value))


def _stakes(ctx, name, value) -> tuple[Severity | None, Confidence | None]:
    return cookie_stakes(name, value is not None and _secret_value(ctx, value))


def _secret_value(ctx, value) -> bool:
    return any(name in SECRET_VALUE_NAMES or is_security_name(name)
               for name in names_in(ctx, value))
