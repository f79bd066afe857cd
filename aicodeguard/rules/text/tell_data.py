"""Data for the assistant-tell pass (tells.py): other tools' suppression comments,
calls dangerous enough that silencing a warning on them is a tell, route handlers, and
the security controls a TODO can leave out."""

from __future__ import annotations

import re

# Comments that may hold a tell, per language family (`#` for Python, `//` and `/*` for
# JavaScript): found with one scan anchored on the comment opener.
COMMENT_MARKERS = {
    "python": re.compile(rb"#[ \t]*(?:nosec|noqa|nosemgrep|NOSONAR|TODO|FIXME)"),
    "javascript": re.compile(rb"(?://|/\*)[ \t]*(?:eslint-disable|nosemgrep|NOSONAR|TODO|FIXME)"),
}

# Suppression markers: regex on the comment text -> the tool it silences.  Group 1 is
# the marker, `codes`/`rules` what it names, `rest` whatever follows (a reason, maybe).
_IDS = r"[\w@./-]+(?:[ \t]*,[ \t]*[\w@./-]+)*"
SUPPRESSIONS = (
    (re.compile(r"#[ \t]*(nosec)\b(?:[ \t:]*B\d{3}(?:[ \t]*,[ \t]*B\d{3})*)?(?P<rest>[^\n]*)"),
     "bandit"),
    (re.compile(r"#[ \t]*(noqa)\b(?::[ \t]*(?P<codes>[A-Z]+\d+(?:[ \t]*,[ \t]*[A-Z]+\d+)*))?"
                r"(?P<rest>[^\n]*)"), "flake8/ruff"),
    (re.compile(r"(?:#|//|/\*)[ \t]*(nosemgrep)\b(?::[ \t]*" + _IDS + r")?(?P<rest>[^\n]*)"),
     "semgrep"),
    (re.compile(r"(?:#|//|/\*)[ \t]*(NOSONAR)\b(?P<rest>[^\n]*)"), "SonarQube"),
    (re.compile(r"(?://|/\*)[ \t]*(eslint-disable-(?:next-)?line)\b(?:[ \t]+(?P<rules>" + _IDS
                + r"))?(?P<rest>[^\n]*)"), "ESLint"),
)
# A reason given with the suppression: prose (not a `key: value` directive such as
# `type: ignore`), after `--` (ESLint's syntax), `-`, or in a following comment.
REASON_SEPARATORS = re.compile(r"\s*(?:--|#|//|/\*|\*/|-(?=\s))\s*")
DIRECTIVE = re.compile(r"^[\w-]+:")
REASON_WORDS = 2
# The codes of flake8-bandit / ruff's S rules, as a suppression comment names them.
SECURITY_NOQA = re.compile(r"\bS\d{3}\b")
# ESLint rules about security (plugin prefixes and core rules).
SECURITY_ESLINT_PREFIXES = ("security/", "security-node/", "no-unsanitized/", "xss/",
                            "@microsoft/sdl/", "scanjs-rules/")
SECURITY_ESLINT_RULES = frozenset({
    "no-eval", "no-implied-eval", "no-new-func", "no-script-url", "react/no-danger",
    "react/no-danger-with-children", "@typescript-eslint/no-implied-eval",
})

# Calls dangerous enough that a silenced warning beside them is a tell even when no
# aicodeguard rule fires on the line (per language family).
DANGEROUS_CALLS = {
    "python": re.compile(
        r"\b(?:eval|exec)\(|\bos\.(?:system|popen|exec\w*|spawn\w*)\(|\bshell\s*=\s*True"
        r"|\b(?:pickle|cPickle|marshal|dill|shelve|jsonpickle)\.(?:loads?|open|decode)\("
        r"|\byaml\.(?:load|unsafe_load|full_load)\(|\bhashlib\.(?:md5|sha1)\(|\bverify\s*=\s*False"
        r"|\btempfile\.mktemp\(|\b__import__\(|\bmark_safe\(|\bMarkup\(|\bcheck_hostname\s*=\s*False"
        r"|\bCERT_NONE\b|\btorch\.load\(|\btrust_remote_code\s*=\s*True"),
    "javascript": re.compile(
        r"\beval\(|\bnew\s+Function\(|\.(?:inner|outer)HTML\s*=|\binsertAdjacentHTML\("
        r"|\bdocument\.write(?:ln)?\(|dangerouslySetInnerHTML|\bexec(?:Sync)?\(|\bshell\s*:\s*true"
        r"|rejectUnauthorized\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED|\bset(?:Timeout|Interval)"
        r"\(\s*['\"`]|\bvm\.run\w*\(|createHash\(\s*['\"](?:md5|sha1)['\"]|\$where|\bv-html\b"
        r"|\bunserialize\("),
}

# Route handlers: a decorator or registration that exposes a function over HTTP.
ROUTES = {
    "python": re.compile(
        rb"^[ \t]*@[\w.]*\b(?:route|get|post|put|patch|delete|api_view|websocket|api_route)\s*\("
        rb"|^[ \t]*@(?:login_required|require_http_methods|csrf_exempt)\b", re.MULTILINE),
    "javascript": re.compile(
        rb"\b(?:app|router|server|fastify|api|route|routes|r)\s*\.\s*(?:get|post|put|patch|"
        rb"delete|all|route)\s*\(\s*['\"`/]|^[ \t]*export\s+(?:async\s+)?function\s+(?:GET|POST|"
        rb"PUT|PATCH|DELETE)\b|^[ \t]*export\s+default\s+(?:async\s+)?function\s+handler\b",
        re.MULTILINE),
}
# How far a TODO may sit from the route line: above it, or inside the handler below it.
ROUTE_LINES_AFTER_TODO = 4
ROUTE_LINES_BEFORE_TODO = 8
# Lines that start another function: a TODO past one belongs to that function instead.
DEFINITIONS = {
    "python": re.compile(r"^\s*(?:async\s+)?def\s|^\s*class\s"),
    "javascript": re.compile(r"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b"
                             r"|^\s*(?:export\s+)?class\s"),
}
# Definitions a route line brings along (the decorated function's own `def`).
OWN_DEFINITIONS = {"python": 1, "javascript": 0}

# A TODO/FIXME that says a security control is still missing.
_CONTROL = (r"(?:auth(?:entication|orization|n|z)?|log ?in(?:_| )required|login check|"
            r"permissions?(?: checks?)?|access control|role checks?|admin checks?|ownership"
            r"(?: checks?)?|rate[ -]?limit(?:ing|s)?|throttl(?:e|ing)"
            r"|(?:input |request |payload )?"
            r"validation|validate (?:input|the input|request|params|parameters|payload|body|data)"
            r"|saniti[sz](?:e|ation|ing)|csrf(?: protection)?|signature (?:check|verification)"
            r"|api key check)")
TODO_CONTROL = re.compile(
    r"\b(?:TODO|FIXME|XXX)\b[\s:(\[\-\w@)\]]*?(?:(?:add|implement|enforce|require|check|verify|"
    r"protect|secure|restrict|missing|no|needs?|should|wire up|hook up|put back|re-?enable|"
    r"enable|handle|do)\b[^\n]{0,40}?)?\b(?P<control>" + _CONTROL + r")\b", re.IGNORECASE)
