"""JavaScript checks for AIG551: built-in accounts with literal passwords in object literals.

`const users = { admin: 'admin123' }`, `{ username: 'admin', password: 'password' }`
(also through `bcrypt.hashSync('admin', 10)`).  Login comparisons against literals
(`username === 'admin' && password === '...'`) are found by the text pass
(rules/text/tells.py).  Where AIG301 already reports the line, that finding stands.
"""

from __future__ import annotations

from ...analysis.javascript.values import unwrap
from ...analysis.secret_names import is_password_name
from ..tells import DEFAULT_ACCOUNT
from ..text.accounts import (
    DEFAULT_ACCOUNTS,
    PASSWORD_HASHERS,
    TABLE_ACCOUNTS,
    account_message,
    is_account_password,
    is_accounts_table,
    is_user_name,
)
from .checks import on

STRING_VALUES = frozenset({"string", "template_string"})
PASSWORD_VALUES = STRING_VALUES | {"call_expression", "await_expression"}


def _text(ctx, node):
    node = unwrap(node)
    if node is None or node.type not in STRING_VALUES:
        return None
    value = ctx.literal(node)
    return value if isinstance(value, str) else None


def _password(ctx, node):
    """(node, text) of a literal password, also inside `bcrypt.hash('...', 10)`."""
    node = unwrap(node)
    if node is not None and node.type == "await_expression" and node.named_child_count:
        node = unwrap(node.named_children[0])
    if node is not None and node.type == "call_expression":
        call = ctx.call(node)
        if (call.method or call.qualname or "").rpartition(".")[2] not in PASSWORD_HASHERS:
            return None
        args = node.child_by_field_name("arguments")
        node = args.named_children[0] if args is not None and args.named_child_count else None
    text = _text(ctx, node)
    return (unwrap(node), text) if text is not None and is_account_password(text) else None


def _holder_name(ctx, obj) -> str | None:
    """The name an object literal is assigned to (through an enclosing array)."""
    parent = obj.parent
    if parent is not None and parent.type == "array":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression":
        name = parent.child_by_field_name("left")
        if name is not None and name.type == "member_expression":
            name = name.child_by_field_name("property")
    elif parent.type == "pair":
        return ctx.key_text(parent.child_by_field_name("key"))
    else:
        return None
    return ctx.text(name) if name is not None else None


@on.property_where(is_password_name, PASSWORD_VALUES)
def account_record(ctx, pair, key, value) -> None:
    found = _password(ctx, value)
    if found is None or pair.parent is None:
        return
    for sibling in pair.parent.named_children:
        if sibling.type == "pair" and sibling.id != pair.id:
            name = ctx.key_text(sibling.child_by_field_name("key"))
            account = _text(ctx, sibling.child_by_field_name("value"))
            if name and is_user_name(name) and account in DEFAULT_ACCOUNTS:
                ctx.report(DEFAULT_ACCOUNT, found[0],
                           account_message(account, found[1], "is defined with"),
                           secret=found[1])
                return


@on.property_where(TABLE_ACCOUNTS.__contains__, PASSWORD_VALUES)
def accounts_table(ctx, pair, key, value) -> None:
    found = _password(ctx, value)
    holder = _holder_name(ctx, pair.parent) if pair.parent is not None else None
    if found is not None and holder and is_accounts_table(holder):
        ctx.report(DEFAULT_ACCOUNT, found[0],
                   account_message(key, found[1], f"is stored in `{holder}` with"),
                   secret=found[1])
