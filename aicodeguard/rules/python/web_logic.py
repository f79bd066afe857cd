"""Python checks for AIG5xx control flow around security checks: `assert` as access control
(AIG513) and verification errors swallowed by `except: pass` (AIG514)."""

from __future__ import annotations

import re

from ...model import Edit, Fix, Severity
from ..web import SECURITY_ASSERT, SWALLOWED_SECURITY_CHECK
from .checks import on

# -- AIG513 assert as a security check ---------------------------------------------------
# Parts of identifiers (split at `_` and case changes) that make a condition access control.
SECURITY_WORDS = frozenset({
    "admin", "superuser", "staff", "authenticated", "authorized", "authorised", "authorization",
    "authorisation", "authenticate", "permission", "permissions", "perm", "perms", "role",
    "roles", "owner", "owns", "csrf", "xsrf", "signature", "password", "passwd", "jwt", "hmac",
    "logged", "login", "verified", "allowed", "privilege", "privileges", "acl",
})
# "token" alone is a lexer word; these make it a credential.
TOKEN_QUALIFIERS = frozenset({"access", "auth", "api", "session", "refresh", "bearer", "reset",
                              "secret", "id"})
SHAPE_CHECKS = frozenset({"isinstance", "issubclass", "hasattr", "callable"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
TEST_FILE = re.compile(r"(^|[/\\])(tests?[/\\]|test_[^/\\]*$|[^/\\]*_test\.py$|conftest\.py$)")


@on.node("assert_statement")
def assert_used_for_security_check(ctx, node) -> None:
    if not node.named_child_count or TEST_FILE.search(ctx.source.path):
        return
    condition = node.named_children[0]
    if _shape_check(ctx, condition) or not _mentions_access_control(ctx, condition):
        return
    ctx.report(SECURITY_ASSERT, node,
               f"`assert {ctx.text(condition)}` enforces access control, but `python -O` and "
               "PYTHONOPTIMIZE remove every assert, and the check with it; raise an exception "
               "(PermissionError, PermissionDenied, abort(403)) instead",
               fix=_raise_instead(ctx, node, condition))


def _mentions_access_control(ctx, condition) -> bool:
    stack = [condition]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "string_content"):
            words = {word.lower() for word in _WORD_SPLIT.split(ctx.text(current)) if word}
            if words & SECURITY_WORDS or ("token" in words and words & TOKEN_QUALIFIERS) \
                    or {"api", "key"} <= words:
                return True
        else:
            stack.extend(current.named_children)
    return False


def _shape_check(ctx, condition) -> bool:
    """`isinstance(role, str)`, `token is not None`: types and presence, not permissions."""
    if condition.type == "call":
        func = condition.child_by_field_name("function")
        return func is not None and ctx.text(func) in SHAPE_CHECKS
    if condition.type == "comparison_operator":
        text = ctx.text(condition)
        return text.endswith((" is None", " is not None"))
    return False


def _raise_instead(ctx, node, condition):
    """`assert cond, msg` -> `if not (cond):\\n    raise PermissionError(msg)` (own line only)."""
    loc = ctx.location(node)
    line = ctx.source.line_text(loc.line - 1)
    indent = line[:loc.column - 1]
    if indent.strip() or line[loc.end_column - 1:].strip() or loc.line != loc.end_line:
        return None
    message = ctx.text(node.named_children[1]) if node.named_child_count > 1 else ""
    step = "\t" if "\t" in indent else "    "
    text = f"if not ({ctx.text(condition)}):\n{indent}{step}raise PermissionError({message})"
    return Fix("Raise PermissionError instead of assert",
               (Edit(loc.line, loc.column, loc.end_line, loc.end_column, text),), safe=False)


# -- AIG514 security check failures swallowed -------------------------------------------------
# Calls that signal failure by raising (or whose result decides access).
CHECK_CALLS = frozenset({
    "verify", "verify_signature", "verify_token", "verify_password", "verify_jwt",
    "verify_jwt_in_request", "verify_id_token", "verify_oauth2_token", "validate",
    "validate_token", "validate_csrf", "authenticate", "authorize", "check_password",
    "check_password_hash", "checkpw", "compare_digest", "check_permission",
    "check_permissions", "has_permission", "has_perm", "require_permission", "unsign",
    "check_object_permissions", "decode_token",
})
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "print",
                         "log", "critical"})
_NESTED_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})


@on.node("try_statement")
def security_check_exception_swallowed(ctx, node) -> None:
    body = node.child_by_field_name("body")
    check = _security_check_in(ctx, body) if body is not None else None
    if check is None:
        return
    for clause in node.named_children:
        if clause.type != "except_clause":
            continue
        outcome = _swallows(ctx, clause)
        if outcome == "allow" or (outcome == "ignore" and _broad(ctx, clause)
                                  and not _result_kept(check)):
            _report_swallow(ctx, clause, check, outcome)


def _security_check_in(ctx, body):
    stack = [body]
    while stack:
        current = stack.pop()
        if current.type in _NESTED_SCOPES:
            continue
        if current.type == "call":
            call = ctx.call(current)
            name = (call.qualname or call.method or "").rpartition(".")[2]
            if name in CHECK_CALLS or _jwt_decode(ctx, call):
                return current
        stack.extend(current.named_children)
    return None


def _jwt_decode(ctx, call) -> bool:
    if call.method not in ("decode", "loads"):
        return False
    name = (call.qualname or ctx.text(call.func)).lower()
    return "jwt" in name or "jose" in name or (call.method == "loads" and (
        "serializer" in name or "signer" in name))


def _swallows(ctx, clause) -> str | None:
    """"allow" when the handler returns True, "ignore" when it only passes or logs."""
    block = clause.named_children[-1] if clause.named_child_count else None
    if block is None or block.type != "block":
        return None
    outcome = "ignore"
    for statement in block.named_children:
        kind = statement.type
        if kind in ("pass_statement", "continue_statement", "comment"):
            continue
        if kind == "return_statement":
            value = statement.named_children[0] if statement.named_child_count else None
            if value is None or value.type != "true":
                return None
            outcome = "allow"
        elif kind == "expression_statement" and _harmless_expression(ctx, statement):
            continue
        else:
            return None
    return outcome


def _harmless_expression(ctx, statement) -> bool:
    expr = statement.named_children[0] if statement.named_child_count else None
    if expr is None or expr.type in ("ellipsis", "string"):
        return True
    if expr.type != "call":
        return False
    call = ctx.call(expr)
    return (call.method or call.qualname or "") in LOG_METHODS


def _broad(ctx, clause) -> bool:
    value = clause.child_by_field_name("value")
    if value is None:
        return True
    if value.type == "as_pattern":
        value = value.named_children[0]
    names = value.named_children if value.type == "tuple" else [value]
    return any(ctx.text(name).rpartition(".")[2] in BROAD_EXCEPTIONS for name in names)


def _result_kept(check) -> bool:
    """`user = authenticate(...)`: swallowing leaves the name unset, it does not grant access."""
    parent = check.parent
    while parent is not None and parent.type in ("await", "parenthesized_expression"):
        parent = parent.parent
    return parent is not None and parent.type in ("assignment", "return_statement",
                                                   "augmented_assignment")


def _report_swallow(ctx, clause, check, outcome: str) -> None:
    head = clause.child_by_field_name("value") or clause.children[0]
    call = ctx.call(check)
    if outcome == "allow":
        why = "returns True when it fails, so a forged or broken credential passes"
    else:
        why = "ignores the failure and carries on as if it had passed"
    ctx.report(SWALLOWED_SECURITY_CHECK, head,
               f"this handler around `{call.name}` (line {check.start_point[0] + 1}) {why}; let "
               "the error propagate or deny access (return False, raise, abort(401)) here",
               severity=Severity.HIGH if outcome == "allow" else None)
