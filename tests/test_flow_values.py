"""Constant folding, branch-aware constants, container entries and the import-aware cache
key (the rule-level shapes are in tests/fixtures/python/AIG10x_flow_*.py)."""

from __future__ import annotations

from aicodeguard.analysis.python.context import UNKNOWN
from aicodeguard.analysis.python.project_modules import with_imports

from .test_python_context import context


def value_of_last(code: str):
    """The constant value of the last line's expression (`sink(<expr>)`)."""
    ctx, calls = context(code)
    return ctx.literal(ctx.call(calls["sink"]).positional[0])


def test_arithmetic_and_comparisons_fold():
    assert value_of_last("sink(7 * 18 + 106 > 200)\n") is True
    assert value_of_last("sink((10 // 3) % 2 - 1)\n") == 0
    assert value_of_last("sink('a' in ('a', 'b') and not False)\n") is True
    assert value_of_last("sink(1 < 2 < 0)\n") is False


def test_folding_is_bounded_and_leaves_text_alone():
    assert value_of_last("sink(10 ** 10 ** 9)\n") is UNKNOWN
    assert value_of_last("sink(1 / 0)\n") is UNKNOWN
    assert value_of_last("sink('ab' * 3)\n") is UNKNOWN  # the string rules judge this
    assert value_of_last("sink('%s' % 'x')\n") is UNKNOWN


def test_a_dead_arm_gives_no_constant():
    code = "def f(p):\n    if 7 * 18 + 106 > 200:\n        x = 'safe'\n    else:\n" \
           "        x = p\n    sink(x)\n"
    assert value_of_last(code) == "safe"
    assert value_of_last(code.replace("> 200", "< 200")) is UNKNOWN


def test_a_name_set_in_branches_is_constant_only_when_every_branch_agrees():
    code = "def f(flag):\n    if flag:\n        x = 'a'\n    else:\n        x = 'b'\n    sink(x)\n"
    assert value_of_last(code) is UNKNOWN
    assert value_of_last(code.replace("'b'", "'a'")) == "a"


def test_a_condition_naming_a_setting_is_not_folded():
    code = "DEBUG = False\ndef f(p):\n    x = 'safe'\n    if DEBUG:\n        x = p\n    sink(x)\n"
    assert value_of_last(code) is UNKNOWN


def test_container_entries_are_read_by_constant_key():
    code = "def f(p):\n    d = {'a': 'ls'}\n    d['b'] = p\n    items = ['x', p, 'y']\n" \
           "    items.pop(0)\n    sink(d['a'] + items[1])\n"
    assert value_of_last(code) == "lsy"
    unsure = code.replace("    items.pop(0)\n", "    if p:\n        items.pop(0)\n")
    assert value_of_last(unsure) is UNKNOWN


def test_cache_key_covers_imported_project_modules(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "db.py").write_text("def q(x):\n    return x\n")
    main = tmp_path / "main.py"
    source = b"from db import q\n"
    main.write_bytes(source)
    before = with_imports("k", str(main), source)
    (tmp_path / "db.py").write_text("def q(x):\n    return int(x)\n")
    assert with_imports("k", str(main), source) != before
    assert with_imports("k", str(main), b"import os\n") == "k"  # nothing of the project
