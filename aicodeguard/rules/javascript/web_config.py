"""JavaScript checks for AIG5xx configuration: servers on every interface (AIG502), CORS
(AIG503), cookie flags (AIG516), static files from the project root (AIG532), message
handlers without an origin check (AIG533) and Electron web preferences (AIG534)."""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...model import Confidence, Edit, Fix, Severity
from ..javascript_only import (
    ELECTRON_WEB_PREFERENCES,
    MESSAGE_WITHOUT_ORIGIN,
    STATIC_PROJECT_ROOT,
)
from ..web import BIND_ALL_INTERFACES, INSECURE_COOKIE, PERMISSIVE_CORS
from .checks import on

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})
CORS_CALLS = ("cors", "@fastify/cors", "@koa/cors", "kcors")
STATIC_CALLS = ("express.static", "serve-static", "koa-static", "koa-static-cache")
ROOT_VALUES = frozenset({".", "./", "", "/", "..", "../", "__dirname", "process.cwd()"})
_SESSION_CALLS = frozenset({"express-session", "cookie-session", "session", "cookieSession"})
ELECTRON_RISKS = {  # key -> (dangerous value, what it does)
    "nodeIntegration": (True, "gives the page's scripts `require` and full Node access"),
    "nodeIntegrationInSubFrames": (True, "gives framed pages full Node access"),
    "nodeIntegrationInWorker": (True, "gives web workers full Node access"),
    "contextIsolation": (False, "lets page scripts reach the preload script's Node objects"),
    "webSecurity": (False, "turns off the same-origin policy"),
    "allowRunningInsecureContent": (True, "runs scripts loaded over plain HTTP"),
    "sandbox": (False, "runs the renderer without the OS sandbox"),
}


def _replace(ctx, node, text: str, title: str) -> Fix:
    loc = ctx.location(node)
    return Fix(title, (Edit(loc.line, loc.column, loc.end_line, loc.end_column, text),),
               safe=False)


def _call_of_argument(ctx, obj):
    """The call that gets `obj` (an object literal) as a direct argument, or None."""
    args = obj.parent if obj is not None else None
    call = args.parent if args is not None and args.type == "arguments" else None
    return ctx.call(call) if call is not None and call.type in (
        "call_expression", "new_expression") else None


# -- AIG502 listening on every interface -----------------------------------------
@on.method("listen")
def listen_all_interfaces(ctx, call) -> None:
    for arg in call.args[:2]:
        host = ctx.property(arg, "host") if ctx.object_literal(arg) is not None else arg
        if host is not None and ctx.literal(host) in ALL_INTERFACES:
            quote = ctx.text(host)[0] if host.type == "string" else "'"
            ctx.report(BIND_ALL_INTERFACES, host,
                       f"the server listens on `{ctx.literal(host)}`, every network interface "
                       "of the machine; bind to 127.0.0.1 unless it must be reachable from "
                       "other hosts (in a container, set it from configuration)",
                       fix=_replace(ctx, host, f"{quote}127.0.0.1{quote}", "Listen on 127.0.0.1")
                       if host.type == "string" else None)
            return


# -- AIG503 CORS -------------------------------------------------------------
@on.call(*CORS_CALLS)
def cors_options(ctx, call) -> None:
    options = call.arg(0)
    if options is None:
        ctx.report(PERMISSIVE_CORS, call.node,
                   f"`{call.qualname}()` without options answers every origin with "
                   "`Access-Control-Allow-Origin: *`; pass `origin:` with the sites that may "
                   "call this API", severity=Severity.LOW)
        return
    if ctx.object_literal(options) is None:
        return
    origin = ctx.property(options, "origin")
    credentials = ctx.literal(ctx.property(options, "credentials")) is True
    what = _any_origin(ctx, origin)
    if what is None:
        return
    if credentials:
        ctx.report(PERMISSIVE_CORS, origin,
                   f"CORS {what} with `credentials: true`: any website can make requests "
                   "with the user's cookies and read the answers; list the allowed origins")
    elif what.startswith("allows"):
        ctx.report(PERMISSIVE_CORS, origin,
                   f"CORS {what}: any website can read this API's responses; list the "
                   "allowed origins unless the API is public", severity=Severity.LOW)


def _any_origin(ctx, origin) -> str | None:
    if origin is None:
        return None
    value = ctx.literal(origin)
    if value == "*":
        return "allows every origin (`'*'`)"
    if value is True:
        return "reflects every request's origin (`origin: true`)"
    function = unwrap(origin)
    if function is not None and function.type in ("arrow_function", "function_expression"):
        body = ctx.text(function.child_by_field_name("body") or function)
        if re.search(r"\(\s*null\s*,\s*true\s*\)", body) and not re.search(
                r"includes|indexOf|===|==|test\(|match|has\(|startsWith|endsWith", body):
            return "reflects every request's origin (the callback always allows)"
    return None


@on.method("setHeader", "header", "set", "append")
def allow_origin_header(ctx, call) -> None:
    if len(call.args) != 2:
        return
    name = ctx.literal(call.args[0])
    if not isinstance(name, str) or name.lower() != "access-control-allow-origin":
        return
    value = call.args[1]
    taint = ctx.taint(value)
    if taint is not None and "origin" in taint.text.lower():
        ctx.report(PERMISSIVE_CORS, value,
                   "the request's own Origin header is echoed as Access-Control-Allow-Origin, "
                   "which trusts every website; compare it with a list of allowed origins "
                   "first")
    elif ctx.literal(value) == "*":
        credentials = _credentials_header(ctx, call)
        ctx.report(PERMISSIVE_CORS, value,
                   "Access-Control-Allow-Origin `*` lets every website read the responses"
                   + (" (with Allow-Credentials)" if credentials else "")
                   + "; list the allowed origins unless the API is public",
                   severity=None if credentials else Severity.LOW)


def _credentials_header(ctx, call) -> bool:
    scope = ctx.function_of(call.node) or ctx.tree.root_node
    return bool(re.search(r"Access-Control-Allow-Credentials['\"]\s*,\s*['\"]?true",
                          ctx.text(scope), re.IGNORECASE))


# -- AIG516 session middleware cookie options (calls that set cookies: cookies.py) -------
@on.property("httpOnly", "secure")
def cookie_flag_off(ctx, node, key, value) -> None:
    if ctx.literal(value) is not False:
        return
    obj = node.parent
    holder = obj.parent if obj is not None else None
    in_cookie = holder is not None and holder.type == "pair" and \
        ctx.key_text(holder.child_by_field_name("key")) == "cookie"
    call = _call_of_argument(ctx, obj)
    if call is not None and call.method in ("cookie", "set") and call.arg(2) is not None \
            and call.arg(2).id == obj.id:
        return  # `res.cookie(...)`, `cookies.set(...)` options: reported by `cookies.py`
    if not in_cookie and (call is None or not (call.name in _SESSION_CALLS or
                                                call.name.endswith("set")
                                                and "cookie" in ctx.text(call.func).lower())):
        return
    what = "JavaScript can read the cookie" if key == "httpOnly" else \
        "the cookie is also sent over plain HTTP"
    ctx.report(INSECURE_COOKIE, node,
               f"`{key}: false` on a session cookie: {what}; set it to true",
               fix=_replace(ctx, value, "true", f"Set {key}: true"))


# -- AIG532 static files from the project root ---------------------------------------
@on.call(*STATIC_CALLS)
def static_root(ctx, call) -> None:
    root = call.arg(0)
    options = call.arg(1)
    dotfiles = ctx.property(options, "dotfiles") if options is not None else None
    if dotfiles is not None and ctx.literal(dotfiles) == "allow":
        ctx.report(STATIC_PROJECT_ROOT, dotfiles,
                   "`dotfiles: 'allow'` serves files such as `.env` and `.git/config`; leave "
                   "the default ('ignore')")
        return
    if root is not None and _is_project_root(ctx, root):
        ctx.report(STATIC_PROJECT_ROOT, root,
                   f"`{call.qualname}` serves the project folder itself, so source files, "
                   "`package.json` and `.env` backups are downloadable; serve a dedicated "
                   "`public` folder")


def _is_project_root(ctx, node) -> bool:
    node = unwrap(ctx.value_of(node))
    if node is None:
        return False
    text = ctx.text(node).replace('"', "'")
    if text.strip("'`") in ROOT_VALUES or text in ROOT_VALUES:
        return True
    if node.type == "call_expression" and ctx.call(node).qualname in ("path.join", "path.resolve"):
        args = ctx.call(node).args
        return bool(args) and all(ctx.text(a).strip("'\"`") in ROOT_VALUES for a in args)
    return False


# -- AIG533 message handlers without an origin check ----------------------------------
@on.method("addEventListener")
def message_listener(ctx, call) -> None:
    receiver = ctx.text(call.receiver) if call.receiver is not None else ""
    if receiver not in ("window", "globalThis") or ctx.literal(call.arg(0)) != "message":
        return
    _check_message_handler(ctx, call.arg(1))


@on.assign("onmessage")
def onmessage_assigned(ctx, node, name, value) -> None:
    left = node.child_by_field_name("left")
    if left is not None and ctx.text(left) == "window.onmessage":
        _check_message_handler(ctx, value)


def _check_message_handler(ctx, handler) -> None:
    function = unwrap(ctx.value_of(handler)) if handler is not None else None
    if function is None or function.type not in ("arrow_function", "function_expression",
                                                 "function_declaration"):
        return
    params = sorted(ctx.parameters(function).items(), key=lambda item: item[1][0])
    body = function.child_by_field_name("body")
    if not params or body is None:
        return
    event = params[0][0]
    text = ctx.text(body)
    if "origin" in text or not re.search(rf"\b{re.escape(event)}\.data\b|\bdata\b", text):
        return
    ctx.report(MESSAGE_WITHOUT_ORIGIN, function,
               f"this message handler uses `{event}.data` without checking `{event}.origin`: "
               "any page that can open or frame this one can send it messages; compare "
               "`event.origin` with the expected origin first")


# -- AIG534 Electron web preferences ------------------------------------------------
@on.property(*ELECTRON_RISKS)
def electron_preference(ctx, node, key, value) -> None:
    bad, effect = ELECTRON_RISKS[key]
    if ctx.literal(value) is not bad:
        return
    holder = node.parent.parent if node.parent is not None else None
    if holder is None or holder.type != "pair" or \
            ctx.key_text(holder.child_by_field_name("key")) != "webPreferences":
        return
    severity = Severity.MEDIUM if key == "sandbox" else None
    ctx.report(ELECTRON_WEB_PREFERENCES, node,
               f"`{key}: {ctx.text(value)}` {effect}: a cross-site scripting bug in the loaded "
               "content becomes code execution on the user's machine; keep Electron's secure "
               "default and expose what the page needs through a preload script "
               "(`contextBridge`)", severity=severity,
               confidence=Confidence.HIGH,
               fix=_replace(ctx, value, "false" if bad else "true",
                            f"Use the secure default for {key}"))

