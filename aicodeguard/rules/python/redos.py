"""Python checks for AIG114 (redos-pattern): a regular-expression literal that backtracks
catastrophically, applied to text.  Patterns built from request data are AIG109's."""

from __future__ import annotations

import re

from ..injection import REDOS_PATTERN, redos_details
from ..redos_patterns import python_redos
from .checks import on
from .injection_values import web_taint

# Function -> (position of the text, position of `flags`), same for `re` and `regex`.
SUBJECTS = {"match": (1, 2), "search": (1, 2), "fullmatch": (1, 2), "findall": (1, 2),
            "finditer": (1, 2), "split": (1, 3), "sub": (2, 4), "subn": (2, 4)}
REGEX_MODULES = ("re", "regex")
FLAG_NAMES = {"I": re.I, "IGNORECASE": re.I, "M": re.M, "MULTILINE": re.M, "S": re.S,
              "DOTALL": re.S, "X": re.X, "VERBOSE": re.X, "A": re.A, "ASCII": re.A}
_FLAG_WORD = re.compile(r"\w+")
_MAX_FOLLOW = 3


@on.call(*(f"{module}.{name}" for module in REGEX_MODULES for name in SUBJECTS))
def literal_pattern_applied(ctx, call) -> None:
    function = call.qualname.rpartition(".")[2]
    text_at, flags_at = SUBJECTS[function]
    _check(ctx, call, call.arg(0, "pattern"), call.arg(flags_at, "flags"),
           call.arg(text_at, "string"), function)


@on.method(*SUBJECTS)
def compiled_pattern_applied(ctx, call) -> None:
    if call.qualname and call.qualname.partition(".")[0] in REGEX_MODULES:
        return  # `re.match(...)`: the function above
    compiled = _compiled(ctx, call.func.child_by_field_name("object"))
    if compiled is not None:
        text_at = SUBJECTS[call.method][0] - 1
        _check(ctx, call, compiled.arg(0, "pattern"), compiled.arg(1, "flags"),
               call.arg(text_at, "string"), call.method)


def _compiled(ctx, node):
    """The `re.compile(...)` call a receiver holds (`PATTERN = re.compile(...)`)."""
    for _ in range(_MAX_FOLLOW):
        if node is None:
            return None
        if node.type == "call":
            call = ctx.call(node)
            return call if call.qualname in ("re.compile", "regex.compile") else None
        if node.type != "identifier":
            return None
        values = [b.value for b in ctx.reaching(ctx.text(node), node) if b.value is not None]
        node = values[0] if len(values) == 1 else None
    return None


def _check(ctx, call, pattern, flags, subject, function: str) -> None:
    if pattern is None or subject is None or ctx.is_literal(subject):
        return
    value = ctx.literal(pattern)
    if not isinstance(value, (str, bytes)):
        return  # built at run time: AIG109 when it carries request data
    reason = python_redos(value, _flags(ctx, flags), whole=function == "fullmatch")
    if reason is None:
        return
    taint = web_taint(ctx, [subject])
    shown = value if isinstance(value, str) else value.decode("latin-1")
    where = f"{taint.label} (`{ctx.text(taint.node)[:60]}`)" if taint else "text"
    message, rating = redos_details(shown, reason, f"`{call.name}`", where, "the worker",
                                    taint is not None)
    ctx.report(REDOS_PATTERN, call.node, message, **rating)


def _flags(ctx, node) -> int:
    """`re.I | re.X` -> the flag bits (unknown names count as none)."""
    if node is None:
        return 0
    value = 0
    for word in _FLAG_WORD.findall(ctx.text(node)):
        value |= FLAG_NAMES.get(word, 0)
    return value
