"""The analysis helpers rules rely on: qualified names, constants, string building,
and source order of bindings (tree-sitter's captures() does not keep it)."""

from __future__ import annotations

from tree_sitter import QueryCursor

from aicodeguard.analysis.python.context import UNKNOWN, PyContext, read_names
from aicodeguard.analysis.source import SourceFile
from aicodeguard.languages import parser
from aicodeguard.rules.python.analyzer import query


def context(code: str) -> tuple[PyContext, dict]:
    data = code.encode()
    tree = parser("python").parse(data)
    ctx = PyContext(SourceFile("t.py", data), tree)
    captures = QueryCursor(query()).captures(tree.root_node)
    read_names(ctx, captures)
    calls = {ctx.text(node.child_by_field_name("function")): node
             for node in captures.get("call", ())}
    return ctx, calls


def test_aliases_resolve_to_qualified_names():
    ctx, calls = context(
        "import subprocess as sp\nfrom os import system as run_it\nimport os.path\n"
        "launch = sp.Popen\nsp.run(x)\nrun_it(y)\nlaunch(z)\n__import__('pickle').loads(b)\n"
        "os.path.join(a, b)\n")
    names = {text: ctx.call(node).qualname for text, node in calls.items()}
    assert names["sp.run"] == "subprocess.run"
    assert names["run_it"] == "os.system"
    assert names["launch"] == "subprocess.Popen"
    assert names["__import__('pickle').loads"] == "pickle.loads"
    assert names["os.path.join"] == "os.path.join"


def test_last_assignment_before_the_use_wins_in_many_assignments():
    lines = [f"value = {index}" for index in range(40)]
    ctx, calls = context("\n".join(lines) + "\nprint(value)\nvalue = 'late'\n")
    argument = ctx.call(calls["print"]).positional[0]
    assert ctx.literal(argument) == 39


def test_constants_and_unknowns():
    ctx, calls = context(
        "MODE = 0o700 | 0o007\nNAME = 'a' 'b'\ndef f(p):\n    g(MODE, NAME, p, -1, (1, 'x'))\n")
    args = ctx.call(calls["g"]).positional
    assert [ctx.literal(arg) for arg in args] == [0o707, "ab", UNKNOWN, -1, (1, "x")]


def test_every_run_call_described():
    code = ("def f(user, ids):\n    q = 'SELECT ' + user\n    q += ' x %s' % ','.join(ids)\n"
            "    run(q)\n    run(f'x {user}')\n    run('{}'.format(user))\n")
    data = code.encode()
    tree = parser("python").parse(data)
    ctx = PyContext(SourceFile("t.py", data), tree)
    captures = QueryCursor(query()).captures(tree.root_node)
    for node in sorted(captures["bind"], key=lambda n: n.start_byte):
        ctx.add_binding(node)
    runs = sorted((n for n in captures["call"] if ctx.text(n).startswith("run(")),
                  key=lambda n: n.start_byte)
    kinds = [ctx.string_info(ctx.call(n).positional[0]) for n in runs]
    assert kinds[0].kinds >= {"concat", "percent"} and kinds[0].dynamic
    assert kinds[1].kinds == {"fstring"} and kinds[1].describe() == "an f-string"
    assert "format" in kinds[2].kinds and kinds[2].built
