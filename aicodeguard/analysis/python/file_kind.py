"""What kind of code a whole file is, read from its structure: test code, generated code.

A module is test code when it imports a test framework *and* defines tests the
framework collects (`def test_*`, `class Test*`, `class *TestCase`), or when it is a
pytest `conftest.py`.  Generated code says so in a header comment near the top.  The
name of a folder is not evidence here (`tests/` holds fixtures and helpers too); policy
weighs the context, the rules only record it.
"""

from __future__ import annotations

import os
import re

TEST = "test"
GENERATED = "generated"

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


def python_file_context(path: str, data: bytes, imported: set[str]) -> frozenset[str]:
    """`imported`: the qualified names the module imports (`pytest`, `unittest.mock.patch`)."""
    found = set()
    if os.path.basename(path) == "conftest.py" or (
            any(name.partition(".")[0] in TEST_FRAMEWORKS for name in imported)
            and _TEST_DEFINITION.search(data) is not None):
        found.add(TEST)
    if is_generated(data):
        found.add(GENERATED)
    return frozenset(found)
