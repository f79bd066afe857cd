"""Constant folding: the value of an operator applied to constants, for `PyContext.literal`.

`7 * 18 + 106 > 200`, `not DEBUG`, `MODE == "test" and 0` have a value fixed in the
text; a branch they rule out never runs (`guards.is_dead`), so it carries no taint and
gives no constant — nor does a `case` whose literal cannot match a constant `match`
subject (`literal_pattern_matches`).  Arithmetic folds numbers (and `+` joins strings,
tuples and lists, as before), comparisons any constants, with bounds on what an operator
may build (no `10 ** 10 ** 9`); anything else is UNKNOWN.
"""

from __future__ import annotations

import operator

from ..shared import UNKNOWN

MAX_INT_BITS = 256  # a folded integer larger than this is not worth knowing
MAX_SEQUENCE = 4096  # longest string or tuple a `+` may build

_ARITHMETIC = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow,
    "<<": operator.lshift, ">>": operator.rshift, "&": operator.and_, "|": operator.or_,
    "^": operator.xor,
}
_COMPARISONS = {
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne, "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b, "is": operator.is_, "is not": operator.is_not,
}
_SCALARS = (int, float, str, bool, type(None))


def arithmetic(symbol: str, left, right):
    """`left <symbol> right` for folded operands, or UNKNOWN (unknown operator, a type
    error, a division by zero, a result past the bounds, an operator other than `+` on
    text: `"a" * 3` and `"%s" % x` stay what the string rules see)."""
    function = _ARITHMETIC.get(symbol)
    if function is None or not _small(left, right, symbol):
        return UNKNOWN
    try:
        value = function(left, right)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return UNKNOWN
    return value if _fits(value) else UNKNOWN


def compare(symbols: list[str], operands: list):
    """A chained comparison `a < b <= c` of folded operands, or UNKNOWN."""
    if len(operands) != len(symbols) + 1:
        return UNKNOWN
    for symbol, left, right in zip(symbols, operands, operands[1:]):
        function = _COMPARISONS.get(symbol)
        if function is None or symbol in ("is", "is not") and not (
                left is None or right is None or isinstance(left, bool)):
            return UNKNOWN  # `is` between numbers or strings is not fixed by the text
        try:
            if not function(left, right):
                return False
        except TypeError:
            return UNKNOWN
    return True


def boolean(symbol: str, left, right):
    """`left and right` / `left or right` (Python's value, not just its truth)."""
    if symbol == "and":
        return right if left else left
    if symbol == "or":
        return left if left else right
    return UNKNOWN


def literal_pattern_matches(subject, literal) -> bool:
    """Whether `case <literal>:` matches a folded subject: `None`, `True` and `False`
    by identity, other literals by equality (`match True: case 1:` matches)."""
    if literal is None or isinstance(literal, bool):
        return subject is literal
    return subject == literal


def _small(left, right, symbol: str) -> bool:
    if symbol == "+":
        return True  # the result's length is checked after
    if not all(isinstance(value, (int, float)) for value in (left, right)):
        return False
    if symbol == "**":
        return isinstance(right, int) and abs(right) <= 64
    if symbol == "<<":
        return isinstance(right, int) and 0 <= right <= MAX_INT_BITS
    return True


def _fits(value) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() <= MAX_INT_BITS
    if isinstance(value, (str, tuple, list)):
        return len(value) <= MAX_SEQUENCE
    return isinstance(value, _SCALARS)
