"""Python checks for AIG1xx: injection."""

from __future__ import annotations

import re

from ..injection import SQL_INJECTION
from ..llm import LLM_OUTPUT_TO_SQL
from .checks import on
from .sinks import dynamic_string, report_sink

_SQL_WORDS = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from|"
    r"replace\s+into|create\s+(table|index|view)|drop\s+(table|index|view)|alter\s+table|"
    r"truncate\s+table|merge\s+into|where\b|order\s+by|values\s*\()",
    re.IGNORECASE,
)

# First-argument SQL sinks by method name (any receiver: cursors, connections, sessions).
SQL_METHODS = ("execute", "executemany", "executescript", "exec_driver_sql", "mogrify",
               "raw", "read_sql", "read_sql_query", "query")
# Method names that are not always SQL: these need SQL text in the value.
_AMBIGUOUS_METHODS = frozenset({"query", "raw", "mogrify"})
SQL_FUNCTIONS = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                 "pandas.read_sql", "pandas.read_sql_query",
                 "django.db.models.expressions.RawSQL", "django.db.models.RawSQL")


@on.method(*SQL_METHODS)
@on.call(*SQL_FUNCTIONS)
def sql_built_from_strings(ctx, call) -> None:
    query = call.arg(0, "sql") or call.keywords.get("query") or call.keywords.get("statement")
    if query is None or ctx.is_literal(query):
        return
    info, taint = dynamic_string(ctx, query)
    if not info.dynamic:
        return
    looks_like_sql = bool(_SQL_WORDS.search(info.literal_text))
    if looks_like_sql and info.built:
        pass
    elif taint is None or (not looks_like_sql and call.method in _AMBIGUOUS_METHODS):
        return
    how = info.describe() if info.built else "a value"
    report_sink(ctx, SQL_INJECTION, query,
                f"SQL built with {how} is passed to `{call.name}`; "
                "pass values as query parameters instead", taint, llm_rule=LLM_OUTPUT_TO_SQL)
