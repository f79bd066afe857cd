"""Python checks for AIG503: CORS that lets any origin read responses — flask-cors,
Starlette/FastAPI CORSMiddleware, django-cors-headers, and hand-written headers.

A wildcard alone is reported as low (fine for a public API without cookies); with
credentials allowed it is high: every one of these libraries then echoes the caller's
origin back, so browsers send the user's cookies and let any site read the answer.
"""

from __future__ import annotations

import re

from ...analysis.shared import UNKNOWN
from ...model import Severity
from ..web import PERMISSIVE_CORS
from .checks import on
from .web import checked_before, flow_taint, on_pair_key, report_flow
from .web_config import config_assignment, development_context

ALLOW_ORIGIN = "access-control-allow-origin"
# An origin a wildcard or a catch-all regular expression would accept.
PROBE_ORIGIN = "https://attacker.invalid"
CORS_MIDDLEWARES = ("starlette.middleware.cors.CORSMiddleware",
                    "fastapi.middleware.cors.CORSMiddleware")
# An allow-list check on the echoed origin (the line must also name it).
ORIGIN_GUARD = re.compile(r"\bin\b|==|allowed|ALLOWED|whitelist|WHITELIST|trusted|TRUSTED"
                          r"|endswith\(|fullmatch\(|match\(")


def any_origin(ctx, node, *, default: bool = False) -> bool:
    """Does an origins setting (a string, a list of them, or regular expressions) accept any
    origin?  `default` answers for a missing setting."""
    if node is None:
        return default
    value = ctx.literal(node)
    items = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return any(isinstance(item, str) and _matches_anything(item) for item in items)


def _matches_anything(pattern: str) -> bool:
    if pattern == "*":
        return True
    try:
        return re.fullmatch(pattern, PROBE_ORIGIN) is not None
    except re.error:
        return False


def report_cors(ctx, node, subject: str, credentials: bool) -> None:
    """`subject` allows any origin (with credentials when `credentials`)."""
    if credentials:
        ctx.report(PERMISSIVE_CORS, node,
                   f"{subject} allows any origin, with credentials: any web site can send "
                   "requests carrying the user's cookies and read the answers (the caller's "
                   "origin is echoed back); list the trusted origins")
    else:
        ctx.report(PERMISSIVE_CORS, node,
                   f"{subject} allows any origin: any web site can read the responses; fine for "
                   "a public API without cookies or network-based trust, otherwise list the "
                   "trusted origins", severity=Severity.LOW)


# -- flask-cors ------------------------------------------------------------------------------
@on.call("flask_cors.CORS", "flask_cors.cross_origin")
def flask_cors_any_origin(ctx, call) -> None:
    """flask-cors defaults to origins="*"; per-resource options override the call's."""
    if call.star_kwargs:
        return
    origins = call.keywords.get("origins")
    credentials = ctx.literal(call.keywords.get("supports_credentials")) is True
    settings = [(origins, credentials)]
    resources = call.keywords.get("resources")
    if resources is not None and resources.type == "dictionary":
        settings = [_resource_options(ctx, pair.child_by_field_name("value"), origins, credentials)
                    for pair in resources.named_children if pair.type == "pair"] or settings
    open_to_all = [creds for node, creds in settings if any_origin(ctx, node, default=node is None)]
    if open_to_all:
        report_cors(ctx, call.node, f"`{ctx.text(call.func)}(...)`",
                    any(open_to_all))


def _resource_options(ctx, options, origins, credentials):
    if options is None or options.type != "dictionary":
        return origins, credentials
    for pair in options.named_children:
        if pair.type != "pair":
            continue
        key = ctx.literal(pair.child_by_field_name("key"))
        value = pair.child_by_field_name("value")
        if key == "origins":
            origins = value
        elif key == "supports_credentials":
            credentials = ctx.literal(value) is True
    return origins, credentials


# -- Starlette / FastAPI ---------------------------------------------------------------------
@on.method("add_middleware")
@on.call("starlette.middleware.Middleware", *CORS_MIDDLEWARES)
def cors_middleware_any_origin(ctx, call) -> None:
    if call.qualname not in CORS_MIDDLEWARES:
        first = call.arg(0)
        name = ctx.qualname(first) if first is not None else None
        if not name or not name.endswith("CORSMiddleware"):
            return
    credentials = ctx.literal(call.keywords.get("allow_credentials")) is True
    for keyword in ("allow_origins", "allow_origin_regex"):
        value = call.keywords.get(keyword)
        if value is not None and any_origin(ctx, value):
            report_cors(ctx, value.parent, f"`{ctx.text(value.parent)}`", credentials)
            return


# -- django-cors-headers ---------------------------------------------------------------------
@on.assign("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
def django_cors_any_origin(ctx, assignment, name, value) -> None:
    if ctx.literal(value) is not True or not config_assignment(ctx, assignment) \
            or development_context(ctx, assignment):
        return
    credentials = any(ctx.literal(binding.value) is True
                      for binding in ctx.bindings.get("CORS_ALLOW_CREDENTIALS", ()))
    report_cors(ctx, assignment, f"`{name} = True`", credentials)


# -- hand-written Access-Control-Allow-Origin headers ------------------------------------
@on.assign("Access-Control-Allow-Origin", ALLOW_ORIGIN)
def allow_origin_header_assigned(ctx, assignment, name, value) -> None:
    _allow_origin(ctx, assignment, value)


@on_pair_key(ALLOW_ORIGIN)
def allow_origin_header_in_dict(ctx, pair, value) -> None:
    _allow_origin(ctx, pair, value)


@on.method("add", "set", "set_header", "add_header", "setdefault")
def allow_origin_header_call(ctx, call) -> None:
    name = call.arg(0)
    if name is not None and name.type == "string" and \
            str(ctx.literal(name)).lower() == ALLOW_ORIGIN:
        _allow_origin(ctx, call.node, call.arg(1))


def _allow_origin(ctx, node, value) -> None:
    if value is None:
        return
    scope = ctx.function_of(node)
    credentials = scope is not None and "access-control-allow-credentials" in \
        ctx.text(scope).lower()
    literal = ctx.literal(value)
    if literal == "*":
        report_cors(ctx, node, "`Access-Control-Allow-Origin: *`", False)
        return
    taint = flow_taint(ctx, value) if literal is UNKNOWN else None
    if taint is None or checked_before(ctx, value, ORIGIN_GUARD):
        return
    report_flow(ctx, PERMISSIVE_CORS, node,
                "the request's own Origin is echoed back as Access-Control-Allow-Origin, which "
                "trusts every web site" + (" with the user's cookies (credentials are allowed)"
                                           if credentials else "")
                + "; compare it with a list of trusted origins first", taint,
                severity=None if credentials else Severity.LOW)
