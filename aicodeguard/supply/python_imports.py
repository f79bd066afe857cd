"""Package references in a parsed Python file: imports, literal dynamic imports, setup.py.

Called by the Python analyzer with the captures it already has, so it costs no
extra query.  Relative imports name the project itself and are skipped; imports
guarded by `try: ... except ImportError` or `if TYPE_CHECKING:` are marked
optional (they may be missing on purpose, so they are never "undeclared").
"""

from __future__ import annotations

import os

from ..model import FileResult, ImportRef
from .names import NAMESPACE_ROOTS, PYPI
from .requirements import requirement_name

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_DYNAMIC = frozenset({"importlib.import_module", "__import__"})
_SETUP_KEYWORDS = frozenset({"install_requires", "setup_requires", "tests_require",
                             "extras_require"})


def add_import_refs(ctx, captures: dict, result: FileResult) -> None:
    refs = result.imports
    for node in captures.get("import", ()):
        kind = "optional-import" if _optional(ctx, node) else "import"
        for module, where in _imported_modules(ctx, node):
            refs.append(ImportRef(module, PYPI, ctx.location(where), kind))
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


def _optional(ctx, node) -> bool:
    current = node.parent
    child = node
    while current is not None:
        if current.type == "try_statement" and child.type == "block" and _catches_import_error(
                ctx, current):
            return True
        if current.type == "if_statement":
            condition = current.child_by_field_name("condition")
            if condition is not None and ctx.text(condition).endswith("TYPE_CHECKING"):
                return True
        child, current = current, current.parent
    return False


def _catches_import_error(ctx, try_node) -> bool:
    for clause in try_node.named_children:
        if clause.type != "except_clause":
            continue
        caught = [c for c in clause.named_children if c.type != "block"]
        if not caught:
            return True  # bare `except:`
        names = ctx.text(caught[0]).replace("(", " ").replace(")", " ").replace(",", " ")
        if _IMPORT_ERRORS.intersection(part.split(".")[-1] for part in names.split()):
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
    kind = "optional-import" if _optional(ctx, node) else "dynamic-import"
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
