"""Declared dependencies in pyproject.toml, setup.cfg, Pipfile and package.json.

Each reader returns a `Manifest`: the index names it declares (as `ImportRef`s at
the line where the name is written), the project's own name(s) and workspace
member globs.  TOML and JSON readers carry no positions, so names are found
again in the text, section by section.  Invalid files raise `ManifestError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..analysis.source import SourceFile
from ..model import ImportRef, Pin
from ..storage import tomllib
from . import pin_specs
from .names import NPM, PYPI, is_valid_npm
from .requirements import ManifestError, name_location, requirement_name


@dataclass
class Manifest:
    refs: list[ImportRef] = field(default_factory=list)
    own_names: list[str] = field(default_factory=list)
    workspaces: list[str] = field(default_factory=list)  # member folder globs
    pins: list[Pin] = field(default_factory=list)  # versions required (pin_specs.py)


_SECTION = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", re.MULTILINE)


class _Locator:
    """Finds the line of each name inside TOML/INI sections, in order of appearance."""

    def __init__(self, source: SourceFile, text: str):
        self.source = source
        self.lines = text.split("\n")
        self.sections: dict[str, tuple[int, int]] = {}
        heads = [(m.group(1).replace('"', "").replace("'", ""), text.count("\n", 0, m.start()))
                 for m in _SECTION.finditer(text)]
        for index, (name, line) in enumerate(heads):
            end = heads[index + 1][1] if index + 1 < len(heads) else len(self.lines)
            self.sections.setdefault(name, (line, end))
        self.used: set[tuple[int, int]] = set()

    def ref(self, name: str, section: str, kind: str, ecosystem: str = PYPI) -> ImportRef:
        first, end = self.sections.get(section, (0, len(self.lines)))
        pattern = re.compile(r"(?<![\w.-])" + re.escape(name) + r"(?![\w-])", re.IGNORECASE)
        for number in range(first, end):
            for match in pattern.finditer(self.lines[number]):
                if (number, match.start()) not in self.used:
                    self.used.add((number, match.start()))
                    location = name_location(self.source, number + 1, match.group(0),
                                             match.start())
                    return ImportRef(name, ecosystem, location, kind)
        return ImportRef(name, ecosystem, name_location(self.source, first + 1, ""), kind)


def _toml(source: SourceFile) -> tuple[dict, str]:
    text = source.data.decode("utf-8", "replace")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"not valid TOML ({error})") from None


def _strings(value) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _table(value) -> dict:
    return value if isinstance(value, dict) else {}


def pyproject(source: SourceFile) -> Manifest:
    document, text = _toml(source)
    where = _Locator(source, text)
    manifest = Manifest()
    project = _table(document.get("project"))
    tool = _table(document.get("tool"))
    poetry = _table(tool.get("poetry"))
    pep508: list[tuple[str, str]] = [(spec, "project") for spec in
                                     _strings(project.get("dependencies"))]
    for specs in _table(project.get("optional-dependencies")).values():
        pep508 += [(spec, "project.optional-dependencies") for spec in _strings(specs)]
    for specs in _table(document.get("dependency-groups")).values():
        pep508 += [(spec, "dependency-groups") for spec in _strings(specs)]
    pep508 += [(spec, "build-system") for spec in
               _strings(_table(document.get("build-system")).get("requires"))]
    pep508 += [(spec, "tool.uv") for spec in
               _strings(_table(tool.get("uv")).get("dev-dependencies"))]
    for specs in _table(_table(tool.get("pdm")).get("dev-dependencies")).values():
        pep508 += [(spec, "tool.pdm.dev-dependencies") for spec in _strings(specs)]
    for spec, section in pep508:
        name = requirement_name(spec)
        if name is not None:
            manifest.refs.append(where.ref(name, section, "pyproject"))
            _add_pin(manifest, source, pin_specs.pep508_spec(spec))
    tables = [("tool.poetry.dependencies", poetry.get("dependencies")),
              ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies"))]
    for group, body in _table(poetry.get("group")).items():
        tables.append((f"tool.poetry.group.{group}.dependencies",
                       _table(body).get("dependencies")))
    for section, table in tables:
        for name, value in _table(table).items():
            if name.lower() != "python" and _from_index(value):
                manifest.refs.append(where.ref(name, section, "pyproject"))
                for spec in pin_specs.poetry_specs(value)[:1]:  # one line, one version
                    _add_pin(manifest, source, spec)
    for key in (project.get("name"), poetry.get("name")):
        if isinstance(key, str):
            manifest.own_names.append(key)
    manifest.workspaces = _strings(_table(_table(tool.get("uv")).get("workspace")).get("members"))
    return manifest


def _add_pin(manifest: Manifest, source: SourceFile, spec: str | None) -> None:
    """The pin of the reference just added, if it requires a version."""
    pin = pin_specs.pin_at(source, manifest.refs[-1], spec)
    if pin is not None:
        manifest.pins.append(pin)


def _from_index(value) -> bool:
    """A Poetry/Pipfile dependency value that is fetched from an index (not a path or VCS)."""
    if isinstance(value, list):
        return any(_from_index(item) for item in value)
    if isinstance(value, dict):
        return not any(key in value for key in ("path", "git", "url", "file", "hg", "svn"))
    return isinstance(value, str)


_PIPFILE_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})


def pipfile(source: SourceFile) -> Manifest:
    document, text = _toml(source)
    where = _Locator(source, text)
    manifest = Manifest()
    for section, table in document.items():
        if section in _PIPFILE_NOT_PACKAGES or not isinstance(table, dict):
            continue
        for name, value in table.items():
            if _from_index(value) and requirement_name(name) == name:
                manifest.refs.append(where.ref(name, section, "Pipfile"))
                _add_pin(manifest, source, pin_specs.pipfile_spec(value))
    return manifest


_SETUP_CFG_KEYS = frozenset({"install_requires", "setup_requires", "tests_require"})


def setup_cfg(source: SourceFile) -> Manifest:
    """`[options] install_requires` (and setup/tests requires, extras) as dangling lists."""
    manifest = Manifest()
    section = key = None
    text = source.data.decode("utf-8", "replace")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.split(" #", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section, key = stripped[1:-1].strip(), None
            continue
        value = stripped
        if not raw[:1].isspace():
            key, _, value = (part.strip() for part in stripped.partition("="))
            if section == "metadata" and key == "name" and value:
                manifest.own_names.append(value)
        wanted = (section == "options" and key in _SETUP_CFG_KEYS) or (
            section == "options.extras_require")
        name = requirement_name(value) if wanted and value else None
        if name is not None:
            manifest.refs.append(ImportRef(name, PYPI, name_location(source, number, name,
                                                                     raw.find(value)),
                                           "setup.cfg"))
            _add_pin(manifest, source, pin_specs.pep508_spec(value))
    return manifest


NPM_DEPENDENCY_KEYS = ("dependencies", "devDependencies", "peerDependencies",
                       "optionalDependencies")
_NOT_REGISTRY = re.compile(r"^(file:|link:|workspace:|portal:|patch:|git\+|git:|github:|"
                           r"gitlab:|bitbucket:|https?:|[\w.-]+/[\w.-]+(#.*)?$)")


def npm_target(name: str, spec) -> str | None:
    """The registry package a package.json entry installs (an `npm:` alias names another)."""
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    if spec.startswith("npm:"):
        aliased = spec[4:]
        target = aliased if not aliased[1:].count("@") else aliased[:aliased.rindex("@")]
        return target if is_valid_npm(target) else None
    if _NOT_REGISTRY.match(spec):
        return None
    return name if is_valid_npm(name) else None


def package_json(source: SourceFile) -> Manifest:
    text = source.data.decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ManifestError(f"not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise ManifestError("not a JSON object")
    manifest = Manifest()
    lines = text.split("\n")
    used: set[tuple[int, int]] = set()
    entries: list[tuple[str, str, str]] = []
    for key in NPM_DEPENDENCY_KEYS:
        for name, spec in _table(document.get(key)).items():
            target = npm_target(name, spec)
            if target is not None:
                entries.append((name, target, spec))
    for written, target, spec in entries:
        location = _json_string_location(source, lines, written, used, key=True)
        manifest.refs.append(ImportRef(target, NPM, location, "package.json"))
        _add_pin(manifest, source, pin_specs.npm_spec(spec))
    for key in ("bundledDependencies", "bundleDependencies"):
        for name in _strings(document.get(key)):
            if is_valid_npm(name):
                location = _json_string_location(source, lines, name, used, key=False)
                manifest.refs.append(ImportRef(name, NPM, location, "package.json"))
    if isinstance(document.get("name"), str):
        manifest.own_names.append(document["name"])
    workspaces = document.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    manifest.workspaces = _strings(workspaces)
    return manifest


def _json_string_location(source: SourceFile, lines: list[str], text: str, used: set,
                          key: bool):
    """Where the JSON string `text` is written (as an object key, or as a value)."""
    needle = json.dumps(text)
    for number, line in enumerate(lines, start=1):
        index = line.find(needle)
        while index >= 0:
            is_key = line[index + len(needle):].lstrip().startswith(":")
            if (number, index) not in used and is_key == key:
                used.add((number, index))
                return name_location(source, number, text, index + 1)
            index = line.find(needle, index + 1)
    return name_location(source, 1, "")
