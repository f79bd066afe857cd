"""What kind of code a whole JavaScript/TypeScript file is: test code, generated code,
example code (an `examples/`, `demo/` or `docs/` folder of the project, as for Python).

A test file imports or requires a test framework, or calls `describe(`/`it(`/`test(`
at its top level (jest and mocha provide them as globals).  Generated code says so in
a header comment (the same markers as for Python).
"""

from __future__ import annotations

from ..python.file_kind import EXAMPLE, GENERATED, TEST, is_example_path, is_generated
from .sources import SERVER_MODULES

# Package names (as imported) of test frameworks and assertion libraries.
TEST_PACKAGES = frozenset({
    "jest", "@jest/globals", "mocha", "vitest", "node:test", "chai", "ava", "tap", "uvu",
    "jasmine", "@playwright/test", "cypress", "sinon", "supertest", "@testing-library/react",
    "@testing-library/jest-dom", "@testing-library/user-event", "@testing-library/dom",
})
# Modules whose import marks code that serves outside parties (as Python's
# `APPLICATION_MODULES`): the server frameworks routes are read for (`SERVER_MODULES`),
# and more servers and LLM clients.  A name ending in "/" is a scope; others match the
# module or its subpaths (`next/server`).  Node's `http`/`https` serve only through
# `createServer` (`SERVER_CALLS`): importing them is as often a client.
APPLICATION_MODULES = (
    *sorted(SERVER_MODULES), "@koa/", "@hapi/", "next", "@nestjs/", "socket.io", "ws",
    "openai", "@anthropic-ai/", "@google/generative-ai", "ai", "@ai-sdk/", "langchain",
    "@langchain/", "ollama", "@mistralai/", "cohere-ai",
)
SERVER_CALLS = frozenset({"createServer", "createSecureServer"})
# Global functions of jest, mocha, jasmine and vitest that declare tests.
TEST_GLOBALS = frozenset({"describe", "it", "test", "suite"})
_CALL_STATEMENTS = frozenset({"expression_statement"})


def js_file_context(data: bytes, imported: set[str], root,
                    project_path: str = "") -> frozenset[str]:
    """`imported`: module specifiers the file imports or requires; `root`: the program node;
    `project_path`: the path relative to the project root."""
    found = set()
    if project_path and is_example_path(project_path):
        found.add(EXAMPLE)
    if imported & TEST_PACKAGES or _declares_tests(root):
        found.add(TEST)
    if is_generated(data):
        found.add(GENERATED)
    return frozenset(found)


def is_application(modules, called) -> bool:
    """`modules`: the module specifiers a file imports or requires; `called`: the names of
    the functions and methods it calls."""
    return not SERVER_CALLS.isdisjoint(called) or any(
        module == name or module.startswith(name if name.endswith("/") else name + "/")
        for module in modules for name in APPLICATION_MODULES)


def _declares_tests(root) -> bool:
    """A top-level statement `describe(...)`, `it(...)`, `test.each(...)(...)`..."""
    for statement in root.named_children:
        if statement.type not in _CALL_STATEMENTS or not statement.named_child_count:
            continue
        call = statement.named_children[0]
        while call.type == "call_expression":
            func = call.child_by_field_name("function")
            if func is None:
                break
            if func.type == "member_expression":  # describe.only(...), test.each(t)(...)
                func = func.child_by_field_name("object")
            if func is not None and func.type == "identifier" and \
                    func.text.decode("utf-8", "replace") in TEST_GLOBALS:
                return True
            call = func
    return False
