"""Python checks for AIG1xx: injection."""

from __future__ import annotations

import re

from ..injection import SQL_INJECTION
from ..llm import LLM_OUTPUT_TO_SQL
from .checks import on
from .injection_values import assess, value_of
from .sinks import report_sink

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
SQL_SANITISERS = frozenset({"escape_string", "quote_ident", "psycopg2.extensions.quote_ident",
                            "literal", "escape_identifier", "escape_literal"})


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
    found = assess(ctx, query, SQL_SANITISERS)
    if found is None:
        return
    looks_like_sql = bool(_SQL_WORDS.search(found.info.literal_text))
    if found.built and (looks_like_sql or fragment):
        pass
    elif found.taint is None or (not looks_like_sql and not definite):
        return
    what = f"built with {found.how()}" if found.built else "taken from outside"
    report_sink(ctx, SQL_INJECTION, query,
                f"SQL {what} is passed to `{call.name}`; {advice}", found.taint,
                llm_rule=LLM_OUTPUT_TO_SQL)
