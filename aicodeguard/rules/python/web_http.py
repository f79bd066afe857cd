"""Python checks for AIG5xx over HTTP: servers listening on every interface (AIG502),
URLs chosen by the client (AIG507), redirects to client-chosen targets (AIG511) and
requests without a timeout (AIG517)."""

from __future__ import annotations

import re

from ...model import Confidence, Fix, Severity
from ..web import BIND_ALL_INTERFACES, OPEN_REDIRECT, REQUEST_WITHOUT_TIMEOUT, SSRF
from .checks import on
from .web import (
    append_argument,
    checked_before,
    earlier_bindings,
    flow_taint,
    is_module,
    last_assigned,
    leading_text,
    receiver,
    replace_node,
    report_flow,
)

# A URL whose scheme and host are constants: `f"https://api.example.com/users/{uid}"`.
FIXED_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#@\\\s{}%]+[/?#]", re.IGNORECASE)
# A path on this site: "/profile/..." (but not "//host" or "/\host").
LOCAL_PATH = re.compile(r"^/[^/\\]")
URL_GUARD = re.compile(r"urlparse\(|urlsplit\(|\bURL\(|\.hostname|\.netloc|\.host\b|allowed|allowlist"
                       r"|whitelist"
                       r"|trusted|permitted|startswith\(\s*[rbuf]*[\"'][a-z]+://[^\"'/]+",
                       re.IGNORECASE)
# Request values naming this site's own URL (`request.path`): not a foreign target.
SAME_SITE_SOURCE = re.compile(r"\brequest\.(path|path_info|full_path|url|base_url|host_url|url_root"
                              r"|get_full_path\(\)|build_absolute_uri\(\))(?![\w(])")
REDIRECT_GUARD = re.compile(r"url_has_allowed_host_and_scheme|is_safe_url|urlparse\(|urlsplit\("
                            r"|\.netloc|startswith\(|allowed|allowlist|whitelist|trusted",
                            re.IGNORECASE)

# -- AIG507 server-side request forgery ----------------------------------------------
_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
# Qualified callee -> (position, keyword) of the URL or host.
URL_ARGS = {
    **{f"requests.{verb}": (0, "url") for verb in _VERBS},
    **{f"httpx.{verb}": (0, "url") for verb in _VERBS},
    **dict.fromkeys(("requests.request", "httpx.request", "httpx.stream", "urllib3.request",
                     "aiohttp.request"), (1, "url")),
    **dict.fromkeys(("urllib.request.urlopen", "urllib.request.Request",
                     "urllib.request.urlretrieve", "urllib2.urlopen", "urllib.urlopen"),
                    (0, "url")),
    **dict.fromkeys(("http.client.HTTPConnection", "http.client.HTTPSConnection", "ftplib.FTP"),
                    (0, "host")),
    "socket.create_connection": (0, "address"),
    "websockets.connect": (0, "uri"),
}
# HTTP client objects: constructor (or annotated type) -> library.
HTTP_CLIENTS = {
    "requests.Session": "requests", "requests.session": "requests",
    "requests.sessions.Session": "requests", "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx", "aiohttp.ClientSession": "aiohttp",
    "aiohttp.client.ClientSession": "aiohttp", "urllib3.PoolManager": "urllib3",
    "urllib3.poolmanager.PoolManager": "urllib3", "urllib3.HTTPConnectionPool": "urllib3",
    "urllib3.HTTPSConnectionPool": "urllib3",
}
# A receiver known only by its name (`session`, `client`) counts as an HTTP client only in a
# module that uses an HTTP library and no ORM or other library with such objects
# (`session.delete(hero)` is SQLAlchemy's), and then only at low confidence.
HTTP_LIBRARIES = frozenset({"requests", "httpx", "aiohttp", "urllib3"})
OTHER_SESSION_LIBRARIES = frozenset({
    "sqlalchemy", "sqlmodel", "flask_sqlalchemy", "django", "peewee", "tortoise", "pony",
    "mongoengine", "boto3", "botocore", "aioboto3", "neo4j", "cassandra", "redis", "pymongo",
    "motor", "elasticsearch", "opensearchpy", "tensorflow", "onnxruntime", "grpc", "paramiko",
})
_CLIENT_NAMES = ("session", "client", "http")
# Client method -> position of the URL.
CLIENT_URL_POSITION = {**dict.fromkeys(_VERBS, 0), "ws_connect": 0, "request": 1, "stream": 1,
                       "urlopen": 1}
NAME_ONLY = ""  # `http_client` result: an HTTP client by its name alone


def http_client(ctx, target) -> str | None:
    """Which HTTP library the object `target` is a client of: from the call that made it,
    the assignment, a parameter's annotation or `self.x = requests.Session()` in the file;
    NAME_ONLY when only its name says so (see HTTP_LIBRARIES); None when it is not one."""
    if target is None:
        return None
    if target.type == "call":
        return HTTP_CLIENTS.get(ctx.call(target).qualname)
    if target.type == "identifier":
        bindings = earlier_bindings(ctx, target)
        if bindings:
            value = bindings[-1].value
            return HTTP_CLIENTS.get(ctx.call(value).qualname) \
                if value is not None and value.type == "call" else None
        annotated = _annotated_client(ctx, target)
        if annotated is not None:
            return annotated or None
    elif target.type == "attribute":
        assigned = _assigned_client(ctx, target)
        if assigned is not None:
            return assigned or None
    return NAME_ONLY if _named_like_client(ctx, target) else None


def _annotated_client(ctx, name) -> str | None:
    """A parameter `session: requests.Session` -> "requests"; "" for another annotation;
    None when `name` is not an annotated parameter."""
    function = ctx.function_of(name)
    param = ctx.parameters(function).get(ctx.text(name)) if function is not None else None
    annotation = param.child_by_field_name("type") if param is not None else None
    if annotation is None:
        return None
    for dotted in re.findall(r"[A-Za-z_][\w.]*", ctx.text(annotation)):
        library = HTTP_CLIENTS.get(ctx.resolve(dotted))
        if library:
            return library
    return ""


def _assigned_client(ctx, target) -> str | None:
    """`self.http = httpx.Client()` anywhere in the file -> "httpx"; "" when the attribute is
    assigned a call of something else; None when it is never assigned a call."""
    assigned = ctx.memo.get(("assigned-calls",))
    if assigned is None:  # one pass over the file's assignments for every attribute asked
        assigned = ctx.memo[("assigned-calls",)] = {}
        for left, right, _ in ctx.assignment_sides.values():
            if right is not None and right.type == "await" and right.named_child_count:
                right = right.named_children[0]  # `self.http = await make_client()`
            func = right.child_by_field_name("function") if right is not None and \
                right.type == "call" else None
            if func is not None and func.type in ("identifier", "attribute"):
                assigned.setdefault("".join(ctx.text(left).split()), []).append(
                    "".join(ctx.text(func).split()))
    made = [ctx.resolve(name) for name in assigned.get(ctx.text(target), ())]
    library = next((HTTP_CLIENTS[name] for name in made if name in HTTP_CLIENTS), None)
    return library if library is not None else ("" if made else None)


def _named_like_client(ctx, target) -> bool:
    text = ctx.text(target).lower()
    if text.startswith("request") or not text.endswith(_CLIENT_NAMES):
        return False
    roots = {name.partition(".")[0] for name in ctx.imports.values()}
    return bool(roots & HTTP_LIBRARIES) and not roots & OTHER_SESSION_LIBRARIES


@on.call(*URL_ARGS)
def url_from_request_data(ctx, call) -> None:
    position, keyword = URL_ARGS[call.qualname]
    _url_sink(ctx, call, call.arg(position, keyword))


@on.method(*CLIENT_URL_POSITION)
def client_url_from_request_data(ctx, call) -> None:
    target = receiver(call)
    if call.qualname in URL_ARGS or is_module(ctx, target):
        return
    library = http_client(ctx, target)
    if library is None:
        return
    _url_sink(ctx, call, call.arg(CLIENT_URL_POSITION[call.method], "url"),
              Confidence.LOW if library == NAME_ONLY else None)


def _url_sink(ctx, call, value, confidence=None) -> None:
    if value is None or ctx.is_literal(value):
        return
    fixed_host = FIXED_HOST.match(leading_text(ctx, value)) is not None
    taint = flow_taint(ctx, value)
    if taint is None or checked_before(ctx, value, URL_GUARD):
        return
    if fixed_host:
        report_flow(ctx, SSRF, value,
                    f"the path or query of the URL given to `{call.name}` comes from outside "
                    "(the host is fixed): `../`, `?` or `#` in it reach other endpoints of that "
                    "host with this server's credentials; quote it (`urllib.parse.quote(value, "
                    "safe='')`) or check it", taint,
                    severity=Severity.LOW, confidence=confidence or Confidence.MEDIUM)
        return
    report_flow(ctx, SSRF, value,
                f"the URL or host given to `{call.name}` comes from outside: the server will "
                "fetch whatever it names, including internal services and cloud metadata "
                "(169.254.169.254); fix the host in code or check it against an allow-list", taint,
                confidence=confidence)


# -- AIG511 open redirect ----------------------------------------------------------
REDIRECTS = {
    **dict.fromkeys(("flask.redirect", "werkzeug.utils.redirect", "werkzeug.redirect",
                     "quart.redirect"), (0, "location")),
    **dict.fromkeys(("django.shortcuts.redirect", "sanic.response.redirect"), (0, "to")),
    **dict.fromkeys(("django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
                     "django.http.response.HttpResponseRedirect",
                     "django.http.response.HttpResponsePermanentRedirect"), (0, "redirect_to")),
    **dict.fromkeys(("starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse",
                     "bottle.redirect"), (0, "url")),
    **dict.fromkeys(("aiohttp.web.HTTPFound", "aiohttp.web.HTTPSeeOther",
                     "aiohttp.web.HTTPMovedPermanently", "aiohttp.web.HTTPTemporaryRedirect"),
                    (0, "location")),
}


@on.call(*REDIRECTS)
def redirect_to_request_url(ctx, call) -> None:
    position, keyword = REDIRECTS[call.qualname]
    _redirect_sink(ctx, call.arg(position, keyword), f"`{call.name}`")


@on.assign("Location", "location")
def location_header_from_request(ctx, assignment, name, value) -> None:
    left = assignment.child_by_field_name("left")
    if left is not None and left.type == "subscript":
        _redirect_sink(ctx, value, "the Location header")


def _redirect_sink(ctx, value, where: str) -> None:
    if value is None or ctx.is_literal(value):
        return
    start = leading_text(ctx, value)
    if LOCAL_PATH.match(start) or FIXED_HOST.match(start):
        return
    taint = flow_taint(ctx, value)
    if taint is None or SAME_SITE_SOURCE.search(taint.text) \
            or checked_before(ctx, value, REDIRECT_GUARD):
        return
    report_flow(ctx, OPEN_REDIRECT, value,
                f"redirect target for {where} comes from the request: a link to this site can "
                "send users on to a phishing page; accept only local paths or allowed hosts "
                "(`url_has_allowed_host_and_scheme`), or redirect to `url_for(...)`", taint)


# -- AIG502 servers listening on every interface ---------------------------------------
ANY_HOST = frozenset({"0.0.0.0", "::", "[::]"})
# In addresses also "" (sockets, socketserver) and "*" (ZeroMQ).
ALL_INTERFACES = ANY_HOST | {"", "*"}
SERVER_METHODS = frozenset({"run", "run_server", "serve", "run_app", "listen", "launch"})
SERVER_FUNCTIONS = frozenset({"uvicorn.run", "uvicorn.Config", "waitress.serve",
                              "aiohttp.web.run_app", "bottle.run"})
# Servers given an address: qualified name -> (position, keyword).
ADDRESS_ARGS = {
    **dict.fromkeys(("http.server.HTTPServer", "http.server.ThreadingHTTPServer",
                     "socketserver.TCPServer", "socketserver.ThreadingTCPServer",
                     "socketserver.ForkingTCPServer", "socketserver.UDPServer",
                     "socketserver.ThreadingUDPServer"), (0, "server_address")),
    "xmlrpc.server.SimpleXMLRPCServer": (0, "addr"),
    "gevent.pywsgi.WSGIServer": (0, "listener"),
    "wsgiref.simple_server.make_server": (0, "host"),
    **dict.fromkeys(("asyncio.start_server", "websockets.serve"), (1, "host")),
}


@on.keyword("host", "address", "server_name")
def server_host_keyword(ctx, call, value) -> None:
    if call.method in SERVER_METHODS or call.qualname in SERVER_FUNCTIONS:
        host = ctx.literal(value)
        if isinstance(host, str) and host in ANY_HOST:
            _report_bind(ctx, value, host, f"`{call.name}`")


@on.method("run", "run_server")
def server_host_positional(ctx, call) -> None:
    """Flask / Dash `app.run("0.0.0.0", 5000)`: the host comes first."""
    first = call.positional[0] if call.positional else None
    if first is not None and first.type in ("string", "identifier") \
            and not is_module(ctx, receiver(call)):
        host = ctx.literal(first)
        if isinstance(host, str) and host in ANY_HOST:
            _report_bind(ctx, first, host, f"`{call.name}`")


@on.call(*ADDRESS_ARGS)
def server_address(ctx, call) -> None:
    position, keyword = ADDRESS_ARGS[call.qualname]
    _check_address(ctx, call.arg(position, keyword), f"`{call.name}`", strings=True)


@on.method("bind")
def socket_bind_all(ctx, call) -> None:
    """`sock.bind(("0.0.0.0", port))`, `sock.bind(("", port))`, zmq `bind("tcp://*:5555")`."""
    _check_address(ctx, call.arg(0), f"`{call.name}`", strings=False)


@on.assign("bind")
def gunicorn_bind_all(ctx, assignment, name, value) -> None:
    left = assignment.child_by_field_name("left")
    if left.type == "identifier" and ctx.scope_of(assignment).type == "module":
        _check_address(ctx, value, "gunicorn `bind`", strings=True)


def _check_address(ctx, node, where: str, *, strings: bool) -> None:
    """`node` is a (host, port) tuple, or with `strings` a "host[:port]" text or a list of them."""
    shown = node
    for _ in range(3):
        if node is None or node.type != "identifier":
            break
        node = last_assigned(ctx, node)
    if node is None:
        return
    addresses = node.named_children if node.type == "list" and strings else [node]
    for address in addresses:
        if address.type == "tuple" and address.named_child_count >= 2:
            host_node = address.named_children[0]
            host = ctx.literal(host_node)
        else:
            host_node, text = address, ctx.literal(address)
            if not isinstance(text, str) or not (strings or "://" in text):
                continue
            host = _host_part(text)
        if isinstance(host, str) and host in ALL_INTERFACES:
            _report_bind(ctx, host_node if shown is node else shown, host, where, host_node)


def _host_part(address: str) -> str:
    """"tcp://*:5555" -> "*", "0.0.0.0:8000" -> "0.0.0.0", "[::]:80" -> "[::]"."""
    rest = address.split("://", 1)[-1]
    if rest.startswith("["):
        return rest[:rest.find("]") + 1]
    return rest.rpartition(":")[0] if rest.count(":") == 1 else rest


def _report_bind(ctx, node, host: str, where: str, literal=None) -> None:
    """Report at `node`; the fix rewrites the string `literal` (default: `node` itself)."""
    ctx.report(BIND_ALL_INTERFACES, node,
               f"{where} listens on every network interface (`{host or chr(34) * 2}`): the whole "
               "network can reach it, not just this machine; bind 127.0.0.1 unless it runs in a "
               "container or behind a proxy that needs this",
               fix=_loopback_fix(ctx, literal or node, host))


def _loopback_fix(ctx, node, host: str):
    if node.type != "string" or any(child.type not in ("string_start", "string_content",
                                                       "string_end") for child in node.children):
        return None
    value = ctx.literal(node)
    loopback = "127.0.0.1" if value == host else value.replace(host, "127.0.0.1", 1)
    start, end = ctx.text(node.children[0]), ctx.text(node.children[-1])
    return Fix("Listen on 127.0.0.1 only", (replace_node(ctx, node, start + loopback + end),),
               safe=False)


# -- AIG517 requests without a timeout ----------------------------------------------------
TIMEOUT_CALLS = (*(f"requests.{verb}" for verb in (*_VERBS, "request")),
                 *(f"httpx.{name}" for name in (*_VERBS, "request", "stream", "Client",
                                                 "AsyncClient")))


@on.call(*TIMEOUT_CALLS)
def request_without_timeout(ctx, call) -> None:
    _timeout(ctx, call, call.qualname.split(".")[0])


@on.method(*_VERBS, "request")
def session_request_without_timeout(ctx, call) -> None:
    target = receiver(call)
    if call.qualname not in TIMEOUT_CALLS and not is_module(ctx, target):
        library = http_client(ctx, target)
        if library in ("requests", "httpx"):
            _timeout(ctx, call, library)


def _timeout(ctx, call, library: str) -> None:
    """requests waits forever by default; httpx has a 5 s default, so only timeout=None counts."""
    if call.star_kwargs:
        return
    value = call.keywords.get("timeout")
    if value is None and library == "requests":
        ctx.report(REQUEST_WITHOUT_TIMEOUT, call.node,
                   f"`{call.name}` has no timeout: requests waits forever on a server that stops "
                   "answering, tying up this worker or thread; pass timeout= (seconds)",
                   fix=Fix("Add timeout=10", (append_argument(ctx, call, "timeout=10"),),
                           safe=False))
    elif value is not None and value.type == "none":
        ctx.report(REQUEST_WITHOUT_TIMEOUT, value.parent,
                   f"`{call.name}` with timeout=None waits forever on a server that stops "
                   "answering; give a number of seconds",
                   fix=Fix("Set timeout=10", (replace_node(ctx, value, "10"),), safe=False))
