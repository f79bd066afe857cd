"""Python checks for AIG214 (timing-unsafe-comparison): a token, password, API key or
signature compared with `==`/`!=`, which returns at the first differing byte."""

from __future__ import annotations

from ...analysis.secret_names import words
from ...analysis.shared import UNKNOWN
from ...model import Confidence
from ..crypto import TIMING_UNSAFE_COMPARISON
from ..timing_names import DIGEST, SECRET, compared_secret_kind
from .checks import on
from .crypto_values import target_name

COMPARISONS = frozenset({"==", "!="})
_CONSTANT_TYPES = frozenset({"string", "concatenated_string", "integer", "float", "none",
                             "true", "false", "list", "tuple", "set", "dictionary"})
# Calls whose result is computed with a key: comparing it is checking a MAC.
HMAC_CALLS = frozenset({"hmac.new", "hmac.digest", "hmac.HMAC"})
HASH_MODULES = ("hashlib.",)
DIGEST_METHODS = frozenset({"hexdigest", "digest"})
# Functions named like a secret that compute something else.
NOT_SECRET_CALLS = frozenset({"inspect.signature"})
# Parents through which a comparison is still an operand: `filter((A.token == t) & ...)`.
_EXPRESSION_PARENTS = frozenset({"parenthesized_expression", "binary_operator",
                                 "boolean_operator", "not_operator"})
# Methods that compare objects: two fields of the same kind are compared on purpose.
_EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__", "__lt__", "__gt__"})
_MAX_FOLLOW = 3
HMAC, HASH, REQUEST = "hmac", "hash", "request"


@on.comparison(*COMPARISONS)
def timing_unsafe_comparison(ctx, node) -> None:
    children = node.children
    if len(children) != 3 or children[1].type not in COMPARISONS:
        return
    left, right = children[0], children[2]
    if left.type in _CONSTANT_TYPES or right.type in _CONSTANT_TYPES:
        return
    ours, theirs = _evidence(ctx, left), _evidence(ctx, right)
    if not (ours or theirs) or _is_constant(ctx, left) or _is_constant(ctx, right) \
            or _in_equality_method(ctx, node) or _is_query_argument(node):
        return
    _add_request(ctx, left, ours)
    _add_request(ctx, right, theirs)
    confidence = judge(ours, theirs, ctx.is_application)
    if confidence is None:
        return
    ctx.report(TIMING_UNSAFE_COMPARISON, node,
               f"`{_short(ctx, left)}` is compared with `{_short(ctx, right)}` using "
               f"`{children[1].type}`, which stops at the first differing byte: response "
               "times reveal how much of a guessed secret is right; compare with "
               "`hmac.compare_digest(a, b)`", confidence=confidence)


def judge(ours: set[str], theirs: set[str], application: bool) -> Confidence | None:
    """How sure the pair is a secret check (None when it is not one), from what each side
    is (SECRET/DIGEST names, HMAC/HASH results, REQUEST data).  Shared with JavaScript."""
    if HMAC in ours or HMAC in theirs:
        return Confidence.HIGH  # a MAC of the request body is computed from request data too
    if REQUEST in ours and REQUEST in theirs:
        return None  # both from the client: `password == confirm_password`
    for one, other in ((ours, theirs), (theirs, ours)):
        if REQUEST in one and (SECRET in other or (SECRET in one and other)):
            return Confidence.HIGH
        if HASH in one and (REQUEST in other or SECRET in other):
            return Confidence.HIGH if REQUEST in other else Confidence.MEDIUM
    if SECRET in ours and (SECRET in theirs or DIGEST in theirs) \
            or SECRET in theirs and DIGEST in ours:
        return Confidence.MEDIUM if application else Confidence.LOW
    return None


def _evidence(ctx, node) -> set[str]:
    """What makes `node` a secret: its name, how it was computed, where it came from."""
    found: set[str] = set()
    for _ in range(_MAX_FOLLOW):
        name = _operand_name(ctx, node)
        kind = compared_secret_kind(name) if name else None
        if kind is not None:
            found.add(kind)
        if node.type == "call":
            found |= _computed(ctx, node)
        if node.type != "identifier":
            break
        values = [b.value for b in ctx.reaching(ctx.text(node), node) if b.value is not None]
        if len(values) != 1:
            break
        node = values[0]
    return found


def _add_request(ctx, node, found: set[str]) -> None:
    taint = ctx.taint(node)
    if taint is not None and taint.is_remote:
        found.add(REQUEST)


def _computed(ctx, node) -> set[str]:
    """HMAC for `hmac.new(k, m, sha256).hexdigest()`, HASH for `hashlib.sha256(x).hexdigest()`."""
    call = ctx.call(node)
    while call.method in DIGEST_METHODS:
        receiver = call.func.child_by_field_name("object") if call.func.type == "attribute" \
            else None
        if receiver is None or receiver.type != "call":
            break
        call = ctx.call(receiver)
    name = call.qualname or ""
    if name in HMAC_CALLS:
        return {HMAC}
    if name.startswith(HASH_MODULES):
        return {HASH}
    function = call.method or name.rpartition(".")[2]
    if not function or name in NOT_SECRET_CALLS or len(words(function)) < 2 and function not in (
            "sign", "signature", "hmac", "digest", "hash"):
        return set()  # `_sig(st)` in filecmp is a stat signature
    kind = compared_secret_kind(function)
    return {kind} if kind is not None else set()


def _operand_name(ctx, node) -> str | None:
    """`token`, `user.token`, `headers["X-Token"]`, `headers.get("X-Token")` -> the name."""
    if node.type == "call":
        call = ctx.call(node)
        if call.method in ("get", "getlist", "get_header", "getheader") \
                or call.qualname in ("os.getenv", "os.environ.get"):
            key = ctx.literal(call.arg(0))
            return key if isinstance(key, str) else None
        return None
    return target_name(ctx, node)


def _is_constant(ctx, node) -> bool:
    """A literal, a constant, an enum member or a length: a presence or sentinel check."""
    if node.type in _CONSTANT_TYPES:
        return True
    if node.type == "call":
        func = node.child_by_field_name("function")
        return func is not None and ctx.text(func) in ("len", "int", "bool", "type", "str")
    if node.type in ("identifier", "attribute"):
        name = _operand_name(ctx, node) or ""
        if name.isupper() and compared_secret_kind(name) is None:
            return True
        return ctx.literal(node) is not UNKNOWN
    return False


def _is_query_argument(node) -> bool:
    """`User.query.filter(User.token == token)`: an ORM expression the database evaluates."""
    parent = node.parent
    while parent is not None and parent.type in _EXPRESSION_PARENTS:
        parent = parent.parent
    return parent is not None and parent.type in ("argument_list", "keyword_argument")


def _in_equality_method(ctx, node) -> bool:
    function = ctx.function_of(node)
    name = function.child_by_field_name("name") if function is not None else None
    return name is not None and ctx.text(name) in _EQUALITY_METHODS


def _short(ctx, node, limit: int = 50) -> str:
    text = " ".join(ctx.text(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
