"""aicodeguard: a security linter for AI-written code.

Never execute what is scanned: when aicodeguard runs as a program, the working
directory (usually the repository being checked) must not be on ``sys.path``, or a
repository-root ``json.py`` would run in place of the standard library.
`_keep_the_working_directory_off_sys_path` runs first, before any other import of ours:

- it removes the sys.path entries naming the working directory (``python -m`` puts it
  first; ``PYTHONPATH=.`` from a repository's direnv does the same for the console
  script), except the folder holding this package (a source checkout run in place);
- it refuses to run (exit 2, one line on stderr) when a module already imported was
  found through such an entry: that code has run, so nothing this process reports can
  be trusted.

It cannot stop what Python runs before this package is imported (``sitecustomize.py``
through ``PYTHONPATH=.``; on 3.10, ``python -m`` imports runpy's modules from the
working directory), so the git hooks start ``python -I -m aicodeguard``.  Imported as
a library (tests, a REPL, a script), aicodeguard leaves ``sys.path`` alone.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

_PROGRAM = "aicodeguard"


def _started_as_program() -> bool:
    """True for the console script and for `python -m aicodeguard` (while runpy
    imports this package, sys.argv[0] is "-m")."""
    if _sys.argv[:1] == ["-m"]:
        names = (_PROGRAM, _PROGRAM + ".__main__")
        joined = tuple("m" + name for name in names)  # -maicodeguard, -Imaicodeguard
        return any(arg in names or (arg.startswith("-") and arg.endswith(joined))
                   for arg in getattr(_sys, "orig_argv", ()))
    launcher = _os.path.basename(_sys.argv[0]) if _sys.argv and _sys.argv[0] else ""
    return launcher.split(".")[0] in (_PROGRAM, _PROGRAM + "-script")


def _trusted_folders() -> set[str]:
    """Folders that may be both the working directory and on sys.path: the one holding
    this package (a source checkout run in place), the standard library, site-packages."""
    folders = [_os.path.dirname(_os.path.dirname(__file__)), _os.path.dirname(_os.__file__)]
    site = _sys.modules.get("site")
    try:
        folders += [*site.getsitepackages(), site.getusersitepackages()]
    except AttributeError:  # -S, or an old virtualenv's site module
        pass
    return {_os.path.realpath(folder) for folder in folders}


def _found_in(folder: str, module: object, real: dict[str, str]) -> bool:
    """Was `module` imported through a sys.path entry that is `folder`?  (`real` caches
    resolved folders: a module file's folder is resolved once, not per module.)"""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        return False
    parent = _os.path.dirname(path)
    if parent not in real:
        real[parent] = _os.path.realpath(parent)
    inside = real[parent] + _os.sep
    start = folder.rstrip(_os.sep) + _os.sep
    if not inside.startswith(start):
        return False
    first = (inside[len(start):] + _os.path.basename(path)).split(_os.sep)[0]
    return first.split(".")[0] == getattr(module, "__name__", "").split(".")[0]


def _keep_the_working_directory_off_sys_path() -> None:
    if not _started_as_program():
        return
    try:
        here = _os.path.realpath(_os.getcwd())
    except OSError:  # the working directory was removed: nothing can be found there
        return
    if here in _trusted_folders():
        return
    kept = [entry for entry in _sys.path
            if not isinstance(entry, str) or _os.path.realpath(entry or ".") != here]
    if len(kept) == len(_sys.path):
        return  # nothing could have been imported from there
    _sys.path[:] = kept
    real: dict[str, str] = {}
    for name, module in list(_sys.modules.items()):
        if name != "__main__" and _found_in(here, module, real):
            _sys.stderr.write(
                f"aicodeguard: error: refusing to run: {module.__file__} in the working "
                f"directory was imported as module {name!r}; start aicodeguard as "
                "`python -I -m aicodeguard`, or without PYTHONPATH naming this folder\n")
            raise SystemExit(2)


_keep_the_working_directory_off_sys_path()
