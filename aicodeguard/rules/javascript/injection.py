"""JavaScript checks for AIG1xx: SQL, code, module names, regular expressions, templates.

Shell commands live in `injection_shell.py`, NoSQL and prototype pollution in
`injection_objects.py`.
"""

from __future__ import annotations

import re

from ...analysis.javascript.reads import FILE, PROJECT_FILE, SOCKET, STDIN, URL, read_from
from ...model import Confidence, Severity
from ..injection import (
    CODE_INJECTION,
    IMPORT_INJECTION,
    REGEX_INJECTION,
    SQL_INJECTION,
    TEMPLATE_INJECTION,
    code_read_details,
)
from ..llm import LLM_OUTPUT_TO_CODE, LLM_OUTPUT_TO_SQL
from .checks import on
from .sinks import assess, remote_taint, report_sink

_SQL_WORDS = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from|"
    r"replace\s+into|create\s+(table|index|view)|drop\s+(table|index|view)|alter\s+table|"
    r"truncate\s+table|merge\s+into|where\b|order\s+by|values\s*\()",
    re.IGNORECASE,
)
# Methods that always take SQL text (Prisma, knex, Sequelize, postgres.js).
SQL_ONLY_METHODS = frozenset({
    "$queryRawUnsafe", "$executeRawUnsafe", "whereRaw", "orWhereRaw", "andWhereRaw",
    "havingRaw", "orHavingRaw", "orderByRaw", "joinRaw", "fromRaw", "groupByRaw", "unsafe",
})
# Methods that take SQL text on database handles (mysql, pg, sqlite3, better-sqlite3,
# pg-promise, knex.raw, Sequelize query/literal) but mean other things elsewhere.
SQL_MAYBE_METHODS = frozenset({
    "query", "execute", "raw", "run", "all", "get", "exec", "prepare", "each", "any", "one",
    "oneOrNone", "many", "manyOrNone", "none", "result", "literal", "queryRaw",
})
# Receivers that are database handles: the last name segment is one of these, or ends in
# `db`/`pool` (`userDb`, `this.pgPool`).  Deliberately not `client` or `conn…` prefixes:
# `httpClient.get(url)` and `connections.get(id)` (a Map) are not SQL.
_DB_NAMES = frozenset({"db", "database", "pool", "conn", "connection", "sequelize", "knex",
                       "mysql", "pg", "pgp", "sql", "sqlite", "postgres", "prisma", "trx",
                       "transaction"})
_DB_SUFFIXES = ("db", "pool", "database")

# Where code text was read from (`analysis/javascript/reads.py`): how a message says it,
# and whether an outside party is at the other end.
CODE_READS = {SOCKET: ("data received from a socket", True),
              URL: ("a document downloaded from a URL", True),
              FILE: ("text read from a file", False),
              STDIN: ("data read from standard input", False)}
CODE_CALLS = {"eval": 0, "Function": -1, "setTimeout": 0, "setInterval": 0,
              "setImmediate": 0, "execScript": 0, "vm.runInNewContext": 0,
              "vm.runInThisContext": 0, "vm.runInContext": 0, "vm.compileFunction": 0,
              "vm.Script": 0, "vm.SourceTextModule": 0}
# Timer functions run a string argument as code but a function argument normally.
_TIMERS = frozenset({"setTimeout", "setInterval", "setImmediate"})

TEMPLATE_CALLS = {
    "ejs.render": 0, "ejs.compile": 0, "pug.render": 0, "pug.compile": 0,
    "jade.render": 0, "jade.compile": 0, "handlebars.compile": 0, "handlebars.precompile": 0,
    "nunjucks.renderString": 0, "lodash.template": 0, "lodash/template": 0,
    "underscore.template": 0, "dot.template": 0, "dot.compile": 0, "eta.renderString": 0,
    "squirrelly.render": 0, "velocityjs.render": 0, "hogan.js.compile": 0,
    "art-template.render": 0,
}
REGEX_METHODS = frozenset({"match", "matchAll", "search"})


@on.method(*SQL_ONLY_METHODS, *SQL_MAYBE_METHODS)
def sql_built_from_strings(ctx, call) -> None:
    query = call.arg(0)
    if query is None or call.tagged:
        return
    found = assess(ctx, query)
    if found is None:
        return
    looks_like_sql = bool(_SQL_WORDS.search(found.info.literal_text))
    sql_only = call.method in SQL_ONLY_METHODS
    if not (found.built and (looks_like_sql or sql_only)) and (
            found.taint is None or not (looks_like_sql or sql_only or _db_receiver(ctx, call))):
        return
    how = found.info.describe() if found.built else "a value"
    report_sink(ctx, SQL_INJECTION, query,
                f"SQL built with {how} is passed to `{_callee(ctx, call)}`; pass values as "
                "query parameters (placeholders or a tagged `sql` template) instead",
                found.taint, llm_rule=LLM_OUTPUT_TO_SQL)


def _db_receiver(ctx, call) -> bool:
    receiver = call.receiver
    if receiver is None:
        return False
    name = re.split(r"[^\w$]+", ctx.text(receiver).strip())[-1].lower()
    return name in _DB_NAMES or name.endswith(_DB_SUFFIXES)


def _callee(ctx, call) -> str:
    func = call.func
    text = ctx.text(func) if func is not None else call.name
    return text if len(text) <= 40 else call.name


@on.call(*CODE_CALLS)
def code_call(ctx, call) -> None:
    position = CODE_CALLS[call.qualname]
    source = call.arg(position) if position >= 0 else (call.args[-1] if call.args else None)
    if source is None:
        return
    if call.qualname in _TIMERS and not ctx.string_info(source).kinds and \
            ctx.taint(source) is None:
        return  # a function, not a string
    found = assess(ctx, source)
    if found is None:
        return
    language = "JavaScript code"
    if found.taint is None and _report_read(ctx, call, source, found):
        return
    if found.built or found.taint is not None:
        what = f"built with {found.how()}" if found.built else "taken from outside"
        report_sink(ctx, CODE_INJECTION, source,
                    f"{language} {what} is run by `{_code_name(call)}`; whoever controls the "
                    "value runs any code here: parse data with `JSON.parse` or dispatch to a "
                    "fixed set of functions", found.taint, llm_rule=LLM_OUTPUT_TO_CODE,
                    library=True)
        return
    report_sink(ctx, CODE_INJECTION, source,
                f"a non-constant value is run as {language} by `{_code_name(call)}`; if any "
                "caller passes outside data it runs any code: parse data with `JSON.parse` "
                "instead", None, severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
                library=True)


def _report_read(ctx, call, source, found) -> bool:
    """Code text read from a socket (remote), a file or standard input (local), as for
    Python's AIG103; True when reported, or when it is the project's own file."""
    reads = [read_from(ctx, part) for part in found.parts]
    if reads and all(read == PROJECT_FILE for read in reads):
        return True  # `eval(fs.readFileSync(path.join(__dirname, 'lib.js'), 'utf8'))`
    read = next((read for read in reads if read in CODE_READS), None)
    if read is None:
        return False
    where, remote = CODE_READS[read]
    what = f"{where}, built into a string with {found.how()}," if found.built else where
    message, details = code_read_details(
        what, "JavaScript", _code_name(call), remote,
        "parse data with `JSON.parse` or dispatch to a fixed set of functions")
    report_sink(ctx, CODE_INJECTION, source, message, None, **details)
    return True


def _code_name(call) -> str:
    return f"new {call.qualname}" if call.is_new else call.qualname


@on.call("require")
def require_by_name(ctx, call) -> None:
    name = call.arg(0)
    found = assess(ctx, name)
    taint = remote_taint(ctx, found.parts) if found is not None else None
    if taint is None:
        return
    report_sink(ctx, IMPORT_INJECTION, name,
                "the module loaded by `require` is named by outside data; loading runs the "
                "module's code: map the allowed names to modules in an object", taint,
                llm_rule=LLM_OUTPUT_TO_CODE, escalate=False)


@on.call("RegExp")
def regex_from_data(ctx, call) -> None:
    _check_regex(ctx, call, call.arg(0), f"{'new ' if call.is_new else ''}RegExp")


@on.method(*REGEX_METHODS)
def string_as_regex(ctx, call) -> None:
    pattern = call.arg(0)
    if pattern is None or pattern.type == "regex" or call.receiver is None or \
            len(call.args) != 1:
        return  # the string methods take one pattern; `router.match(method, path)` is not one
    _check_regex(ctx, call, pattern, f".{call.method}()")


def _check_regex(ctx, call, pattern, name: str) -> None:
    found = assess(ctx, pattern, frozenset({"escapeRegExp", "escapeRegex", "escapeStringRegexp",
                                            "escape-string-regexp", "lodash.escapeRegExp",
                                            "RegExp.escape", "_.escapeRegExp"}))
    taint = remote_taint(ctx, found.parts) if found is not None else None
    if taint is None:
        return
    report_sink(ctx, REGEX_INJECTION, pattern,
                f"a regular expression is compiled from outside data by `{name}`; a crafted "
                "pattern can take exponential time (ReDoS) or match more than intended: escape "
                "it (`escapeRegExp`) or search with `includes()`", taint, escalate=False)


@on.call(*TEMPLATE_CALLS)
def template_from_data(ctx, call) -> None:
    source = call.arg(TEMPLATE_CALLS[call.qualname])
    found = assess(ctx, source)
    if found is None or not (found.built or found.taint is not None):
        return
    what = f"built with {found.how()}" if found.built else "taken from outside"
    report_sink(ctx, TEMPLATE_INJECTION, source,
                f"template source {what} is passed to `{call.qualname}`; the engine runs code "
                "found in the template (server-side template injection): keep the template "
                "constant and pass values as template data", found.taint,
                llm_rule=LLM_OUTPUT_TO_CODE)
