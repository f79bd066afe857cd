"""Summaries of functions imported from the project's own modules.

`from .db import run_query` / `from app.util import build` / `from . import util`:
when the module is a file of the same project (found from the importing file's folder
for a relative import, from the project root or the importing file's folder for an
absolute one), it is read — a regular file inside the project, at most
MAX_MODULE_BYTES, never imported or run — parsed, and its module-level functions are
summarised like the file's own (`summaries`).  One level only: the imported module's
own imports are not followed.  Parsed modules are kept per content hash (LRU).

The result cache must see what a finding rests on: `with_imports` adds the path and
content of every module `dependencies` lists to a file's cache key, and the analysis
reads only modules from that same list, so a changed module re-checks its importers.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import OrderedDict

from ..shared import Taint
from ..source import SourceFile, project_root

MAX_MODULE_BYTES = 512_000
MAX_DEPENDENCIES = 32  # modules per importing file
MAX_PARSED = 64  # parsed modules kept in memory
_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)",
                          re.MULTILINE)
_parsed: OrderedDict[bytes, object] = OrderedDict()
_QUERY = """
(import_statement) @import
(import_from_statement) @import
(assignment) @bind
(augmented_assignment) @bind
(for_statement) @bind
(as_pattern) @bind
(named_expression) @bind
"""


def dependencies(path: str, data: bytes) -> dict[str, str]:
    """Module name as the importing file's `imports` spell it (`.db`, `..util`,
    `app.util`) -> the project file it names, for the file's `from ... import` lines."""
    folder = os.path.dirname(os.path.abspath(path))
    root = project_root(folder)
    if root is None:
        return {}
    found: dict[str, str] = {}
    top = os.path.realpath(root)
    for match in _FROM_IMPORT.finditer(data):
        module = match.group(1).decode("ascii", "replace")
        level = len(module) - len(module.lstrip("."))
        parts = [part for part in module[level:].split(".") if part]
        bases = _bases(root, folder, level)
        candidates = [(module, parts)] if parts else []
        if not parts or any(os.path.isdir(os.path.join(base, *parts)) for base in bases):
            names = match.group(2).decode("utf-8", "replace").strip("() \t\r\n\\")
            candidates.extend((f"{module}.{name}", [*parts, name]) for name in (
                part.split()[0] for part in names.split(",") if part.split())
                if name.isidentifier())  # `from . import util`: a submodule
        for spelled, path_parts in candidates:
            if spelled not in found and len(found) < MAX_DEPENDENCIES:
                file = _module_file(bases, path_parts, top)
                if file is not None:
                    found[spelled] = file
    return found


def with_imports(key: str, path: str, data: bytes) -> str:
    """A result-cache key that also covers the project modules the file imports."""
    modules = dependencies(path, data)
    if not modules:
        return key
    root = project_root(os.path.dirname(os.path.abspath(path))) or ""
    digest = hashlib.blake2b(key.encode(), digest_size=20)
    for spelled, file in sorted(modules.items()):
        content = _read(file)
        digest.update(f"\0{spelled}\0{os.path.relpath(file, root)}\0".encode())
        digest.update(hashlib.blake2b(content or b"", digest_size=20).digest())
    return digest.hexdigest()


def imported_summary(ctx, call):
    """The summary of the project function a call runs (`run_query(...)` after
    `from .db import run_query`), or None; its `source` points at the call."""
    if ctx.memo.get(("imported-module",)) or call.qualname is None or call.func is None:
        return None
    head = ctx.text(call.func).split(".", 1)[0].strip()
    if head not in ctx.imports:
        return None
    spelled, _, name = call.qualname.rpartition(".")
    modules = ctx.memo.get(("dependencies",))
    if modules is None:
        modules = ctx.memo[("dependencies",)] = dependencies(ctx.source.path, ctx.source.data)
    file = modules.get(spelled)
    module = _module(file) if file is not None else None
    summary = module.summary(name) if module is not None else None
    if summary is None or summary.source is None:
        return summary
    source = Taint(summary.source.kind, call.node, summary.source.text)
    return type(summary)(summary.params, source, summary.signature)


class _Module:
    """One parsed project module: its context, and summaries of its top-level functions."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.functions = {}
        for node in ctx.tree.root_node.named_children:
            function = node.child_by_field_name("definition") \
                if node.type == "decorated_definition" else node
            if function is not None and function.type == "function_definition":
                name = function.child_by_field_name("name")
                self.functions[ctx.text(name)] = function

    def summary(self, name: str):
        from .summaries import summarise

        function = self.functions.get(name)
        return summarise(self.ctx, function) if function is not None else None


def _module(file: str) -> _Module | None:
    data = _read(file)
    if data is None:
        return None
    key = hashlib.blake2b(data, digest_size=20).digest()
    module = _parsed.get(key)
    if module is None:
        module = _parse(file, data)
        _parsed[key] = module
        if len(_parsed) > MAX_PARSED:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(key)
    return module


def _parse(file: str, data: bytes) -> _Module | None:
    from tree_sitter import Query, QueryCursor

    from ...languages import parser, ts_language
    from ...parse_guard import parse_refusal
    from .context import PyContext, read_names

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if parse_refusal("python", data) is not None:
        return None  # nesting the grammar cannot parse safely: its functions stay unknown
    tree = parser("python").parse(data)
    ctx = PyContext(SourceFile(os.path.basename(file), data), tree)
    ctx.memo[("imported-module",)] = True  # one level: its own imports are not followed
    read_names(ctx, QueryCursor(Query(ts_language("python"), _QUERY)).captures(tree.root_node))
    return _Module(ctx)


def _bases(root: str, folder: str, level: int) -> list[str]:
    """Where `from <level dots><module> import ...` looks: the importing file's package
    (and its parents) for a relative import, else the project root and the file's folder."""
    if not level:
        return [root, folder]
    base = folder
    for _ in range(level - 1):
        base = os.path.dirname(base)
    return [base]


def _module_file(bases: list[str], parts: list[str], top: str) -> str | None:
    for base in bases:
        stem = os.path.join(base, *parts)
        for file in (stem + ".py", os.path.join(stem, "__init__.py")):
            if _inside(file, top):
                return file
    return None


def _inside(file: str, top: str) -> bool:
    """A regular file (not a link) of bounded size under `top`, the real project root."""
    try:
        info = os.lstat(file)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MODULE_BYTES:
        return False
    return os.path.commonpath([os.path.realpath(file), top]) == top


def _read(file: str) -> bytes | None:
    try:
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        data = handle.read(MAX_MODULE_BYTES + 1)
    return data if len(data) <= MAX_MODULE_BYTES else None
