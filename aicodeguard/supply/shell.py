"""Package names in install commands: shell scripts, Dockerfiles, Markdown, notebooks.

`pip install`, `python -m pip install`, `uv add`, `uv pip install`, `pipx install`,
`poetry add`, `npm install/i/add`, `yarn add`, `pnpm add`, `bun add` — with flags,
versions, extras, URLs, local paths and requirement files left alone.  Markdown is
read inside code fences only; notebooks in code cells (`!pip`, `%pip`) and in the
fences of Markdown cells, and their code cells' import lines are read too.
"""

from __future__ import annotations

import json
import re

from ..analysis.source import SourceFile
from ..model import ImportRef
from .names import NPM, PYPI, npm_package_of
from .requirements import requirement_name

_COMMAND = re.compile(
    r"(?:^|[\s;&|(`!%$])(?:sudo\s+(?:-\S+\s+)*)?(?:"
    r"(?P<pip>(?:python[0-9.]*|py)\s+-m\s+pip|pip[0-9.]*|uv\s+pip|pipx)\s+install"
    r"|(?P<uv>uv|poetry)\s+add"
    r"|(?P<npm>npm|pnpm|bun|yarn(?:\s+global)?)\s+(?:install|i|add|isntall|in)"
    r")(?=\s)", re.MULTILINE)
_TOKEN = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|&&|\|\||[;&|()<>`#]|\\\n|\\|[^\s;&|()<>`\\#]+")
_END = frozenset({";", "&&", "||", "|", "&", "(", ")", "<", ">", "#", "`"})
# Names that documentation uses as stand-ins for "your package here".
_PLACEHOLDERS = frozenset({
    "package", "packages", "package-name", "package_name", "packagename", "pkg", "name",
    "your-package", "your_package", "yourpackage", "my-package", "my_package", "mypackage",
    "some-package", "somepackage", "foo", "bar", "example", "library", "module",
})
# Flags whose value is the next token (never a package name).
_VALUE_FLAGS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
    "--python", "-p", "--src", "--trusted-host", "--platform", "--python-version",
    "--implementation", "--abi", "--progress-bar", "--log", "--cache-dir", "--upgrade-strategy",
    "-G", "--group", "--source", "--extras", "-E", "--registry", "--tag", "-w", "--workspace",
    "--filter", "--cwd", "--index", "--default-index", "--with", "--config-settings", "-C",
    "--optional", "--only-binary", "--no-binary", "--save-prefix", "--package", "--directory",
})
_PIP_MANAGERS = ("pip", "uv")
_NPM_ALIAS = "@npm:"  # `<alias>@npm:<name>[@range]`: the package installed is <name>


def install_refs(source: SourceFile, text: str, base: int = 0, kind: str = "shell"):
    """ImportRefs for the packages named by install commands in `text` (at byte `base`)."""
    refs: list[ImportRef] = []
    for command in _COMMAND.finditer(text):
        ecosystem = NPM if command.group("npm") else PYPI
        position = command.end()
        skip_next = False
        for token in _TOKEN.finditer(text, position):
            value = token.group(0)
            if value in _END or "\n" in text[position:token.start()]:
                break
            position = token.end()
            if value in ("\\\n", "\\"):
                continue
            if skip_next:
                skip_next = False
                continue
            if value.startswith("-"):
                skip_next = value in _VALUE_FLAGS
                continue
            name = _package(value, ecosystem)
            if name is None:
                continue
            alias = value.find(_NPM_ALIAS) if ecosystem == NPM else -1
            start = token.start() + value.find(name, alias + 1)
            refs.append(ImportRef(name, ecosystem, _location(source, text, base, start, name),
                                  kind))
    return refs


def _package(token: str, ecosystem: str) -> str | None:
    token = token.strip("\"'")
    if not token or "$" in token or "{" in token or token.lower() in _PLACEHOLDERS:
        return None
    if ecosystem == PYPI:
        name, at, rest = token.partition("@")
        if at and name and "://" not in rest and not rest.startswith("file:"):
            token = name  # Poetry/uv `name@^1.2`; `name@url` comes from the URL
        return requirement_name(token)
    alias, marker, target = token.partition(_NPM_ALIAS)
    if marker and alias:
        token = target  # `npm install jquery3@npm:jquery@3` installs `jquery`
    if token.startswith(("file:", "link:", "git", "http")) or token.endswith((".tgz", ".tar.gz")):
        return None
    if not token.startswith("@") and "/" in token:
        return None  # user/repo (GitHub) or a path
    spec = token if token.startswith("@") else token.split("@", 1)[0]
    if token.startswith("@") and token[1:].count("@"):
        spec = token[:token.rindex("@")]
    package = npm_package_of(spec)
    return package if package == spec else None


def _location(source: SourceFile, text: str, base: int, start: int, name: str):
    begin = base + len(text[:start].encode("utf-8"))
    return source.offset_location(begin, begin + len(name.encode("utf-8")))


def shell_refs(source: SourceFile) -> list[ImportRef]:
    return install_refs(source, source.data.decode("utf-8", "replace"))


_FENCE = re.compile(r"^[ \t]*(```+|~~~+)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def markdown_refs(source: SourceFile) -> list[ImportRef]:
    text = source.data.decode("utf-8", "replace")
    refs: list[ImportRef] = []
    for fence in _FENCE.finditer(text):
        body_start = fence.start(2)
        base = len(text[:body_start].encode("utf-8"))
        refs.extend(install_refs(source, fence.group(2), base))
    return refs


_IMPORT_LINE = re.compile(r"^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\b)")


def notebook_refs(source: SourceFile) -> list[ImportRef]:
    """Install commands and imports in a notebook's cells, located on the file's own lines.

    nbformat writes one source line per JSON string line, so each file line that is a
    JSON string is decoded and read on its own; a notebook written on one line is read
    whole and reported at line 1.
    """
    text = source.data.decode("utf-8", "replace")
    refs: list[ImportRef] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip().rstrip(",")
        if stripped.startswith('"') and stripped.endswith('"') and len(stripped) > 2:
            try:
                value = json.loads(stripped)
            except ValueError:
                value = None
            if isinstance(value, str):
                refs.extend(_notebook_line(source, line, value, offset))
        offset += len(line.encode("utf-8")) + 1
    return refs


def _notebook_line(source: SourceFile, line: str, value: str, offset: int) -> list[ImportRef]:
    if "install" in value or "add" in value:
        refs = install_refs(source, value)
        if refs:
            return [_relocate(source, ref, line, offset) for ref in refs]
    match = _IMPORT_LINE.match(value)
    if match is None or (match.group(2) or "").startswith("."):
        return []
    module = match.group(1) or match.group(2)
    ref = ImportRef(module, PYPI, source.offset_location(0, 0), "notebook-import")
    return [_relocate(source, ref, line, offset)]


def _relocate(source: SourceFile, ref: ImportRef, line: str, offset: int) -> ImportRef:
    """Put a reference found in a decoded JSON string onto the notebook file's line."""
    index = line.find(ref.name)
    begin = offset + len(line[:max(index, 0)].encode("utf-8"))
    location = source.offset_location(begin, begin + len(ref.name.encode("utf-8")))
    return ImportRef(ref.name, ref.ecosystem, location, ref.source)
