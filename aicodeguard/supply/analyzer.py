"""The per-file analyzer for manifests, lock files and install instructions (no grammar:
`tree` is None).

It only records package references in `result.imports` and required versions in
`result.pins`; verdicts are reached once per run over the whole project (`supply.check`,
`supply.vulnerable`), because they depend on the project's other files, the snapshot,
the advisory data and the network.  Lock files give pins only: every name in them came
from a resolver, so they are not checked for invented or look-alike names.
"""

from __future__ import annotations

import json

from ..analysis.source import SourceFile
from ..model import FileResult, Location, Note, NoteLevel, Pin
from . import manifests, shell
from .names import PYPI
from .requirements import requirements_file


def _base_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _requirements(source: SourceFile):
    kind = "constraint" if _base_name(source.path).lower().startswith("constraints") \
        else "requirement"
    pins: list[Pin] = []
    return requirements_file(source, kind, pins)[0], pins


def _manifest(read):
    def reader(source: SourceFile):
        manifest = read(source)
        return manifest.refs, manifest.pins
    return reader


def _lock_file(source: SourceFile):
    """The exact versions a lock file records; one that does not read as its format is an
    error (fail closed: its versions were not checked)."""
    from .lockfiles import NotALockFile, pins

    name = _base_name(source.path)
    try:
        found = pins(name, source.data.decode("utf-8", "replace"))
    except NotALockFile as error:
        raise Unchecked(f"not read as a {name} ({error}); its pinned versions were not "
                        "checked for known vulnerabilities") from None
    return [], [Pin(pin.name, pin.ecosystem,
                    f"=={pin.version}" if pin.ecosystem == PYPI else pin.version,
                    Location(source.path, pin.line, pin.column, pin.line, pin.end_column),
                    "lockfile") for pin in found]


class Unchecked(Exception):
    """The file is not what its name says: the gate could not check it."""


def _notebook(source: SourceFile):
    """A notebook must be JSON: otherwise nothing in it could be checked (an error)."""
    try:
        json.loads(source.data)
    except (ValueError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise Unchecked(f"not a valid notebook: not JSON{where}; its imports and install "
                        "commands were not checked") from None
    return shell.notebook_refs(source)


def _refs_only(read):
    return lambda source: (read(source), [])


# File kind (see languages.py; engine.ANALYZERS routes these here) -> what reads it:
# (package references, pins).
READERS = {
    "requirements": _requirements,
    "pyproject": _manifest(manifests.pyproject),
    "setup-cfg": _manifest(manifests.setup_cfg),
    "pipfile": _manifest(manifests.pipfile),
    "package-json": _manifest(manifests.package_json),
    "lockfile": _lock_file,
    "shell": _refs_only(shell.shell_refs),
    "dockerfile": _refs_only(shell.shell_refs),
    "markdown": _refs_only(shell.markdown_refs),
    "notebook": _refs_only(_notebook),
}


def analyze(source: SourceFile, tree, result: FileResult) -> None:
    try:
        refs, pins = READERS[result.language](source)
        result.imports.extend(refs)
        result.pins.extend(pins)
    except manifests.ManifestError as error:
        result.notes.append(Note(source.path, f"{error}; its package names were not checked",
                                 NoteLevel.WARNING))
    except Unchecked as error:
        result.notes.append(Note(source.path, str(error), NoteLevel.ERROR))
