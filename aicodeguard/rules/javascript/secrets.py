"""JavaScript checks for AIG301: credentials written into the source.

Found by name, with the language-neutral heuristics of `analysis/secret_names.py`:
a credential-named variable, property or key given a string literal that is not
a placeholder or plain text, a fallback after `process.env.X ||`, and literal
signing keys passed to `jwt.sign`, `createHmac`, `cookie-parser` and sessions.
The value never appears in a message or snippet unredacted.
"""

from __future__ import annotations

import re

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import (
    is_hard_coded_secret,
    is_placeholder,
    looks_like_real_secret,
    may_hold_secret,
)
from ...analysis.source import redact
from ...model import Confidence, Severity
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
# An object whose string values are mostly identifiers is a table of names (lodash's
# `{ 'allPass': 'overEvery' }` alias map, a field mapping), not of credentials: a value
# shaped like an identifier is then not reported.  How many such values make a table:
NAME_TABLE_MIN = 3
_IDENTIFIER_VALUE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
# Expressions that can hold a string written in the source.
STRING_VALUES = frozenset({"string", "template_string", "binary_expression"})


def _secret_literal(ctx, node):
    """(literal node, text, fallback) of a string written in the source, also the one
    used when the environment variable is empty (`process.env.X || '...'`)."""
    node = unwrap(node)
    fallback = False
    if node is not None and node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is None or ctx.text(op) not in _FALLBACK_OPERATORS:
            return None
        node, fallback = unwrap(node.child_by_field_name("right")), True
    if node is None or node.type not in ("string", "template_string"):
        return None
    value = ctx.literal(node)
    return (node, value, fallback) if isinstance(value, str) else None


def _report(ctx, found, what: str) -> None:
    node, value, fallback = found
    how = " (as the fallback for an empty environment variable)" if fallback else ""
    ctx.report(HARD_CODED_SECRET, node,
               f"{what} is a hard-coded secret{how} (`{redact(value)}`): anyone with the "
               "source, the bundle or the git history has it; read it from the environment "
               "or a secret manager",
               severity=Severity.MEDIUM if fallback else None,
               confidence=Confidence.HIGH if looks_like_real_secret(value) else None,
               secret=value)


@on.assign_where(may_hold_secret, STRING_VALUES)
def secret_assigned(ctx, node, name, value) -> None:
    found = _secret_literal(ctx, value)
    if found is not None and is_hard_coded_secret(name, found[1]):
        _report(ctx, found, f"`{name}`")


@on.property_where(may_hold_secret, STRING_VALUES)
def secret_property(ctx, node, key, value) -> None:
    found = _secret_literal(ctx, value)
    if found is None or found[1] in OPTION_KEYWORDS.get(key, ()):
        return
    holder = node.parent.parent if node.parent is not None else None
    passed = holder is not None and holder.type == "arguments"  # `connect({ password })`
    if _IDENTIFIER_VALUE.match(found[1]) and _table_of_names(ctx, node.parent):
        return
    if is_hard_coded_secret(key, found[1], passed=passed):
        _report(ctx, found, f"the `{key}` property")


def _table_of_names(ctx, obj) -> bool:
    """Most string values of the object literal `obj` are identifiers (memoised per object)."""
    if obj is None or obj.type != "object":
        return False
    key = ("table_of_names", obj.id)
    if key not in ctx.memo:
        values = [pair.child_by_field_name("value") for pair in obj.named_children
                  if pair.type == "pair"]
        texts = [ctx.text(v)[1:-1] for v in values if v is not None and v.type == "string"]
        names = sum(1 for text in texts if _IDENTIFIER_VALUE.match(text))
        ctx.memo[key] = names >= NAME_TABLE_MIN and names * 4 >= len(values) * 3
    return ctx.memo[key]


@on.call(*KEY_ARGUMENTS)
def literal_key_argument(ctx, call) -> None:
    found = _secret_literal(ctx, call.arg(KEY_ARGUMENTS[call.qualname]))
    if found is None or len(found[1]) < 3 or is_placeholder(found[1]):
        return
    _report(ctx, found, f"the key passed to `{call.qualname}`")
