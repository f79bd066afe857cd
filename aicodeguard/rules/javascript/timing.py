"""JavaScript/TypeScript checks for AIG214 (timing-unsafe-comparison): a token, password,
API key or signature compared with `===`/`==`, which returns at the first differing
character.  The judgement of the pair is the Python rule's (`python.timing.judge`)."""

from __future__ import annotations

from ...analysis.javascript.values import target_name, unwrap
from ..crypto import TIMING_UNSAFE_COMPARISON
from ..python.timing import HASH, HMAC, REQUEST, judge
from ..timing_names import compared_secret_kind
from .checks import on

_CONSTANT_TYPES = frozenset({"string", "number", "null", "undefined", "true", "false",
                             "regex", "array", "object", "unary_expression"})
# Calls whose result is computed with a key, or a plain hash.
HMAC_CALLS = frozenset({"crypto.createHmac", "crypto.subtle.sign"})
HASH_CALLS = frozenset({"crypto.createHash"})
# Header readers: `req.get('X-Signature')`, `req.header(...)`, `headers.get(...)`.
HEADER_METHODS = frozenset({"get", "header", "getHeader", "param"})
_MAX_FOLLOW = 3


@on.node("binary_expression")
def timing_unsafe_comparison(ctx, node) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if left is None or right is None or left.type in _CONSTANT_TYPES \
            or right.type in _CONSTANT_TYPES:
        return
    ours, theirs = _evidence(ctx, left), _evidence(ctx, right)
    if not (ours or theirs) or _is_constant(ctx, left) or _is_constant(ctx, right):
        return
    _add_request(ctx, left, ours)
    _add_request(ctx, right, theirs)
    confidence = judge(ours, theirs, ctx.is_application)  # name-only evidence is enough there
    if confidence is None:
        return
    ctx.report(TIMING_UNSAFE_COMPARISON, node,
               f"`{_short(ctx, left)}` is compared with `{_short(ctx, right)}` using "
               f"`{ctx.text(operator)}`, which stops at the first differing character: "
               "response times reveal how much of a guessed secret is right; compare "
               "equal-length buffers with `crypto.timingSafeEqual(a, b)`",
               confidence=confidence)


def _evidence(ctx, node) -> set[str]:
    found: set[str] = set()
    for _ in range(_MAX_FOLLOW):
        node = unwrap(node)
        if node is None:
            break
        name = _operand_name(ctx, node)
        kind = compared_secret_kind(name) if name else None
        if kind is not None:
            found.add(kind)
        if node.type == "call_expression":
            found |= _computed(ctx, node)
        if node.type != "identifier":
            break
        value = ctx.value_of(node, hops=1)
        if value is None or value.id == node.id:
            break
        node = value
    return found


def _computed(ctx, node) -> set[str]:
    """HMAC for `crypto.createHmac(...).update(m).digest('hex')`, HASH for `createHash`."""
    while node is not None and node.type == "call_expression":
        call = ctx.call(node)
        if call.qualname in HMAC_CALLS:
            return {HMAC}
        if call.qualname in HASH_CALLS:
            return {HASH}
        node = unwrap(call.receiver)
    return set()


def _operand_name(ctx, node) -> str | None:
    """`token`, `user.token`, `headers['x-token']`, `req.get('X-Token')` -> the name."""
    if node.type == "call_expression":
        call = ctx.call(node)
        if call.method in HEADER_METHODS:
            key = ctx.literal(call.arg(0)) if call.args else None
            return key if isinstance(key, str) else None
        return None
    return target_name(ctx, node)


def _is_constant(ctx, node) -> bool:
    """A literal, `typeof x`, an UPPER_CASE constant or enum member, a length."""
    node = unwrap(node)
    if node is None or node.type in _CONSTANT_TYPES:
        return True
    if node.type == "template_string":
        return ctx.is_literal(node)
    if node.type in ("identifier", "member_expression"):
        name = _operand_name(ctx, node) or ""
        if name == "length" or name.isupper() and compared_secret_kind(name) is None:
            return True
        return ctx.is_literal(node)
    return False


def _add_request(ctx, node, found: set[str]) -> None:
    taint = ctx.taint(node)
    if taint is not None and taint.is_remote:
        found.add(REQUEST)


def _short(ctx, node, limit: int = 50) -> str:
    text = " ".join(ctx.text(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

