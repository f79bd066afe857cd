"""Python checks for request data written where it is read as structure.

AIG107 response headers and cookies, AIG108 log lines, AIG109 regular
expressions.  Each fires only on data an outside party controls (request,
`input()`, LLM output): the same value from configuration is not a finding.
"""

from __future__ import annotations

import re

from ...model import Severity
from ..injection import HEADER_INJECTION, LOG_INJECTION, REGEX_INJECTION
from ..sinks import report_sink
from .checks import on
from .injection_values import web_taint

# -- AIG107: response headers ---------------------------------------------------
# Header names that start lower-case, for the assignment pre-filter.
_LOWER_HEADER_NAMES = frozenset({"location", "refresh", "link", "server", "vary", "expires",
                                 "etag", "allow", "pragma", "cookie"})
HEADER_METHODS = ("add", "set", "setdefault", "add_header", "update", "extend")
# Writers that check nothing (http.server, WSGI): CR/LF goes straight onto the wire.
RAW_HEADER_WRITERS = ("send_header",)
RESPONSE_FACTORIES = ("flask.make_response", "quart.make_response")
_HEADER_ADVICE = ("a value with CR/LF can add headers or split the response, and the value "
                  "itself is attacker-chosen: allow-list or validate it first")


# Headers whose request-data flows another rule owns: AIG511 (redirects).
_OTHER_RULES_HEADERS = frozenset({"location"})
# `self.request.headers[...] = v`, `req.headers.add(...)`: the headers of a request (an
# outgoing one in an HTTP client, or the incoming one being rewritten), never a response's.
_REQUEST_HEADERS = re.compile(r"(?:^|\.)(?:request|req|http_request|prepared)\.headers$")


def _header_name(name: str) -> bool:
    return ("-" in name or name[:1].isupper() or name.lower() in _LOWER_HEADER_NAMES) \
        and name.lower() not in _OTHER_RULES_HEADERS


@on.assign_where(_header_name)
def header_assignment(ctx, assignment, name, value) -> None:
    """`response.headers["X"] = v` and Django's `response["X"] = v`."""
    target = assignment.child_by_field_name("left")
    if target.type != "subscript" or assignment.type != "assignment":
        return
    owner = ctx.text(target.child_by_field_name("value")).lower()
    if not (owner.endswith("headers") or "resp" in owner.rpartition(".")[2]) \
            or _REQUEST_HEADERS.search(owner):
        return
    _report_header(ctx, value, f"response header `{name}`")


@on.method(*HEADER_METHODS)
def header_method(ctx, call) -> None:
    owner = ctx.text(call.func.child_by_field_name("object")).lower()
    if not owner.endswith("headers") or _REQUEST_HEADERS.search(owner):
        return
    if call.method in ("update", "extend"):
        for node in call.positional:
            _report_header_values(ctx, node, f"`{call.name}`")
        return
    if _header_name(str(ctx.literal(call.arg(0, "_key")))):
        _report_header(ctx, call.arg(1, "_value") or call.keywords.get("value"), f"`{call.name}`")


@on.method(*RAW_HEADER_WRITERS)
@on.call("start_response")
def raw_header_writer(ctx, call) -> None:
    if call.method == "send_header":  # every header: CR/LF is not refused here
        _report_header(ctx, call.arg(1, "value"), f"`{call.name}`", Severity.HIGH)
    else:
        _report_header_values(ctx, call.arg(1, "headers"), f"`{call.name}`", Severity.HIGH)


@on.call(*RESPONSE_FACTORIES)
def response_factory(ctx, call) -> None:
    for node in call.positional[1:]:
        _report_header_values(ctx, node, f"`{call.name}`")


@on.keyword("headers", "content_type", "mimetype")
def response_keyword(ctx, call, value) -> None:
    name = call.name.rpartition(".")[2]
    if not name.endswith("Response") or call.name.startswith(("requests.", "httpx.")):
        return
    keyword = value.parent.child_by_field_name("name")
    if ctx.text(keyword) == "headers":
        _report_header_values(ctx, value, f"`{call.name}`")
    else:
        _report_header(ctx, value, f"the `Content-Type` of `{call.name}`")


@on.method("set_cookie")
def cookie_value(ctx, call) -> None:
    value = call.arg(1, "value")
    taint = web_taint(ctx, [value]) if value is not None else None
    if taint is not None:
        report_sink(ctx, HEADER_INJECTION, value,
                    f"request data becomes the value of a cookie set by `{call.name}`; the "
                    "client already controls its own cookies, but a value read back as trusted "
                    "(role, user id) or holding `;` attributes is not safe: sign it or store "
                    "it server-side", taint, escalate=False, severity=Severity.LOW)


def _report_header_values(ctx, node, where: str, severity=None) -> None:
    """Values of a `{name: value}` dict or `[(name, value)]` list of headers."""
    if node is None:
        return
    if node.type == "dictionary":
        pairs = [(pair.child_by_field_name("key"), pair.child_by_field_name("value"))
                 for pair in node.named_children if pair.type == "pair"]
    elif node.type == "list":
        pairs = [tuple(item.named_children) for item in node.named_children
                 if item.type == "tuple" and item.named_child_count == 2]
    else:
        return
    for key, value in pairs:
        if severity is not None or _header_name(str(ctx.literal(key))):
            _report_header(ctx, value, where, severity)


def _report_header(ctx, value, where: str, severity=None) -> None:
    taint = web_taint(ctx, [value]) if value is not None else None
    if taint is None:
        return
    report_sink(ctx, HEADER_INJECTION, value,
                f"request data is written into {where}; {_HEADER_ADVICE}", taint,
                escalate=False, severity=severity)


# -- AIG108: log entries --------------------------------------------------------
LOG_METHODS = ("debug", "info", "warning", "warn", "error", "critical", "exception", "fatal",
               "log")
_LOGGER_NAME = re.compile(r"(?:^|_)(?:log|logger|logging|syslog|logs)$|logger$")
_LOGGER_FACTORY = re.compile(r"(?:getLogger|get_logger|getChild)\([^)]*\)$")
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?([a-zA-Z%])")
_LINE_BREAK = re.compile(r"\\[rn]|\\x0[ad]|\\u000[ad]|[\r\n]")
_ESCAPING_CALLS = frozenset({"repr", "json.dumps", "ascii"})
# Request parts that cannot hold a raw line break (HTTP parsers refuse CR/LF in
# headers; URLs stay percent-encoded): logging them is not log injection.
_NO_LINE_BREAKS = re.compile(r"\.(?:url|base_url|host_url|url_root|host|headers|user_agent|"
                             r"referrer|authorization|remote_addr|remote_user|method|scheme|"
                             r"META|content_type|mimetype|content_length)\b")


@on.method(*LOG_METHODS)
def log_call(ctx, call) -> None:
    receiver = call.func.child_by_field_name("object")
    text = ctx.text(receiver)
    last = text.rpartition(".")[2].lower()
    if not (_LOGGER_NAME.search(last) or _LOGGER_FACTORY.search(text)):
        return
    position = 1 if call.method == "log" else 0
    message = call.arg(position, "msg")
    if message is None:
        return
    taint = web_taint(ctx, [message], _neutralises_line_breaks)
    node = message
    if taint is None:
        specs = _PRINTF_SPEC.findall(ctx.literal(message) if ctx.is_literal(message) else "")
        specs = [spec for spec in specs if spec != "%"]
        for index, node in enumerate(call.positional[position + 1:]):
            if index < len(specs) and specs[index] in "rdifeEgGxXo":
                continue  # `%r` escapes line breaks; numbers have none
            taint = web_taint(ctx, [node], _neutralises_line_breaks)
            if taint is not None:
                break
    if taint is None or _NO_LINE_BREAKS.search(taint.text):
        return
    report_sink(ctx, LOG_INJECTION, node,
                f"request data is written to the log by `{call.name}`; line breaks in it can "
                "forge log entries: remove `\\r` and `\\n` first (or log it with `%r`)", taint,
                escalate=False)


def _neutralises_line_breaks(node) -> bool:
    """Barrier: `x.replace("\\n", "")`, `repr(x)`, `json.dumps(x)`, f"{x!r}", numbers."""
    kind = node.type
    if kind == "interpolation":
        return any(child.type == "type_conversion" for child in node.named_children)
    if kind != "call":
        return False
    func = node.child_by_field_name("function")
    name = func.text.decode("utf-8", "replace") if func is not None else ""
    if name in _ESCAPING_CALLS or name.endswith(".dumps"):
        return True
    if name.endswith((".replace", ".sub", ".translate", ".splitlines", ".split")):
        args = node.child_by_field_name("arguments")
        return args is not None and bool(_LINE_BREAK.search(
            args.text.decode("utf-8", "replace"))) or name.endswith(".splitlines")
    return False


# -- AIG109: regular expressions -------------------------------------------------
REGEX_FUNCTIONS = tuple(f"{module}.{name}" for module in ("re", "regex") for name in (
    "compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split"))


@on.call(*REGEX_FUNCTIONS)
def regex_pattern(ctx, call) -> None:
    pattern = call.arg(0, "pattern")
    taint = web_taint(ctx, [pattern]) if pattern is not None else None
    if taint is None:
        return
    report_sink(ctx, REGEX_INJECTION, pattern,
                f"a regular expression from request data is compiled by `{call.name}`; a "
                "crafted pattern can run for minutes (ReDoS) or match more than intended: "
                "escape the value with `re.escape`, or compare it as plain text", taint,
                escalate=False)
