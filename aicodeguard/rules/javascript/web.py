"""JavaScript checks for AIG5xx data flows: file paths (AIG506), URLs fetched by the
server (AIG507), HTML responses (AIG510), redirects (AIG511), upload names (AIG512)
and whole request bodies written to the database (AIG535).

Flow rules fire only when data an outside party controls (request data, LLM
output; the page URL for browser redirects) reaches the sink.
"""

from __future__ import annotations

import re

from ...analysis.javascript.sources import CONTEXT_MODULES
from ...analysis.javascript.values import unwrap
from ..javascript_only import MASS_ASSIGNMENT
from ..python.web_http import FIXED_HOST, LOCAL_PATH
from ..sinks import source_note
from ..web import (
    OPEN_REDIRECT,
    PATH_TRAVERSAL,
    REFLECTED_XSS,
    SSRF,
    UPLOAD_CLIENT_FILENAME,
)
from .checks import on
from .sinks import assess, report_sink
from .web_values import checked_before, flow_taint, leading_text

SERVER_KINDS = frozenset({"request", "llm"})
BROWSER_KINDS = frozenset({"request", "llm", "url", "message"})

PATH_GUARD = re.compile(r"startsWith\(|path\.relative\(|\.includes\(\s*['\"]\.\.|"
                        r"indexOf\(\s*['\"]\.\.|isInside|isSubPath|contains\(\s*['\"]\.\.|"
                        r"\.test\(|\.match\(")
URL_GUARD = re.compile(r"new URL\(|\.hostname|\.host\b|\.origin\b|allow|whitelist|trusted|"
                       r"permitted|startsWith\(\s*['\"`][a-z]+://", re.IGNORECASE)
REDIRECT_GUARD = re.compile(r"startsWith\(|new URL\(|\.hostname|\.host\b|\.origin\b|allow|"
                            r"whitelist|trusted|isSafe|isLocal|isRelative", re.IGNORECASE)

_FS_FUNCTIONS = (
    "readFile", "readFileSync", "createReadStream", "createWriteStream", "writeFile",
    "writeFileSync", "appendFile", "appendFileSync", "unlink", "unlinkSync", "rm", "rmSync",
    "rmdir", "rmdirSync", "readdir", "readdirSync", "open", "openSync", "copyFile",
    "copyFileSync", "rename", "renameSync", "mkdir", "mkdirSync", "truncate", "truncateSync",
    "readJson", "readJsonSync", "outputFile", "outputFileSync", "remove", "removeSync",
    "writeJson", "writeJsonSync", "readlink", "symlink", "chmod", "chmodSync",
)
FS_CALLS = tuple(f"{module}.{name}" for module in ("fs", "fs-extra", "fs.promises")
                 for name in _FS_FUNCTIONS)

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
URL_CALLS = {
    "fetch": 0, "node-fetch": 0, "undici.fetch": 0, "undici.request": 0, "axios": 0,
    "got": 0, "ky": 0, "needle": 1, "request": 0, "http.get": 0, "http.request": 0,
    "https.get": 0, "https.request": 0, "superagent": 1,
    **{f"{lib}.{verb}": 0 for lib in ("axios", "got", "ky", "superagent", "request",
                                       "needle", "node-fetch")
       for verb in _HTTP_VERBS},
}
URL_OPTION_KEYS = ("url", "host", "hostname", "baseURL", "prefixUrl")
REDIRECT_METHODS = frozenset({"redirect"})
_RESPONSE_NAMES = frozenset({"res", "response", "resp"})
_FASTIFY_REPLY = "reply"  # its `send` of a string is text/plain unless a type says HTML
_BODY_SOURCES = frozenset({"req.body", "request.body", "ctx.request.body", "req.query",
                           "request.query", "ctx.query", "ctx.request.query"})
CREATE_METHODS = {"create": 0, "insertOne": 0, "insert": 0, "build": 0, "upsert": 0,
                  "update": 0, "updateOne": 1, "updateMany": 1, "findByIdAndUpdate": 1,
                  "findOneAndUpdate": 1, "replaceOne": 1, "bulkCreate": 0}


# -- AIG506 file paths ---------------------------------------------------------
@on.call(*FS_CALLS)
def fs_path_from_request(ctx, call) -> None:
    for node in call.args[:2] if call.qualname.endswith(("copyFile", "rename", "copyFileSync",
                                                          "renameSync", "symlink")) \
            else call.args[:1]:
        if _path_sink(ctx, node, f"`{call.qualname}`"):
            return


@on.method("sendFile", "download")
def send_file_from_request(ctx, call) -> None:
    if len(call.args) > 1 and ctx.property(call.args[1], "root") is not None:
        return  # `send` refuses paths that leave `root`
    _path_sink(ctx, call.arg(0), f"`res.{call.method}`")


def _path_sink(ctx, node, where: str) -> bool:
    if node is None or ctx.is_literal(node):
        return False
    taint = flow_taint(ctx, node, SERVER_KINDS)
    if taint is None or checked_before(ctx, node, PATH_GUARD):
        return False
    report_sink(ctx, PATH_TRAVERSAL, node,
                f"the file path given to {where} comes from outside: `../` sequences or an "
                "absolute path reach any file the server can read or write; keep only "
                "`path.basename()` of the name, or resolve it and check it stays inside the "
                "base folder", taint, escalate=False)
    return True


# -- AIG507 server-side request forgery -----------------------------------------
@on.call(*URL_CALLS)
def url_from_request(ctx, call) -> None:
    target = call.arg(URL_CALLS[call.qualname])
    if target is None:
        return
    if ctx.object_literal(target) is not None:
        for key in URL_OPTION_KEYS:
            value = ctx.property(target, key)
            if value is not None and _url_sink(ctx, call, value):
                return
        return
    _url_sink(ctx, call, target)


def _url_sink(ctx, call, value) -> bool:
    if ctx.is_literal(value) or FIXED_HOST.match(leading_text(ctx, value)):
        return False
    taint = flow_taint(ctx, value, SERVER_KINDS)
    if taint is None or checked_before(ctx, value, URL_GUARD):
        return False
    report_sink(ctx, SSRF, value,
                f"the URL or host given to `{call.qualname}` comes from outside: the server "
                "will fetch whatever it names, including internal services and cloud metadata "
                "(169.254.169.254); fix the host in code or check it against an allow-list",
                taint, escalate=False)
    return True


# -- AIG510 request data in an HTML response --------------------------------------
@on.method("send", "write", "end")
def html_response(ctx, call) -> None:
    receiver = unwrap(call.receiver)
    markup = False  # an HTML type declared on the way (`reply.type('text/html').send(...)`)
    while receiver is not None and receiver.type == "call_expression":  # res.status(200).send
        declared = _declared_type(ctx, ctx.call(receiver))
        if declared is not None and not _is_markup(declared):
            return  # res.type('text/plain').send(...)
        markup = markup or declared is not None
        receiver = unwrap(ctx.call(receiver).receiver)
    name = ctx.text(receiver) if receiver is not None else ""
    if len(call.args) != 1 or name not in _RESPONSE_NAMES and not (
            name == _FASTIFY_REPLY and call.method == "send"):
        return
    if _typed_before(ctx, call, name):
        return  # res.setHeader('Content-Type', 'application/json'); ... res.end(body)
    if name == _FASTIFY_REPLY and not (markup or _typed_before(ctx, call, name, markup=True)):
        return  # Fastify sends a string as text/plain unless told otherwise
    found = assess(ctx, call.arg(0))
    if found is None or found.taint is None or found.taint.kind not in SERVER_KINDS:
        return
    value = unwrap(ctx.value_of(call.arg(0)))
    if value is not None and ctx.text(value) in _BODY_SOURCES:
        return  # a whole parsed body or query object is sent as JSON
    if call.method != "send" and "<" not in found.info.literal_text:
        return
    if checked_before(ctx, call.arg(0), re.compile(r"text/plain|\.type\(|json", re.IGNORECASE)):
        return
    report_sink(ctx, REFLECTED_XSS, call.arg(0),
                f"request data is sent back by `{name}.{call.method}` as HTML without escaping: a "
                "link with a script in it runs in the victim's browser; escape it "
                "(`escape-html`), render it with a template engine, or send JSON",
                found.taint, escalate=False)


# Koa serves a string body as HTML when it starts with `<` (it sniffs when no type was set),
# or when the handler set `ctx.type = 'html'`; Koa's context names (its modules:
# `sources.CONTEXT_MODULES`).
_KOA_CONTEXTS = frozenset({"ctx", "ctx.response", "context", "context.response"})
_KOA_TYPE = re.compile(r"""\b(?:ctx|context)(?:\.response)?\.type\s*=\s*['"`]([^'"`]*)""")


@on.assign("body")
def koa_html_body(ctx, node, name, value) -> None:
    """`ctx.body = `<h1>${ctx.query.name}</h1>`` in a Koa handler (AIG510)."""
    left = node.child_by_field_name("left") if node.type == "assignment_expression" else None
    target = left.child_by_field_name("object") if left is not None and \
        left.type == "member_expression" else None
    if target is None or ctx.text(target) not in _KOA_CONTEXTS or \
            ctx.imported_modules().isdisjoint(CONTEXT_MODULES):
        return
    found = assess(ctx, value)
    if found is None or found.taint is None or found.taint.kind not in SERVER_KINDS \
            or "<" not in found.info.literal_text:
        return
    function = ctx.function_of(node)
    before = ctx.source.data[function.start_byte if function is not None else 0:
                             node.start_byte].decode("utf-8", "replace")
    declared = _KOA_TYPE.findall(before)
    if declared:
        html = "html" in declared[-1].lower()
    else:  # Koa sniffs the text: `<` first, or data first (which may start with `<`)
        start = (leading_text(ctx, value) or "").lstrip()
        html = not start or start.startswith("<")
    if not html:
        return
    report_sink(ctx, REFLECTED_XSS, value,
                "request data is served by Koa as HTML (`ctx.body` set to markup) without "
                "escaping: a link with a script in it runs in the victim's browser; escape it "
                "(`escape-html`), render it with a template engine, or send JSON",
                found.taint, escalate=False)


def _sets_other_type(ctx, call) -> bool:
    """`res.type('text/plain')`, `res.contentType('json')`, `res.set('Content-Type', ...)`,
    `res.header(...)`/`res.setHeader(...)`/`res.writeHead(200, {...})` with a type that is not
    HTML."""
    declared = _declared_type(ctx, call)
    return declared is not None and not _is_markup(declared)


def _is_markup(content_type: str) -> bool:
    return "html" in content_type.lower() or "xml" in content_type.lower()


def _declared_type(ctx, call) -> str | None:
    """The content type a `type`/`contentType`/`set`/`header`/`setHeader`/`writeHead` call
    gives the response, when written as a literal."""
    if call.method in ("type", "contentType") and call.args:
        declared = ctx.literal(call.args[0])
    elif call.method in ("set", "header", "setHeader") and len(call.args) == 2:
        name = ctx.literal(call.args[0])
        declared = ctx.literal(call.args[1]) if isinstance(name, str) and \
            name.lower() == "content-type" else None
    elif call.method == "writeHead" and len(call.args) >= 2:
        match = _HEAD_TYPE.search(ctx.text(call.args[-1]))
        declared = match.group(1) if match else None
    else:
        return None
    return declared if isinstance(declared, str) else None


# The content type in the headers object of `res.writeHead(200, {...})`.
_HEAD_TYPE = re.compile(r"""['"]?content-type['"]?\s*:\s*['"`]([^'"`]*)""", re.IGNORECASE)


_TYPE_METHODS = ("type", "contentType", "set", "header", "setHeader", "writeHead")


def _typed_before(ctx, call, response: str, markup: bool = False) -> bool:
    """Whether the function set a content type other than HTML (`markup`: an HTML or XML
    one) on `response` before `call` (an earlier statement of the same function; any
    branch counts)."""
    function = ctx.function_of(call.node)
    start = function.start_byte if function is not None else 0
    for method in _TYPE_METHODS:
        for found in ctx.calls_by_name.get(method, ()):
            if not start <= found.start_byte < call.node.start_byte:
                continue
            other = ctx.call(found)
            head = unwrap(other.receiver)
            declared = _declared_type(ctx, other) if head is not None and \
                ctx.text(head) == response else None
            if declared is not None and _is_markup(declared) == markup:
                return True
    return False


# -- AIG511 open redirect --------------------------------------------------------
@on.method(*REDIRECT_METHODS)
@on.call("next/navigation.redirect", "next/navigation.permanentRedirect")
def redirect_to_request_url(ctx, call) -> None:
    target = call.args[-1] if call.args else None
    _redirect_sink(ctx, target, f"`{call.name}`", SERVER_KINDS)


@on.method("assign", "replace", "open")
def browser_navigation(ctx, call) -> None:
    receiver = ctx.text(call.receiver) if call.receiver is not None else ""
    if (call.method == "open" and receiver != "window") or \
            (call.method != "open" and not receiver.endswith("location")):
        return
    _redirect_sink(ctx, call.arg(0), f"`{receiver}.{call.method}`", BROWSER_KINDS)


@on.assign("href", "location")
def location_assigned(ctx, node, name, value) -> None:
    left = node.child_by_field_name("left")
    if left is None or left.type not in ("member_expression", "identifier"):
        return
    text = ctx.text(left)
    if not (text.endswith("location.href") or text in ("window.location", "location",
                                                       "document.location")):
        return
    _redirect_sink(ctx, value, f"`{text}`", BROWSER_KINDS)


@on.property("Location", "location")
def location_header(ctx, node, key, value) -> None:
    obj = node.parent
    args = obj.parent if obj is not None else None
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is not None and call.type == "call_expression" and \
            ctx.call(call).method in ("writeHead", "set", "header"):
        _redirect_sink(ctx, value, "the Location header", SERVER_KINDS)


@on.method("setHeader", "set", "header", "location")
def location_set(ctx, call) -> None:
    if call.method == "location":
        _redirect_sink(ctx, call.arg(0), "`res.location`", SERVER_KINDS)
    elif len(call.args) == 2 and str(ctx.literal(call.args[0])).lower() == "location":
        _redirect_sink(ctx, call.args[1], "the Location header", SERVER_KINDS)


def _redirect_sink(ctx, value, where: str, kinds) -> None:
    if value is None or ctx.is_literal(value):
        return
    start = leading_text(ctx, value)
    if LOCAL_PATH.match(start) or FIXED_HOST.match(start):
        return
    taint = flow_taint(ctx, value, kinds)
    if taint is None or checked_before(ctx, value, REDIRECT_GUARD):
        return
    report_sink(ctx, OPEN_REDIRECT, value,
                f"the redirect target for {where} comes from outside: a link to this site can "
                "send users on to a phishing page (or run a `javascript:` URL); accept only "
                "local paths starting with a single `/`, or hosts from an allow-list",
                taint, escalate=False)


# -- AIG512 uploads stored under the client's file name ----------------------------
@on.property("filename")
def multer_filename(ctx, node, key, value) -> None:
    function = unwrap(value)
    if function is None or function.type not in ("arrow_function", "function_expression"):
        return
    params = sorted(ctx.parameters(function).items(), key=lambda item: item[1][0])
    if len(params) < 3:
        return
    callback, file = params[2][0], params[1][0]
    body = function.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            call = ctx.call(current)
            if call.name == callback and len(call.args) > 1 and \
                    _uses_client_name(ctx, call.args[1], file):
                ctx.report(UPLOAD_CLIENT_FILENAME, call.args[1],
                           "the uploaded file is stored under the name the client sent "
                           f"(`{file}.originalname`), which can hold `../` or overwrite other "
                           "files; generate the name (`crypto.randomUUID()`) and keep only a "
                           "checked extension")
                return
        stack.extend(current.named_children)


def _uses_client_name(ctx, node, file: str) -> bool:
    found = assess(ctx, node, frozenset({"path.basename", "path.extname", "sanitize-filename",
                                         "sanitize"}))
    return found is not None and any(f"{file}.originalname" in ctx.text(part)
                                     for part in found.parts)


@on.method("mv")
def express_fileupload_mv(ctx, call) -> None:
    found = assess(ctx, call.arg(0), frozenset({"path.basename", "sanitize-filename"}))
    if found is None or not any(ctx.text(part).endswith(".name") for part in found.parts):
        return
    ctx.report(UPLOAD_CLIENT_FILENAME, call.arg(0),
               "the uploaded file is moved to a path made from the name the client sent, which "
               "can hold `../` or overwrite other files; generate the name "
               "(`crypto.randomUUID()`) and keep only a checked extension")


# -- AIG535 whole request body into a record ----------------------------------------
# Receivers whose `update()` feeds bytes to a hash, MAC or cipher, not a database record.
_DIGEST_RECEIVER = re.compile(r"\bcreate(?:Hmac|Hash|Cipheriv|Decipheriv|Sign|Verify)\b")


@on.method(*CREATE_METHODS)
def body_into_record(ctx, call) -> None:
    receiver = call.receiver
    made = ctx.value_of(receiver) if receiver is not None else None
    if any(node is not None and _DIGEST_RECEIVER.search(ctx.text(node))
           for node in (receiver, made)):
        return  # `crypto.createHmac("sha256", key).update(req.body)`
    value = call.arg(CREATE_METHODS[call.method])
    obj = ctx.object_literal(value) if value is not None else None
    if obj is not None and ctx.property(obj, "data") is not None:
        value = ctx.property(obj, "data")  # Prisma: create({ data: req.body })
    _whole_body(ctx, value, f"`{call.method}`")


@on.call("Object.assign")
def body_assigned_to_record(ctx, call) -> None:
    target = unwrap(call.arg(0))
    if target is None or target.type == "object":
        return
    for arg in call.args[1:]:
        if _whole_body(ctx, arg, "`Object.assign`"):
            return


def _whole_body(ctx, node, where: str) -> bool:
    node = unwrap(node)
    if node is None:
        return False
    candidates = [node]
    value = ctx.object_literal(node)
    if value is not None:
        candidates = [unwrap(child.named_children[0]) for child in value.named_children
                      if child.type == "spread_element" and child.named_child_count]
    for candidate in candidates:
        resolved = unwrap(ctx.value_of(candidate))
        text = ctx.text(resolved) if resolved is not None else ""
        if text in _BODY_SOURCES or text in ("await req.json()", "await request.json()"):
            taint = ctx.taint(candidate)
            ctx.report(MASS_ASSIGNMENT, candidate,
                       f"the whole request body is written by {where}: a client can set any "
                       "field (role, isAdmin, ownerId, price); copy the allowed fields "
                       "explicitly or validate with a schema that strips unknown keys",
                       related=() if taint is None else source_note(ctx, taint),
                       evidence=None if taint is None else taint.evidence)
            return True
    return False
