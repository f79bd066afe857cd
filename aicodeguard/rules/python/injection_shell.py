"""Python checks for AIG102 (shell command built from data) and AIG112 (argument injection).

A command reaches the operating system in one of two shapes: a string a
shell parses (`os.system`, `shell=True`, `sh -c STRING`), where any inserted
text can add commands; or an argument vector run directly, where untrusted
data is harmless unless it chooses the program or is read as an option.
"""

from __future__ import annotations

import re

from ...analysis.python.callers import caller_taint
from ...analysis.python.guards import in_import_fallback, rejects_options
from ...analysis.shared import UNKNOWN, value_origin
from ...model import Edit, Fix, Severity
from ..injection import ARGUMENT_INJECTION, SHELL_INJECTION
from ..llm import LLM_OUTPUT_TO_SHELL
from ..sinks import report_sink
from .checks import on
from .injection_values import (
    assess,
    first_taint,
    is_sanitised,
    remote_taint,
    sequence_items,
    value_of,
    web_taint,
)

# Evidence context of a whole command of unknown origin handed to a shell (low).
WRAPPER = "wrapper"

# Calls whose command string always goes through a shell: qualname -> (position, keyword).
SHELL_STRING_CALLS = {
    "os.system": (0, "command"),
    "os.popen": (0, "cmd"),
    "os.popen2": (0, "cmd"),
    "os.popen3": (0, "cmd"),
    "os.popen4": (0, "cmd"),
    "popen2.popen2": (0, "cmd"),
    "popen2.popen3": (0, "cmd"),
    "popen2.popen4": (0, "cmd"),
    "popen2.Popen3": (0, "cmd"),
    "popen2.Popen4": (0, "cmd"),
    "commands.getoutput": (0, "cmd"),
    "commands.getstatusoutput": (0, "cmd"),
    "subprocess.getoutput": (0, "cmd"),
    "subprocess.getstatusoutput": (0, "cmd"),
    "asyncio.create_subprocess_shell": (0, "cmd"),
    "asyncio.subprocess.create_subprocess_shell": (0, "cmd"),
    "platform.popen": (0, "cmd"),
    "fabric.api.run": (0, "command"),
    "fabric.api.sudo": (0, "command"),
    "fabric.api.local": (0, "command"),
    "fabric.operations.run": (0, "command"),
    "fabric.operations.sudo": (0, "command"),
    "fabric.operations.local": (0, "command"),
    "invoke.run": (0, "command"),
}
# Methods that run their argument through a shell, whatever the receiver (paramiko,
# asyncio event loops).
SHELL_STRING_METHODS = {"exec_command": (0, "command"), "subprocess_shell": (1, "cmd")}

# subprocess functions: `args` is a string for a shell or a vector without one.
SUBPROCESS_CALLS = ("subprocess.Popen", "subprocess.call", "subprocess.run",
                    "subprocess.check_call", "subprocess.check_output")

# Bare names a snippet calls without importing them: name -> (what it presumably is, whether
# it always runs a shell; the others only with an explicit `shell=True`).  Checked in
# `injection_shell_fragments.py`.
FRAGMENT_CALLS = {
    "system": ("os.system", True), "popen": ("os.popen", True),
    "getoutput": ("subprocess.getoutput", True),
    "getstatusoutput": ("subprocess.getstatusoutput", True),
    **{name: (f"subprocess.{name}", False)
       for name in ("call", "run", "Popen", "check_call", "check_output")},
}

# Argument-vector calls: qualname -> (program position, first argv position, argv is a list).
# With a program position the vector starts with argv[0] (the name the program sees).
EXEC_CALLS = {
    **{f"os.{name}": (0, 1, False) for name in ("execl", "execle", "execlp", "execlpe")},
    **{f"os.{name}": (0, 1, True) for name in ("execv", "execve", "execvp", "execvpe",
                                              "posix_spawn", "posix_spawnp")},
    **{f"os.{name}": (1, 2, False) for name in ("spawnl", "spawnle", "spawnlp", "spawnlpe")},
    **{f"os.{name}": (1, 2, True) for name in ("spawnv", "spawnve", "spawnvp", "spawnvpe")},
    "asyncio.create_subprocess_exec": (None, 0, False),
    "asyncio.subprocess.create_subprocess_exec": (None, 0, False),
    "pty.spawn": (None, 0, True),
}

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "csh", "tcsh", "fish", "busybox",
                    "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe"})
_SCRIPT_FLAG = re.compile(r"-[a-z]*c|/[cCkK]|-(?:command|Command|c)", re.ASCII)
# Quoting for a shell: `shlex.join(argv)` here; `shlex.quote`/`pipes.quote` (and casts such
# as `int()`) are sanitisers for every sink (`analysis.python.sources.SANITIZERS`).  Checks
# before the sink (`if tool not in ALLOWED: return`, `re.fullmatch`, `isdigit()`) and dead
# code (`if False:`) are shared by every family: `analysis.python.guards`.
SHELL_SANITISERS = frozenset({"shlex.join", "shlex.quote", "pipes.quote"})
_FIXABLE_TEXT = re.compile(r"[\w./:=,@%+\s-]*", re.ASCII)
# Names the tempfile module chose (random, in the temp folder the operator configured): they
# hold no shell syntax.  `mkstemp()` returns (fd, name); the others return the name or a file.
TEMP_NAME_CALLS = frozenset({"tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.mktemp"})
TEMP_FILE_CALLS = frozenset({"tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory"})
# The POSIX idiom for a value inside single quotes: each `'` becomes `'"'"'` or `'\''`.
# (`ctx.literal` gives the source text, so the escaped spellings are listed too.)
SINGLE_QUOTE_ESCAPES = frozenset({"'\"'\"'", "'\\''", "'\\\"'\\\"'", "'\\\\''"})
MAX_HEAD_HOPS = 4


@on.call(*SHELL_STRING_CALLS)
def shell_string_call(ctx, call) -> None:
    position, keyword = SHELL_STRING_CALLS[call.qualname]
    check_shell_string(ctx, call, call.arg(position, keyword))


@on.method(*SHELL_STRING_METHODS)
def shell_string_method(ctx, call) -> None:
    position, keyword = SHELL_STRING_METHODS[call.method]
    check_shell_string(ctx, call, call.arg(position, keyword))


@on.call(*SUBPROCESS_CALLS)
def subprocess_call(ctx, call) -> None:
    command = call.arg(0, "args")
    if command is None:
        return
    shell_node = call.keywords.get("shell")
    shell = ctx.literal(shell_node) if shell_node is not None else False
    items = sequence_items(ctx, command)
    if items is None:
        if shell is not UNKNOWN and not shell:
            check_program(ctx, call, command)
        else:  # a string with shell=True, or with a flag whose value is not known
            check_shell_string(ctx, call, command, fix=_argv_fix(ctx, command, shell_node))
        return
    if shell is not UNKNOWN and shell and items:
        fix = _drop_shell(ctx, shell_node, "Run the list directly without a shell")
        check_shell_string(ctx, call, items[0][0], fix=fix)
        return
    check_argv(ctx, call, items, None)


@on.keyword("shell")
def other_call_with_shell(ctx, call, value) -> None:
    """`run_command(cmd, shell=True)`: a wrapper that hands its first argument to a shell."""
    if call.qualname in SUBPROCESS_CALLS or call.qualname in SHELL_STRING_CALLS \
            or call.qualname in FRAGMENT_CALLS \
            or not call.positional or ctx.literal(value) is not True:
        return
    command = call.positional[0]
    found = assess(ctx, command, SHELL_SANITISERS)
    if found is None or not (found.built or found.taint is not None):
        return
    check_shell_string(ctx, call, command)


@on.call(*EXEC_CALLS)
def exec_call(ctx, call) -> None:
    program_at, argv_at, as_list = EXEC_CALLS[call.qualname]
    program = call.arg(program_at) if program_at is not None else None
    if as_list:
        items = sequence_items(ctx, call.arg(argv_at))
        if items is None:
            argv = call.arg(argv_at)
            if program is None and argv is not None:
                check_program(ctx, call, argv)
            items = []
    else:
        items = [(node, node.type == "list_splat") for node in call.positional[argv_at:]]
    check_argv(ctx, call, items, program)


def check_shell_string(ctx, call, command, *, fix=None) -> None:
    """A string a shell will parse: any variable part not quoted for the shell is a risk."""
    found = assess(ctx, command, SHELL_SANITISERS)
    if found is None:
        return
    heads = _command_heads(ctx, command) if found.built else set()
    parts = [part for part in found.parts if not _harmless(ctx, part, heads)]
    if not parts:
        return  # only temp-file names or values escaped for single quotes
    if found.built and all(_harmless(ctx, part, heads, allow_head=True) for part in parts):
        # `f"{cmd} >{tmpname}"`, `pager + ' "' + tmpname + '"'`: the command itself comes
        # from the caller (or the operator's $PAGER); only fixed text is added to it.
        taint = first_taint(ctx, parts) or caller_taint(ctx, parts)
        if taint is None or not taint.is_remote:
            report_sink(ctx, SHELL_INJECTION, command,
                        f"a shell command from elsewhere is extended with fixed text and passed "
                        f"to `{call.name}`; if any caller passes outside data it can run other "
                        "commands: pass a fixed program and an argument list instead", None,
                        severity=Severity.MEDIUM, fix=fix,
                        evidence=f"{taint.evidence if taint else value_origin(ctx, command)}"
                                 f"+{WRAPPER}")
            return
        found.taint = taint
    if found.built:
        message = (f"shell command built with {found.how()} is passed to `{call.name}`; "
                   "run the program with an argument list (no shell) or quote each value "
                   "with `shlex.quote`")
    elif found.taint is not None or (taint := caller_taint(ctx, found.parts)) is not None:
        found.taint = found.taint or taint
        message = (f"a shell command taken from outside is passed to `{call.name}`, which runs "
                   "whatever it says: run a fixed program with an argument list instead")
    else:
        # The whole command is handed over (`def run(command): os.system(command)`): a
        # wrapper whose contract is a shell command — its callers choose what runs.
        # Low confidence unless a caller in the file passes outside data (above).
        report_sink(ctx, SHELL_INJECTION, command,
                    f"a non-constant shell command is passed to `{call.name}`; if any caller "
                    "passes outside data it can run other commands: pass a fixed program and "
                    "an argument list instead", None, severity=Severity.MEDIUM, fix=fix,
                    evidence=f"{value_origin(ctx, command)}+{WRAPPER}")
        return
    report_sink(ctx, SHELL_INJECTION, command, message, found.taint,
                llm_rule=LLM_OUTPUT_TO_SHELL, fix=fix)


def _harmless(ctx, part, heads: set[int], *, allow_head: bool = False) -> bool:
    """A part that adds no shell syntax: a temp-file name, a value escaped for single quotes,
    or (with `allow_head`) the command's own head; tuples (`"%s %s" % (a, b)`) item by item."""
    if part is None:
        return True
    if allow_head and part.id in heads:
        return True
    if part.type in ("tuple", "expression_list", "parenthesized_expression"):
        return all(_harmless(ctx, item, heads, allow_head=allow_head)
                   for item in part.named_children)
    if allow_head and part.type == "binary_operator" \
            and ctx.text(part.child_by_field_name("operator")) == "%":
        # `command % shlex.quote(name)`: a command template from elsewhere, filled with
        # values quoted for the shell
        return _harmless(ctx, part.child_by_field_name("left"), heads, allow_head=True) \
            and _harmless(ctx, part.child_by_field_name("right"), heads)
    return ctx.is_literal(part) or is_sanitised(ctx, part, SHELL_SANITISERS) \
        or _temp_name(ctx, part) or _single_quote_escaped(ctx, part)


def _temp_name(ctx, node, depth: int = 0) -> bool:
    """`mkstemp()[1]`, `name` of `fd, name = mkstemp()`, `NamedTemporaryFile().name`, the
    folder of `with TemporaryDirectory() as d`, and `os.path.join(<one of them>, "x")`."""
    if node is None or depth > MAX_HEAD_HOPS:
        return False
    if node.type == "identifier":
        bindings = [b for b in ctx.reaching(ctx.text(node), node) if b.value is not None]
        return bool(bindings) and all(
            _temp_call(ctx, b.value, "tempfile.TemporaryDirectory") if b.kind == "with"
            else _temp_call(ctx, b.value, "tempfile.mkstemp") if b.kind == "unpack"
            else _temp_name(ctx, b.value, depth + 1) for b in bindings)
    if node.type == "call":
        call = ctx.call(node)
        if call.qualname in ("tempfile.mkdtemp", "tempfile.mktemp"):
            return True
        if call.qualname in ("os.path.join", "posixpath.join") and call.positional:
            return _temp_name(ctx, call.positional[0], depth + 1) and all(
                ctx.is_literal(arg) for arg in call.positional[1:])
        return False
    if node.type == "subscript":  # mkstemp()[1]
        return _temp_call(ctx, value_of(ctx, node.child_by_field_name("value")),
                          "tempfile.mkstemp")
    if node.type == "attribute" and ctx.text(node.child_by_field_name("attribute")) == "name":
        return _temp_file(ctx, node.child_by_field_name("object"), depth + 1)
    return False


def _temp_file(ctx, node, depth: int) -> bool:
    """A file object from `tempfile.NamedTemporaryFile()` (also through `closing(f)`)."""
    if node is None or depth > MAX_HEAD_HOPS:
        return False
    if node.type == "identifier":
        bindings = [b for b in ctx.reaching(ctx.text(node), node) if b.value is not None
                    and not in_import_fallback(ctx, b.node)
                    and not b.node.start_byte <= node.start_byte < b.node.end_byte]
        return bool(bindings) and all(_temp_file(ctx, b.value, depth + 1) for b in bindings)
    if node.type != "call":
        return False
    call = ctx.call(node)
    if call.qualname == "contextlib.closing" and call.positional:
        return _temp_file(ctx, call.positional[0], depth + 1)
    return call.qualname in ("tempfile.NamedTemporaryFile", "tempfile.TemporaryFile")


def _temp_call(ctx, node, qualname: str) -> bool:
    return node is not None and node.type == "call" and ctx.call(node).qualname == qualname


def _single_quote_escaped(ctx, node) -> bool:
    """`value.replace("'", "'\"'\"'")`: safe inside single quotes, the POSIX idiom."""
    node = value_of(ctx, node)
    if node is None or node.type != "call":
        return False
    call = ctx.call(node)
    return call.method == "replace" and len(call.positional) == 2 \
        and ctx.literal(call.positional[0]) == "'" \
        and ctx.literal(call.positional[1]) in SINGLE_QUOTE_ESCAPES


def _command_heads(ctx, command) -> set[int]:
    """The parts a built command starts with (`{cmd}` of `f"{cmd} >out"`, the `pager` of
    `pager + " file"`, the template of `template % quote(name)`): when only these are
    unknown, the whole command comes from elsewhere and fixed text was added to it."""
    heads: set[int] = set()
    stack = [(command, 0)]
    while stack:
        node, hops = stack.pop()
        if node is None or hops > MAX_HEAD_HOPS or ctx.is_literal(node):
            continue
        kind = node.type
        if kind in ("parenthesized_expression", "concatenated_string"):
            stack.append((node.named_children[0] if node.named_child_count else None, hops))
        elif kind == "identifier":
            bindings = [b for b in ctx.reaching(ctx.text(node), node)
                        if b.kind in ("assign", "augment", "walrus")]
            heads.add(node.id)  # also when a branch keeps the parameter unchanged
            stack.extend((b.value, hops + 1) for b in bindings)
        elif kind == "binary_operator" and ctx.text(node.child_by_field_name("operator")) in "+%":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            template = ctx.literal(left)
            if isinstance(template, str):
                if template.startswith("%s") and right is not None:
                    first = right.named_children[0] if right.type == "tuple" \
                        and right.named_child_count else right
                    heads.add(first.id)
            else:
                stack.append((left, hops))
        elif kind == "string":
            pieces = [c for c in node.named_children if c.type not in ("string_start",)]
            if pieces and pieces[0].type == "interpolation":
                stack.append((pieces[0].child_by_field_name("expression"), hops))
        elif kind == "call":
            call = ctx.call(node)
            obj = call.func.child_by_field_name("object") if call.method else None
            if call.method == "join" and obj is not None and ctx.is_literal(obj) \
                    and call.positional:
                heads.add(call.positional[0].id)  # `" ".join(argv)`: the whole command
            elif call.method == "format" and obj is not None:
                stack.append((obj, hops))
            else:
                heads.add(node.id)
        else:
            heads.add(node.id)
    return heads


def check_program(ctx, call, program) -> None:
    """The program itself (or the whole command line) comes from outside."""
    taint = remote_taint(ctx, [program])
    if taint is None:
        return
    report_sink(ctx, SHELL_INJECTION, program,
                f"the program run by `{call.name}` comes from outside; choose it from a fixed "
                "set of commands", taint, llm_rule=LLM_OUTPUT_TO_SHELL)


def check_argv(ctx, call, items, program) -> None:
    """An argument vector: `sh -c STRING`, a chosen program, or option-like arguments."""
    if program is None and items:
        program, spread = items[0]
        items = items[1:]
        if spread:
            check_program(ctx, call, program)
            return
    elif items:
        items = items[1:]  # argv[0]: only the name the program sees
    if program is None:
        return
    name = ctx.literal(program)
    if not isinstance(name, str):
        check_program(ctx, call, program)
        return
    if name.replace("\\", "/").rpartition("/")[2].lower() in SHELLS:
        script = _shell_script(ctx, items)
        if script is not None:
            check_shell_string(ctx, call, script)
        return
    _check_options(ctx, call, items)


def _shell_script(ctx, items):
    """The STRING of `sh -c STRING` (also `bash -lc`, `cmd /c`, `pwsh -Command`)."""
    for index, (node, spread) in enumerate(items[:-1]):
        flag = ctx.literal(node) if not spread else None
        if isinstance(flag, str) and _SCRIPT_FLAG.fullmatch(flag):
            script, script_spread = items[index + 1]
            return None if script_spread else script
    return None


def _check_options(ctx, call, items) -> None:
    for node, _ in items:
        value = ctx.literal(node)
        if value == "--":
            return
        if isinstance(value, str):
            continue
        taint = web_taint(ctx, [node])
        if taint is None or node.type == "identifier" and rejects_options(ctx, node):
            continue
        fix = None
        if node.type != "list_splat" and node.parent is not None \
                and node.parent.type in ("list", "tuple"):  # not `cmd.append(value)`
            loc = ctx.location(node)
            fix = Fix('Insert "--" so the value cannot be read as an option',
                      (Edit(loc.line, loc.column, loc.line, loc.column, '"--", '),), safe=False)
        report_sink(ctx, ARGUMENT_INJECTION, node,
                    f"an argument of `{call.name}` comes from outside and may start with `-`, "
                    "making the program read it as an option; put `\"--\"` before it or "
                    "reject values starting with `-`", taint, llm_rule=LLM_OUTPUT_TO_SHELL,
                    escalate=False, fix=fix)
        return


def _drop_shell(ctx, shell_node, title: str) -> Fix | None:
    """Remove `, shell=True` from the call."""
    if shell_node is None:
        return None
    keyword = shell_node.parent
    previous = keyword.prev_named_sibling
    if previous is None:
        return None
    start, end = ctx.location(previous), ctx.location(keyword)
    return Fix(title, (Edit(start.end_line, start.end_column, end.end_line, end.end_column, ""),),
               safe=False)


def _argv_fix(ctx, command, shell_node) -> Fix | None:
    """`run(f"convert {src} {dst}", shell=True)` -> `run(["convert", src, dst])`."""
    if shell_node is None or command.type != "string":
        return None
    tokens: list[list[str]] = [[]]
    for child in command.named_children:
        kind = child.type
        if kind in ("string_start", "string_end"):
            if kind == "string_start" and "f" not in ctx.text(child).lower():
                return None
            continue
        if kind == "interpolation":
            expr = child.child_by_field_name("expression")
            if expr is None or child.named_child_count != 1 or any(
                    quote in ctx.text(expr) for quote in "'\""):
                return None  # `!r` conversions, format specs, nested quotes
            tokens[-1].append("{" + ctx.text(expr) + "}")
        elif kind == "string_content" and _FIXABLE_TEXT.fullmatch(ctx.text(child)):
            text = ctx.text(child)
            words = text.split()
            if text[:1].isspace() and tokens[-1]:
                tokens.append([])
            for index, word in enumerate(words):
                if index:
                    tokens.append([])
                tokens[-1].append(word)
            if text[-1:].isspace() and tokens[-1]:
                tokens.append([])
        else:
            return None
    tokens = [parts for parts in tokens if parts]
    if not tokens or any(part.startswith("{") for part in tokens[0]):
        return None  # the program itself must be constant
    shell_fix = _drop_shell(ctx, shell_node, "")
    if shell_fix is None:
        return None
    loc = ctx.location(command)
    edits = (Edit(loc.line, loc.column, loc.end_line, loc.end_column,
                  "[" + ", ".join(_token(parts) for parts in tokens) + "]"),) + shell_fix.edits
    return Fix("Run the program with an argument list instead of a shell", edits, safe=False)


def _token(parts: list[str]) -> str:
    if len(parts) == 1 and parts[0].startswith("{"):
        return parts[0][1:-1]
    if any(part.startswith("{") for part in parts):
        return 'f"' + "".join(parts) + '"'
    return '"' + "".join(parts) + '"'
