"""Results do not depend on where the checkout lives (issue 9).

Checks that read context from a file's path (development settings, test files) read
the path relative to the project root, never the folders above it: a project under
`~/dev/`, `/srv/local/` or `ci-tests/` gets the same findings as anywhere else, from
any working folder, with or without the result cache.  Run through the real CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from contextlib import closing

import pytest

APP = '''\
from flask import Flask, request

app = Flask(__name__)
app.config["WTF_CSRF_ENABLED"] = False
app.config["SESSION_COOKIE_SECURE"] = False


@app.route("/")
def index():
    assert request.args.get("is_admin") == "1"
    return "hi"


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
'''
SETTINGS = '''\
DEBUG = True
ALLOWED_HOSTS = ["*"]
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_HTTPONLY = False
CORS_ORIGIN_ALLOW_ALL = True
'''
# Inside the project, context from the path still counts: a development settings file
# and a test file are left alone (the same in every location).
DEV_SETTINGS = SETTINGS
TEST_FILE = APP

# What the plain copy must report, so the comparison cannot pass on empty results.
EXPECTED = {
    ("app.py", 4, "AIG515"), ("app.py", 5, "AIG516"), ("app.py", 10, "AIG513"),
    ("app.py", 15, "AIG501"), ("app.py", 15, "AIG502"), ("settings.py", 1, "AIG501"),
    ("settings.py", 2, "AIG518"), ("settings.py", 3, "AIG516"), ("settings.py", 4, "AIG516"),
    ("settings.py", 5, "AIG503"),
}
LOCATIONS = ("plain", "local", "dev", "x-tests", "tests")


def make_project(folder, marker: str | None) -> None:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(APP)
    (folder / "settings.py").write_text(SETTINGS)
    (folder / "settings_dev.py").write_text(DEV_SETTINGS)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_app.py").write_text(TEST_FILE)
    if marker == ".git":
        (folder / ".git").mkdir()
    elif marker:
        (folder / marker).write_text("[project]\nname = 'proj'\n" if marker == "pyproject.toml"
                                     else "{}\n" if marker == "package.json" else "")


def findings(cli, cwd, target, project) -> set[tuple[str, int, str]]:
    result = cli("scan", "--offline", "--format", "json", target, cwd=cwd)
    assert result.returncode in (0, 1), result.err
    report = json.loads(result.out)
    found = set()
    for finding in report["findings"]:
        absolute = os.path.join(cwd, finding["location"]["path"])
        relative = os.path.relpath(absolute, project).replace(os.sep, "/")
        found.add((relative, finding["location"]["line"], finding["rule_id"]))
    return found


@pytest.mark.parametrize("marker", [None, "pyproject.toml", ".git"])
def test_same_findings_wherever_the_checkout_lives(cli, tmp_path, marker):
    runs = {}
    for location in LOCATIONS:
        project = tmp_path / location / "proj"
        make_project(project, marker)
        for cwd, target, attempt in ((tmp_path, os.path.join(location, "proj"), "fresh"),
                                     (project, ".", "cached"), (project, "app.py", "cached")):
            runs[(location, str(cwd), target, attempt)] = findings(cli, cwd, target, project)
    reference = runs[("plain", str(tmp_path), os.path.join("plain", "proj"), "fresh")]
    assert EXPECTED <= reference
    assert not any(path.startswith("tests/") or path == "settings_dev.py"
                   for path, _, rule in reference if rule in ("AIG501", "AIG513", "AIG515"))
    for (location, cwd, target, attempt), found in runs.items():
        wanted = {f for f in reference if target != "app.py" or f[0] == "app.py"}
        assert found == wanted, (location, cwd, target, attempt)


def test_the_absolute_path_gives_no_context(cli, tmp_path):
    """Scanning by absolute path, from an unrelated working folder, changes nothing."""
    project = tmp_path / "dev" / "local-tests" / "proj"
    make_project(project, "pyproject.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert EXPECTED <= findings(cli, elsewhere, str(project), project)
    assert findings(cli, elsewhere, str(project), project) == \
        findings(cli, project, ".", project)


def test_same_result_after_moving_the_checkout(cli, tmp_path):
    """The result cache keys on the project-relative path: a moved checkout hits the
    cache and still gets the same findings."""
    before = tmp_path / "plain" / "proj"
    make_project(before, "pyproject.toml")
    first = findings(cli, tmp_path, "plain/proj", before)
    rows = _cache_rows()
    after = tmp_path / "dev" / "proj"
    after.parent.mkdir()
    shutil.move(str(before), str(after))
    assert findings(cli, tmp_path, "dev/proj", after) == first
    assert _cache_rows() == rows  # every file was a hit: nothing new was written
    assert EXPECTED <= first


def _cache_rows() -> list:
    database = os.path.join(os.environ["AICODEGUARD_CACHE_DIR"], "results.sqlite3")
    with closing(sqlite3.connect(database)) as db:
        return sorted(db.execute("SELECT key FROM results").fetchall())
