"""Package names in PEP 508 strings and pip requirements files.

Only names that pip would fetch from an index are returned: URLs (`name @ url`,
`git+https://...`), local paths, archives and editable installs are left alone.
`-r`/`-c` includes are returned separately so the project-level check can
follow them.  A file is read as a requirements file only if its content is one: most
of its lines (comments and blank lines aside) must be requirement specifiers, pip
options, URLs or paths -- a `constraints.txt` that is reStructuredText, or prose named
`requirements.txt`, raises `ManifestError` instead of turning words into package names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.source import SourceFile
from ..model import ImportRef
from .names import PYPI

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://|(git|hg|svn|bzr)\+|file:)")
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".egg")
_COMMENT = re.compile(r"(^|\s)#.*$")
_INCLUDE_FLAGS = (("--requirement", False), ("--constraint", True), ("-r", False), ("-c", True))
_CLAUSE = r"\s*(===|~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*"
# What may follow a name: extras, a version specifier (PEP 508, or in parentheses), a marker.
_AFTER_NAME = re.compile(r"^\s*(\[[^\]]*\])?\s*(\(?" + _CLAUSE + r"(," + _CLAUSE + r")*\)?)?"
                         r"\s*(;.*)?$")


class ManifestError(ValueError):
    """The manifest cannot be read (or is not one); the message says why."""


def requirement_name(text: str) -> str | None:
    """The index name a PEP 508 requirement asks for, or None (URL, path, archive, junk)."""
    spec = text.strip().strip("\"'").strip()
    if not spec or _URL.match(spec) or spec.startswith((".", "/", "~", "\\", "$", "-")):
        return None
    if spec.lower().endswith(_ARCHIVE):
        return None
    match = _NAME.match(spec)
    if match is None:
        return None
    rest = spec[match.end():].lstrip()
    if rest.startswith("["):
        rest = rest.partition("]")[2].lstrip()
    if rest.startswith("@") or (rest and rest[0] not in "<>=!~;,(^*"):
        return None  # `name @ url`, `name/sub` (a path), `name:..` (a URL) ...
    return match.group(0)


@dataclass(frozen=True, slots=True)
class Include:
    path: str
    constraint: bool
    line: int


def _include(line: str) -> tuple[str, bool] | None:
    for flag, constraint in _INCLUDE_FLAGS:
        if line.startswith(flag):
            rest = line[len(flag):]
            if len(flag) > 2 and rest[:1] not in (" ", "\t", "="):
                return None
            value = rest.lstrip(" \t=").split()
            return (value[0], constraint) if value else None
    return None


def logical_lines(text: str):
    """(line number, text) of each logical line; a trailing `\\` joins the next line."""
    pending: list[str] = []
    first = 1
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not pending:
            first = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield first, " ".join(pending)
        pending = []
    if pending:
        yield first, " ".join(pending)


def is_requirement_line(content: str) -> bool:
    """Whether a line (comment removed) is something pip reads in a requirements file."""
    if content.startswith(".. "):
        return False  # a reStructuredText directive or comment
    if content.startswith(("-", ".", "/", "~", "\\", "$")) or _URL.match(content) or \
            content.lower().endswith(_ARCHIVE):
        return True  # an option, an include, an editable install, a path, a URL
    head = content.split(" --", 1)[0].strip()
    match = _NAME.match(head)
    if match is None:
        return False
    rest = head[match.end():]
    if rest.lstrip().startswith("@"):
        return True  # `name @ url`
    return bool(_AFTER_NAME.match(rest))


def _check_content(text: str) -> None:
    """Raise ManifestError unless most lines are requirement lines."""
    total = bad = 0
    for _, line in logical_lines(text):
        content = _COMMENT.sub("", line).strip()
        if content:
            total += 1
            bad += not is_requirement_line(content)
    if bad and bad * 2 >= total:
        raise ManifestError(f"not read as a requirements file: {bad} of its {total} lines are "
                            "not requirement specifiers or pip options (prose or another "
                            "format under a requirements file's name)")


def requirements_file(source: SourceFile, kind: str = "requirement", pins: list | None = None):
    """ImportRefs for every index name in a requirements/constraints file, and its includes;
    with a `pins` list, also the version each line requires (extras, markers and hashes
    understood) appended to it.

    Raises ManifestError when the content is not a requirements file's."""
    refs: list[ImportRef] = []
    includes: list[Include] = []
    text = source.data.decode("utf-8", "replace")
    _check_content(text)
    for number, line in logical_lines(text):
        content = _COMMENT.sub("", line).strip()
        if not content:
            continue
        include = _include(content)
        if include is not None:
            includes.append(Include(include[0], include[1], number))
            continue
        requirement = content.split(" --", 1)[0]
        name = requirement_name(requirement)
        if name is not None:
            refs.append(ImportRef(name, PYPI, name_location(source, number, name), kind))
            if pins is not None:
                from .pin_specs import pep508_spec, pin_at  # packaging: only for pins

                pin = pin_at(source, refs[-1], pep508_spec(requirement))
                if pin is not None:
                    pins.append(pin)
    return refs, includes


def name_location(source: SourceFile, number: int, name: str, start: int = 0):
    """Location of `name` on 1-based line `number` (searching from character `start`)."""
    text = source.line_text(number - 1)
    index = text.find(name, start)
    if index < 0:
        index = 0
    begin = len(text[:index].encode("utf-8"))
    return source.location((number - 1, begin), (number - 1, begin + len(name.encode("utf-8"))))
