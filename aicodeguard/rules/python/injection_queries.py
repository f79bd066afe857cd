"""Python checks for query languages other than SQL built from data.

AIG105 XPath (lxml, ElementTree), AIG106 LDAP filters (python-ldap, ldap3),
AIG111 MongoDB queries (`$where` JavaScript, operator objects from a JSON body).
"""

from __future__ import annotations

import re

from ..injection import LDAP_INJECTION, NOSQL_INJECTION, XPATH_INJECTION
from ..sinks import report_sink
from .checks import on
from .injection_values import assess, value_of, web_taint

XPATH_CALLS = {"lxml.etree.XPath": (0, "path"), "lxml.etree.ETXPath": (0, "path")}
# ElementTree's path methods share names with `str.find` and BeautifulSoup: the
# expression must look like a path with a predicate before they count.
ELEMENTTREE_METHODS = ("find", "findall", "iterfind", "findtext")
_XPATH_SHAPE = re.compile(r"\[\s*@|//|/@|\w\(\)|::|\[\s*\.?\w+\s*=|\bcontains\(")
_QUOTED_VALUE = re.compile(r"""[=(,]\s*["']|["']\s*[\])]""")

# python-ldap: search*(base, scope, filterstr); ldap3: search(search_base, search_filter).
LDAP_METHODS = ("search", "search_s", "search_st", "search_ext", "search_ext_s")
LDAP_SANITISERS = frozenset({
    "ldap.filter.escape_filter_chars", "ldap3.utils.conv.escape_filter_chars",
    "escape_filter_chars", "ldap.filter.filter_format", "filter_format",
    "ldap.dn.escape_dn_chars", "escape_dn_chars", "ldap3.utils.dn.escape_rdn", "escape_rdn",
})
_LDAP_FILTER = re.compile(r"\(?\s*[\w.;-]+\s*[~<>]?=|\(\s*[&|!]")

# pymongo collection methods: method -> position of the filter (or pipeline).
MONGO_METHODS = {
    "find": 0, "find_one": 0, "find_one_and_delete": 0, "find_one_and_replace": 0,
    "find_one_and_update": 0, "update_one": 0, "update_many": 0, "replace_one": 0,
    "delete_one": 0, "delete_many": 0, "count_documents": 0, "distinct": 1,
}
_GENERIC_MONGO_METHODS = frozenset({"find", "distinct"})  # also str/BeautifulSoup methods
_COLLECTION_HINTS = ("db", "coll", "mongo", "col", "users", "table")
# Request data that is parsed JSON (can hold objects such as {"$ne": null}).
_JSON_SOURCE = re.compile(r"json|\.data\b|\.body\b|\.media\b", re.IGNORECASE)
# Calls (by last name segment) that fix a value's type: no operator object gets through.
_TYPE_CASTS = frozenset({"str", "int", "float", "bool", "ObjectId", "UUID", "fromisoformat"})


@on.method("xpath")
@on.call(*XPATH_CALLS)
def xpath_query(ctx, call) -> None:
    position, keyword = XPATH_CALLS.get(call.qualname, (0, "_path"))
    check_xpath(ctx, call, call.arg(position, keyword), "use XPath variables "
                "(`tree.xpath(\"//user[@name=$name]\", name=value)`)")


@on.method(*ELEMENTTREE_METHODS)
def elementtree_path(ctx, call) -> None:
    receiver = call.func.child_by_field_name("object")
    if receiver.type == "identifier" and ctx.text(receiver) in ctx.imports:
        return  # `re.findall(...)`: a module function, not an element
    path = call.arg(0, "path")
    if path is None or path.type == "string" and not ctx.string_info(path).dynamic:
        return
    found = assess(ctx, path)
    if found is not None and _XPATH_SHAPE.search(found.info.literal_text):
        check_xpath(ctx, call, path, "select the elements with a constant path and compare "
                    "the value in Python")


def check_xpath(ctx, call, path, advice: str) -> None:
    found = assess(ctx, path)
    if found is None:
        return
    quoted = found.built and _QUOTED_VALUE.search(found.info.literal_text)
    if found.taint is None and not quoted:
        return  # `//tr[{index}]` from a loop counter: not a value in a string literal
    what = f"built with {found.how()}" if found.built else "taken from outside"
    report_sink(ctx, XPATH_INJECTION, path,
                f"XPath expression {what} is passed to `{call.name}`; a quote in the value "
                f"rewrites the query (`' or '1'='1`): {advice}", found.taint)


@on.method(*LDAP_METHODS)
def ldap_search(ctx, call) -> None:
    receiver = call.func.child_by_field_name("object")
    if receiver.type == "identifier" and ctx.text(receiver) in ctx.imports:
        return  # `re.search(...)`
    ldap3 = "search_filter" in call.keywords or "search_base" in call.keywords or (
        call.method == "search" and len(call.positional) > 1
        and "SCOPE" not in ctx.text(call.positional[1]))
    if ldap3:
        search_filter = call.arg(1, "search_filter")
        base = call.arg(0, "search_base")
    else:
        search_filter = call.arg(2, "filterstr")
        base = call.arg(0, "base")
    found = assess(ctx, search_filter, LDAP_SANITISERS)
    if found is not None and (found.taint is not None or found.built) and (
            call.method != "search" or _LDAP_FILTER.search(found.info.literal_text)
            or found.taint is not None and _ldap_connection(ctx, receiver)):
        what = f"built with {found.how()}" if found.built else "taken from outside"
        report_sink(ctx, LDAP_INJECTION, search_filter,
                    f"LDAP filter {what} is passed to `{call.name}`; `*`, `(` or `)` in the "
                    "value change what the search matches: escape each value with "
                    "`escape_filter_chars` (python-ldap `ldap.filter`, ldap3 "
                    "`ldap3.utils.conv`)", found.taint)
    if search_filter is None:
        return
    base_found = assess(ctx, base, LDAP_SANITISERS)
    if base_found is not None and base_found.taint is not None:
        report_sink(ctx, LDAP_INJECTION, base,
                    f"LDAP base DN with data from outside is passed to `{call.name}`; "
                    "escape each value with "
                    "`escape_dn_chars` / `escape_rdn`", base_found.taint)


def _ldap_connection(ctx, receiver) -> bool:
    """Named like one, or made by `ldap.initialize()` / `ldap3.Connection()`."""
    if "ldap" in ctx.text(receiver).lower():
        return True
    value = value_of(ctx, receiver)
    return value is not None and value.type == "call" \
        and (ctx.call(value).qualname or "").startswith("ldap")


@on.method(*MONGO_METHODS)
def mongo_query(ctx, call) -> None:
    receiver = call.func.child_by_field_name("object")
    if receiver.type == "identifier" and ctx.text(receiver) in ctx.imports:
        return
    query = call.arg(MONGO_METHODS[call.method], "filter")
    value = value_of(ctx, query)
    if value is None:
        return
    if value.type == "dictionary":
        _check_filter_document(ctx, call, value)
        return
    if call.method in _GENERIC_MONGO_METHODS and not any(
            hint in ctx.text(receiver).lower() for hint in _COLLECTION_HINTS):
        return
    taint = web_taint(ctx, [query], _is_cast)
    if taint is not None and _JSON_SOURCE.search(taint.text):
        report_sink(ctx, NOSQL_INJECTION, query,
                    f"a query document parsed from the request body is passed to "
                    f"`{call.name}`; it can hold operators (`{{\"$ne\": null}}`, `$where`) that "
                    "match every record: build the filter from individual, type-checked "
                    "fields", taint, escalate=False)


def _check_filter_document(ctx, call, document) -> None:
    for pair in document.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        name = ctx.literal(key)
        if name in ("$where", "$function", "$accumulator"):
            found = assess(ctx, value)
            if found is not None and (found.built or found.taint is not None):
                report_sink(ctx, NOSQL_INJECTION, value,
                            f"JavaScript for `{name}` is built from data and run by the "
                            f"database in `{call.name}`: use query operators (`$eq`, "
                            "`$regex` with escaped input) instead of `$where`", found.taint)
            continue
        if value is None or value.type in ("dictionary", "string", "integer", "list"):
            continue
        taint = web_taint(ctx, [value], _is_cast)
        if taint is not None and _JSON_SOURCE.search(taint.text):
            report_sink(ctx, NOSQL_INJECTION, value,
                        f"a value from the JSON request body is used as a query value in "
                        f"`{call.name}`; an object such as `{{\"$ne\": null}}` turns it into an "
                        "operator that matches every record: convert it with `str()` first",
                        taint, escalate=False)


def _is_cast(node) -> bool:
    """Taint barrier for query values: `str(x)`, `ObjectId(x)`."""
    if node.type != "call":
        return False
    func = node.child_by_field_name("function")
    return func is not None and func.text.decode("utf-8", "replace").rpartition(".")[2] in _TYPE_CASTS
