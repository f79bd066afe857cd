"""Resolution: settle every package reference that needs no index before any look-up.

Order for a Python import: standard library, the project's own modules, private
packages, modules a platform provides, the project's declared dependencies,
distributions installed here, the shipped import-name table; whatever is left
is checked by its likely distribution name.  Declared is not verified: an import of a
declared distribution is still checked for existence (the manifest may itself be
what made the name up), by the declared distribution's name.  JS imports: Node built-ins (already
dropped when extracted), the project's own packages and path aliases, private
packages, package.json, node_modules.  Manifest and install-command names are
checked as written (unless private, the project's own, or allowed).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass

from ..config import Config
from ..model import FileResult, ImportRef
from .import_names import PLATFORM, default_distribution, likely_modules, table
from .installed import installed_modules, npm_installed, project_site_packages
from .names import NAMESPACE_ROOTS, NPM, PYPI, is_python_stdlib, normalize_pypi
from .project import Project

IMPORT_SOURCES = frozenset({"import", "optional-import", "deferred-import", "dynamic-import",
                            "notebook-import"})
# Imports that may be missing on purpose: guarded (try/except ImportError, TYPE_CHECKING,
# platform checks).  What is said about them is informational.  An import inside a
# function is not guarded: it fails as surely when that code runs, and an invented name
# there is as registrable as anywhere.
GUARDED_SOURCES = frozenset({"optional-import"})
# Languages whose imports may name only a package's types (`@types/<name>`).
TYPED_LANGUAGES = frozenset({"typescript", "tsx"})


def _pattern_key(ecosystem: str, name: str) -> str:
    return normalize_pypi(name) if ecosystem == PYPI else name.lower()


def matches(patterns, ecosystem: str, name: str) -> bool:
    """Config name patterns (globs, PEP 503-normalised for PyPI; `npm:`/`pypi:` prefixes
    restrict a pattern to one ecosystem)."""
    if not patterns:
        return False
    key = _pattern_key(ecosystem, name)
    for pattern in patterns:
        scope, colon, rest = pattern.partition(":")
        if colon and scope in (PYPI, NPM):
            if scope != ecosystem:
                continue
            pattern = rest
        if fnmatch.fnmatchcase(key, _pattern_key(ecosystem, pattern)):
            return True
    return False


def types_package(name: str) -> str:
    """The DefinitelyTyped package TypeScript reads for an import of `name`
    (`estree` -> `@types/estree`, `@babel/core` -> `@types/babel__core`)."""
    return "@types/" + (name[1:].replace("/", "__") if name.startswith("@") else name)


@dataclass(frozen=True, slots=True)
class Subject:
    """One reference that still needs a verdict."""

    result: FileResult
    ref: ImportRef
    ecosystem: str
    name: str  # the index name to check (PEP 503-normalised for PyPI)
    written: str  # as written, for look-alike tricks that normalisation hides
    check_exists: bool  # False: settled locally, only "undeclared" may apply
    declared: bool
    suggestion: str | None = None  # distribution to declare, for "undeclared"

    @property
    def is_import(self) -> bool:
        return self.ref.source in IMPORT_SOURCES


class Resolver:
    def __init__(self, project: Project, config: Config,
                 installed: dict[str, set[str]] | None = None):
        self.project = project
        self.config = config
        # Top-level module -> installed distributions; None: read them when first needed
        # (benchmarks pass {} so that what happens to be installed here does not count).
        self._installed = installed
        self._declared_modules: dict[str, list[str]] | None = None

    def installed(self) -> dict[str, set[str]]:
        if self._installed is None:
            self._installed = installed_modules(project_site_packages(self.project.root))
        return self._installed

    def declared_modules(self) -> dict[str, list[str]]:
        """Lower-case top-level module -> the declared Python distributions (sorted) that
        probably provide it."""
        if self._declared_modules is None:
            modules: dict[str, list[str]] = {}
            for dist in sorted(self.project.declared[PYPI]):
                for module in likely_modules(dist):
                    modules.setdefault(module, []).append(dist)
            self._declared_modules = modules
        return self._declared_modules

    def _declared_provider(self, top: str, candidate: str, dists) -> str | None:
        """The declared distribution an import of `top` comes from, if any."""
        declared = self.project.declared[PYPI]
        if candidate in declared:
            return candidate
        for dist in dists or ():
            if dist in declared:
                return dist
        found = self.declared_modules().get(top.lower())
        return found[0] if found else None

    def _declared(self, result: FileResult, ref: ImportRef, dist: str, top: str) -> Subject:
        """An import of a declared distribution: checked by that distribution's name,
        unless the name is the project's own or private (then only settled)."""
        settled = dist in self.project.own[PYPI] or self.private(PYPI, dist)
        return Subject(result, ref, PYPI, dist, top if settled else dist, not settled, True)

    def private(self, ecosystem: str, *names: str) -> bool:
        return any(matches(self.config.private_packages, ecosystem, name) for name in names)

    def resolve(self, result: FileResult, ref: ImportRef) -> Subject | None:
        if not ref.name.isascii():
            return None  # no index has such a name; AIG706 reports the look-alike characters
        if ref.source in IMPORT_SOURCES:
            if ref.ecosystem == PYPI:
                return self._python_import(result, ref)
            return self._js_import(result, ref)
        name = normalize_pypi(ref.name) if ref.ecosystem == PYPI else ref.name
        if name in self.project.own[ref.ecosystem] or self.private(ref.ecosystem, ref.name):
            return None
        return Subject(result, ref, ref.ecosystem, name, ref.name, True, True)

    def _python_import(self, result: FileResult, ref: ImportRef) -> Subject | None:
        module = ref.name
        top = module.partition(".")[0]
        if is_python_stdlib(module) or top in self.project.local_modules:
            return None
        dists = table().distributions(module)
        if dists and dists[0] == PLATFORM:
            return None
        if module in NAMESPACE_ROOTS and not dists:
            return None  # `import ruamel`: the namespace its distributions share
        if top.startswith("_") and not dists:
            return None  # `_name` cannot be a PyPI project: a private or platform module
        candidate = dists[0] if dists else default_distribution(module)
        if self.private(PYPI, top, candidate) or candidate in self.project.own[PYPI]:
            return None
        declared = self.project.declared[PYPI]
        dist = self._declared_provider(top, candidate, dists)
        if dist is not None:
            return self._declared(result, ref, dist, top)
        providers = self.installed().get(top)
        if providers:
            if providers & declared:
                return self._declared(result, ref, sorted(providers & declared)[0], top)
            return Subject(result, ref, PYPI, sorted(providers)[0], top, False, False,
                           sorted(providers)[0])
        if dists:
            return Subject(result, ref, PYPI, candidate, top, False, False, candidate)
        return Subject(result, ref, PYPI, candidate, top, True, False, candidate)

    def _js_import(self, result: FileResult, ref: ImportRef) -> Subject | None:
        name = ref.name
        project = self.project
        if project.is_local_js(name) or self.private(NPM, name):
            return None
        if name in project.declared[NPM]:
            return Subject(result, ref, NPM, name, name, True, True)
        folders = project.node_folders or [project.root]
        here = os.path.dirname(os.path.abspath(result.path))
        types = types_package(name) if result.language in TYPED_LANGUAGES else None
        if types is not None and (types in project.declared[NPM]
                                  or npm_installed(types, [*folders, here])):
            return None  # `import * as estree from 'estree'` in TypeScript: `@types/estree`
        if npm_installed(name, [*folders, here]):
            return Subject(result, ref, NPM, name, name, False, False, name)
        return Subject(result, ref, NPM, name, name, True, False, name)
