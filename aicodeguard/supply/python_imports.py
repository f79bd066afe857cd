"""Package references in a parsed Python file: imports, literal dynamic imports, setup.py.

Called by the Python analyzer with the captures it already has, so it costs no
extra query.  Relative imports name the project itself and are skipped.  Guarded
imports are marked: "optional-import" under `try: ... except ImportError` (or
`ModuleNotFoundError`, `Exception`, a bare `except:`, `contextlib.suppress(ImportError)`),
`if TYPE_CHECKING:` and platform or version checks (`sys.platform`, `os.name`,
`platform.system()`, `sys.version_info`, flags such as `IS_WINDOWS`, `HAS_NUMPY`) -- they may be missing
on purpose, so they are never "undeclared", and verdicts on them are informational (low
severity); "deferred-import" inside a function (loaded only when that code runs) is
judged like any import.
"""

from __future__ import annotations

import os
import re

from ..model import FileResult, ImportRef
from .names import NAMESPACE_ROOTS, PYPI
from .requirements import requirement_name

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Conditions that pick an import by platform, interpreter or version, or for type checkers.
_GUARD_CONDITION = re.compile(
    r"TYPE_CHECKING|\bsys\.(platform|version_info|implementation|maxsize)|\bos\.name\b|"
    r"\bplatform\.|\b(?i:has|have|with)_\w+|\w*(?i:available|installed)\b|"
    r"\b(?i:is|on|running_on)_(?i:win\w*|mac\w*|darwin|linux|posix|pypy|jython|cpython|py[23]\w*)\b|"
    r"\b(WIN(DOWS|32)?|MAC(OS)?|DARWIN|LINUX|POSIX|JYTHON|PYPY|CPYTHON|PY[23][0-9]*)\b")
_FUNCTIONS = frozenset({"function_definition", "lambda"})
_DYNAMIC = frozenset({"importlib.import_module", "__import__"})
_SETUP_KEYWORDS = frozenset({"install_requires", "setup_requires", "tests_require",
                             "extras_require"})


def add_import_refs(ctx, captures: dict, result: FileResult) -> None:
    refs = result.imports
    for node in captures.get("import", ()):
        kind = _guarded(ctx, node) or "import"
        for module, where in _imported_modules(ctx, node):
            refs.append(ImportRef(module, PYPI, ctx.location(where), kind))
    data = ctx.source.data
    if b"import_module" in data or b"__import__" in data:
        for node in captures.get("call", ()):
            ref = _dynamic_import(ctx, node)
            if ref is not None:
                refs.append(ref)
    if os.path.basename(result.path) == "setup.py":
        for node in captures.get("keyword", ()):
            refs.extend(_setup_requirements(ctx, node))


def _imported_modules(ctx, node):
    """(module, node to report) for each module an import statement loads."""
    if node.type == "import_statement":
        for child in node.named_children:
            target = child.child_by_field_name("name") if child.type == "aliased_import" else child
            if target is not None and target.type == "dotted_name":
                yield ctx.text(target), target
        return
    module = node.child_by_field_name("module_name")
    if module is None or module.type != "dotted_name":
        return  # relative import: the project itself
    name = ctx.text(module)
    if name.partition(".")[0] not in NAMESPACE_ROOTS:
        yield name, module
        return
    found = False
    for child in node.children_by_field_name("name"):
        target = child.child_by_field_name("name") if child.type == "aliased_import" else child
        if target is not None and target.type == "dotted_name":
            found = True
            yield f"{name}.{ctx.text(target)}", module
    if not found:
        yield name, module


def _guarded(ctx, node) -> str | None:
    """"optional-import", "deferred-import" (inside a function) or None."""
    current = node.parent
    child = node
    deferred = False
    while current is not None:
        kind = current.type
        if kind == "try_statement" and child.type == "block" and _catches_import_error(
                ctx, current):
            return "optional-import"
        if kind in ("if_statement", "elif_clause"):
            condition = current.child_by_field_name("condition")
            if condition is not None and _GUARD_CONDITION.search(ctx.text(condition)):
                return "optional-import"
        if kind == "with_statement" and _suppresses_import_error(ctx, current):
            return "optional-import"
        if kind in _FUNCTIONS:
            deferred = True
        child, current = current, current.parent
    return "deferred-import" if deferred else None


def _suppresses_import_error(ctx, with_node) -> bool:
    """`with contextlib.suppress(ImportError):`"""
    for clause in with_node.named_children:
        if clause.type == "with_clause":
            text = ctx.text(clause)
            return "suppress(" in text and _names_import_error(text)
    return False


def _names_import_error(text: str) -> bool:
    for mark in "(),:":
        text = text.replace(mark, " ")
    return bool(_IMPORT_ERRORS.intersection(part.split(".")[-1] for part in text.split()))


def _catches_import_error(ctx, try_node) -> bool:
    for clause in try_node.named_children:
        if clause.type != "except_clause":
            continue
        caught = [c for c in clause.named_children if c.type != "block"]
        if not caught:
            return True  # bare `except:`
        if _names_import_error(ctx.text(caught[0])):
            return True
    return False


def _dynamic_import(ctx, node) -> ImportRef | None:
    func = node.child_by_field_name("function")
    if func is None or not ctx.source.data.endswith((b"import_module", b"__import__"), 0,
                                                    func.end_byte):
        return None
    if ctx.qualname(func) not in _DYNAMIC:
        return None
    args = node.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_child_count else None
    if first is None or first.type == "keyword_argument":
        return None
    value = ctx.literal(first)
    if not isinstance(value, str) or not value or value.startswith("."):
        return None
    kind = _guarded(ctx, node) or "dynamic-import"
    content = [child for child in first.named_children if child.type == "string_content"]
    return ImportRef(value, PYPI, ctx.location(content[0] if content else first), kind)


def _setup_requirements(ctx, node):
    """Requirement strings passed to `setup(install_requires=[...])` and friends."""
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    if name is None or value is None or ctx.text(name) not in _SETUP_KEYWORDS:
        return
    stack = [value]
    hops = 0
    while stack and hops < 50:
        hops += 1
        current = stack.pop()
        if current.type == "identifier":
            bindings = ctx.reaching(ctx.text(current), current)
            if bindings and bindings[-1].value is not None:
                stack.append(bindings[-1].value)
        elif current.type == "pair":
            stack.extend(current.children_by_field_name("value"))
        elif current.type in ("list", "tuple", "dictionary", "binary_operator",
                              "parenthesized_expression"):
            stack.extend(current.named_children)
        elif current.type == "string":
            text = ctx.literal(current)
            requirement = requirement_name(text) if isinstance(text, str) else None
            if requirement is not None:
                written = ctx.text(current)
                start = current.start_byte + len(
                    written[:max(written.find(requirement), 0)].encode("utf-8"))
                location = ctx.source.offset_location(
                    start, start + len(requirement.encode("utf-8")))
                yield ImportRef(requirement, PYPI, location, "setup.py")
