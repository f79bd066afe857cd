"""Text pass for assistant tells in code: AIG004 (another tool's suppression comment on a
dangerous line), AIG550 (a TODO about a missing security control at a route handler) and
the login comparisons of AIG551 in JavaScript (`username === 'admin' && password ===
'...'`; the other AIG551 shapes are found on the syntax tree).

It runs after the language analyzer, so "dangerous" can mean "another rule reported
this line"; it also settles AIG551 against AIG301: where both report a line, AIG301's
finding stands.  One scan anchored on comment openers finds every candidate comment.
"""

from __future__ import annotations

import re

from ...analysis.secret_names import is_password_name
from ...analysis.source import SourceFile
from ...model import FileResult, Location, Severity
from .. import BY_ID
from ..secrets import HARD_CODED_SECRET
from ..tells import DEFAULT_ACCOUNT, SILENCED_WARNING, TODO_SECURITY_CONTROL
from .accounts import (
    DEFAULT_ACCOUNTS,
    account_message,
    is_account_password,
    is_user_name,
)
from .tell_data import (
    COMMENT_MARKERS,
    DANGEROUS_CALLS,
    DEFINITIONS,
    DIRECTIVE,
    OWN_DEFINITIONS,
    REASON_SEPARATORS,
    REASON_WORDS,
    ROUTE_LINES_AFTER_TODO,
    ROUTE_LINES_BEFORE_TODO,
    ROUTES,
    SECURITY_ESLINT_PREFIXES,
    SECURITY_ESLINT_RULES,
    SECURITY_NOQA,
    SUPPRESSIONS,
    TODO_CONTROL,
)

FAMILIES = {"python": "python", "javascript": "javascript", "typescript": "javascript",
            "tsx": "javascript"}
_ACCOUNT_COMPARED = re.compile(
    rb"==[=]?\s*(['\"`])(" + b"|".join(sorted(a.encode() for a in DEFAULT_ACCOUNTS)) + rb")\1")
_OPERAND_BEFORE = re.compile(r"([\w$.]+(?:\[['\"][\w-]+['\"]\])?)[\s)]*$")
_COMPARED_LITERAL = re.compile(
    r"([\w$.]+(?:\[['\"][\w-]+['\"]\])?)\s*===?\s*(['\"`])([^'\"`\n]*)\2")
COMPARISON_LINES = 2  # a login check may wrap over a few lines


def analyze_text(source: SourceFile, language: str, result: FileResult) -> None:
    family = FAMILIES.get(language)
    if family is None:
        return
    _settle_with_name_rule(result)
    data = source.data
    routes = None
    for hit in COMMENT_MARKERS[family].finditer(data):
        row = source.row_of(hit.start())
        column = hit.start() - source.line_starts[row]
        text = source.line_text(row)
        comment = source.line_bytes(row)[column:].decode("utf-8", "replace")
        comment_column = len(source.line_bytes(row)[:column].decode("utf-8", "replace"))
        for finding in _silenced(source, result, family, row, text, comment, comment_column):
            result.findings.append(finding)
        todo = TODO_CONTROL.search(comment)
        if todo is not None:
            if routes is None:
                routes = [source.row_of(m.start()) for m in ROUTES[family].finditer(data)]
            near = [r for r in routes if _same_handler(source, family, row, r)]
            if near:
                route = min(near, key=lambda r: abs(r - row))
                result.findings.append(_todo_finding(source, row, comment_column, comment,
                                                     todo, route))
    if family == "javascript" and b"==" in data:
        result.findings.extend(_login_comparisons(source, result))


def _settle_with_name_rule(result: FileResult) -> None:
    named = {f.location.line for f in result.findings if f.rule_id == HARD_CODED_SECRET.id}
    if named:
        result.findings[:] = [f for f in result.findings if f.rule_id != DEFAULT_ACCOUNT.id
                              or f.location.line not in named]


def _silenced(source, result, family, row, text, comment, comment_column):
    for pattern, tool in SUPPRESSIONS:
        match = pattern.match(comment)
        if match is None or not _silences_security(match) or _has_reason(match.group("rest")):
            continue
        marker = match.group(1)
        target = row + 1 if marker == "eslint-disable-next-line" else row
        danger = _danger(source, result, family, target)
        if danger is None:
            continue
        location = Location(source.path, row + 1, comment_column + 1, row + 1,
                            comment_column + 1 + len(match.group().rstrip())
                            - len(match.group("rest").rstrip()))
        yield source.finding(
            SILENCED_WARNING, location,
            f"`{marker}` silences {tool} on a line with {danger}; aicodeguard does not honour "
            f"it: fix the code, or accept the finding with `aicodeguard: ignore[ID] <reason>` "
            "so the reason is on record")


def _silences_security(match: re.Match) -> bool:
    groups = match.groupdict()
    if groups.get("codes") is not None:
        return bool(SECURITY_NOQA.search(groups["codes"]))
    rules = groups.get("rules")
    if rules is not None:
        names = re.split(r"[,\s]+", rules.strip())
        return any(name in SECURITY_ESLINT_RULES or name.startswith(SECURITY_ESLINT_PREFIXES)
                   for name in names)
    return True


def _has_reason(rest: str) -> bool:
    """Did the author say why? A deliberate, explained suppression is not a tell."""
    for part in REASON_SEPARATORS.split(rest):
        part = part.strip()
        if part and not DIRECTIVE.match(part) and \
                sum(1 for word in part.split() if any(c.isalpha() for c in word)) >= REASON_WORDS:
            return True
    return False


def _danger(source: SourceFile, result: FileResult, family: str, row: int) -> str | None:
    """What makes line `row` (0-based) dangerous: another rule's finding or a known call."""
    line = row + 1
    for finding in result.findings:
        if finding.rule_id.startswith("AIG0") or finding.severity < Severity.MEDIUM:
            continue
        if finding.location.line <= line <= finding.location.end_line:
            rule = BY_ID.get(finding.rule_id)
            return f"{finding.rule_id} ({rule.name})" if rule else finding.rule_id
    call = DANGEROUS_CALLS[family].search(source.line_text(row))
    return f"a call to `{call.group().rstrip('( ')}`" if call is not None else None


def _same_handler(source: SourceFile, family: str, todo_row: int, route_row: int) -> bool:
    """Is the TODO just above the route, or inside its handler (no other function between)?"""
    if route_row > todo_row:
        if route_row - todo_row > ROUTE_LINES_AFTER_TODO or \
                _indent(source, todo_row) > _indent(source, route_row):
            return False  # far away, or inside the body of something before the route
        between, allowed = range(todo_row + 1, route_row), 0
    else:
        if todo_row - route_row > ROUTE_LINES_BEFORE_TODO:
            return False
        between, allowed = range(route_row + 1, todo_row), OWN_DEFINITIONS[family]
    definition = DEFINITIONS[family]
    return sum(1 for r in between if definition.match(source.line_text(r))) <= allowed


def _indent(source: SourceFile, row: int) -> int:
    text = source.line_text(row)
    return len(text) - len(text.lstrip())


def _todo_finding(source, row, comment_column, comment, todo, route_row):
    start = comment_column + todo.start()
    end = comment_column + len(comment.rstrip())
    control = todo.group("control")
    return source.finding(
        TODO_SECURITY_CONTROL, Location(source.path, row + 1, start + 1, row + 1, end + 1),
        f"TODO says `{control}` is still missing next to the route handler at line "
        f"{route_row + 1}: the endpoint works without it, so it ships without it; implement "
        "the check now (deny by default) instead of leaving a note")


def _login_comparisons(source: SourceFile, result: FileResult):
    """`username === 'admin' && password === 'admin123'` (either order, a few lines)."""
    data = source.data
    reported: set[int] = {f.location.line for f in result.findings
                          if f.rule_id in (DEFAULT_ACCOUNT.id, HARD_CODED_SECRET.id)}
    for hit in _ACCOUNT_COMPARED.finditer(data):
        row = source.row_of(hit.start())
        line = source.line_text(row)
        prefix = source.line_bytes(row)[:hit.start() - source.line_starts[row]]
        operand = _OPERAND_BEFORE.search(prefix.decode("utf-8", "replace"))
        if operand is None or not is_user_name(operand.group(1).split(".")[-1].strip("[]'\"")):
            continue
        account = hit.group(2).decode()
        for offset in range(-COMPARISON_LINES, COMPARISON_LINES + 1):
            if row + offset < 0 or row + offset >= source.line_count or \
                    (row + offset + 1) in reported:
                continue
            text = line if offset == 0 else source.line_text(row + offset)
            for compared in _COMPARED_LITERAL.finditer(text):
                name = compared.group(1).split(".")[-1].strip("[]'\"")
                password = compared.group(3)
                if is_password_name(name) and is_account_password(password):
                    reported.add(row + offset + 1)
                    start = len(text[:compared.start(3)]) + 1
                    yield source.finding(
                        DEFAULT_ACCOUNT,
                        Location(source.path, row + offset + 1, start, row + offset + 1,
                                 start + len(password)),
                        account_message(account, password, "is accepted with"),
                        secret=password)
