"""JavaScript checks for AIG4xx: deserializers that run code (AIG401), YAML with the
JavaScript-type schema (AIG402), XML entity expansion (AIG405) and
serialize-javascript's unsafe mode (AIG420)."""

from __future__ import annotations

from ...model import Edit, Fix
from ..deserialization import PICKLE_FAMILY, UNSAFE_YAML, XML_ENTITIES
from ..javascript_only import SERIALIZE_JAVASCRIPT_UNSAFE
from .checks import on

CODE_DESERIALIZERS = {
    "node-serialize.unserialize": "node-serialize",
    "serialize-to-js.deserialize": "serialize-to-js",
    "funcster.deepDeserialize": "funcster",
    "cryo.parse": "cryo",
}
YAML_LOADS = ("js-yaml.load", "js-yaml.loadAll", "yaml.load", "yamljs.load")
UNSAFE_SCHEMAS = ("DEFAULT_FULL_SCHEMA", "FULL_SCHEMA")
XML_PARSERS = ("libxmljs.parseXml", "libxmljs.parseXmlString", "libxmljs2.parseXml",
               "libxmljs2.parseXmlString", "libxmljs.parseXmlAsync", "libxmljs2.parseXmlAsync")
SERIALIZERS = ("serialize-javascript",)


@on.call(*CODE_DESERIALIZERS)
def code_deserializer(ctx, call) -> None:
    ctx.report(PICKLE_FAMILY, call.node,
               f"`{call.qualname}` rebuilds functions from the data and can run them "
               "(`_$$ND_FUNC$$_` payloads): whoever controls the input runs code here; use "
               "`JSON.parse` and validate the result")


@on.call(*YAML_LOADS)
def yaml_full_schema(ctx, call) -> None:
    schema = ctx.option(call, 1, "schema")
    if schema is None:
        return
    text = ctx.text(schema)
    if text.rpartition(".")[2] not in UNSAFE_SCHEMAS and "js-yaml-js-types" not in text:
        return
    loc = ctx.location(schema)
    ctx.report(UNSAFE_YAML, schema,
               f"YAML is loaded with `{text}`, which builds JavaScript functions and regular "
               "expressions from `!!js/function` tags in the document: use the default schema",
               fix=Fix("Use the default (safe) schema",
                       (Edit(loc.line, loc.column, loc.end_line, loc.end_column,
                             text.rpartition(".")[0] + ".DEFAULT_SCHEMA"
                             if "." in text else "DEFAULT_SCHEMA"),), safe=False))


@on.call(*XML_PARSERS)
def xml_entities(ctx, call) -> None:
    for key in ("noent", "dtdload"):
        value = ctx.option(call, 1, key)
        if value is not None and ctx.literal(value) is True:
            ctx.report(XML_ENTITIES, value.parent,
                       f"`{key}: true` makes libxml expand external entities, so an XML "
                       "document can read local files (`file:///etc/passwd`) or reach internal "
                       "hosts (XXE); leave it off")
            return


@on.call(*SERIALIZERS)
def serialize_unsafe(ctx, call) -> None:
    unsafe = ctx.option(call, 1, "unsafe")
    if unsafe is None or ctx.literal(unsafe) is not True:
        return
    loc = ctx.location(unsafe)
    ctx.report(SERIALIZE_JAVASCRIPT_UNSAFE, unsafe.parent,
               "`serialize(..., { unsafe: true })` leaves `<`, `>` and `/` unescaped, so data "
               "containing `</script>` breaks out of the inline script it is written into "
               "(XSS); drop `unsafe: true`",
               fix=Fix("Escape HTML characters (unsafe: false)",
                       (Edit(loc.line, loc.column, loc.end_line, loc.end_column, "false"),),
                       safe=True))
