"""Python checks for AIG5xx control flow and errors: `assert` as access control (AIG513),
verification errors swallowed by `except: pass` (AIG514) and exception details sent to the
client (AIG519)."""

from __future__ import annotations

import re

from ...model import Confidence, Edit, Fix, Severity
from ..web import EXCEPTION_IN_RESPONSE, SECURITY_ASSERT, SWALLOWED_SECURITY_CHECK
from .checks import on
from .web import earlier_bindings, route_decorator

# -- AIG513 assert as a security check ---------------------------------------------------
# Parts of identifiers (split at `_` and case changes) that make a condition access control.
SECURITY_WORDS = frozenset({
    "admin", "superuser", "staff", "authenticated", "authorized", "authorised", "authorization",
    "authorisation", "authenticate", "permission", "permissions", "perm", "perms", "role",
    "roles", "csrf", "xsrf", "signature", "password", "passwd", "jwt", "hmac",
    "logged", "login", "verified", "privilege", "privileges", "acl",
})
# Ownership words count when the condition also names a user: `doc.owner_id == user.id`.
OWNER_WORDS = frozenset({"owner", "owners", "owns", "owned"})
# "token" alone is a lexer word; these make it a credential.
TOKEN_QUALIFIERS = frozenset({"access", "auth", "api", "session", "refresh", "bearer", "reset",
                              "secret", "id"})
SHAPE_CHECKS = frozenset({"isinstance", "issubclass", "hasattr", "callable"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
TEST_FILE = re.compile(r"(^|[/\\])(tests?[/\\]|test_[^/\\]*$|[^/\\]*_test\.py$|conftest\.py$)")


@on.node("assert_statement")
def assert_used_for_security_check(ctx, node) -> None:
    if not node.named_child_count or TEST_FILE.search(ctx.source.project_path):
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
    stack, seen = [condition], set()
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "string_content"):
            words = {word.lower() for word in _WORD_SPLIT.split(ctx.text(current)) if word}
            if words & SECURITY_WORDS or ("token" in words and words & TOKEN_QUALIFIERS) \
                    or {"api", "key"} <= words:
                return True
            seen |= words
        else:
            stack.extend(current.named_children)
    return bool(seen & OWNER_WORDS) and "user" in seen


def _shape_check(ctx, condition) -> bool:
    """`isinstance(role, str)`, `token is not None`, `len(token) == 32` and and/or/not
    combinations of them: types, presence and sizes, not permissions."""
    stack = [condition]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in ("boolean_operator", "not_operator", "parenthesized_expression"):
            stack.extend(child for child in current.named_children if child.type != "comment")
        elif kind == "call":
            func = current.child_by_field_name("function")
            if func is None or ctx.text(func) not in SHAPE_CHECKS:
                return False
        elif kind != "comparison_operator" or not (
                ctx.text(current).endswith((" is None", " is not None"))
                or ctx.text(current).startswith("len(")):
            return False
    return True


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
# A cheap look at the `try` body's text before walking it.
CHECK_CALL_TEXT = re.compile(rb"\b(?:" + "|".join(sorted(CHECK_CALLS)).encode()
                             + rb"|decode|loads)\s*\(")
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "print",
                         "log", "critical"})
_NESTED_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})


@on.node("try_statement")
def security_check_exception_swallowed(ctx, node) -> None:
    handlers = [(clause, outcome) for clause in node.named_children
                if clause.type == "except_clause" and (outcome := _swallows(ctx, clause))]
    body = node.child_by_field_name("body") if handlers else None
    if body is None or not CHECK_CALL_TEXT.search(ctx.source.data, body.start_byte, body.end_byte):
        return
    check = _security_check_in(ctx, body)
    if check is None:
        return
    for clause, outcome in handlers:
        if outcome == "allow" or (_broad(ctx, clause) and not _result_kept(check)):
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


# -- AIG519 exception details in a response ---------------------------------------------------
TRACEBACK_CALLS = frozenset({"traceback.format_exc", "traceback.format_exception",
                             "traceback.format_tb", "traceback.format_stack",
                             "traceback.extract_tb", "sys.exc_info"})
# Calls whose arguments end up in the response body.
BODY_CALLS = frozenset({
    "flask.jsonify", "flask.make_response", "flask.Response", "django.http.HttpResponse",
    "django.http.JsonResponse", "django.http.HttpResponseServerError",
    "django.http.HttpResponseBadRequest", "starlette.responses.JSONResponse",
    "fastapi.responses.JSONResponse", "starlette.responses.PlainTextResponse",
    "fastapi.responses.PlainTextResponse", "starlette.responses.HTMLResponse",
    "fastapi.responses.HTMLResponse", "starlette.responses.Response", "fastapi.Response",
    "rest_framework.response.Response", "aiohttp.web.Response", "aiohttp.web.json_response",
    "str", "repr", "dict", "format", "json.dumps",
})
# Raised rather than returned: the message becomes the error response.
ERROR_RESPONSES = ("fastapi.HTTPException", "starlette.exceptions.HTTPException", "flask.abort",
                   "werkzeug.exceptions.abort")
# Attributes of an exception that carry its message.
MESSAGE_ATTRIBUTES = frozenset({"args", "message", "msg", "detail", "orig", "strerror",
                                "__traceback__"})
_CONTAINERS = frozenset({"binary_operator", "parenthesized_expression", "dictionary", "list",
                         "tuple", "expression_list", "keyword_argument", "interpolation",
                         "concatenated_string", "set"})


@on.node("return_statement")
def exception_details_returned(ctx, node) -> None:
    function = ctx.function_of(node)
    if node.named_child_count and function is not None and _handles_requests(ctx, function):
        _exception_details(ctx, node.named_children[0], "returned by this request handler")


@on.call(*ERROR_RESPONSES)
def exception_details_raised(ctx, call) -> None:
    for value in (*call.positional, *call.keywords.values()):
        _exception_details(ctx, value, f"sent to the client by `{call.name}`")


def _handles_requests(ctx, function) -> bool:
    """A route handler, or a Django-style view whose first argument is the request."""
    key = ("handles_requests", function.id)
    if key not in ctx.memo:
        ctx.memo[key] = _is_request_handler(ctx, function)
    return ctx.memo[key]


def _is_request_handler(ctx, function) -> bool:
    params = function.child_by_field_name("parameters")
    names = [ctx.text(child) for child in params.named_children[:2]
             if child.type == "identifier"] if params is not None else []
    if names[:1] in (["request"], ["req"]) or names[:2] in (["self", "request"], ["self", "req"]):
        return True
    return route_decorator(ctx, function) is not None


def _exception_details(ctx, value, where: str) -> None:
    found = exception_detail(ctx, value)
    if found is None:
        return
    node, traceback = found
    if traceback:
        ctx.report(EXCEPTION_IN_RESPONSE, node,
                   f"a stack trace (`{ctx.text(node)}`) is {where}: it shows file paths, code "
                   "and sometimes data to whoever triggers the error; log it and return a "
                   "generic message with an error id")
    else:
        ctx.report(EXCEPTION_IN_RESPONSE, node,
                   f"the exception message (`{ctx.text(node)}`) is {where}: database, file "
                   "and library errors reveal queries, paths and settings; log it and return a "
                   "generic message", severity=Severity.LOW, confidence=Confidence.MEDIUM)


def exception_detail(ctx, value):
    """(node, is_traceback) for the first stack trace or caught exception `value` shows."""
    stack = [(value, 0)]
    while stack:
        current, hops = stack.pop()
        if current is None:
            continue
        kind = current.type
        if kind == "call":
            call = ctx.call(current)
            if call.qualname in TRACEBACK_CALLS:
                return current, True
            if call.qualname in BODY_CALLS or call.method in ("format", "join"):
                stack.extend((arg, hops) for arg in (*call.positional, *call.keywords.values()))
                if call.method in ("format", "join"):
                    stack.append((call.func.child_by_field_name("object"), hops))
        elif kind == "identifier":
            bindings = earlier_bindings(ctx, current)
            if any(_caught(binding) for binding in bindings):
                return current, False
            if hops < 2:
                stack.extend((b.value, hops + 1) for b in bindings if b.kind == "assign")
        elif kind == "attribute":
            if ctx.text(current.child_by_field_name("attribute")) in MESSAGE_ATTRIBUTES:
                stack.append((current.child_by_field_name("object"), hops))
        elif kind == "string":
            stack.extend((child, hops) for child in current.named_children
                         if child.type == "interpolation")
        elif kind == "pair":
            stack.append((current.child_by_field_name("value"), hops))
        elif kind == "conditional_expression" and current.named_child_count == 3:
            # `traceback.format_exc() if settings.DEBUG else "error"` is a debug switch
            shown, condition, other = current.named_children
            if "debug" not in ctx.text(condition).lower():
                stack.extend(((shown, hops), (other, hops)))
        elif kind in _CONTAINERS:
            stack.extend((child, hops) for child in current.named_children)
    return None


def _caught(binding) -> bool:
    """`except ... as e` binds `e`."""
    node = binding.node
    return node.type == "as_pattern" and node.parent is not None \
        and node.parent.type == "except_clause"
