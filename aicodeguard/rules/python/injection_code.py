"""Python checks for text that ends up running as code.

AIG103 eval/exec/compile and interactive interpreters, AIG104 imports by a
name from outside, AIG110 template sources built from data (a template
engine runs what the template says: `{{ ''.__class__.__mro__ }}` and up).
"""

from __future__ import annotations

import re

from ...analysis.python.callers import caller_taint
from ...model import LOCAL_INPUT, Confidence, Severity
from ..injection import CODE_INJECTION, IMPORT_INJECTION, TEMPLATE_INJECTION, code_read_details
from ..llm import LLM_OUTPUT_TO_CODE
from ..sinks import report_sink
from .checks import on
from .injection_values import assess, value_of, web_taint

OPERATOR = "operator"  # evidence context: the program's own user supplies it, low confidence

# qualname -> (position, keyword) of the code text.
CODE_CALLS = {
    **{name: (0, "source") for name in (
        "eval", "exec", "builtins.eval", "builtins.exec", "__builtins__.eval",
        "__builtins__.exec", "__builtin__.eval", "compile", "builtins.compile")},
    "execfile": (0, "filename"),
    "__builtin__.execfile": (0, "filename"),
}
_COMPILE_CALLS = frozenset({"compile", "builtins.compile"})
# `compile(line, "<stdin>", "single")` is how a debugger or REPL (pdb, `code`) runs the
# statement its own user typed at the terminal: only request data or LLM output there counts.
INTERACTIVE_MODES = frozenset({"single"})
# Safe shapes, handled in `assess`: text built only from the module's own data (constant
# tables, loop variables over them, private helpers only given them) — see
# `analysis.python.own_data`.
# Where code text was read from (`read_from`): socket and URL reads are remote input, lines
# of a file local input.
SOCKET_READS = frozenset({"recv", "recvfrom", "recv_bytes"})
STREAM_READS = frozenset({"read", "readline", "readlines", "read_text"})
LINE_READS = frozenset({"readline", "readlines"})
TEXT_TRANSFORMS = frozenset({"decode", "strip", "rstrip", "lstrip"})
URL_OPENERS = frozenset({"urllib.request.urlopen", "urllib2.urlopen", "urllib.urlopen", "httpx.get",
                         "requests.get", "requests.post", "six.moves.urllib.request.urlopen"})
SOCKET_MAKERS = frozenset({"socket.socket", "socket.create_connection", "socket.fromfd"})
COMPRESSED_OPENERS = frozenset({"gzip.open", "bz2.open", "lzma.open"})
MAX_READ_HOPS = 4
# Methods of the `code` module's interpreters that run their argument as source.
INTERPRETER_METHODS = ("runsource", "runcode", "push")
INTERPRETER_CLASSES = frozenset({"code.InteractiveInterpreter", "code.InteractiveConsole"})

IMPORT_CALLS = {
    "importlib.import_module": (0, "name"),
    "__import__": (0, "name"),
    "importlib.__import__": (0, "name"),
    "builtins.__import__": (0, "name"),
    "imp.load_source": (1, "pathname"),
    "runpy.run_module": (0, "mod_name"),
    "runpy.run_path": (0, "path_name"),
}

TEMPLATE_CALLS = {
    "flask.render_template_string": (0, "source"),
    "quart.render_template_string": (0, "source"),
    "jinja2.Template": (0, "source"),
    "jinja2.environment.Template": (0, "source"),
    "mako.template.Template": (0, "text"),
    "django.template.Template": (0, "template_string"),
    "django.template.base.Template": (0, "template_string"),
    "tornado.template.Template": (0, "template_string"),
}
# `f"plugins.{name}"`: the import stays inside one package (less at stake).
_PACKAGE_PREFIX = re.compile(r"[rRbBuUfF]*[\"']\w+(\.\w+)*\.")
FILE_OPENERS = frozenset({"open", "io.open", "codecs.open", "pathlib.Path", "pathlib.PurePath"})
# `<receiver>.from_string(src)`: jinja2 environments, Django `engines[...]`.
_TEMPLATE_RECEIVER_HINTS = ("env", "jinja", "engine", "template")


@on.call(*CODE_CALLS)
def code_call(ctx, call) -> None:
    position, keyword = CODE_CALLS[call.qualname]
    source = call.arg(position, keyword)
    if call.qualname in _COMPILE_CALLS:
        # `compile()` only makes a code object (`ast.parse`, `dis`, syntax checks): the
        # code runs where something executes it.  Reported here only when request data or
        # LLM output is compiled (wherever the code object goes next).
        found = assess(ctx, source)
        if found is not None and web_taint(ctx, found.parts) is not None:
            check_code(ctx, call, source)
        return
    compiled = _compiled(ctx, source)
    if compiled is not None:  # `exec(compile(src, ...))`: judge the text that was compiled
        text = compiled.arg(0, "source")
        found = assess(ctx, text)
        if found is None or web_taint(ctx, found.parts) is not None:
            return  # constant, or already reported at `compile`
        if ctx.literal(compiled.arg(2, "mode")) in INTERACTIVE_MODES:
            return  # a REPL compiling what its user typed: the purpose, not a flaw
        check_code(ctx, call, text)
        return
    check_code(ctx, call, source)


@on.method(*INTERPRETER_METHODS)
def interpreter_method(ctx, call) -> None:
    receiver = value_of(ctx, call.func.child_by_field_name("object"))
    if receiver is None or receiver.type != "call" \
            or ctx.call(receiver).qualname not in INTERPRETER_CLASSES:
        return
    check_code(ctx, call, call.arg(0, "source" if call.method == "runsource" else None))


@on.call("logging.config.listen")
def logging_listener(ctx, call) -> None:
    if "verify" in call.keywords or len(call.positional) > 1:
        return
    ctx.report(CODE_INJECTION, call.node,
               "`logging.config.listen` accepts a logging configuration from a socket and "
               "applies it, and a configuration can name any callable to run; pass `verify=` "
               "to check a signature, or load the configuration from a file",
               severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)


def check_code(ctx, call, source) -> None:
    found = assess(ctx, source)
    if found is None:
        _report_read(ctx, call, source)  # `for line in sys.stdin: exec(line)`
        return
    if found.taint is None:  # `def calc(expr): eval(expr)` with `calc(input())` in the file
        found.taint = caller_taint(ctx, found.parts)
    if found.built or found.taint is not None:
        what = f"built with {found.how()}" if found.built else "taken from outside"
        report_sink(ctx, CODE_INJECTION, source,
                    f"Python code {what} is run by `{call.name}`; whoever controls the value "
                    "runs any code in this process: parse the data instead (`json.loads`, "
                    "`ast.literal_eval`) or dispatch to a fixed set of functions", found.taint,
                    llm_rule=LLM_OUTPUT_TO_CODE, library=True)
        return
    if _reads_project_file(ctx, source):
        return  # `exec(open("pkg/version.py").read())` in setup.py: the project's own code
    if _report_read(ctx, call, source):
        return
    report_sink(ctx, CODE_INJECTION, source,
                f"a non-constant value is run as Python code by `{call.name}`; if any caller "
                "passes outside data it runs any code: parse the data instead "
                "(`json.loads`, `ast.literal_eval`)", None, severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM, library=True)


def _report_read(ctx, call, source) -> bool:
    """Report code text read from a socket, a URL or a file's lines; True when reported."""
    read = read_from(ctx, source)
    if read is None:
        return False
    where, remote = read
    message, details = code_read_details(
        where, "Python", call.name, remote,
        "parse the data instead (`json.loads`, `ast.literal_eval`)")
    report_sink(ctx, CODE_INJECTION, source, message, None, **details)
    return True


def read_from(ctx, node) -> tuple[str, bool] | None:
    """("data received from a socket", remote) when the code text was read from a socket
    or URL (remote), or line by line from a file (local); None otherwise.  A whole file's
    text (`exec(f.read())`) is a script being run: the general report covers it."""
    value = value_of(ctx, node)
    for _ in range(MAX_READ_HOPS):
        if value is None:
            return None
        if value.type == "identifier":
            bindings = ctx.reaching(ctx.text(value), value)
            if not bindings or bindings[-1].kind != "for":
                return None
            stream = _stream(ctx, bindings[-1].value)  # `for line in open(p): eval(line)`
            return _described(stream, lines=True)
        if value.type == "attribute":  # `requests.get(u).text`
            holder = value_of(ctx, value.child_by_field_name("object"))
            return _described(_stream(ctx, holder), lines=False)
        if value.type != "call":
            return None
        call = ctx.call(value)
        if call.method in SOCKET_READS:
            return "data received from a socket", True
        if call.method in TEXT_TRANSFORMS and call.func is not None:
            value = value_of(ctx, call.func.child_by_field_name("object"))
            continue
        if call.method not in STREAM_READS or call.func is None:
            return None
        stream = _stream(ctx, value_of(ctx, call.func.child_by_field_name("object")))
        return _described(stream, lines=call.method in LINE_READS)
    return None


def _stream(ctx, node) -> str | None:
    """"socket", "url", "file" or "stdin": what a stream object was opened on."""
    for _ in range(MAX_READ_HOPS):
        if node is None:
            return None
        if node.type == "identifier":
            bindings = ctx.reaching(ctx.text(node), node)
            if not bindings or bindings[-1].kind not in ("assign", "with", "unpack") \
                    or bindings[-1].value is None:
                return None
            node = value_of(ctx, bindings[-1].value)
            continue
        if node.type == "attribute" and ctx.qualname(node) == "sys.stdin":
            return "stdin"
        if node.type != "call":
            return None
        call = ctx.call(node)
        if call.qualname in FILE_OPENERS or call.qualname in COMPRESSED_OPENERS:
            return "file"
        if call.qualname in URL_OPENERS:
            return "url"
        if call.qualname in SOCKET_MAKERS or call.method in ("makefile", "accept"):
            return "socket"
        if call.method in ("readlines",) and call.func is not None:
            node = call.func.child_by_field_name("object")
            continue
        return None
    return None


def _described(stream: str | None, *, lines: bool) -> tuple[str, bool] | None:
    if stream == "socket":
        return "data received from a socket", True
    if stream == "url":
        return "a document downloaded from a URL", True
    if stream in ("file", "stdin") and lines:
        return f"a line read from {'a file' if stream == 'file' else 'standard input'}", False
    return None


def _reads_project_file(ctx, node) -> bool:
    """`open("version.py").read()`, `Path("x.py").read_text()`, or `f.read()` after
    `with open("x.py") as f`: the text of a file named by a constant path."""
    value = value_of(ctx, node)
    if value is None or value.type != "call":
        return False
    call = ctx.call(value)
    if call.method not in ("read", "read_text") or call.func is None:
        return False
    opened = value_of(ctx, call.func.child_by_field_name("object"))
    if opened is not None and opened.type == "identifier":  # `with open(...) as f`
        bindings = ctx.reaching(ctx.text(opened), opened)
        opened = bindings[-1].value if bindings and bindings[-1].kind == "with" else None
    if opened is None or opened.type != "call":
        return False
    file_call = ctx.call(opened)
    return file_call.qualname in FILE_OPENERS and ctx.is_literal(file_call.arg(0, "file"))


def _compiled(ctx, node):
    """The `compile(...)` call whose code object `node` is, or None."""
    value = value_of(ctx, node)
    if value is None or value.type != "call":
        return None
    call = ctx.call(value)
    return call if call.qualname in _COMPILE_CALLS else None


@on.call(*IMPORT_CALLS)
def import_by_name(ctx, call) -> None:
    position, keyword = IMPORT_CALLS[call.qualname]
    name = call.arg(position, keyword)
    found = assess(ctx, name)
    taint = web_taint(ctx, found.parts) if found is not None else None
    if taint is None:
        return
    fixed_prefix = found.built and _PACKAGE_PREFIX.match(ctx.text(value_of(ctx, name)))
    report_sink(ctx, IMPORT_INJECTION, name,
                f"the module loaded by `{call.name}` is named by outside data; importing runs "
                "the module's code: map the allowed names to modules in a dictionary", taint,
                llm_rule=LLM_OUTPUT_TO_CODE, escalate=False,
                severity=Severity.MEDIUM if fixed_prefix else None)


@on.call(*TEMPLATE_CALLS)
def template_call(ctx, call) -> None:
    position, keyword = TEMPLATE_CALLS[call.qualname]
    check_template(ctx, call, call.arg(position, keyword))


@on.method("from_string")
def template_from_string(ctx, call) -> None:
    receiver = call.func.child_by_field_name("object")
    text = ctx.text(value_of(ctx, receiver)).lower()
    if "sandbox" in text or not any(hint in text for hint in _TEMPLATE_RECEIVER_HINTS):
        return
    check_template(ctx, call, call.arg(0, "source"))


def check_template(ctx, call, source) -> None:
    found = assess(ctx, source)
    if found is None or not (found.built or found.taint is not None):
        return
    what = f"built with {found.how()}" if found.built else "taken from outside"
    evidence = severity = None
    if not found.built and found.taint is not None and found.taint.kind == "input":
        # `Template(sys.stdin.read())`: the person running the program supplies the whole
        # template, as to any template-rendering command; nobody else's data is in it.
        evidence, severity = f"{LOCAL_INPUT}+{OPERATOR}", Severity.MEDIUM
    report_sink(ctx, TEMPLATE_INJECTION, source,
                f"template source {what} is passed to `{call.name}`; the engine runs "
                "expressions found in the data (server-side template injection): keep the "
                "template constant and pass values as template variables", found.taint,
                llm_rule=LLM_OUTPUT_TO_CODE, evidence=evidence, severity=severity,
                escalate=severity is None)
