"""Data followed into functions imported from the project's own modules, through the CLI.

A temporary project on disk: `app/views.py` (`from ... import`) and `app/pages.py`
(`import ...`) pass request data to functions of `app/db.py`, `app/util.py` and the
root's `helpers.py`; `search.py` takes them from the package `app`, whose `__init__.py`
re-exports them.  The findings rest on those modules, so the result cache must re-check
an importer when one of them changes, and a module outside the project (or a link out of
it) is never read.
"""

from __future__ import annotations

import json
import os

import pytest

VIEWS = """\
import os
import sqlite3

from flask import request

from . import util
from .db import by_id, by_name
from app.util import checked_dir


def search():
    conn = sqlite3.connect("app.db")
    conn.execute(by_name(request.args["q"]))
    conn.execute(by_id(request.args["id"]))
    os.system("ls " + util.current_dir())
    os.system("ls " + checked_dir(request.args["d"]))
"""
DB = """\
def by_name(name):
    return "SELECT * FROM users WHERE name = '" + name + "'"


def by_id(user_id):
    return "SELECT * FROM users WHERE id = " + str(int(user_id))
"""
UTIL = """\
import shlex

from flask import request


def current_dir():
    return request.args["dir"]


def checked_dir(name):
    return shlex.quote(name)
"""
PAGES = """\
import os
import sqlite3

import app.db
import app.db as database
import helpers
import json
import util

from flask import request


def search():
    conn = sqlite3.connect("app.db")
    conn.execute(app.db.by_name(request.args["q"]))
    conn.execute(database.by_name(request.args["q"]))
    conn.execute(database.by_id(request.args["id"]))
    os.system("ls " + util.current_dir())
    os.system("ls " + util.checked_dir(request.args["d"]))
    os.system("ls " + helpers.home())
    os.system("ls " + helpers.fixed())
    conn.execute(json.as_text(request.args["q"]))
    os.system("ls " + os.current())
"""
HELPERS = """\
from flask import request


def home():
    return request.args["home"]


def fixed():
    return "/srv"
"""
# Named like standard library modules: `json` is found beside the importing file first
# when it is run as a script, `os` never (Python has it before it looks at any folder).
JSON_MODULE = "def as_text(value):\n    return value\n"
OS_MODULE = "from flask import request\n\n\ndef current():\n    return request.args['d']\n"
PAGES_FOUND = {("AIG101", 15), ("AIG101", 16), ("AIG102", 18), ("AIG102", 20)}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "views.py").write_text(VIEWS)
    (app / "db.py").write_text(DB)
    (app / "util.py").write_text(UTIL)
    (app / "pages.py").write_text(PAGES)
    (app / "os.py").write_text(OS_MODULE)
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "json.py").write_text(JSON_MODULE)
    return tmp_path


def _lines(cli, project, *extra, file="app/views.py") -> set[tuple[str, int]]:
    """Critical findings: injection with request data proven to reach the sink."""
    result = cli("scan", "--format", "json", *extra, file, cwd=project)
    assert result.returncode in (0, 1), result.err
    findings = json.loads(result.out)["findings"]
    return {(f["rule_id"], f["location"]["line"]) for f in findings
            if f["rule_id"] in ("AIG101", "AIG102") and f["severity"] == "critical"}


def test_imported_functions_carry_request_data(cli, project):
    assert _lines(cli, project, "--no-cache") == {("AIG101", 13), ("AIG102", 15)}


def test_a_changed_module_rechecks_its_importers(cli, project):
    assert ("AIG101", 14) not in _lines(cli, project)  # fills the cache
    (project / "app" / "db.py").write_text(DB.replace("str(int(user_id))", "user_id"))
    assert ("AIG101", 14) in _lines(cli, project)  # the cached result is not reused


def test_modules_outside_the_project_are_not_read(cli, project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "db.py").write_text(DB)
    os.remove(project / "app" / "db.py")
    os.symlink(outside / "db.py", project / "app" / "db.py")
    assert ("AIG101", 13) not in _lines(cli, project, "--no-cache")


def test_findings_do_not_depend_on_where_the_project_lives(cli, project, tmp_path_factory):
    moved = tmp_path_factory.mktemp("elsewhere") / "copy"
    os.rename(project, moved)
    assert _lines(cli, moved, "--no-cache") == {("AIG101", 13), ("AIG102", 15)}


def test_an_imported_module_too_deep_to_parse_is_not_read(cli, project):
    """A module nested beyond what the grammar parses safely is left unread (its functions
    stay unknown); the importing file is still checked and the other modules still count."""
    body = "".join(" " * depth + f"if x{depth}:\n" for depth in range(500)) + " " * 500 + "pass\n"
    (project / "app" / "db.py").write_text(DB + "\n\ndef deep(x0):\n" + "\n".join(
        "    " + line for line in body.splitlines()) + "\n")
    result = cli("scan", "--format", "json", "--no-cache", "app/views.py", cwd=project)
    report = json.loads(result.out)
    assert not [n for n in report["notes"] if n["level"] == "error"], report["notes"]
    assert ("AIG102", 15) in _lines(cli, project, "--no-cache")
    assert ("AIG101", 13) not in _lines(cli, project, "--no-cache")


def _pages(cli, project, *extra) -> set[tuple[str, int]]:
    return _lines(cli, project, *extra, file="app/pages.py")


def test_plain_imports_carry_request_data(cli, project):
    """`import app.db`, `import app.db as database`, `import util` (beside the file),
    `import helpers` (at the project root); `by_id`, `checked_dir` and `fixed` stay quiet."""
    assert _pages(cli, project, "--no-cache") == PAGES_FOUND


def test_a_standard_library_name_is_read_only_beside_the_importing_file(cli, project):
    """`json.py` at the project root is not on a script's path before the standard
    library; beside the importing file it is.  `os.py` never is."""
    assert ("AIG101", 22) not in _pages(cli, project, "--no-cache")
    os.rename(project / "json.py", project / "app" / "json.py")
    assert _pages(cli, project, "--no-cache") == PAGES_FOUND | {("AIG101", 22)}


def test_a_changed_module_rechecks_its_plain_importers(cli, project):
    assert _pages(cli, project) == PAGES_FOUND  # fills the cache
    (project / "app" / "util.py").write_text(UTIL.replace("shlex.quote(name)", "name"))
    assert _pages(cli, project) == PAGES_FOUND | {("AIG102", 19)}
    (project / "app" / "db.py").write_text(DB.replace("str(int(user_id))", "user_id"))
    assert _pages(cli, project) == PAGES_FOUND | {("AIG102", 19), ("AIG101", 17)}


def test_plainly_imported_modules_outside_the_project_are_not_read(cli, project,
                                                                    tmp_path_factory):
    """A link out of the project, to a module or to a package folder, is not followed."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "util.py").write_text(UTIL)
    os.remove(project / "app" / "util.py")
    os.symlink(outside / "util.py", project / "app" / "util.py")
    os.remove(project / "helpers.py")
    os.symlink(outside, project / "helpers", target_is_directory=True)
    (outside / "__init__.py").write_text(HELPERS)
    assert _pages(cli, project, "--no-cache") == {("AIG101", 15), ("AIG101", 16)}


# Package re-exports: `app/__init__.py` gives names defined in `app/db.py` (relative),
# `app/util.py` (absolute) and `app/shell.py` (`import *`); the root's `search.py`
# imports them from the package, or imports the package whole.
PACKAGE_INIT = """\
from .db import by_id, by_name
from .db import by_name as lookup
from app.util import checked_dir, current_dir
from .shell import *
"""
SHELL = """\
import shlex


def echo(text):
    return text


def quoted(text):
    return shlex.quote(text)


def _raw(text):
    return text
"""
SEARCH = """\
import os
import sqlite3

import app
from app import _raw, by_id, by_name, checked_dir, current_dir, echo, lookup, quoted

from flask import request


def search():
    conn = sqlite3.connect("app.db")
    conn.execute(by_name(request.args["q"]))  # relative re-export
    conn.execute(by_id(request.args["id"]))
    os.system("ls " + current_dir())  # absolute re-export
    os.system("ls " + checked_dir(request.args["d"]))
    os.system("ls " + echo(request.args["d"]))  # star re-export
    os.system("ls " + quoted(request.args["d"]))
    os.system("ls " + _raw(request.args["d"]))
    conn.execute(app.by_name(request.args["q"]))  # the package imported whole
    conn.execute(app.by_id(request.args["id"]))
    conn.execute(lookup(request.args["q"]))  # re-exported under another name
"""
SEARCH_FOUND = {("AIG101", 12), ("AIG102", 14), ("AIG102", 16), ("AIG101", 19), ("AIG101", 21)}
# Inside the package: `from . import by_name` takes the name the package's __init__ gives.
SIBLING = """\
import sqlite3

from flask import request

from . import by_id, by_name


def search():
    conn = sqlite3.connect("app.db")
    conn.execute(by_name(request.args["q"]))
    conn.execute(by_id(request.args["id"]))
"""


@pytest.fixture
def package(project):
    (project / "app" / "__init__.py").write_text(PACKAGE_INIT)
    (project / "app" / "shell.py").write_text(SHELL)
    (project / "app" / "sibling.py").write_text(SIBLING)
    (project / "search.py").write_text(SEARCH)
    return project


def _search(cli, project, *extra, file="search.py") -> set[tuple[str, int]]:
    return _lines(cli, project, *extra, file=file)


def test_package_re_exports_are_followed(cli, package):
    """Relative, absolute, renamed and `import *` re-exports, `import app; app.f(...)`;
    the sanitising functions and a private name (not given by `import *`) stay quiet."""
    assert _search(cli, package, "--no-cache") == SEARCH_FOUND


def test_a_name_the_package_gives_is_followed_from_inside_it(cli, package):
    assert _search(cli, package, "--no-cache", file="app/sibling.py") == {("AIG101", 10)}


def test_a_changed_re_export_source_rechecks_the_importer(cli, package):
    """The package's __init__ and the modules it takes names from are in the cache key."""
    assert _search(cli, package) == SEARCH_FOUND  # fills the cache
    (package / "app" / "db.py").write_text(DB.replace("str(int(user_id))", "user_id"))
    assert _search(cli, package) == SEARCH_FOUND | {("AIG101", 13), ("AIG101", 20)}
    (package / "app" / "shell.py").write_text(SHELL.replace("shlex.quote(text)", "text"))
    assert _search(cli, package) == SEARCH_FOUND | {
        ("AIG101", 13), ("AIG101", 20), ("AIG102", 17)}
    (package / "app" / "__init__.py").write_text(PACKAGE_INIT.replace("from .shell import *\n",
                                                                     ""))
    assert _search(cli, package) == SEARCH_FOUND - {("AIG102", 16)} | {
        ("AIG101", 13), ("AIG101", 20)}


def test_the_cache_key_covers_the_re_exports_of_the_names_taken(package):
    """A file's key covers the modules a package's __init__ may take the file's names
    from (`import *` may give any), and all of them when the package is imported whole."""
    from aicodeguard.analysis.python.project_modules import dependencies

    def re_exports(source: str, file: str = "x.py") -> dict[str, str]:
        found = dependencies(str(package / file), source.encode())
        return {spelled: os.path.relpath(path, package) for spelled, path in found.items()
                if ">" in spelled}

    shell, db, util = "app/shell.py", "app/db.py", "app/util.py"
    assert re_exports("from app import echo\n") == {"app>.shell": shell}
    assert re_exports("from app import lookup\n") == {"app>.db": db, "app>.shell": shell}
    assert re_exports("import app\n") == {"app>.db": db, "app>app.util": util,
                                           "app>.shell": shell}
    assert re_exports("from . import by_name\n", "app/x.py") == {".>.db": db, ".>.shell": shell}
    assert re_exports("from . import db\n", "app/x.py") == {}


def test_a_re_export_through_a_link_is_not_read(cli, package, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "shell.py").write_text(SHELL)
    os.remove(package / "app" / "shell.py")
    os.symlink(outside / "shell.py", package / "app" / "shell.py")
    assert _search(cli, package, "--no-cache") == SEARCH_FOUND - {("AIG102", 16)}


def test_a_name_the_package_binds_itself_is_not_looked_up_further(cli, package):
    """`by_name = ...` after the import, or a class of that name: not the imported
    function any more."""
    (package / "app" / "__init__.py").write_text(
        PACKAGE_INIT + "by_name = None\n\n\nclass echo:\n    pass\n")
    assert _search(cli, package, "--no-cache") == {("AIG102", 14), ("AIG101", 21)}


CHAIN = "from flask import request\nimport os\nfrom deep import run\n\n\ndef go():\n" \
        "    os.system('ls ' + run(request.args['d']))\n"


def _chain(project, hops: int) -> None:
    """`deep/__init__.py` re-exports `run` through `hops` packages to its definition."""
    folder = project / "deep"
    for _ in range(hops - 1):
        folder.mkdir()
        (folder / "__init__.py").write_text("from .next import run\n")
        folder = folder / "next"
    folder.mkdir()
    (folder / "__init__.py").write_text("from .defined import *\n")
    (folder / "defined.py").write_text("def run(text):\n    return text\n")
    (project / "chain.py").write_text(CHAIN)


def test_three_re_exports_are_followed(cli, project):
    _chain(project, 3)
    assert _lines(cli, project, "--no-cache", file="chain.py") == {("AIG102", 7)}


def test_a_fourth_re_export_is_not_followed(cli, project):
    _chain(project, 4)
    assert _lines(cli, project, "--no-cache", file="chain.py") == set()


def test_a_cycle_of_re_exports_ends_quietly(cli, project):
    loop = project / "deep"
    (loop / "inner").mkdir(parents=True)
    (loop / "__init__.py").write_text("from .inner import run\nfrom .inner import *\n")
    (loop / "inner" / "__init__.py").write_text("from deep import run\nfrom deep import *\n")
    (project / "chain.py").write_text(CHAIN)
    result = cli("scan", "--format", "json", "--no-cache", "chain.py", cwd=project)
    report = json.loads(result.out)
    assert result.returncode in (0, 1), result.err
    assert not [n for n in report["notes"] if n["level"] == "error"], report["notes"]
    assert _lines(cli, project, "--no-cache", file="chain.py") == set()


def test_a_plain_module_re_export_is_followed(cli, package):
    """`from app.helpers import by_name` where helpers.py only imports it from `.db`."""
    (package / "app" / "helpers.py").write_text("from .db import by_id, by_name\n")
    (package / "plain.py").write_text(
        "import sqlite3\n\nfrom flask import request\n\nfrom app.helpers import by_id, by_name\n"
        "\n\ndef search():\n    conn = sqlite3.connect('app.db')\n"
        "    conn.execute(by_name(request.args['q']))\n"
        "    conn.execute(by_id(request.args['id']))\n")
    assert _search(cli, package, "--no-cache", file="plain.py") == {("AIG101", 10)}
