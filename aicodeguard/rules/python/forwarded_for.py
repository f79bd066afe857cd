"""Python checks for AIG536 (trusted-forwarded-for): the client IP read from
`X-Forwarded-For`/`X-Real-IP`/`access_route`, which any client can set, decides access
(an allow-list, an admin IP, a private-network test) or keys a rate limit.  Quiet when
the module installs a proxy fix that rewrites those headers from trusted proxies only."""

from __future__ import annotations

import re

from ..web import TRUSTED_FORWARDED_FOR
from .checks import on

# Where a client-chosen address comes from (matched on the expression's text).
FORWARDED = re.compile(r"(?i)x[-_]forwarded[-_]for|x[-_]real[-_]ip|access_route|"
                       r"x[-_]client[-_]ip|\bforwarded\b['\"]")
# Lower-case fragments one of which a file must hold before its comparisons are looked at.
FORWARDED_FRAGMENTS = (b"forwarded", b"real-ip", b"real_ip", b"access_route", b"client-ip",
                       b"client_ip")
# Middleware that makes the forwarded address trustworthy (only set by known proxies).
PROXY_FIXES = ("ProxyFix", "ProxyHeadersMiddleware", "ForwardedMiddleware")
COMPARISONS = frozenset({"==", "!=", "in", "not in"})
# Address properties that decide trust: `ip_address(ip).is_private`.
TRUST_PROPERTIES = frozenset({"is_private", "is_loopback", "is_global", "is_link_local",
                              "is_reserved"})
_CONDITION_PARENTS = frozenset({"boolean_operator", "not_operator", "parenthesized_expression"})
_MAX_HOPS = 5
_EMPTY = frozenset({"None", "''", '""', "[]", "()"})


@on.comparison(*COMPARISONS)
def forwarded_ip_compared(ctx, node) -> None:
    if not _mentions_forwarding(ctx):
        return
    children = node.children
    if len(children) != 3 or ctx.text(children[1]) not in COMPARISONS:
        return
    left, right = children[0], children[2]
    for ours, other in ((left, right), (right, left)):
        if ctx.text(other) in _EMPTY or _forwarded(ctx, other):
            continue
        source = _forwarded(ctx, ours)
        if source is not None and _decides(node) and not _proxy_fixed(ctx):
            _report(ctx, node, source, "is compared with "
                    f"`{_short(ctx.text(other))}` to decide access")
            return


@on.call("ipaddress.ip_address")
def forwarded_ip_property(ctx, call) -> None:
    parent = call.node.parent
    name = parent.child_by_field_name("attribute") if parent.type == "attribute" else None
    if name is None or ctx.text(name) not in TRUST_PROPERTIES or not _decides(parent):
        return
    source = _forwarded(ctx, call.arg(0, "address"))
    if source is not None and not _proxy_fixed(ctx):
        _report(ctx, parent, source, f"decides access through `.{ctx.text(name)}`")


@on.keyword("key_func")
def forwarded_rate_limit_key(ctx, call, value) -> None:
    if not _mentions_forwarding(ctx):
        return
    function = _local_function(ctx, value)  # key_func=client_ip: the `def` in this file
    returned = list(_descendants(function, "return_statement")) if function is not None \
        else [value.child_by_field_name("body") if value.type == "lambda" else value]
    source = next(filter(None, (_forwarded(ctx, node) for node in returned)), None)
    if source is not None and not _proxy_fixed(ctx):
        _report(ctx, value, source, f"keys the rate limit of `{call.name}`: a client "
                "sends a new address with each request and is never limited")


def _report(ctx, node, source, what: str) -> None:
    ctx.report(TRUSTED_FORWARDED_FOR, node,
               f"the client address from `{_short(ctx.text(source))}` {what}; any client "
               "can send that header with any address: use the connection's address "
               "(`request.remote_addr`) and, behind a proxy, let `ProxyFix(x_for=1)` take "
               "the address the trusted proxy added")


def _forwarded(ctx, node, hops: int = 0):
    """The expression a client-chosen address comes from, following names and same-file
    helper functions (`ip = get_client_ip()`); None when `node` has none."""
    if node is None or hops > _MAX_HOPS or node.type in ("string", "concatenated_string"):
        return None  # `"X-Real-IP" in request.headers` asks whether the header is there
    text = ctx.text(node)
    if FORWARDED.search(text):
        return node
    for name in _descendants(node, "identifier"):
        for binding in ctx.reaching(ctx.text(name), name):
            if binding.value is not None and binding.value.id != node.id:
                found = _forwarded(ctx, binding.value, hops + 1)
                if found is not None:
                    return found
    for call in _descendants(node, "call"):
        function = _local_function(ctx, call.child_by_field_name("function"))
        for returned in _descendants(function, "return_statement") if function else ():
            found = _forwarded(ctx, returned, hops + 1)
            if found is not None:
                return found
    return None


def _local_function(ctx, func):
    """The `def` in this file a plain call names, if any."""
    if func is None or func.type != "identifier":
        return None
    functions = ctx.memo.get(("AIG536", "functions"))
    if functions is None:
        functions = ctx.memo[("AIG536", "functions")] = {
            ctx.text(definition.child_by_field_name("name")): definition
            for definition in _descendants(ctx.tree.root_node, "function_definition")}
    return functions.get(ctx.text(func))


def _decides(node) -> bool:
    """The comparison is an `if`/`elif` condition whose branch returns, raises or aborts,
    or a predicate's returned value."""
    parent = node.parent
    while parent is not None and parent.type in _CONDITION_PARENTS:
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "return_statement":
        return True
    return parent.type in ("if_statement", "elif_clause") and _gates(parent)


def _gates(statement) -> bool:
    branch = statement.child_by_field_name("consequence")
    for kind in ("return_statement", "raise_statement"):
        if next(_descendants(branch, kind), None) is not None:
            return True
    return any(b"abort" in call.text or b"Forbidden" in call.text
               for call in _descendants(branch, "call"))


def _mentions_forwarding(ctx) -> bool:
    """A cheap test per file before any comparison is looked at."""
    found = ctx.memo.get(("AIG536", "mentions"))
    if found is None:
        data = ctx.source.data.lower()
        found = ctx.memo[("AIG536", "mentions")] = any(
            fragment in data for fragment in FORWARDED_FRAGMENTS)
    return found


def _proxy_fixed(ctx) -> bool:
    fixed = ctx.memo.get(("AIG536", "proxy"))
    if fixed is None:
        fixed = ctx.memo[("AIG536", "proxy")] = any(
            name.endswith(PROXY_FIXES) for name in ctx.imports.values())
    return fixed


def _descendants(node, kind: str):
    """Nodes of one type under `node` (itself included), not entering nested functions."""
    if node is None:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            yield current
        if current.id == node.id or current.type not in ("function_definition", "lambda"):
            stack.extend(reversed(current.named_children))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
