"""Python checks for AIG1xx: injection."""

from __future__ import annotations

import re

from ...model import CONSTANT
from ..injection import SQL_INJECTION
from ..llm import LLM_OUTPUT_TO_SQL
from ..sinks import report_sink
from .checks import on
from .injection_values import assess, first_taint, value_of

_SQL_WORDS = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from|"
    r"replace\s+into|create\s+(table|index|view)|drop\s+(table|index|view)|alter\s+table|"
    r"truncate\s+table|merge\s+into|where\b|order\s+by|values\s*\()",
    re.IGNORECASE,
)

# First-argument SQL sinks by method name (any receiver: cursors, connections, sessions).
SQL_METHODS = ("execute", "executemany", "executescript", "exec_driver_sql", "mogrify",
               "raw", "read_sql", "read_sql_query", "query", "execute_sql", "fetch", "fetchrow",
               "fetchval", "fetch_all", "fetch_one", "sql")
# Method names that are not always SQL: these need SQL text in the value.
_AMBIGUOUS_METHODS = frozenset({"query", "raw", "mogrify", "fetch", "fetchrow", "fetchval",
                                "fetch_all", "fetch_one", "sql"})
SQL_FUNCTIONS = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                 "pandas.read_sql", "pandas.read_sql_query",
                 "django.db.models.expressions.RawSQL", "django.db.models.RawSQL")
# psycopg's `sql.SQL()` marks its argument as trusted SQL text: it must be constant.
COMPOSED_SQL = ("psycopg2.sql.SQL", "psycopg.sql.SQL")
# Django `QuerySet.extra()` arguments that are raw SQL fragments.
EXTRA_FRAGMENTS = ("select", "where", "tables", "order_by")
# Safe shapes beside these tables: values passed as parameters (`execute(sql, params)`),
# names checked before the sink (`if column not in ALLOWED: raise`, `analysis.python.guards`)
# and statements made from the module's own constants (`analysis.python.own_data`).
# Calls (qualified or by method name) that quote a value or identifier for SQL.
SQL_SANITISERS = frozenset({
    "escape_string", "quote_ident", "psycopg2.extensions.quote_ident", "literal",
    "escape_identifier", "escape_literal",
    # identifiers quoted by the driver or the ORM
    "quote_name", "django.db.connection.ops.quote_name", "quote_identifier",
    "psycopg.sql.Identifier", "psycopg2.sql.Identifier", "psycopg.sql.Literal",
    "psycopg2.sql.Literal", "sqlalchemy.sql.quoted_name", "sqlalchemy.sql.elements.quoted_name",
    "sqlalchemy.quoted_name", "quoted_name", "format_table", "format_column",
})
# `name.replace('"', '""')`: an identifier (or string) quoted by doubling its quote character.
SQL_QUOTE_DOUBLING = frozenset({'"', "'", "`"})
# Where a call passes its query parameters (then interpolated text is not the values).
PARAMETER_ARGUMENTS = (1, ("params", "parameters", "args", "vars", "multiparams"))


@on.method(*SQL_METHODS)
@on.call(*SQL_FUNCTIONS)
def sql_built_from_strings(ctx, call) -> None:
    query = call.arg(0, "sql") or call.keywords.get("query") or call.keywords.get("statement")
    check_sql(ctx, call, query, definite=call.method not in _AMBIGUOUS_METHODS)


@on.call(*COMPOSED_SQL)
def composed_sql(ctx, call) -> None:
    check_sql(ctx, call, call.arg(0, "string"), definite=True,
              advice="keep `sql.SQL()` text constant and insert values with `sql.Literal()` "
              "or `%s` parameters, names with `sql.Identifier()`")


@on.method("extra")
def queryset_extra(ctx, call) -> None:
    for position, name in enumerate(EXTRA_FRAGMENTS):
        value = value_of(ctx, call.arg(position if position < 2 else None, name))
        if value is None:
            continue
        if value.type == "dictionary":
            fragments = [pair.child_by_field_name("value") for pair in value.named_children
                         if pair.type == "pair"]
        elif value.type in ("list", "tuple"):
            fragments = value.named_children
        else:
            continue
        for fragment in fragments:
            check_sql(ctx, call, fragment, definite=True, fragment=True,
                      advice="pass values through `params=[...]` with `%s` placeholders")


def check_sql(ctx, call, query, *, definite: bool, fragment: bool = False,
              advice: str = "pass values as query parameters instead") -> None:
    found = assess(ctx, query, SQL_SANITISERS,
                   barrier=lambda node: node.type == "call" and _doubles_quotes(ctx, node))
    if found is None:
        return
    parts = [part for part in found.parts if not _doubles_quotes(ctx, part)]
    if not parts:
        return
    if len(parts) < len(found.parts):
        found.parts, found.taint = parts, first_taint(ctx, parts)
    looks_like_sql = bool(_SQL_WORDS.search(found.info.literal_text))
    if found.built and (looks_like_sql or fragment):
        pass
    elif found.taint is None or (not looks_like_sql and not definite):
        return
    what = f"built with {found.how()}" if found.built else "taken from outside"
    evidence = None
    if found.built and _passes_parameters(call) and found.taint is None \
            and all(_own_attribute(ctx, part) for part in parts):
        evidence = CONSTANT  # `"insert into {} ...".format(self.table)`: a name, not a value
    if found.built and _passes_parameters(call):
        shown = ", ".join(f"`{_short(ctx.text(part))}`" for part in found.parts[:3])
        advice = (f"the values already go as parameters, but {shown} is written into the "
                  "SQL text: pass it as a parameter too, or, for a table or column name, "
                  "quote it with the driver (`connection.ops.quote_name`, "
                  "`psycopg.sql.Identifier`) or check it against a fixed set of names")
    report_sink(ctx, SQL_INJECTION, query,
                f"SQL {what} is passed to `{call.name}`; {advice}", found.taint,
                llm_rule=LLM_OUTPUT_TO_SQL, evidence=evidence)


def _own_attribute(ctx, node) -> bool:
    """`self.table_name` / `cls.table` (also through a name or a `t=` keyword): the
    object's own setting, the table or column name of a statement whose values already
    go as parameters."""
    node = value_of(ctx, node)
    if node is not None and node.type == "keyword_argument":
        node = value_of(ctx, node.child_by_field_name("value"))
    if node is None or node.type != "attribute":
        return False
    obj = node.child_by_field_name("object")
    return obj is not None and obj.type == "identifier" and ctx.text(obj) in ("self", "cls") \
        and not ctx.reaching(ctx.text(obj), obj)


def _passes_parameters(call) -> bool:
    position, keywords = PARAMETER_ARGUMENTS
    return call.arg(position) is not None or any(name in call.keywords for name in keywords)


def _doubles_quotes(ctx, node) -> bool:
    """Quoted for the SQL text by doubling its quote character (also through a name):
    `name.replace('"', '""')`, a module function that does only that (`qesc(name)`), or a
    `",".join(...)` of pieces each quoted so (`'"{}"'.format(c.replace('"', '""'))`)."""
    value = value_of(ctx, node)
    if value is None or value.type != "call":
        return False
    call = ctx.call(value)
    if call.method == "join":
        return _quoted_pieces(ctx, call)
    if call.method != "replace":
        return _quoting_helper(ctx, call)
    if len(call.positional) < 2:
        return False
    old, new = ctx.literal(call.positional[0]), ctx.literal(call.positional[1])
    return isinstance(old, str) and old in SQL_QUOTE_DOUBLING and new == old * 2


def _quoted_pieces(ctx, call) -> bool:
    """`sep.join(<piece> for c in names)` whose piece is quoted: every variable part of
    the piece doubles its quotes."""
    items = call.positional[0] if len(call.positional) == 1 else None
    if items is None or items.type not in ("generator_expression", "list_comprehension"):
        return False
    body = items.child_by_field_name("body")
    if body is None:
        return False
    parts = ctx.string_info(body).dynamic_parts
    return bool(parts) and all(_doubles_quotes(ctx, part) for part in parts)


def _quoting_helper(ctx, call) -> bool:
    """`qesc(s)` where the module defines `def qesc(s, q='"'): return s.replace(q, q + q)`."""
    if call.func is None or call.func.type != "identifier" or not call.positional:
        return False
    function = _module_function(ctx, ctx.text(call.func))
    body = function.child_by_field_name("body") if function is not None else None
    if body is None or body.named_child_count != 1 or body.named_children[0].type != \
            "return_statement" or not body.named_children[0].named_child_count:
        return False
    returned = body.named_children[0].named_children[0]
    if returned.type != "call":
        return False
    inner = ctx.call(returned)
    params = list(ctx.parameters(function))
    receiver = inner.func.child_by_field_name("object") if inner.method == "replace" else None
    if receiver is None or not params or ctx.text(receiver) != params[0] \
            or len(inner.positional) != 2:
        return False
    old = _with_defaults(ctx, function, inner.positional[0])
    new = _with_defaults(ctx, function, inner.positional[1])
    return isinstance(old, str) and old in SQL_QUOTE_DOUBLING and new == old * 2


def _with_defaults(ctx, function, node):
    """The literal value of `node`, reading the function's parameter defaults
    (`q + q` with `q='"'` -> `'""'`); None when not constant."""
    if node.type == "identifier":
        param = ctx.parameters(function).get(ctx.text(node))
        default = param.child_by_field_name("value") if param is not None else None
        return ctx.literal(default) if default is not None else None
    if node.type == "binary_operator" and ctx.text(node.child_by_field_name("operator")) == "+":
        left = _with_defaults(ctx, function, node.child_by_field_name("left"))
        right = _with_defaults(ctx, function, node.child_by_field_name("right"))
        return left + right if isinstance(left, str) and isinstance(right, str) else None
    value = ctx.literal(node)
    return value if isinstance(value, str) else None


def _module_function(ctx, name: str):
    for node in ctx.tree.root_node.named_children:
        if node.type == "function_definition" and ctx.text(node.child_by_field_name("name")) \
                == name:
            return node
    return None


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
