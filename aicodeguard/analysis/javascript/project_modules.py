"""Functions imported from the project's own JavaScript/TypeScript modules.

`const { runQuery } = require('./db')`, `import { runQuery } from './db'`, `import db
from '../lib/db'`, `import * as db from './db'`: when the specifier is relative and
names a file of the same project (resolved the way Node and TypeScript do: the exact
file, then each of `EXTENSIONS`, then `index` files in a folder; `./db.js` also finds
`db.ts`), that file is read — a regular file inside the project, at most
MAX_MODULE_BYTES, never run — parsed, and its exported functions are summarised with the
file's own machinery (`functions.py`): which parameters reach the returned value, whether
it returns untrusted data itself, and which parameters reach a sink inside it.  A name
the module re-exports (`export { f } from './x'`, `export * from './x'`, a barrel
`index.ts`, `module.exports = require('./x')`: `exports.re_exports`) is looked up in the
module it names, hop by hop, at most MAX_HOPS re-exports and never the same module twice
on one trail; that is name resolution, not a call.  One level only: the defining module's
own calls into its imports are not followed.  Parsed modules are kept per path and
content (LRU); reading and keeping modules is shared with Python (`project_files.py`).

A sink is found by running the module's checks once per kind of data (request, LLM
output...) with every parameter of its exported functions standing for data of that
kind (`Probe`); a finding the probe caused belongs to the parameter it entered through,
and is reported at the importing file's call that passes such data (see
`rules/javascript/imported_sinks.py`).  The run with request data (the widest kind)
comes first and says which parameters reach a sink at all: only the arguments in those
positions are traced at a call.

The result cache must see what a finding rests on: `with_imports` adds the path and
content of every module `dependencies` lists to a file's cache key — the modules the
file imports, and those their re-exports lead to — and the analysis reads only modules
from that same list, so a changed module (or barrel) re-checks its importers.
"""

from __future__ import annotations

import os
import re

from ..project_files import (
    MAX_DEPENDENCIES,
    ParsedModules,
    inside,
    key_with_modules,
    read_module,
)
from ..shared import Taint
from ..source import SourceFile, project_root
from .exports import WHOLE, exported_functions, re_exports, reexported_specifiers
from .functions import is_builder, returned_constant, returned_values

LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
_TS_FIRST = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
_TS_FILES = (".ts", ".tsx", ".mts", ".cts")
# `./db.js` in TypeScript source names `db.ts` (the compiled file's name).
_COMPILED_TO = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",),
                ".cjs": (".cts",)}
_SPECIFIER = re.compile(rb"""(?:\bfrom|\brequire\s*\(|\bimport\s*\()\s*(['"])(\.\.?/[^'"\n]*)\1""")
MAX_HOPS = 3  # re-exports followed from an imported module towards the defining one
_TARGETS: dict[tuple, tuple[tuple[str, str], ...]] = {}  # what `_reexport_targets` found
_TARGETS_LIMIT = 4096


def dependencies(path: str, data: bytes) -> dict[str, str]:
    """Relative specifier as the importing file spells it (`./db`, `../lib/db`) -> the
    project file it names, for the first MAX_DEPENDENCIES specifiers of the file's
    `import ... from`, `require()` and `import()`; then the modules their re-exports lead
    to (`./lib > ./db`, `_reexported`)."""
    place = _place(path)
    if place is None:
        return {}
    found = {specifier: _resolve(place, specifier) for specifier in specifiers(data)}
    direct = {specifier: file for specifier, file in found.items() if file is not None}
    return {**direct, **_reexported(direct, place[2])}


def _reexported(direct: dict[str, str], top: str) -> dict[str, str]:
    """Spelling (`./lib > ./db`) -> module, for the modules that re-exports in the
    `direct` ones lead to, breadth first: at most MAX_HOPS hops and MAX_DEPENDENCIES
    modules, each once."""
    found: dict[str, str] = {}
    seen = set(direct.values())
    layer = list(direct.items())
    for _ in range(MAX_HOPS):
        following = []
        for spelled, file in layer:
            for specifier, target in _reexport_targets(file, top):
                if target in seen:
                    continue
                if len(found) >= MAX_DEPENDENCIES:
                    return found
                seen.add(target)
                hop = f"{spelled} > {specifier}"
                found[hop] = target
                following.append((hop, target))
        layer = following
    return found


def _reexport_targets(file: str, top: str) -> tuple[tuple[str, str], ...]:
    """(specifier, module) for each re-export of `file` that names a project module.
    Every file that imports a barrel asks this for its cache key, so the answer is kept
    per process while the file's size, inode and modification time stay the same (as
    `project_root` keeps project roots); the analysis resolves each hop afresh and
    follows it only when the module is among those."""
    try:
        info = os.lstat(file)
    except OSError:
        return ()
    key = (file, top, info.st_ino, info.st_size, info.st_mtime_ns)
    found = _TARGETS.get(key)
    if found is None:
        place = _module_place(file, top)
        resolved = ((specifier, _resolve(place, specifier))
                    for specifier in reexported_specifiers(read_module(file) or b""))
        found = tuple((specifier, target) for specifier, target in resolved if target)
        if len(_TARGETS) >= _TARGETS_LIMIT:  # a long-lived language server
            _TARGETS.clear()
        _TARGETS[key] = found
    return found


def specifiers(data: bytes) -> list[str]:
    """The first MAX_DEPENDENCIES distinct relative specifiers `data` names."""
    found: dict[str, None] = {}
    for match in _SPECIFIER.finditer(data):
        found[match.group(2).decode("utf-8", "replace")] = None
        if len(found) >= MAX_DEPENDENCIES:
            break
    return list(found)


def _place(path: str) -> tuple[str, tuple[str, ...], str] | None:
    """(the importing file's folder, extensions in the order tried, the real project
    root), or None outside a project."""
    folder = os.path.dirname(os.path.abspath(path))
    root = project_root(folder)
    if root is None:
        return None
    return _module_place(path, os.path.realpath(root))


def _module_place(path: str, top: str) -> tuple[str, tuple[str, ...], str]:
    """`_place` for a file under `top`, the importing file's real project root."""
    return (os.path.dirname(os.path.abspath(path)),
            _TS_FIRST if path.endswith(_TS_FILES) else EXTENSIONS, top)


def _resolve(place: tuple[str, tuple[str, ...], str], specifier: str) -> str | None:
    folder, order, top = place
    return _module_file(os.path.normpath(os.path.join(folder, specifier)), order, top)


def _module_file(stem: str, order: tuple[str, ...], top: str) -> str | None:
    base, extension = os.path.splitext(stem)
    candidates = [stem] if extension in EXTENSIONS else []
    candidates += [base + other for other in _COMPILED_TO.get(extension, ())]
    candidates += [stem + ext for ext in order]
    candidates += [os.path.join(stem, "index" + ext) for ext in order]
    return next((file for file in candidates if inside(file, top)), None)


def with_imports(key: str, path: str, data: bytes) -> str:
    """A result-cache key that also covers the project modules the file imports."""
    root = project_root(os.path.dirname(os.path.abspath(path))) or ""
    return key_with_modules(key, root, dependencies(path, data))


class Imported:
    """A function of another project module that a call runs."""

    __slots__ = ("file", "function", "module", "name")

    def __init__(self, module: _Module, function, name: str, file: str):
        self.module, self.function, self.name, self.file = module, function, name, file

    def sink_positions(self) -> frozenset[int]:
        """Positions of the parameters that reach a sink with request data (the widest
        kind): only their arguments are worth tracing at a call."""
        return frozenset(position for function, position in
                         self.module.parameter_sinks("request") if function == self.function.id)

    def returns(self) -> tuple[Taint | None, tuple[int, ...]]:
        return self.module.returns(self.function)

    def constant(self):
        """The constant the function always returns, else UNKNOWN."""
        return returned_constant(self.module.ctx, self.function)

    def parameter_sinks(self, kind: str, position: int) -> list:
        """Findings inside the function that data of `kind` passed as argument `position`
        reaches (located in the module)."""
        return self.module.parameter_sinks(kind).get((self.function.id, position), [])


def imported_function(ctx, call) -> Imported | None:
    """The exported function of a project module that `call` runs (`runQuery(...)`,
    `db.runQuery(...)`, `run(...)` for a default export), or None."""
    if call.is_new or call.func is None or ctx.memo.get(("imported-module",)):
        return None
    qualname = call.qualname
    if not qualname or not qualname.startswith("."):
        return None
    key = ("imported", qualname)
    if key not in ctx.memo:
        ctx.memo[key] = _imported(ctx, qualname)
    return ctx.memo[key]


def _imported(ctx, qualname: str) -> Imported | None:
    names = ctx.memo.get(("specifiers",))
    if names is None:
        names = ctx.memo[("specifiers",)] = specifiers(ctx.source.data)
    for specifier in names:  # the same list `with_imports` covers, resolved on demand
        if qualname == specifier:
            path = ("default",)
        elif qualname.startswith(specifier + "."):
            path = tuple(qualname[len(specifier) + 1:].split("."))  # `ns.f` via `export * as ns`
        else:
            continue
        module = _imported_module(ctx, specifier)
        found = _defined(ctx, module, path, ()) if module is not None else None
        if found is not None:
            return found
    return None


def _defined(ctx, module: _Module, path: tuple[str, ...], trail: tuple[str, ...]):
    """The function `path` (`f`, or `ns.f` through a namespace) names in `module`,
    following its re-exports; `trail` holds the modules re-exporting it so far."""
    name, rest = path[0], path[1:]
    function = module.exports.get(name) if not rest else None
    if function is not None:
        return Imported(module, function, name, module.file)
    if len(trail) >= MAX_HOPS or module.file in trail:
        return None
    trail = (*trail, module.file)
    specifier, there = module.reexports.named.get(name, (None, None))
    if specifier is not None:
        inner = (rest or ("default",)) if there == WHOLE else (there, *rest)
        return _through(ctx, module, specifier, inner, trail)
    for specifier in module.reexports.stars if name != "default" else ():
        found = _through(ctx, module, specifier, path, trail, star=True)
        if found is not None:
            return found
    return None


def _through(ctx, module: _Module, specifier: str, path: tuple[str, ...], trail,
             star: bool = False):
    """`path` in the module `specifier` names from `module`, if the cache key covers it.
    Behind `export *`, a module that neither spells the name nor re-exports anything is
    not parsed: a barrel may gather dozens."""
    reachable = ctx.memo.get(("reexported",))
    if reachable is None:
        reachable = ctx.memo[("reexported",)] = frozenset(
            dependencies(ctx.source.path, ctx.source.data).values())
    top = ctx.memo[("place",)][2]
    file = _resolve(_module_place(module.file, top), specifier)
    if file not in reachable or star and not _reexport_targets(file, top) and \
            path[0].encode() not in (read_module(file) or b""):
        return None
    target = _module(file)
    return _defined(ctx, target, path, trail) if target is not None else None


def _imported_module(ctx, specifier: str) -> _Module | None:
    key = ("project-module", specifier)
    if key not in ctx.memo:
        place = ctx.memo.get(("place",), False)
        if place is False:
            place = ctx.memo[("place",)] = _place(ctx.source.path)
        file = _resolve(place, specifier) if place is not None else None
        ctx.memo[key] = _module(file) if file is not None else None
    return ctx.memo[key]


class Probe:
    """Every parameter of the module's exported functions stands for data of `kind`;
    `hits` maps where such a parameter was read (line, column) to (function id,
    position), so a finding's source note tells which parameter it came through.
    `only` narrows it to one function's one parameter."""

    __slots__ = ("functions", "hits", "kind", "only")

    def __init__(self, kind: str, functions: set[int], only: tuple[int, str] | None = None):
        self.kind, self.functions, self.only = kind, functions, only
        self.hits: dict[tuple[int, int], tuple[int, int]] = {}

    def source(self, ctx, function, name: str, node) -> Taint | None:
        if function.id not in self.functions or (
                self.only is not None and self.only != (function.id, name)):
            return None
        location = ctx.location(node)
        self.hits[(location.line, location.column)] = (function.id,
                                                       ctx.parameters(function)[name][0])
        return Taint(self.kind, node, name)


class _Module:
    """One parsed project module: its context, its exported functions by name (`default`
    for the default export) and what it re-exports."""

    def __init__(self, ctx, captures):
        self.ctx = ctx
        self.file = ctx.source.path
        self.captures = captures
        self.exports = exported_functions(ctx)
        self.reexports = re_exports(ctx, specifiers(ctx.source.data))
        self._returns: dict[int, tuple] = {}
        self._sinks: dict[str, dict] = {}

    def returns(self, function) -> tuple[Taint | None, tuple[int, ...]]:
        """(untrusted data the function returns whatever it is given, the positions of
        the parameters whose value reaches its result); nothing for one that checks or
        escapes (`functions.is_builder`)."""
        found = self._returns.get(function.id)
        if found is None:
            found = self._returns[function.id] = self._compute_returns(function)
        return found

    def _compute_returns(self, function):
        ctx = self.ctx
        if not is_builder(ctx, function):
            return None, ()
        values = returned_values(ctx, function)
        source = next((taint for taint in map(ctx.taint, values) if taint is not None), None)
        if source is not None:
            return source, ()
        positions = []
        for name, (position, _) in ctx.parameters(function).items():
            ctx.probe = Probe("request", {function.id}, (function.id, name))
            try:
                if any(ctx.taint(value) is not None for value in values):
                    positions.append(position)
            finally:
                ctx.probe = None
        return None, tuple(sorted(set(positions)))

    def parameter_sinks(self, kind: str) -> dict[tuple[int, int], list]:
        """(function id, parameter position) -> findings its data of `kind` causes."""
        found = self._sinks.get(kind)
        if found is None:
            found = self._sinks[kind] = self._run_checks(kind)
        return found

    def _run_checks(self, kind: str) -> dict[tuple[int, int], list]:
        from ...model import FileResult
        from ...rules.javascript.analyzer import matched_checks
        from ...rules.run_checks import run_checks

        ctx = self.ctx
        if not any(ctx.parameters(function) for function in self.exports.values()):
            return {}
        probe = ctx.probe = Probe(kind, {function.id for function in self.exports.values()})
        ctx.findings = []
        try:
            run_checks(ctx, matched_checks(ctx, self.captures), FileResult(ctx.source.path))
        finally:
            ctx.probe = None
        found: dict[tuple[int, int], list] = {}
        for finding in ctx.findings:
            start = finding.related[0].location if finding.related else None
            place = probe.hits.get((start.line, start.column)) if start is not None else None
            if place is not None:
                found.setdefault(place, []).append(finding)
        ctx.findings = []
        return found


def _module(file: str) -> _Module | None:
    return _parsed.get(file)


def _parse(file: str, data: bytes) -> _Module | None:
    from ...languages import language_for_name, parser
    from ...rules.javascript.analyzer import prepare

    language = language_for_name(file)
    if language not in LANGUAGES:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    tree = parser(language).parse(data)
    try:
        ctx, captures, _ = prepare(SourceFile(file, data), tree, language, imported=True)
    except RecursionError:  # nesting too deep to follow: its functions stay unknown
        return None
    return _Module(ctx, captures)


_parsed = ParsedModules(_parse)
