"""JavaScript/TypeScript checks for AIG113 (xml-injection): an XML document built with a
template literal or `+` from request data, then parsed (`DOMParser`, libxmljs, xml2js,
fast-xml-parser) or sent as XML (`res.type('xml').send(...)`, a `text/xml` request body).
Values passed through an XML/HTML escaper are safe."""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ..injection import XML_INJECTION
from .checks import on
from .sinks import assess, remote_taint, report_sink

# Parser calls: position of the document.
PARSE_CALLS = {"libxmljs.parseXml": 0, "libxmljs.parseXmlString": 0, "libxmljs2.parseXml": 0,
               "libxmljs2.parseXmlString": 0, "xml2js.parseString": 0,
               "xml2js.parseStringPromise": 0}
# Methods that parse their first argument: `new DOMParser().parseFromString(x, 'text/xml')`,
# `new XMLParser().parse(x)` (checked only with an XML-looking document).
PARSE_METHODS = frozenset({"parseFromString", "parseStringPromise"})
# Response methods that send a body; the chain or the call must name an XML type.
SEND_METHODS = frozenset({"send", "end", "write"})
ESCAPERS = frozenset({"escape", "xmlEscape", "escapeXml", "escapeXML", "xml-escape",
                      "he.encode", "he.escape", "_.escape", "lodash.escape", "validator.escape",
                      "escapeHtml", "escape-html", "encodeXML", "entities.encodeXML"})
_ELEMENT = re.compile(r"<[A-Za-z_][\w:.-]*[\s/>]|<\?xml")
_XML_TYPE = re.compile(r"""(?i)['"`][^'"`]*xml[^'"`]*['"`]""")


@on.call(*PARSE_CALLS)
def xml_parsed(ctx, call) -> None:
    _check(ctx, call.arg(PARSE_CALLS[call.qualname]), f"parsed by `{call.name}`")


@on.method(*PARSE_METHODS)
def xml_parsed_by_method(ctx, call) -> None:
    _check(ctx, call.arg(0), f"parsed by `.{call.method}()`")


@on.method(*SEND_METHODS)
def xml_sent(ctx, call) -> None:
    receiver = unwrap(call.receiver)
    if receiver is not None and call.args and _XML_TYPE.search(ctx.text(receiver)):
        _check(ctx, call.arg(0), f"sent as XML by `.{call.method}()`")


def _check(ctx, node, where: str) -> None:
    found = assess(ctx, node, ESCAPERS) if node is not None else None
    if found is None or not found.built or not _ELEMENT.search(found.info.literal_text):
        return
    taint = remote_taint(ctx, found.parts)
    if taint is None:
        return
    report_sink(ctx, XML_INJECTION, node,
                f"an XML document built with {found.how()} is {where}; request data with "
                "`<`, `&` or quotes adds elements or attributes (XML injection): escape each "
                "value (`xml-escape`, `he.encode`) or build the document with an XML builder "
                "(`xmlbuilder2`)", taint, escalate=False)
