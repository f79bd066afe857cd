"""What kind of code a whole file is: test code, generated code, example code, and
whether it is application code.

A module is test code when it imports a test framework *and* defines tests the
framework collects (`def test_*`, `class Test*`, `class *TestCase`), or when it is a
pytest `conftest.py`.  Generated code says so in a header comment near the top.  The
name of a test folder is not evidence here (`tests/` holds fixtures and helpers too);
an `examples/`, `example/`, `demo/` or `docs/` folder of the project (its path relative
to the project root) is: code there shows how to use the project and is not shipped as
part of it.  Policy weighs the context, the rules only record it.

Application code (`is_application`) is a module that serves outside parties: it imports a
web framework or server, or an LLM client.  Elsewhere a function parameter is what the
function's caller passes, so a parameter reaching a code-execution or unpickling sink is
the function's contract (a debugger running the statement it is given, a profiler
running the command it is handed) more often than a flaw; see `model.LIBRARY`.  A caller in
the same file that passes user input (`calc(input())`) is followed instead
(`callers.caller_taint`).  Reading `sys.argv` is not a sign: most library modules have a
command-line `main()`.
"""

from __future__ import annotations

import os
import re

TEST = "test"
GENERATED = "generated"
EXAMPLE = "example"
# Folders (relative to the project root) whose code shows how to use the project.
EXAMPLE_FOLDERS = frozenset({"examples", "example", "demo", "demos", "docs", "doc"})
# Top-level modules (or dotted prefixes) whose import marks code that serves outside
# parties: web frameworks and servers, LLM clients (see `sources.LLM_CLIENT_MODULES`).
APPLICATION_MODULES = frozenset({
    "flask", "django", "fastapi", "starlette", "aiohttp", "tornado.web", "bottle", "falcon",
    "pyramid", "quart", "sanic", "litestar", "werkzeug", "cherrypy", "web2py", "streamlit",
    "gradio", "http.server", "socketserver", "xmlrpc.server", "wsgiref.simple_server",
})

# Top-level packages whose import marks a module as (possibly) test code.
TEST_FRAMEWORKS = frozenset({"pytest", "unittest", "hypothesis", "nose", "nose2", "testtools",
                             "pytest_asyncio", "asynctest"})
# Definitions the frameworks above collect (`class Login(unittest.TestCase)` too).
_TEST_DEFINITION = re.compile(
    rb"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+test_?\w*[ \t]*\(|class[ \t]+(?:Test\w*|\w+TestCase)\b"
    rb"|class[ \t]+\w+[ \t]*\([^)]*TestCase\b)",
    re.MULTILINE)
# A generated-code marker inside a comment in the first lines of a file (any language:
# `#`, `//`, `/* */`, ` * ` continuation lines, `"""` docstrings).
GENERATED_HEADER = re.compile(
    rb"^[ \t]*(?:#|//|/\*|\*|\"\"\"|''')[^\n]*?(?:\bgenerated[ \t]+by\b|\bDO[ \t]+NOT[ \t]+EDIT\b"
    rb"|@generated\b|\bauto-?generated\b|\bcode[ \t]+generated\b)",
    re.IGNORECASE | re.MULTILINE)
HEADER_BYTES = 2048  # how far into the file a header may sit (after licence lines)


def is_generated(data: bytes) -> bool:
    return GENERATED_HEADER.search(data[:HEADER_BYTES]) is not None


def is_example_path(project_path: str) -> bool:
    """A file under an examples/demo/docs folder of its project (`SourceFile.project_path`)."""
    folders = project_path.lower().split("/")[:-1]
    return not EXAMPLE_FOLDERS.isdisjoint(folders)


def is_application(imported) -> bool:
    """`imported`: the qualified names the module imports.  See the module docstring."""
    from .sources import LLM_CLIENT_MODULES

    return any(name.partition(".")[0] in LLM_CLIENT_MODULES or any(
        name == module or name.startswith(module + ".") for module in APPLICATION_MODULES)
        for name in imported)


def python_file_context(path: str, data: bytes, imported: set[str],
                        project_path: str = "") -> frozenset[str]:
    """`imported`: the qualified names the module imports (`pytest`, `unittest.mock.patch`);
    `project_path`: the path relative to the project root."""
    found = set()
    if project_path and is_example_path(project_path):
        found.add(EXAMPLE)
    if os.path.basename(path) == "conftest.py" or (
            any(name.partition(".")[0] in TEST_FRAMEWORKS for name in imported)
            and _TEST_DEFINITION.search(data) is not None):
        found.add(TEST)
    if is_generated(data):
        found.add(GENERATED)
    return frozenset(found)
