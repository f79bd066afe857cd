"""Python checks for AIG551: built-in accounts with literal passwords.

`if username == "admin" and password == "password"`, `USERS = {"admin": "admin123"}`,
`{"username": "admin", "password": "admin"}`, `create_superuser("admin", "a@b.c",
"admin")`, `User(username="admin", password_hash=generate_password_hash("admin"))`.
Where AIG301 already reports the same line, that finding stands (rules/text/tells.py).
"""

from __future__ import annotations

from ...analysis.secret_names import is_password_name
from ..tells import DEFAULT_ACCOUNT
from ..text.accounts import (
    ACCOUNT_CREATORS,
    DEFAULT_ACCOUNTS,
    PASSWORD_HASHERS,
    TABLE_ACCOUNTS,
    account_message,
    is_account_password,
    is_accounts_table,
    is_user_name,
)
from .checks import on

_STRINGS = frozenset({"string", "concatenated_string"})
_CHAIN = frozenset({"boolean_operator", "parenthesized_expression"})


def _text(ctx, node):
    if node is None or node.type not in _STRINGS:
        return None
    value = ctx.literal(node)
    return value if isinstance(value, str) else None


def _password(ctx, node):
    """(node, text) of a literal password, also inside a hashing call."""
    if node is not None and node.type == "call":
        call = ctx.call(node)
        if call.name.rpartition(".")[2] not in PASSWORD_HASHERS:
            return None
        node = call.arg(0, "password")
    text = _text(ctx, node)
    return (node, text) if text is not None and is_account_password(text) else None


def _report(ctx, account: str, found, how: str) -> None:
    node, text = found
    ctx.report(DEFAULT_ACCOUNT, node, account_message(account, text, how), secret=text)


def _operand_name(ctx, node) -> str | None:
    kind = node.type
    if kind == "identifier":
        return ctx.text(node)
    if kind == "attribute":
        return ctx.text(node.child_by_field_name("attribute"))
    if kind == "subscript":
        key = ctx.literal(node.child_by_field_name("subscript"))
        return key if isinstance(key, str) else None
    if kind == "call":
        call = ctx.call(node)
        key = ctx.literal(call.arg(0)) if call.method == "get" else None
        return key if isinstance(key, str) else None
    return None


def _compared(ctx, comparison):
    """(operand name, literal node, literal text) of `name == "literal"`, else None."""
    children = comparison.children
    if len(children) != 3 or children[1].type != "==":
        return None
    for named, other in ((children[0], children[2]), (children[2], children[0])):
        text = _text(ctx, other)
        name = _operand_name(ctx, named) if text is not None else None
        if name and text is not None:
            return name, other, text
    return None


@on.comparison("==")
def login_against_literal(ctx, node) -> None:
    compared = _compared(ctx, node)
    if compared is None or not is_user_name(compared[0]) or compared[2] not in DEFAULT_ACCOUNTS:
        return
    top = node
    while top.parent is not None and top.parent.type in _CHAIN:
        top = top.parent
    stack = [top]
    while stack:
        current = stack.pop()
        if current.type in _CHAIN:
            stack.extend(current.named_children)
        elif current.type == "comparison_operator" and current.id != node.id:
            other = _compared(ctx, current)
            if other is not None and is_password_name(other[0]) and is_account_password(other[2]):
                _report(ctx, compared[2], (other[1], other[2]), "is accepted with")


@on.assign_where(is_accounts_table)
def accounts_table(ctx, node, name, value) -> None:
    if value.type != "dictionary":
        return
    for pair in value.named_children:
        if pair.type != "pair":
            continue
        account = _text(ctx, pair.child_by_field_name("key"))
        if account in TABLE_ACCOUNTS:
            found = _password(ctx, pair.child_by_field_name("value"))
            if found is not None:
                _report(ctx, account, found, f"is stored in `{name}` with")


@on.node("pair")
def account_record(ctx, node) -> None:
    key = ctx.literal(node.child_by_field_name("key"))
    if not isinstance(key, str) or not is_password_name(key) or node.parent is None:
        return
    found = _password(ctx, node.child_by_field_name("value"))
    if found is None:
        return
    for sibling in node.parent.named_children:
        if sibling.type == "pair" and sibling.id != node.id:
            name = ctx.literal(sibling.child_by_field_name("key"))
            account = _text(ctx, sibling.child_by_field_name("value"))
            if isinstance(name, str) and is_user_name(name) and account in DEFAULT_ACCOUNTS:
                _report(ctx, account, found, "is defined with")
                return


@on.method(*ACCOUNT_CREATORS)
def account_created(ctx, call) -> None:
    user_at, password_at = ACCOUNT_CREATORS[call.method]
    account = _text(ctx, call.arg(user_at, "username"))
    found = _password(ctx, call.arg(password_at, "password"))
    if account is not None and found is not None and (
            account in DEFAULT_ACCOUNTS or "super" in call.method or "admin" in call.method):
        _report(ctx, account, found, f"is created by `{call.method}` with")


@on.keyword("username")
def account_constructed(ctx, call, value) -> None:
    account = _text(ctx, value)
    if account not in DEFAULT_ACCOUNTS or call.method in ACCOUNT_CREATORS:
        return
    for keyword, node in call.keywords.items():
        if is_password_name(keyword) or keyword in ("password_hash", "hashed_password"):
            found = _password(ctx, node)
            if found is not None:
                _report(ctx, account, found,
                        f"is built by `{call.name.rpartition('.')[2]}` with")
                return
