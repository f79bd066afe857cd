"""Python checks for AIG113 (xml-injection): an XML document built with string formatting
from request data, then parsed, returned as XML, posted or written.  A value escaped
with `saxutils.escape`/`quoteattr`/`html.escape`/`markupsafe.escape`, or set through an
element API (`SubElement(...).text = v`), is safe."""

from __future__ import annotations

import re

from ..injection import XML_INJECTION
from ..sinks import report_sink
from .checks import on
from .injection_values import web_taint

# Parsers: position of the document.
PARSE_CALLS = {name: 0 for name in (
    "xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.XML",
    "xml.etree.cElementTree.fromstring", "lxml.etree.fromstring", "lxml.etree.XML",
    "xml.dom.minidom.parseString", "xml.sax.parseString", "defusedxml.ElementTree.fromstring",
    "defusedxml.lxml.fromstring", "defusedxml.minidom.parseString", "xmltodict.parse",
)}
# Responses: the body's position and keyword; an XML content type makes it a document.
RESPONSE_CALLS = {
    "flask.Response": (0, "response"), "werkzeug.wrappers.Response": (0, "response"),
    "flask.make_response": (0, None), "django.http.HttpResponse": (0, "content"),
    "starlette.responses.Response": (0, "content"), "fastapi.Response": (0, "content"),
    "fastapi.responses.Response": (0, "content"),
}
CONTENT_TYPE_KEYWORDS = ("mimetype", "content_type", "media_type", "headers")
# HTTP clients that post a body (`data=` / `content=`).
POST_CALLS = frozenset({f"{module}.{verb}" for module in ("requests", "httpx")
                        for verb in ("post", "put", "patch", "request")})
BODY_KEYWORDS = ("data", "content")
# Escapers, by the last part of the callee's name.
ESCAPERS = frozenset({"escape", "quoteattr", "xml_escape", "escape_xml", "xmlescape",
                      "conditional_escape", "escape_silent"})
# Text that opens an element: the literal parts of the string look like markup.
_ELEMENT = re.compile(r"<[A-Za-z_][\w:.-]*[\s/>]|<\?xml")


@on.call(*PARSE_CALLS)
def xml_parsed(ctx, call) -> None:
    _check(ctx, call.arg(PARSE_CALLS[call.qualname]), f"parsed by `{call.name}`")


@on.call(*RESPONSE_CALLS)
def xml_returned(ctx, call) -> None:
    if any("xml" in ctx.text(call.keywords[key]).lower()
           for key in CONTENT_TYPE_KEYWORDS if key in call.keywords):
        _check(ctx, call.arg(*RESPONSE_CALLS[call.qualname]),
               f"returned as XML by `{call.name}`")


@on.call(*POST_CALLS)
def xml_posted(ctx, call) -> None:
    for keyword in BODY_KEYWORDS:
        if keyword in call.keywords:
            _check(ctx, call.keywords[keyword], f"posted by `{call.name}`", declared=True)


@on.method("write")
def xml_written(ctx, call) -> None:
    if len(call.positional) == 1:
        _check(ctx, call.positional[0], f"written by `{call.name}`", declared=True)


def _check(ctx, node, where: str, *, declared: bool = False) -> None:
    """`declared`: only documents that start with a tag count (a body or a file may be
    anything; a parser's argument is XML)."""
    if node is None or ctx.is_literal(node):
        return
    info = ctx.string_info(node)
    if not info.built or not _ELEMENT.search(info.literal_text):
        return
    if declared and not info.literal_text.lstrip().startswith("<"):
        return
    taint = web_taint(ctx, info.dynamic_parts, _escaped)
    if taint is None:
        return
    report_sink(ctx, XML_INJECTION, node,
                f"an XML document built with {info.describe()} is {where}; request data "
                "with `<`, `&` or quotes adds elements or attributes (XML injection): escape "
                "each value with `xml.sax.saxutils.escape`/`quoteattr`, or build the document "
                "with `ElementTree.SubElement(...).text = value`", taint, escalate=False)


def _escaped(node) -> bool:
    """Barrier: `escape(v)`, `saxutils.quoteattr(v)`, `markupsafe.escape(v)`."""
    if node.type != "call":
        return False
    func = node.child_by_field_name("function")
    name = func.text.decode("utf-8", "replace") if func is not None else ""
    return name.rpartition(".")[2] in ESCAPERS
