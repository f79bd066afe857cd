"""Python checks for AIG405 (XML entities) and AIG406 (archive extraction): parsers and
extractors whose defaults trust the document or the archive they are given."""

from __future__ import annotations

import re

from ...analysis.python.context import MAX_HOPS
from ...model import Severity
from ..deserialization import ARCHIVE_EXTRACTION, XML_ENTITIES
from .checks import on
from .deserialization_origin import (
    PATH_CALLS,
    Origin,
    Reach,
    data_origin,
    first_argument,
    keyword_fix,
    report_load,
)

S = Severity

# -- XML ------------------------------------------------------------------------------
LXML_PARSERS = ("lxml.etree.XMLParser", "lxml.etree.XMLPullParser",
                "lxml.etree.ETCompatXMLParser", "lxml.objectify.makeparser",
                "lxml.etree.iterparse")
# Parser keyword -> (the unsafe literal, severity, what it does).
PARSER_OPTIONS = {
    "resolve_entities": (True, S.HIGH, (
        "resolves external entities, so a document can read local files or fetch URLs (XXE)")),
    "no_network": (False, S.MEDIUM, (
        "lets entities and DTDs be fetched over the network (XXE, server-side requests)")),
    "huge_tree": (True, S.LOW, (
        "switches off libxml2's limits on entity expansion and tree size (billion laughs)")),
}
_XML_FUNCTIONS = ("parse", "fromstring", "XML", "iterparse", "fromstringlist", "XMLID")
LXML_PARSE = frozenset(f"lxml.{module}.{name}" for module in ("etree", "objectify")
                       for name in _XML_FUNCTIONS)
STDLIB_PARSE = frozenset({
    *(f"xml.etree.{module}.{name}" for module in ("ElementTree", "cElementTree")
      for name in _XML_FUNCTIONS),
    *(f"xml.dom.{module}.{name}" for module in ("minidom", "pulldom", "expatbuilder")
      for name in ("parse", "parseString")),
    "xml.sax.parse", "xml.sax.parseString",
})
EXTERNAL_FEATURES = frozenset({
    "feature_external_ges", "feature_external_pes",
    "http://xml.org/sax/features/external-general-entities",
    "http://xml.org/sax/features/external-parameter-entities",
})
LXML_DEFAULT = (None, None, None, None, S.HIGH)
STDLIB_DEFAULT = (None, None, None, None, S.MEDIUM)
_DEFUSED = "use defusedxml"


@on.call(*LXML_PARSERS)
def lxml_parser_options(ctx, call) -> None:
    for keyword, (unsafe, severity, what) in PARSER_OPTIONS.items():
        value = call.keywords.get(keyword)
        if value is not None and ctx.literal(value) is unsafe:
            ctx.report(XML_ENTITIES, value.parent,
                       f"`{call.name}` with `{keyword}={unsafe}` {what}; remove it "
                       f"(safe: `resolve_entities=False, no_network=True`) or {_DEFUSED}",
                       severity=severity)


@on.call(*LXML_PARSE, *STDLIB_PARSE)
def xml_parsed_from_untrusted_data(ctx, call) -> None:
    source = first_argument(call)
    if source is None:
        return
    is_lxml = call.qualname in LXML_PARSE
    if is_lxml and not _default_lxml_parser(ctx, call.arg(1, "parser")):
        return
    origin = data_origin(ctx, source)
    if is_lxml:
        message = (f"`{call.name}` parses {origin.text} with lxml's default parser, which "
                   "in older lxml releases resolves external entities (XXE: local files, "
                   "URLs); pass `etree.XMLParser(resolve_entities=False, no_network=True)` "
                   f"or {_DEFUSED}")
    else:
        message = (f"`{call.name}` parses {origin.text}; entity declarations in the document "
                   "are expanded, so a few bytes can take gigabytes of memory (billion laughs) "
                   f"with expat before 2.4.1 — {_DEFUSED}")
    report_load(ctx, XML_ENTITIES, call.node, message, origin,
                LXML_DEFAULT if is_lxml else STDLIB_DEFAULT)


def _default_lxml_parser(ctx, parser) -> bool:
    """True when no parser is given or it is an lxml parser that keeps entity resolution."""
    if parser is None:
        return True
    candidates = [parser]
    if parser.type == "identifier":
        candidates = [b.value for b in ctx.reaching(ctx.text(parser), parser)]
    for value in candidates:
        if value is None or value.type != "call":
            return False
        call = ctx.call(value)
        if call.qualname not in LXML_PARSERS or "resolve_entities" in call.keywords:
            return False  # another parser, or one already judged by lxml_parser_options
    return bool(candidates)


@on.method("setFeature")
def sax_external_entities(ctx, call) -> None:
    feature, enabled = call.arg(0), call.arg(1)
    if feature is None or enabled is None or ctx.literal(enabled) not in (True, 1):
        return
    name = ctx.literal(feature)
    if not isinstance(name, str):
        name = (ctx.qualname(feature) or "").rpartition(".")[2]
    if name in EXTERNAL_FEATURES:
        ctx.report(XML_ENTITIES, call.node,
                   f"SAX feature `{name}` switched on: the parser fetches external entities "
                   "(XXE: local files, URLs); leave it off (the default since Python 3.7.1)")


@on.call("xmltodict.parse")
def xmltodict_entities(ctx, call) -> None:
    value = call.keywords.get("disable_entities")
    if value is not None and ctx.literal(value) is False:
        ctx.report(XML_ENTITIES, value.parent,
                   "`xmltodict.parse` with `disable_entities=False` expands entity declarations "
                   "(billion laughs); keep the default `disable_entities=True`",
                   severity=S.MEDIUM)


# -- archives -----------------------------------------------------------------------
TAR_OPENERS = frozenset({"tarfile.open", "tarfile.TarFile", *(
    f"tarfile.TarFile.{name}" for name in ("open", "taropen", "gzopen", "bz2open", "xzopen"))})
TRUSTING_FILTERS = frozenset({"fully_trusted", "fully_trusted_filter"})
# Words that show the member paths are checked before `extract()` writes them.
PATH_CHECKS = ("commonpath", "is_relative_to", "realpath", "abspath", ".resolve(", "within",
               '".."', "'..'")
ARCHIVE = (None, S.LOW, S.MEDIUM, S.MEDIUM, S.HIGH)
_TAR_NAME = re.compile(r"^_*tar(?!get)|_tar", re.IGNORECASE)
_FILTER_ADVICE = ('pass `filter="data"` (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4 '
                  "security releases)")


@on.method("extractall", "extract")
def tar_extracted_without_filter(ctx, call) -> None:
    origin = _tar_origin(ctx, call.func.child_by_field_name("object"))
    if origin is None or not _needs_filter(ctx, call):
        return
    how = "with the `fully_trusted` filter" if "filter" in call.keywords else \
        "without an extraction filter"
    report_load(ctx, ARCHIVE_EXTRACTION, call.node,
                f"`{call.method}()` unpacks a tar archive ({origin.text}) {how}; member names "
                "like `../../.bashrc`, absolute paths and links write outside the target folder "
                f"— {_FILTER_ADVICE}",
                origin, ARCHIVE,
                fix=keyword_fix(ctx, call, "filter", '"data"', 'Add filter="data"', safe=False))


@on.call("shutil.unpack_archive")
def unpack_archive_without_filter(ctx, call) -> None:
    archive = first_argument(call)
    if archive is None or not _needs_filter(ctx, call):
        return
    kind = call.arg(2, "format")
    name = ctx.literal(archive)
    if kind is not None and ctx.literal(kind) == "zip" or kind is None and \
            isinstance(name, str) and name.lower().endswith(".zip"):
        return  # zipfile sanitises member names itself
    origin = data_origin(ctx, archive, is_path=True)
    report_load(ctx, ARCHIVE_EXTRACTION, call.node,
                f"`shutil.unpack_archive` unpacks {origin.text}, which may be a tar archive, "
                "without an extraction filter; its members can write outside the target "
                f"folder — {_FILTER_ADVICE}",
                origin, ARCHIVE,
                fix=keyword_fix(ctx, call, "filter", '"data"', 'Add filter="data"', safe=False))


MEMBER_LISTS = frozenset({"namelist", "getnames", "infolist", "getmembers"})
MEMBER_NAME_ATTRIBUTES = frozenset({"filename", "name", "path"})


@on.call("open", "io.open")
def archive_member_written(ctx, call) -> None:
    """Hand-written extraction: `open(os.path.join(dest, name), "wb")` for each member."""
    path, mode = first_argument(call), call.arg(1, "mode")
    mode_text = ctx.literal(mode) if mode is not None else None
    if path is None or not isinstance(mode_text, str) or not set(mode_text) & set("wax"):
        return
    member = _member_name(ctx, path)
    if member is None or _checks_paths(ctx, call.node):
        return
    ctx.report(ARCHIVE_EXTRACTION, call.node,
               f"file written at a path built from the archive member name `{ctx.text(member)}`;"
               " names like `../../.bashrc` or absolute paths write outside the target folder "
               "— check that the resolved path stays inside it, or use `ZipFile.extract()` / "
               'tar `extractall(filter="data")`, which sanitise names')


def _member_name(ctx, path):
    """The archive member name that `path` is built from, or None."""
    stack, seen = [(path, 0)], set()
    while stack:
        node, hops = stack.pop()
        if node is None or node.id in seen or hops > MAX_HOPS:
            continue
        seen.add(node.id)
        kind = node.type
        if kind == "identifier":
            if _loops_over_members(ctx, node):
                return node
            stack.extend((b.value, hops + 1) for b in ctx.reaching(ctx.text(node), node))
        elif kind == "attribute":
            owner = node.child_by_field_name("object")
            if ctx.text(node.child_by_field_name("attribute")) in MEMBER_NAME_ATTRIBUTES and \
                    owner.type == "identifier" and _loops_over_members(ctx, owner):
                return node
        elif kind == "call":
            call = ctx.call(node)
            if call.qualname in PATH_CALLS or call.method == "joinpath":
                stack.extend((arg, hops) for arg in call.positional)
        elif kind in ("binary_operator", "parenthesized_expression"):
            stack.extend((child, hops) for child in node.named_children)
        elif kind == "string":
            stack.extend((child.child_by_field_name("expression"), hops)
                         for child in node.named_children if child.type == "interpolation")
    return None


def _loops_over_members(ctx, name) -> bool:
    """`name` is the variable of a `for` loop over `namelist()`/`getmembers()`/..."""
    for binding in ctx.reaching(ctx.text(name), name):
        iterable = binding.value
        if binding.kind == "for" and iterable is not None and iterable.type == "identifier":
            values = [b.value for b in ctx.reaching(ctx.text(iterable), iterable)]
            iterable = values[-1] if values else None
        if binding.kind == "for" and iterable is not None and iterable.type == "call" and \
                ctx.call(iterable).method in MEMBER_LISTS:
            return True
    return False


def _checks_paths(ctx, node) -> bool:
    """True when the function around `node` compares paths (a hand-written containment check)."""
    scope = ctx.function_of(node) or ctx.tree.root_node
    text = ctx.text(scope)
    return any(word in text for word in PATH_CHECKS)


def _tar_origin(ctx, receiver) -> Origin | None:
    """Where the TarFile being extracted was opened from; None when it is not a TarFile."""
    if receiver is None:
        return None
    candidates = [receiver]
    if receiver.type == "identifier":
        candidates = [b.value for b in ctx.reaching(ctx.text(receiver), receiver)]
    for value in candidates:
        opener = ctx.call(value) if value is not None and value.type == "call" else None
        if opener is not None and opener.qualname in TAR_OPENERS:
            source = first_argument(opener)
            return data_origin(ctx, source, is_path=True) if source is not None else \
                Origin(Reach.LOCAL_FILE)
        if opener is not None and (opener.qualname or "").startswith("zipfile."):
            return None
    name = receiver.child_by_field_name("attribute") if receiver.type == "attribute" else receiver
    if name is not None and name.type == "identifier" and _TAR_NAME.search(ctx.text(name)):
        return Origin(Reach.LOCAL_FILE)  # a TarFile handed in: `def unpack(tar, dest)`
    return None


def _needs_filter(ctx, call) -> bool:
    """False when the extraction is already filtered or its members are checked."""
    chosen = call.keywords.get("filter")
    if chosen is None and call.star_kwargs:
        return False  # `**options` may carry the filter
    if chosen is not None:
        value = ctx.literal(chosen)
        name = value if isinstance(value, str) else (ctx.qualname(chosen) or "")
        return name.rpartition(".")[2] in TRUSTING_FILTERS
    if b"extraction_filter" in ctx.source.data:  # TarFile.extraction_filter set for all
        return False
    if call.method == "extractall":
        members = call.arg(1, "members")
        if members is not None and (members.type != "call"
                                    or ctx.call(members).method != "getmembers"):
            return False  # a filtering helper chose the members
    elif call.method == "extract":
        member = call.arg(0, "member")
        if member is None or ctx.is_literal(member):
            return False
    return not _checks_paths(ctx, call.node)
