"""JavaScript data flow pieces the fixtures exercise only as a whole: constant folding of
conditions and the arms of `switch` that never run."""

from __future__ import annotations

import pytest

from aicodeguard.engine import analyze_source


def _shell_lines(code: str) -> set[int]:
    source = "const { exec } = require('child_process');\n" + code
    result = analyze_source("app.js", source.encode(), "javascript")
    return {f.location.line - 1 for f in result.findings if f.rule_id == "AIG102"}


@pytest.mark.parametrize("condition, dead", [
    ("7 * 18 + 106 > 200", "else"),
    ("10 % 3 === 1", "else"),
    ("'a' + 'b' !== 'ab'", "then"),
    ("!(1 < 2)", "then"),
    ("0 || ''", "then"),
    ("1 == '1'", None),  # loose equality converts types: not folded
    ("p.length > 3", None),
])
def test_constant_conditions(condition, dead):
    def flagged(then_value: str, else_value: str) -> bool:
        code = (f"function f(p) {{\n  let v;\n  if ({condition}) {{ v = {then_value}; }} "
                f"else {{ v = {else_value}; }}\n  exec(v);\n}}\n"
                "f(require('readline-sync').question());\n")
        return _shell_lines(code) == {4}

    assert flagged("p", "'uptime'") == (dead != "then")
    assert flagged("'uptime'", "p") == (dead != "else")


def test_switch_fallthrough_keeps_the_next_case_alive():
    code = ("function f(req) {\n  const mode = 'a';\n  let cmd = 'ls';\n  switch (mode) {\n"
            "    case 'a':\n      cmd = 'ls -l';\n    case 'b':\n      cmd = req.query.c;\n"
            "      break;\n    default:\n      cmd = 'true';\n  }\n  exec(cmd);\n}\n")
    assert _shell_lines(code) == {13}


def test_variable_assigned_twice_is_not_folded():
    code = ("function f(req) {\n  let done = false;\n  let cmd = 'ls';\n"
            "  for (const x of [1, 2]) {\n    if (done) { cmd = req.query.c; }\n"
            "    done = true;\n  }\n  exec(cmd);\n}\n")
    assert _shell_lines(code) == {8}


def test_object_key_assigned_in_a_branch_is_not_constant():
    code = ("function f(req) {\n  const job = { cmd: req.query.c };\n  if (req.query.x) {\n"
            "    job.cmd = 'ls';\n  }\n  job.other = 'x';\n  exec(job.cmd);\n}\n")
    assert _shell_lines(code) == {7}


def test_a_computed_key_in_a_parameter_pattern_does_not_recurse():
    """`({ [KEY]: value }) => ...`: reading the key looks the name up, which asks for the
    function's parameters while they are being read (it used to recurse until it broke)."""
    from aicodeguard.engine import analyze_source

    source = (b"const KEY = 'error';\n"
              b"const pick = ({ [KEY]: found }, buffer) => { eval(found); return buffer; };\n")
    result = analyze_source("pick.js", source, "javascript")
    assert not [note for note in result.notes if note.level.value == "error"]


@pytest.mark.parametrize("code, flagged", [
    ("const a = [req.query.c, 'ls'];\na.splice(-1, 1);\nexec(a[0]);", True),
    ("const a = ['ls', req.query.c];\na.splice(-1, 1);\nexec(a[0]);", False),
    ("const a = ['ls', req.query.c];\na.splice(1);\nexec(a[0]);", False),
    ("const a = ['ls'];\na.push(...req.query.c);\nexec(a[0]);", True),  # a spread: unsure
    ("const a = ['ls', req.query.c];\nconst b = a;\nb.shift();\nexec(a[0]);", True),  # alias
    ("const a = ['ls', req.query.c];\n[1].forEach(() => a.shift());\nexec(a[0]);", True),
    ("const a = ['ls', req.query.c];\nconst n = a.length;\nexec(a[0] + n);", False),
    ("const a = ['ls', req.query.c];\nexec(a[5]);", False),  # past the end: undefined
    ("const a = ['ls', req.query.c];\na.length = 0;\nexec(a[0]);", True),
    ("const a = ['ls'];\nlater();\nexec(a[0]);\nfunction later() { a.unshift(req.query.c); }",
     True),  # a function declared after the read, called before it
    ("const a = ['ls'];\nexec(a[0]);\nfunction later() { return a.join(' '); }", False),
])
def test_array_positions(code, flagged):
    """Positions replayed in straight-line code; anything the replay does not understand
    makes the whole array count."""
    body = "function f(req) {\n" + "\n".join("  " + line for line in code.splitlines()) + \
        "\n}\nf({ query: {} });\n"
    lines = _shell_lines("const express = require('express');\n"
                         "express().get('/x', (req) => f(req));\n" + body)
    assert bool(lines) == flagged, lines


def test_a_position_read_through_its_own_result_ends():
    """`depth = TABLE[depth]` (three.js): the position read is the read's own result; the
    replay must stop, not recurse until the stack runs out."""
    source = ("const TABLE = [1, 0];\nconst table = [2, 3];\nfunction set(depth, flip) {\n"
              "  if (flip) depth = TABLE[depth];\n  let i = table[i];\n"
              "  switch (depth) { case 0: return table[i]; default: return 1; }\n}\n")
    result = analyze_source("app.js", source.encode(), "javascript")
    assert not result.notes, result.notes
