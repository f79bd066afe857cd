"""JavaScript checks for AIG516: a cookie written without `secure`/`httpOnly`, whatever it is
called.

`res.cookie(name, value, options)` (Express: neither flag by default),
`cookies.set(...)` (Koa, `cookies`, Next.js, js-cookie) and a hand-written
`Set-Cookie` header.  A session, login, token or CSRF cookie, or one whose value
is made with `crypto`/`Math.random`/`jwt.sign`, is medium; any other named
cookie (a preference such as `theme` or `lang`) is low and needs only `secure`.
Koa's and the `cookies` package's `set` are HttpOnly unless told otherwise,
and js-cookie (in the browser) cannot set HttpOnly at all: there only `secure`
is asked for.  Session middleware options (`express-session`, `cookie-session`)
are checked in `web_config.py`.
"""

from __future__ import annotations

import re

from ...model import Confidence, Severity
from ..cookie_names import (
    CSRF_COOKIE,
    cookie_stakes,
    is_preference_cookie,
    report_header,
)
from ..web import INSECURE_COOKIE
from .checks import on

SECRET_VALUE = re.compile(r"random|uuid|jwt|\.sign\(|token|secret|sess|crypto", re.IGNORECASE)
# `cookies.set` of these receivers is HttpOnly by default (Koa, `cookies`) or cannot be
# (js-cookie in the browser).
HTTPONLY_BY_DEFAULT = re.compile(r"(?:^|\.)cookies$|^Cookies$")
HEADER_SETTERS = frozenset({"setHeader", "header", "set", "append", "writeHead"})
CLIENT_RECEIVERS = re.compile(r"jar|browser|page|driver|agent", re.IGNORECASE)


@on.method("cookie")
def response_cookie(ctx, call) -> None:
    _check(ctx, call, ("httpOnly", "secure"))


@on.method("set")
def cookies_set(ctx, call) -> None:
    holder = call.receiver
    text = ctx.text(holder) if holder is not None else ""
    if not re.search(r"cookies?(\(\))?$", text, re.IGNORECASE) or CLIENT_RECEIVERS.search(text):
        return
    wanted = ("secure",) if HTTPONLY_BY_DEFAULT.search(text) else ("httpOnly", "secure")
    _check(ctx, call, wanted)


def _check(ctx, call, wanted: tuple[str, ...]) -> None:
    if len(call.args) < 2 or call.spread:
        return
    name = ctx.literal(call.arg(0))
    severity, confidence = _stakes(ctx, name, call.arg(1))
    if severity is None:
        return
    options = call.arg(2)
    if options is not None and ctx.object_literal(options) is None:
        return  # options built elsewhere
    if isinstance(name, str) and (CSRF_COOKIE.search(name) or is_preference_cookie(name)):
        wanted = ("secure",)  # page scripts read these on purpose
    missing = [flag for flag in wanted
               if options is None or ctx.literal(ctx.property(options, flag)) is not True]
    if not missing:
        return
    flags = " and ".join(f"`{flag}: true`" for flag in missing)
    what = f"cookie `{name}`" if isinstance(name, str) else "a cookie holding a secret"
    ctx.report(INSECURE_COOKIE, call.node,
               f"{what} is set without {flags}: scripts injected into the page can read it, "
               "or it travels over plain HTTP; set them (and `sameSite`)",
               severity=severity, confidence=confidence)


@on.method(*HEADER_SETTERS)
def set_cookie_header(ctx, call) -> None:
    first = call.arg(0) if call.args else None
    header = ctx.literal(first) if first is not None and first.type == "string" else None
    if not isinstance(header, str) or header.lower() != "set-cookie" or len(call.args) < 2:
        return
    value = call.arg(1)
    if value.type not in ("string", "template_string", "binary_expression", "array"):
        return
    text = ctx.text(value)
    cookie = re.match(r"[\[\s]*[`'\"]\s*([\w.-]+)=", text)
    name = cookie.group(1) if cookie else None
    report_header(ctx, value, text, name, _stakes(ctx, name, value))


def _stakes(ctx, name, value) -> tuple[Severity | None, Confidence | None]:
    held = ctx.text(ctx.value_of(value) or value) if value is not None else ""
    return cookie_stakes(name, bool(SECRET_VALUE.search(held)))
