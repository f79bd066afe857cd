"""JavaScript checks for AIG301: credentials written into the source.

Found by name, with the language-neutral heuristics of `analysis/secret_names.py`:
a credential-named variable, property or key given a string literal that is not
a placeholder or plain text, a fallback after `process.env.X ||`, and literal
signing keys passed to `jwt.sign`, `createHmac`, `cookie-parser` and sessions.
The value never appears in a message or snippet unredacted.
"""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import is_hard_coded_secret, is_placeholder, is_secret_name
from ...analysis.source import redact
from ..secrets import HARD_CODED_SECRET
from .checks import on

# Calls whose argument at this position is a signing or encryption key.
KEY_ARGUMENTS = {
    "jsonwebtoken.sign": 1, "jsonwebtoken.verify": 1, "crypto.createHmac": 1,
    "cookie-parser": 0, "crypto.createCipheriv": 1, "crypto.createDecipheriv": 1,
    "jwt-simple.encode": 1, "jwt-simple.decode": 1,
}
_FALLBACK_OPERATORS = frozenset({"||", "??"})
# Options of web APIs whose names look like credentials but take keywords:
# fetch's `credentials: 'same-origin'`.
OPTION_KEYWORDS = {"credentials": frozenset({"same-origin", "include", "omit"})}
# Expressions that can hold a string written in the source.
STRING_VALUES = frozenset({"string", "template_string", "binary_expression"})


def _secret_literal(ctx, node):
    """(literal node, text) of a string written in the source, also after `env.X ||`."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is None or ctx.text(op) not in _FALLBACK_OPERATORS:
            return None
        node = unwrap(node.child_by_field_name("right"))
    if node is None or node.type not in ("string", "template_string"):
        return None
    value = ctx.literal(node)
    return (node, value) if isinstance(value, str) else None


def _report(ctx, node, value: str, what: str) -> None:
    ctx.report(HARD_CODED_SECRET, node,
               f"{what} is a hard-coded secret (`{redact(value)}`): anyone with the source or "
               "the bundle has it; read it from the environment or a secret manager",
               secret=value)


@on.assign_where(is_secret_name, STRING_VALUES)
def secret_assigned(ctx, node, name, value) -> None:
    found = _secret_literal(ctx, value)
    if found is not None and is_hard_coded_secret(name, found[1]):
        _report(ctx, found[0], found[1], f"`{name}`")


@on.property_where(is_secret_name, STRING_VALUES)
def secret_property(ctx, node, key, value) -> None:
    found = _secret_literal(ctx, value)
    if found is not None and found[1] not in OPTION_KEYWORDS.get(key, ()) and \
            is_hard_coded_secret(key, found[1]):
        _report(ctx, found[0], found[1], f"the `{key}` property")


@on.call(*KEY_ARGUMENTS)
def literal_key_argument(ctx, call) -> None:
    found = _secret_literal(ctx, call.arg(KEY_ARGUMENTS[call.qualname]))
    if found is None or len(found[1]) < 3 or is_placeholder(found[1]):
        return
    _report(ctx, found[0], found[1], f"the key passed to `{call.qualname}`")
