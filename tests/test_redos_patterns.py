"""The catastrophic-backtracking detector behind AIG114, on patterns known either way."""

from __future__ import annotations

import pytest

from aicodeguard.rules.redos_patterns import NESTED, OVERLAPPING, javascript_redos, python_redos

CATASTROPHIC = [
    (r"^(a+)+$", NESTED),
    (r"(\w+\s?)*$", NESTED),
    (r"(.*a){12}x", NESTED),
    (r"(x+x+)+y", NESTED),
    (r"^(\d+\.?)+$", NESTED),
    (r"^(([a-z])+.)+[A-Z]([a-z])+$", NESTED),
    (r"^([a-zA-Z0-9_.+-]+)*@", NESTED),
    (r"(a+|b)+$", NESTED),
    (r"(a|a)*b", OVERLAPPING),
    (r"(.|\s)*x", OVERLAPPING),
]
SAFE = [
    r"(a+)+",  # nothing after it can fail: the first attempt succeeds
    r"(\w+\s)*$",  # the separator is mandatory and disjoint
    r"^[a-z]+$",
    r"(.*a){3}",  # few rounds: polynomial
    r"([^,]+,)*$",
    r"(?:ab|cd)*e",
    r"^(\w|\d)+$",  # Python merges the branches into one class
    r"^[\w.+-]+@[\w-]+\.[\w.]+$",
    r"(\s*,\s*\w+)*$",
    r"^(https?://)?([\w-]+\.)+[a-z]{2,}$",
    r"(\d{1,3}\.){3}\d{1,3}",
    r"x(",  # does not parse: judged safe
]


@pytest.mark.parametrize(("pattern", "reason"), CATASTROPHIC)
def test_catastrophic_patterns_are_found(pattern, reason):
    assert python_redos(pattern) == reason


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_stay_quiet(pattern):
    assert python_redos(pattern) is None


def test_fullmatch_makes_the_end_fail():
    assert python_redos(r"(a+)+", whole=True) == NESTED


def test_verbose_flag_is_honoured():
    import re

    assert python_redos("^ (\\d+ \\.?)+ $", re.X) == NESTED


def test_javascript_named_groups_and_unreadable_syntax():
    assert javascript_redos(r"^(?<n>a+)+$") == NESTED
    assert javascript_redos(r"^(?<=x)a+$") is None
    assert javascript_redos(r"[^]+") is None
    assert javascript_redos(r"^(a+)+$", "v") is None
