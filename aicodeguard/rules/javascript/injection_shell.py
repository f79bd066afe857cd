"""JavaScript checks for AIG102 (shell command built from data) and AIG112 (argument injection).

`child_process.exec` and `execSync` hand their string to `/bin/sh`; `spawn`,
`execFile` and friends run a program with an argument array unless
`shell: true` is set, in which case Node joins file and arguments with spaces,
unquoted, and a shell parses the result.
"""

from __future__ import annotations

import re

from ...analysis.shared import UNKNOWN
from ...model import Confidence, Edit, Fix, Severity
from ..injection import ARGUMENT_INJECTION, SHELL_INJECTION
from ..llm import LLM_OUTPUT_TO_SHELL
from ..python.injection_shell import SHELLS
from .checks import on
from .sinks import assess, remote_taint, report_sink
from .web_values import checked_before, leading_text

# Calls whose command string always goes through a shell: qualname -> position.
SHELL_STRING_CALLS = {"child_process.exec": 0, "child_process.execSync": 0, "shelljs.exec": 0}
# Calls that run a program with an argument array (a shell only with `shell: true`).
SPAWN_CALLS = ("child_process.spawn", "child_process.spawnSync", "child_process.execFile",
               "child_process.execFileSync", "child_process.fork", "cross-spawn",
               "cross-spawn.sync", "cross-spawn.spawn", "execa", "execa.execa",
               "execa.execaSync", "execa.sync")
# Calls that split one command line into program and arguments themselves (no shell).
COMMAND_LINE_CALLS = ("execa.command", "execa.execaCommand", "execa.commandSync",
                      "execa.execaCommandSync")
_SCRIPT_FLAGS = frozenset({"-c", "-lc", "-ic", "-ec", "/c", "/C", "/k", "/K", "-Command",
                           "-command"})


@on.call(*SHELL_STRING_CALLS)
def shell_string_call(ctx, call) -> None:
    check_shell_string(ctx, call, call.arg(SHELL_STRING_CALLS[call.qualname]))


@on.call(*COMMAND_LINE_CALLS)
def command_line_call(ctx, call) -> None:
    check_program(ctx, call, call.arg(0))


@on.call(*SPAWN_CALLS)
def spawn_call(ctx, call) -> None:
    program = call.arg(0)
    if program is None or call.tagged:  # execa`cmd ${x}` quotes each value itself
        return
    argv = call.arg(1)
    items = ctx.array_items(argv) if argv is not None else None
    shell = _shell_option(ctx, call)
    if shell is UNKNOWN or shell:
        for node in [program, *(items or ())]:
            if check_shell_string(ctx, call, node, under_shell_option=True):
                return
        return
    name = ctx.literal(program)
    if not isinstance(name, str):
        check_program(ctx, call, program)
        return
    if items is None:
        return
    if name.replace("\\", "/").rpartition("/")[2].lower() in SHELLS:
        script = _shell_script(ctx, items)
        if script is not None:
            check_shell_string(ctx, call, script)
        return
    _check_options(ctx, call, items)


def _shell_option(ctx, call):
    """The `shell` option's value: False when absent, UNKNOWN when not constant."""
    for arg in call.args[1:]:
        value = ctx.property(arg, "shell")
        if value is not None:
            literal = ctx.literal(value)
            return UNKNOWN if literal is UNKNOWN else bool(literal)
    return False


def _shell_script(ctx, items):
    """The STRING of `sh -c STRING` (also `bash -lc`, `cmd /c`, `pwsh -Command`)."""
    for index, node in enumerate(items[:-1]):
        if ctx.literal(node) in _SCRIPT_FLAGS:
            return items[index + 1]
    return None


def check_shell_string(ctx, call, command, *, under_shell_option: bool = False) -> bool:
    """A string a shell will parse; True when something was reported."""
    found = assess(ctx, command)
    if found is None or command.type == "spread_element":
        return False
    name = call.qualname
    if found.built or found.taint is not None:
        what = f"built with {found.how()}" if found.built else "taken from outside"
        report_sink(ctx, SHELL_INJECTION, command,
                    f"shell command {what} is passed to `{name}`"
                    + (" with `shell: true`" if under_shell_option else "")
                    + "; run the program with `execFile`/`spawn` and an argument array, "
                    "without a shell", found.taint, llm_rule=LLM_OUTPUT_TO_SHELL)
        return True
    report_sink(ctx, SHELL_INJECTION, command,
                f"a non-constant shell command is passed to `{name}`; if any caller passes "
                "outside data it can run other commands: use `execFile` with a fixed program "
                "and an argument array", None, severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM)
    return True


def check_program(ctx, call, program) -> None:
    """The program itself (or the whole command line) comes from outside."""
    found = assess(ctx, program)
    taint = remote_taint(ctx, found.parts) if found is not None else None
    if taint is None:
        return
    report_sink(ctx, SHELL_INJECTION, program,
                f"the program run by `{call.qualname}` comes from outside; choose it from a "
                "fixed set of commands", taint, llm_rule=LLM_OUTPUT_TO_SHELL)


# A test that a value starts with `-`: `x.startsWith('-')`, `x[0] === '-'`, `x.charAt(0)`.
_DASH_TEST = re.compile(r"""startsWith\(\s*['"`]-['"`]\s*\)|(?:\[0\]|charAt\(0\))\s*[!=]==?\s*"""
                        r"""['"`]-['"`]""")
# `/^...$/flags.test(x)`: a whole-value pattern (its first character decides).  A class
# stops at the next `[`, so any line is read in linear time.
_ANCHORED_TEST = re.compile(r"/\^((?:\\.|\[(?:\\.|[^\]\\\[])*\]|[^/\\\[])+)\$/[a-z]*\.test\(")
_CLASS_ESCAPES = frozenset({"\\w", "\\d"})  # first characters that are never `-`


def rejects_options(line: str) -> bool:
    """Whether a line tests that a value cannot start with `-` (see `checked_before`)."""
    if _DASH_TEST.search(line):
        return True
    match = _ANCHORED_TEST.search(line)
    return match is not None and _first_is_never_dash(match.group(1))


def _first_is_never_dash(pattern: str) -> bool:
    """Whether the first character a pattern (after `^`) accepts can never be `-`: a
    letter or digit, `\\w`, `\\d`, or a class without a literal `-` (first, last or
    escaped) that is not negated; and not optional (`[a-z]*-x` may start with `-`)."""
    if pattern[:2] in _CLASS_ESCAPES:
        end = 2
    elif pattern[:1].isalnum():
        end = 1
    elif pattern.startswith("[") and not pattern.startswith("[^"):
        end = 1
        while end < len(pattern) and pattern[end] != "]":
            end += 2 if pattern[end] == "\\" else 1
        body = pattern[1:end]
        if not body or body.startswith("-") or body.endswith("-") or "\\-" in body:
            return False
        end += 1
    else:
        return False
    return not pattern[end:].startswith(("?", "*", "{0", "{,"))


def _check_options(ctx, call, items) -> None:
    for node in items:
        value = ctx.literal(node)
        if value == "--":
            return
        if isinstance(value, str) or leading_text(ctx, node):
            continue  # a constant, or data after a constant prefix (`--out=${x}`)
        taint = remote_taint(ctx, [node])
        if taint is None or checked_before(ctx, node, rejects_options):
            continue
        fix = None
        if node.type != "spread_element":
            loc = ctx.location(node)
            fix = Fix("Insert '--' so the value cannot be read as an option",
                      (Edit(loc.line, loc.column, loc.line, loc.column, "'--', "),), safe=False)
        report_sink(ctx, ARGUMENT_INJECTION, node,
                    f"an argument of `{call.qualname}` comes from outside and may start with "
                    "`-`, making the program read it as an option; put `'--'` before it or "
                    "reject values starting with `-`", taint, llm_rule=LLM_OUTPUT_TO_SHELL,
                    escalate=False, fix=fix)
        return
