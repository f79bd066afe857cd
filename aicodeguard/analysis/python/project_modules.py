"""Summaries of functions imported from the project's own modules.

`from .db import run_query` / `from app.util import build` / `from . import util` /
`import util; util.run(...)` / `import app.db as db; db.run(...)` / `import app.db;
app.db.run(...)`: when the module is a file of the same project (found from the
importing file's folder for a relative import, from the project root or the importing
file's folder for an absolute one: `_bases`), it is read — a regular file
inside the project, at most MAX_MODULE_BYTES, never imported or run (`project_files`) —
parsed, and its module-level functions are summarised like the file's own
(`summaries`).  A name the module re-exports — a package's `__init__.py` or a plain
module (`from .db import run`, `from app.db import run`, `from .db import *`) — is
looked up where it comes from, at
most MAX_REEXPORT_HOPS re-exports away (`_definition`): that is name resolution, not a
call, so it stays one level only — the defining module's own imports are not followed.
Parsed modules are kept per path and content (LRU).

The result cache must see what a finding rests on: `with_imports` adds the path and
content of every module `dependencies` lists to a file's cache key (the modules its
names are re-exported from included), and the analysis reads only modules from that same list,
so a changed module re-checks its importers.
"""

from __future__ import annotations

import functools
import os
import re

from ...supply.names import PYTHON_STDLIB
from ..project_files import (
    MAX_DEPENDENCIES,
    ParsedModules,
    inside,
    key_with_modules,
    read_module,
)
from ..shared import Taint
from ..source import SourceFile, project_root

# Import statements, found by `_statements` where they begin a line (a pattern that
# starts with a literal is searched several times faster than one that starts with `^`).
_FROM_IMPORT = re.compile(rb"from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)")
_IMPORT = re.compile(rb"import[ \t]+([^\n#;\\]*)")
# Modules Python finds before any folder of its path: built into the interpreter, or
# already loaded when a script starts (`site` and what it needs).  A project file of that
# name is never what `import os` runs.
FOUND_BEFORE_THE_PATH = frozenset({
    "sys", "builtins", "marshal", "posix", "nt", "pwd", "time", "errno", "gc", "itertools",
    "atexit", "faulthandler", "os", "io", "abc", "codecs", "encodings", "stat",
    "genericpath", "posixpath", "ntpath", "site", "zipimport", "__future__", "__main__",
})
MAX_REEXPORT_HOPS = 3  # re-exports between the module a file imports and the definition



def dependencies(path: str, data: bytes) -> dict[str, str]:
    """Module name as the importing file's `imports` spell it (`.db`, `..util`,
    `app.util`) -> the project file it names, for the file's `from ... import` and
    `import ...` lines; then, for each of them, the modules it may take the file's names
    from, spelled `app>.db` (`_add_reexports`)."""
    folder = os.path.dirname(os.path.abspath(path))
    root = project_root(folder)
    if root is None:
        return {}
    found: dict[str, str] = {}
    taken: dict[str, set[str] | None] = {}  # spelling -> names taken from it (None: any)
    top = os.path.realpath(root)
    _add_from_imports(found, taken, "", data, root, folder, top, None)
    for match in _statements(_IMPORT, data):
        for name, _ in _imported(match.group(1), dotted=True):  # `import app.db as db`
            parts = name.split(".")
            _add(found, "", [(name, parts)], _bases(root, folder, 0, parts), top)
            taken[name] = None  # `app.db.run(...)`: any of its names
    for spelled, file in list(found.items()):
        _add_reexports(found, taken, spelled, file, root, top, (file,))
    return found


def _add_from_imports(found: dict[str, str], taken: dict, prefix: str, data: bytes,
                      root: str, folder: str, top: str, wanted: set[str] | None) -> None:
    """The modules the `from ... import` lines of `data` (a file in `folder`) name, under
    `prefix` + their spelling, with the names taken from each.  For a re-exporting
    module, only the lines that may give a `wanted` name (None: any) count."""
    for match in _statements(_FROM_IMPORT, data):
        if len(found) >= MAX_DEPENDENCIES:
            return  # a long module costs no more look-ups than a short one
        star = match.group(2).strip() == b"*"
        names = None  # read when needed: most lines name a plain module
        if wanted is not None:
            names = [(name, bound) for name, bound in _imported(match.group(2))
                     if bound in wanted]
            if not names and not (star and wanted):
                continue  # gives none of the names wanted
        module = match.group(1).decode("ascii", "replace")
        level = len(module) - len(module.lstrip("."))
        parts = [part for part in module[level:].split(".") if part]
        bases = _bases(root, folder, level, parts)
        candidates = [(module, parts)] if parts else []
        if not parts or any(os.path.isdir(os.path.join(base, *parts)) for base in bases):
            names = _imported(match.group(2)) if names is None else names
            candidates.extend((f"{module}.{name}", [*parts, name])
                              for name, _ in names)  # `from . import util`: a submodule
        _add(found, prefix, candidates, bases, top)
        if level and not parts and any(prefix + spelled not in found
                                       for spelled, _ in candidates):
            # `from . import run`: not a submodule, a name the package's __init__ gives
            _add(found, prefix, [(module, [])], bases, top)
        if prefix + module in found:  # the names taken from it may be its re-exports
            names = _imported(match.group(2)) if names is None else names
            _take(taken, prefix + module, wanted if star else {name for name, _ in names})


def _take(taken: dict, spelled: str, names: set[str] | None) -> None:
    """Add `names` to those taken from module `spelled` (None: any name, and it stays)."""
    if names is None or spelled in taken and taken[spelled] is None:
        taken[spelled] = None
    else:
        taken[spelled] = taken.get(spelled, set()) | names


def _add_reexports(found: dict[str, str], taken: dict, spelled: str, file: str, root: str,
                   top: str, chain: tuple[str, ...]) -> None:
    """The modules the `from ... import` lines of `file` (a package's `__init__.py` or a
    plain module) may take the names wanted from it from (`taken`), as
    `<spelled>><their spelling>`, and theirs in turn, up to MAX_REEXPORT_HOPS away; a
    module already on the `chain` is not expanded again."""
    if len(chain) > MAX_REEXPORT_HOPS:
        return
    data = read_module(file)
    if data is None:
        return
    before = len(found)
    _add_from_imports(found, taken, spelled + ">", data, root, os.path.dirname(file), top,
                      taken.get(spelled))
    for inner, inner_file in list(found.items())[before:]:
        if inner_file not in chain:
            _add_reexports(found, taken, inner, inner_file, root, top, (*chain, inner_file))


def _statements(pattern: re.Pattern, data: bytes):
    """The matches of `pattern` that begin a line, after its indentation."""
    for match in pattern.finditer(data):
        line = data.rfind(b"\n", 0, match.start()) + 1
        if not data[line:match.start()].strip(b" \t"):
            yield match


def _imported(spelled: bytes, dotted: bool = False) -> list[tuple[str, str]]:
    """The modules or names an import list (`a, b as c`, `(a, b)`) takes, with the name
    each is bound to: `(a, a)`, `(b, c)`; dotted ones (`app.db`) only when `dotted`."""
    text = spelled.decode("utf-8", "replace").strip("() \t\r\n\\")
    pairs = ((words[0], words[-1]) for words in (part.split() for part in text.split(","))
             if words)
    return [(name, bound) for name, bound in pairs if all(
        part.isidentifier() for part in (name.split(".") if dotted else [name]))]


def _add(found: dict[str, str], prefix: str, candidates, bases: list[str],
         top: str) -> None:
    for spelled, path_parts in candidates:
        if prefix + spelled not in found and len(found) < MAX_DEPENDENCIES:
            file = _module_file(bases, path_parts, top)
            if file is not None:
                found[prefix + spelled] = file


def with_imports(key: str, path: str, data: bytes) -> str:
    """A result-cache key that also covers the project modules the file imports."""
    root = project_root(os.path.dirname(os.path.abspath(path))) or ""
    return key_with_modules(key, root, dependencies(path, data))


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
    summary = _definition(modules, spelled, name, 0)[1]
    if summary is None or summary.source is None:
        return summary
    source = Taint(summary.source.kind, call.node, summary.source.text)
    return type(summary)(summary.params, source, summary.signature)


def _definition(modules: dict[str, str], spelled: str, name: str, hops: int):
    """(whether the module `spelled` names gives `name` a value, the summary of the
    function that value is, or None).  A name the module imports is looked up in the
    module it comes from (`spelled` + `>` + that module's spelling there, as
    `dependencies` lists it); `from .db import *` counts for a public name when `db`
    gives it one, the last such import winning.  A module that cannot be read, or is more
    than MAX_REEXPORT_HOPS re-exports away, binds the name to something unknown."""
    file = modules.get(spelled)
    module = _module(file) if file is not None else None
    if module is None:
        return True, None
    if name in module.functions:
        return True, module.summary(name)
    if hops == MAX_REEXPORT_HOPS or module.ctx.redefines(name):
        return True, None  # too far, or a class or an assignment of the module's own
    origin = module.ctx.imports.get(name)
    if origin is not None:
        inner, _, inner_name = origin.rpartition(".")
        return True, _definition(modules, f"{spelled}>{inner}", inner_name, hops + 1)[1]
    if not name.startswith("_"):
        for star in reversed(module.ctx.star_imports):
            bound, summary = _definition(modules, f"{spelled}>{star}", name, hops + 1)
            if bound:
                return True, summary
    return False, None


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
    return _parsed.get(file)


def _parse(file: str, data: bytes) -> _Module | None:
    from tree_sitter import QueryCursor

    from ...languages import parser
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
    read_names(ctx, QueryCursor(_names_query()).captures(tree.root_node))
    return _Module(ctx)


_parsed = ParsedModules(_parse)


@functools.lru_cache(maxsize=1)
def _names_query():
    from tree_sitter import Query

    from ...languages import ts_language
    from .context import NAMES_QUERY

    return Query(ts_language("python"), NAMES_QUERY)


def _bases(root: str, folder: str, level: int, parts: list[str]) -> list[str]:
    """Where `from <level dots><module> import ...` / `import <module>` looks: the
    importing file's package (and its parents) for a relative import; else the project
    root and the file's folder — only the folder for a standard library name (for a
    script there, its folder comes before the standard library on the path, the project
    root is not on it), and nowhere for a module Python finds before its path (`os`)."""
    if level:
        base = folder
        for _ in range(level - 1):
            base = os.path.dirname(base)
        return [base]
    name = parts[0] if parts else ""
    if name in FOUND_BEFORE_THE_PATH:
        return []
    return [folder] if name in PYTHON_STDLIB else [root, folder]


def _module_file(bases: list[str], parts: list[str], top: str) -> str | None:
    for base in bases:
        stem = os.path.join(base, *parts)
        package = os.path.join(stem, "__init__.py")
        for file in (stem + ".py", package) if parts else (package,):  # `from . import`
            if inside(file, top):
                return file
    return None
