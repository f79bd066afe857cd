"""The version requirements manifests write, as `Pin`s for the vulnerability checks.

Each manifest format spells versions its own way; here they become one of two forms the
`versions` module understands: a PEP 440 specifier set for Python (Poetry's `^1.2`/`~1.2`
become their lower bound `>=1.2`, a bare Poetry version `2.0.1` is exact, `==2.0.1`),
an npm range for JavaScript.  A requirement without a version (`requests`, `*`) gives no
pin: nothing can be said about which version it installs.  A pin's location is where its
version is written, so a fix can rewrite exactly that text.
"""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..analysis.source import SourceFile
from ..model import ImportRef, Pin
from . import versions
from .names import NPM
from .requirements import name_location

_NAME_AND_EXTRAS = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?")


def pep508_spec(text: str) -> str | None:
    """The specifier set of a PEP 508 requirement string as written (extras and markers
    dropped, spaces removed): `requests[socks] >= 2.1, <3 ; python_version > "3"` gives
    `>=2.1,<3`; None without a version or for a URL requirement."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.url or not requirement.specifier:
        return None
    written = _NAME_AND_EXTRAS.sub("", text.split(";", 1)[0]).strip()
    written = "".join(written.strip("()").split())
    try:
        return written if SpecifierSet(written) == requirement.specifier else \
            str(requirement.specifier)
    except InvalidSpecifier:
        return str(requirement.specifier)


def poetry_specs(value) -> list[str]:
    """PEP 440 forms of a Poetry dependency value: "2.0.1", "^1.2", {version = …}, or a
    list of them (one per marker)."""
    if isinstance(value, list):
        return [spec for item in value for spec in poetry_specs(item)]
    if isinstance(value, dict):
        value = value.get("version")
    if not isinstance(value, str):
        return []
    text = value.strip()
    if not text or text == "*" or "||" in text or "|" in text:
        return []
    if text[0] == "^" or (text[0] == "~" and text[1:2] != "="):
        text = ">=" + text.lstrip("^~").strip()
    elif text[0].isdigit():
        text = "==" + text
    return [text]


def pipfile_spec(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("version")
    if not isinstance(value, str) or value.strip() in ("", "*"):
        return None
    return value.strip()


def npm_spec(spec) -> str | None:
    """The range of a package.json entry (`npm:name@range` aliases give their range)."""
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    if spec.startswith("npm:"):
        aliased = spec[4:]
        at = aliased.find("@", 1)
        spec = aliased[at + 1:] if at > 0 else ""
    return spec if spec and spec not in ("*", "latest", "x") else None


def pin_at(source: SourceFile, ref: ImportRef, spec: str | None) -> Pin | None:
    """A Pin for `ref` with `spec`, located at the version's text on the name's line."""
    if not spec:
        return None
    version = versions.exact_pin(ref.ecosystem, spec) or \
        versions.lowest_allowed(ref.ecosystem, spec)
    location = ref.location
    if version and ref.location.line > 0:
        line_text = source.line_text(ref.location.line - 1)
        start = max(ref.location.column - 1, 0)
        if ref.ecosystem != NPM:
            start += len(ref.name)
        index = line_text.find(version, start)
        if index >= 0:
            location = name_location(source, ref.location.line, version, index)
    return Pin(ref.name, ref.ecosystem, spec, location, ref.source)
