"""Data followed into functions imported from the project's own modules, through the CLI.

A temporary project on disk: `app/views.py` (`from ... import`) and `app/pages.py`
(`import ...`) pass request data to functions of `app/db.py`, `app/util.py` and the
root's `helpers.py`.  The findings rest on those modules, so the result cache must
re-check an importer when one of them changes, and a module outside the project (or a
link out of it) is never read.
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
