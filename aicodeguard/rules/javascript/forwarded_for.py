"""JavaScript/TypeScript checks for AIG536 (trusted-forwarded-for): the client address
from `X-Forwarded-For`/`X-Real-IP` or `req.ips`, which any client can set, decides
access (an allow-list, an admin IP) or keys a rate limit (`keyGenerator`).  `req.ips`
is quiet when the app trusts a specific proxy (`app.set('trust proxy', 1)`)."""

from __future__ import annotations

import re

from ...analysis.javascript import functions
from ...analysis.javascript.values import unwrap
from ..web import TRUSTED_FORWARDED_FOR
from .checks import on

HEADERS = re.compile(r"(?i)x-forwarded-for|x-real-ip|x-client-ip")
PROXY_LIST = re.compile(r"\b(req|request|ctx)\.ips\b")
# Lower-case fragments one of which a file must hold before its tests are looked at.
MENTIONS = (b"x-forwarded-for", b"x-real-ip", b"x-client-ip", b".ips")
TRUST_PROXY = re.compile(r"""\.set\(\s*['"]trust proxy['"]\s*,\s*(?!true\b)[^)\s]""")
# Membership tests: `ALLOWED.includes(ip)`, `allowList.has(ip)`, `list.indexOf(ip)`.
MEMBERSHIP_METHODS = ("includes", "has", "indexOf")
_CONDITION_PARENTS = frozenset({"parenthesized_expression", "binary_expression",
                                "unary_expression"})
_DENIALS = re.compile(r"\bstatus\(\s*40[13]|sendStatus\(\s*40[13]|\bnext\(|\bthrow\b|"
                      r"\breturn\b")
_EMPTY = frozenset({"undefined", "null", "''", '""', "[]"})
# Methods whose result says something about the header, not the address in it.
NOT_ADDRESS_METHODS = frozenset({"indexOf", "lastIndexOf", "includes", "search", "test",
                                 "endsWith"})
_MAX_HOPS = 3


@on.node("binary_expression")
def forwarded_ip_compared(ctx, node) -> None:
    if not _mentions(ctx):
        return
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    for ours, other in ((left, right), (right, left)):
        if other is None or other.type in ("number", "true", "false") \
                or ctx.text(other) in _EMPTY or _forwarded(ctx, other):
            continue
        source = _forwarded(ctx, ours)
        if source is not None and _decides(node):
            _report(ctx, node, source, f"is compared with `{_short(ctx.text(other))}` to "
                    "decide access")
            return


@on.method(*MEMBERSHIP_METHODS)
def forwarded_ip_in_list(ctx, call) -> None:
    if not _mentions(ctx) or not call.args or _forwarded(ctx, call.receiver):
        return
    source = _forwarded(ctx, call.arg(0))
    if source is not None and _decides(call.node):
        _report(ctx, call.node, source, f"is looked up with `.{call.method}()` to decide "
                "access")


@on.property("keyGenerator")
def forwarded_rate_limit_key(ctx, pair, key, value) -> None:
    if not _mentions(ctx) or value is None:
        return
    function = ctx.value_of(value)
    results = functions.returned_values(ctx, function) if function is not None and \
        function.type in ("arrow_function", "function_expression", "function_declaration") \
        else ()
    for result in results:
        source = _forwarded(ctx, result)
        if source is not None:
            _report(ctx, pair, source, "keys the rate limit: a client sends a new address "
                    "with each request and is never limited")
            return


def _report(ctx, node, source, what: str) -> None:
    ctx.report(TRUSTED_FORWARDED_FOR, node,
               f"the client address from `{_short(ctx.text(source))}` {what}; any client "
               "can send that header with any address: use `req.socket.remoteAddress`, or "
               "`req.ip` with `app.set('trust proxy', <your proxy>)`")


def _forwarded(ctx, node, hops: int = 0):
    """The expression a client-chosen address comes from (through names and this file's
    helper functions), or None."""
    node = unwrap(node)
    if node is None or hops > _MAX_HOPS or node.type in ("string", "template_string"):
        return None
    text = ctx.text(node)
    if HEADERS.search(text) or PROXY_LIST.search(text) and not _trusts_proxy(ctx):
        return node
    if node.type == "identifier":
        value = ctx.value_of(node, hops=1)
        return _forwarded(ctx, value, hops + 1) if value is not None and value.id != node.id \
            else None
    if node.type == "call_expression":
        if ctx.call(node).method in NOT_ADDRESS_METHODS:
            return None
        function = functions.callee(ctx, ctx.call(node))
        for result in functions.returned_values(ctx, function) if function is not None else ():
            found = _forwarded(ctx, result, hops + 1)
            if found is not None:
                return found
    if node.type in ("member_expression", "subscript_expression", "call_expression",
                     "binary_expression"):
        for child in node.named_children:
            found = _forwarded(ctx, child, hops)
            if found is not None:
                return found
    return None


def _decides(node) -> bool:
    """The test is an `if` condition whose branch returns, throws or denies, or the value a
    function returns."""
    parent = node.parent
    while parent is not None and parent.type in _CONDITION_PARENTS:
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "return_statement":
        return True
    if parent.type != "if_statement":
        return False
    branch = parent.child_by_field_name("consequence")
    return branch is not None and bool(_DENIALS.search(branch.text.decode("utf-8", "replace")))


def _mentions(ctx) -> bool:
    found = ctx.memo.get(("AIG536", "mentions"))
    if found is None:
        data = ctx.source.data.lower()
        found = ctx.memo[("AIG536", "mentions")] = any(part in data for part in MENTIONS)
    return found


def _trusts_proxy(ctx) -> bool:
    trusted = ctx.memo.get(("AIG536", "trust"))
    if trusted is None:
        text = ctx.source.data.decode("utf-8", "replace")
        trusted = ctx.memo[("AIG536", "trust")] = bool(TRUST_PROXY.search(text))
    return trusted


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
