"""The per-file analyzer for manifests and install instructions (no grammar: `tree` is None).

It only records package references in `result.imports`; verdicts are reached once
per run over the whole project (`supply.check`), because they depend on the
project's other files, the snapshot and the network.
"""

from __future__ import annotations

import json

from ..analysis.source import SourceFile
from ..model import FileResult, Note, NoteLevel
from . import manifests, shell
from .requirements import requirements_file


def _requirements(source: SourceFile):
    name = source.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    kind = "constraint" if name.startswith("constraints") else "requirement"
    return requirements_file(source, kind)[0]


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


# File kind (see languages.py; engine.ANALYZERS routes these here) -> what reads it.
READERS = {
    "requirements": _requirements,
    "pyproject": lambda source: manifests.pyproject(source).refs,
    "setup-cfg": lambda source: manifests.setup_cfg(source).refs,
    "pipfile": lambda source: manifests.pipfile(source).refs,
    "package-json": lambda source: manifests.package_json(source).refs,
    "shell": shell.shell_refs,
    "dockerfile": shell.shell_refs,
    "markdown": shell.markdown_refs,
    "notebook": _notebook,
}


def analyze(source: SourceFile, tree, result: FileResult) -> None:
    try:
        result.imports.extend(READERS[result.language](source))
    except manifests.ManifestError as error:
        result.notes.append(Note(source.path, f"{error}; its package names were not checked",
                                 NoteLevel.WARNING))
    except Unchecked as error:
        result.notes.append(Note(source.path, str(error), NoteLevel.ERROR))
