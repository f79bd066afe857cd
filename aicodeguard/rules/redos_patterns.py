"""Does a regular expression backtrack catastrophically (AIG114)?  Language-neutral.

The pattern is parsed with Python's own regex parser (JavaScript literals are
translated first; anything it cannot read is judged safe).  A pattern is
reported only for the two shapes that are exponential in practice, and only
when something after them can fail (else the first greedy attempt succeeds):

- a quantified group whose body can split the same text in several ways: it
  holds another quantifier, and everything else in the body is optional or
  overlaps that quantifier's characters: `(a+)+$`, `(\\w+\\s?)*$`, `(.*,){12}x`;
- a quantified alternation whose branches can match the same text:
  `(a|a)*b`, `(.|\\s)*x`.

The parse tree is the optimised one Python runs (`(\\w|\\d)` is merged into one
character class there and is not ambiguous).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

try:
    from re import _constants as sre_constants  # Python 3.11+
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

C = sre_constants
REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
# An outer repeat must allow this many rounds to matter (`(.*a){3}` is only cubic).
MIN_OUTER_ROUNDS = 10
_ASCII = tuple(chr(code) for code in range(128))
_CATEGORIES = {
    C.CATEGORY_DIGIT: str.isdigit, C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    C.CATEGORY_SPACE: str.isspace, C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}
NESTED = "a quantified group holds another quantifier over the same characters"
OVERLAPPING = "a quantified alternation has branches that match the same text"
# JavaScript syntax Python reads differently: named groups.
_JS_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_JS_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}


@lru_cache(maxsize=4096)
def python_redos(pattern, flags: int = 0, *, whole: bool = False) -> str | None:
    """Why `pattern` (a str or bytes literal) backtracks catastrophically, or None.
    `whole=True` when the caller must match the whole text (`fullmatch`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `[[` "possible nested set" in JS patterns
            parsed = sre_parse.parse(pattern, flags)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None
    return _sequence(list(parsed), whole)


def javascript_redos(pattern: str, flags: str = "") -> str | None:
    """The same for a JavaScript regex literal's pattern and flags."""
    if "v" in flags:
        return None  # set notation Python cannot read
    value = 0
    for flag in flags:
        value |= _JS_FLAGS.get(flag, 0)
    return python_redos(_JS_NAMED_GROUP.sub("(?P<", pattern), value)


def _sequence(items: list, tail_fails: bool) -> str | None:
    """Walk one sequence; `tail_fails` says whether what follows it can fail."""
    for index, (op, av) in enumerate(items):
        after = tail_fails or any(_can_fail(item) for item in items[index + 1:])
        if op in REPEATS:
            low, high, body = av
            if after and (high == C.MAXREPEAT or high >= MIN_OUTER_ROUNDS):
                found = _ambiguous(list(body))
                if found:
                    return found
            found = _sequence(list(body), after)
        elif op == C.SUBPATTERN:
            found = _sequence(list(av[-1]), after)
        elif op == C.BRANCH:
            found = next(filter(None, (_sequence(list(alt), after) for alt in av[1])), None)
        else:
            found = None
        if found:
            return found
    return None


def _ambiguous(body: list) -> str | None:
    """Can one round of this repeated body split a text in several ways?"""
    body = _flatten(body)
    for op, av in body:
        if op == C.BRANCH and _overlapping([_flatten(list(alt)) for alt in av[1]]):
            return OVERLAPPING
    single_branch = len(body) == 1 and body[0][0] == C.BRANCH
    alternatives = [_flatten(list(alt)) for alt in body[0][1][1]] if single_branch else [body]
    for items in alternatives:
        for index, (op, av) in enumerate(items):
            if op not in REPEATS or av[1] < 2:
                continue
            chars = _chars(av[2])
            others = items[:index] + items[index + 1:]
            if all(_nullable(item) or (chars and _chars([item]) & chars) for item in others):
                return NESTED
    return None


def _overlapping(branches: list[list]) -> bool:
    """Two identical branches, or two one-character branches sharing a character."""
    for first in range(len(branches)):
        for second in range(first + 1, len(branches)):
            one, other = branches[first], branches[second]
            if one == other:
                return True
            if len(one) == 1 and len(other) == 1:
                shared = _chars(one) & _chars(other)
                if shared:
                    return True
    return False


def _flatten(items: list) -> list:
    """`((x))` -> `x`: a lone group is its body."""
    while len(items) == 1 and items[0][0] == C.SUBPATTERN:
        items = list(items[0][1][-1])
    return items


def _nullable(item) -> bool:
    op, av = item
    if op in REPEATS:
        return av[0] == 0 or all(_nullable(inner) for inner in av[2])
    if op == C.SUBPATTERN:
        return all(_nullable(inner) for inner in av[-1])
    if op == C.BRANCH:
        return any(all(_nullable(inner) for inner in alt) for alt in av[1])
    return op in (C.AT, C.ASSERT, C.ASSERT_NOT)


def _can_fail(item) -> bool:
    op, _ = item
    return op in (C.AT, C.ASSERT, C.ASSERT_NOT) or not _nullable(item)


def _chars(items) -> frozenset[str]:
    """The ASCII characters a one-character item (or a repeat of one) matches; empty when
    `items` is not one character wide."""
    items = _flatten(list(items))
    if len(items) != 1:
        return frozenset()
    op, av = items[0]
    if op in REPEATS:
        return _chars(av[2])
    return frozenset(char for char in _ASCII if _matches(op, av, char))


def _matches(op, av, char: str) -> bool:
    if op == C.LITERAL:
        return ord(char) == av
    if op == C.NOT_LITERAL:
        return ord(char) != av
    if op == C.ANY:
        return char != "\n"
    if op == C.IN:
        negate = bool(av) and av[0][0] == C.NEGATE
        hit = any(_in_item(kind, value, char) for kind, value in av if kind != C.NEGATE)
        return hit != negate
    return False


def _in_item(kind, value, char: str) -> bool:
    if kind == C.LITERAL:
        return ord(char) == value
    if kind == C.RANGE:
        return value[0] <= ord(char) <= value[1]
    if kind == C.CATEGORY:
        test = _CATEGORIES.get(value)
        return test is not None and test(char)
    return False
