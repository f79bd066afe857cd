"""JavaScript/TypeScript checks for AIG114 (redos-pattern): a regex literal that
backtracks catastrophically, applied to text with `.test`/`.exec` or a string's
`.match`/`.replace`/`.search`/`.split`.  Patterns built from request data are AIG109's."""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ..injection import REDOS_PATTERN, redos_details
from ..redos_patterns import javascript_redos
from .checks import on

# `regex.method(text)`: the text is the first argument.
REGEX_METHODS = frozenset({"test", "exec"})
# `text.method(regex, ...)`: the text is the receiver.
STRING_METHODS = frozenset({"match", "matchAll", "replace", "replaceAll", "search", "split"})


@on.method(*REGEX_METHODS)
def literal_regex_applied(ctx, call) -> None:
    _check(ctx, call, call.receiver, call.arg(0))


@on.method(*STRING_METHODS)
def string_matched_with_literal(ctx, call) -> None:
    _check(ctx, call, call.arg(0), call.receiver)


def _check(ctx, call, pattern, subject) -> None:
    regex = _regex_literal(ctx, pattern)
    subject = unwrap(subject)
    if regex is None or subject is None or ctx.is_literal(subject):
        return
    body, flags = regex.child_by_field_name("pattern"), regex.child_by_field_name("flags")
    if body is None:
        return
    reason = javascript_redos(ctx.text(body), ctx.text(flags) if flags is not None else "")
    if reason is None:
        return
    taint = ctx.taint(subject)
    taint = taint if taint is not None and taint.is_remote else None
    where = f"{taint.label} (`{ctx.text(taint.node)[:60]}`)" if taint else "text"
    message, rating = redos_details(ctx.text(regex), reason, f"`.{call.method}()`", where,
                                    "the event loop", taint is not None)
    ctx.report(REDOS_PATTERN, call.node, message, **rating)


def _regex_literal(ctx, node):
    """The `/.../` literal `node` is or holds (`const RE = /.../`)."""
    value = ctx.value_of(node) if node is not None else None
    return value if value is not None and value.type == "regex" else None
