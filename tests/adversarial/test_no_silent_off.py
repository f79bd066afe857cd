"""Nothing turns a check off silently (issue 9): unknown rule ids, malformed or
out-of-bounds configuration, settings only the user may choose, and the result cache
(a wrong or foreign entry is a miss; a read-only cache is read, not "corrupt").

Every case runs the real command line (`python -m aicodeguard scan`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing

import pytest

from aicodeguard.cli import build_parser
from aicodeguard.commands.configuration import load_config

SHELL = "import subprocess\n\n\ndef run(name):\n    subprocess.run(\"ls \" + name, shell=True)\n"
DEBUG_SETTINGS = "DEBUG = True\n"


def scan(cli, folder, *args, env=None):
    result = cli("scan", "--offline", "--format", "json", *args, cwd=folder, env=env)
    report = json.loads(result.out) if result.out.strip() else None
    return result, report


def rule_ids(report) -> list[str]:
    return sorted(f["rule_id"] for f in report["findings"])


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app.py").write_text(SHELL)
    return tmp_path


# -- 1. unknown rule ids are errors everywhere ------------------------------------------
@pytest.mark.parametrize("option, value, nearest", [
    ("--select", "AIG999", "AIG902"),
    ("--select", "AIG1O1", "AIG101"),  # letter O
    ("--select", "AIG102,AIGX02", "AIG"),
    ("--ignore", "AIG1O2", "AIG102"),
    ("--ignore", "aig5l7", "AIG517"),
])
def test_unknown_ids_on_the_command_line_are_errors(cli, project, option, value, nearest):
    result, _ = scan(cli, project, option, value)
    assert result.returncode == 2, result.err
    unknown = next(part for part in value.upper().split(",") if part != "AIG102")
    assert f"unknown rule id '{unknown}' (did you mean {nearest}" in result.err
    assert "internal error" not in result.err


def test_known_ids_prefixes_and_all_still_work(cli, project):
    for selection in ("AIG102", "AIG1", "AIG", "ALL", "all", "aig10"):
        result, report = scan(cli, project, "--select", selection)
        assert (result.returncode, rule_ids(report)) == (1, ["AIG102"]), selection
    result, report = scan(cli, project, "--ignore", "AIG1")
    assert (result.returncode, rule_ids(report)) == (0, [])
    result, _ = scan(cli, project, "--select", ",")  # selecting nothing would check nothing
    assert result.returncode == 2 and "no rule ids given" in result.err


@pytest.mark.parametrize("body, words", [
    ("select = ['AIG1O1']", "select: unknown rule id 'AIG1O1' (did you mean AIG101?)"),
    ("select = []", "select: empty, so no rule would run"),
    ("ignore = ['AIG999']", "ignore: unknown rule id 'AIG999' (did you mean AIG902?)"),
    ("ignore = ['']", "ignore: empty rule id"),
    ("test-ignore = ['AIG3O1']", "test-ignore: unknown rule id 'AIG3O1' (did you mean AIG301?)"),
    ("[per-file-ignores]\n'app.py' = ['AIG1O2']",
     "per-file-ignores.'app.py': unknown rule id 'AIG1O2' (did you mean AIG102?)"),
])
def test_unknown_ids_in_the_configuration_are_errors(cli, project, body, words):
    config = project / ".aicodeguard.toml"
    config.write_text(body + "\n")
    result, _ = scan(cli, project)
    assert result.returncode == 2
    assert str(config) in result.err and words in result.err


def test_a_misspelt_suppression_silences_nothing_and_names_the_nearest_id(cli, project):
    (project / "app.py").write_text(SHELL.replace(
        "shell=True)", "shell=True)  # aicodeguard: ignore[AIG1O2] commands are fixed"))
    result, report = scan(cli, project)
    assert result.returncode == 1  # the AIG102 finding still fails the run
    assert rule_ids(report) == ["AIG003", "AIG102"]
    note = next(f for f in report["findings"] if f["rule_id"] == "AIG003")
    assert "unknown rule id AIG1O2 (did you mean AIG102?)" in note["message"]
    assert note["severity"] == "low"
    # ... also when another id of the same comment was used
    (project / "app.py").write_text(SHELL.replace(
        "shell=True)", "shell=True)  # aicodeguard: ignore[AIG102, AIG8O1] commands are fixed"))
    result, report = scan(cli, project)
    assert rule_ids(report) == ["AIG003"] and report["summary"]["suppressed"] == 1
    assert "AIG8O1 (did you mean AIG801?)" in report["findings"][0]["message"]


# -- 2. any shape of TOML, every bound --------------------------------------------------
@pytest.mark.parametrize("body, words", [
    ("tool = 5", "key 'tool' must be a table"),
    ("[tool]\naicodeguard = 'x'", "key 'tool.aicodeguard' must be a table ([tool.aicodeguard]), "
                                 "found a string"),
    ("[tool]\naicodeguard = []", "key 'tool.aicodeguard' must be a table"),
    ("aicodeguard = []", "key 'aicodeguard' at the top level is not read"),
    ("[tool.aicodeguard]\nnetwork-deadline = 1e12", "network-deadline: expected a positive number"),
    ("[tool.aicodeguard]\nnetwork-deadline = nan", "network-deadline: expected a positive"),
    ("[tool.aicodeguard]\nnetwork-deadline = inf", "network-deadline: expected a positive"),
    ("[tool.aicodeguard]\nnetwork-deadline = 30.5", "at most 30"),
    ("[tool.aicodeguard]\nmax-file-size = 0", "max-file-size: expected a whole number of bytes"),
    ("[tool.aicodeguard]\nmax-file-size = 1073741825", "max-file-size: expected a whole number"),
    ("[tool.aicodeguard]\njobs = 257", "jobs: expected a whole number from 0 to 256"),
    ("[tool.aicodeguard]\njobs = -1", "jobs: expected a whole number from 0 to 256"),
    ("[tool.aicodeguard.select]\nx = 1", "select: expected a list of strings"),
])
def test_malformed_pyproject_is_a_configuration_error(cli, project, body, words):
    (project / "pyproject.toml").write_text(body + "\n")
    result, _ = scan(cli, project)
    assert result.returncode == 2
    assert str(project / "pyproject.toml") in result.err and words in result.err
    assert "internal error" not in result.err


def test_bounds_of_command_line_numbers(cli, project):
    for value in ("257", "-1", "many"):
        result, _ = scan(cli, project, "--jobs", value)
        assert result.returncode == 2 and "from 0 to 256" in result.err, value


def test_every_unknown_key_is_reported_in_one_error(cli, project):
    (project / "pyproject.toml").write_text(
        "[tool.aicodeguard]\nselct = ['AIG1']\nfail_on = 'high'\nignroe = ['AIG5']\n"
        "colour = true\n")
    result, _ = scan(cli, project)
    assert result.returncode == 2
    for words in ("'selct' (did you mean 'select'?)", "'fail_on' (did you mean 'fail-on'?)",
                  "'ignroe' (did you mean 'ignore'?)", "'colour'"):
        assert words in result.err
    assert result.err.count("aicodeguard: error:") == 1


# -- 3. only the user opts in to the repository's own indexes; offline is user-wins ----
def test_repository_cannot_turn_on_project_indexes(cli, project):
    (project / ".aicodeguard.toml").write_text("project-indexes = true\n")
    result, _ = scan(cli, project)
    assert result.returncode == 2
    assert "project-indexes can only be set by you" in result.err
    assert "--project-indexes" in result.err and "--config" in result.err


def _config(project, *argv, env=None, monkeypatch=None):
    args = build_parser().parse_args(["scan", *argv, str(project)])
    return load_config(args, str(project))


def test_the_user_turns_on_project_indexes(cli, project, tmp_path_factory, monkeypatch):
    mine = tmp_path_factory.mktemp("home") / "aicodeguard.toml"
    mine.write_text("project-indexes = true\n")
    result, report = scan(cli, project, "--config", str(mine))
    assert result.returncode == 1 and rule_ids(report) == ["AIG102"]
    result, _ = scan(cli, project, "--project-indexes")
    assert result.returncode == 1
    result, _ = scan(cli, project, env={"AICODEGUARD_PROJECT_INDEXES": "1"})
    assert result.returncode == 1
    # ... and the configuration the scan runs with says so, for each of the three ways
    assert _config(project).project_indexes is False
    assert _config(project, "--config", str(mine)).project_indexes is True
    assert _config(project, "--project-indexes").project_indexes is True
    monkeypatch.setenv("AICODEGUARD_PROJECT_INDEXES", "1")
    assert _config(project).project_indexes is True


def test_repository_cannot_undo_offline(project, monkeypatch):
    (project / ".aicodeguard.toml").write_text("offline = false\n")
    assert _config(project).offline is False
    assert _config(project, "--offline").offline is True
    monkeypatch.setenv("AICODEGUARD_OFFLINE", "1")
    assert _config(project).offline is True


# -- 5. the result cache ---------------------------------------------------------------
def _sql(database: str, statement: str, *parameters, uri: bool = False) -> list:
    with closing(sqlite3.connect(database, uri=uri, isolation_level=None)) as db:
        return db.execute(statement, parameters).fetchall()


def _cache_rows(cache_dir) -> list[tuple[str, str]]:
    return _sql(os.path.join(cache_dir, "results.sqlite3"), "SELECT key, payload FROM results")


def test_identical_content_in_two_places_does_not_share_a_result(cli, project):
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (project / "dev").mkdir()
    (project / "dev" / "settings.py").write_text(DEBUG_SETTINGS)  # development: left alone
    (project / "settings.py").write_text(DEBUG_SETTINGS)
    result, report = scan(cli, project, "dev/settings.py")
    assert result.returncode == 0 and rule_ids(report) == []
    result, report = scan(cli, project, "settings.py")  # same bytes: must not be a hit
    assert rule_ids(report) == ["AIG501"]
    result, report = scan(cli, project, "settings.py", "dev/settings.py")
    assert [(f["location"]["path"], f["rule_id"]) for f in report["findings"]] == \
        [("settings.py", "AIG501")]


BAD_PAYLOADS = [
    "[]", "null", "{}", '"text"',
    '{"language": "python", "findings": "x", "notes": [], "imports": [], "suppressions": []}',
    '{"language": "python", "findings": [{"rule_id": "AIG102", "severity": "medium", '
    '"confidence": "high", "message": "m", "snippet": "s", "related": [], "fix": null, '
    '"location": {"line": "5", "column": 5, "end_line": 5, "end_column": 9}}], '
    '"notes": [], "imports": [], "suppressions": []}',
    '{"language": "python", "findings": [{"rule_id": "AIG102", "severity": "medium", '
    '"confidence": "high", "message": "m", "snippet": "s", "related": [], "fix": null, '
    '"location": {"path": "/elsewhere.py", "line": 5, "column": 5, "end_line": 5, '
    '"end_column": 9}}], "notes": [], "imports": [], "suppressions": []}',
    '{"language": "python", "findings": [{"rule_id": "AIG999", "severity": "medium", '
    '"confidence": "high", "message": "m", "snippet": "s", "related": [], "fix": null, '
    '"location": {"line": 5, "column": 5, "end_line": 5, "end_column": 9}}], '
    '"notes": [], "imports": [], "suppressions": []}',
    '{"language": "python", "findings": [], "notes": [{"message": 1, "level": "info"}], '
    '"imports": [], "suppressions": []}',
    '{"language": "python", "findings": [], "notes": [], "imports": [], '
    '"suppressions": [[1, 1, 5, [1, 2], [], "reason"]]}',
]


@pytest.mark.parametrize("payload", BAD_PAYLOADS)
def test_a_cache_row_with_an_unexpected_payload_is_a_miss(cli, project, payload):
    cache = os.environ["AICODEGUARD_CACHE_DIR"]
    _, clean = scan(cli, project)
    rows = _cache_rows(cache)
    assert len(rows) == 1
    _sql(os.path.join(cache, "results.sqlite3"), "UPDATE results SET payload = ?", payload)
    result, report = scan(cli, project)
    assert result.returncode == 1, result.err
    assert report["findings"] == clean["findings"]
    assert any(stored != payload for _, stored in _cache_rows(cache))  # a good one written


def _make_read_only_for_sqlite(database: str) -> None:
    """Set the database's "write version" above 2: SQLite then opens it read-only, for
    root too (file permissions do not stop root, and the tests run as root here)."""
    _sql(database, "PRAGMA journal_mode=DELETE")  # fold the write-ahead log in
    with open(database, "r+b") as handle:
        handle.seek(18)
        handle.write(bytes([3]))


def test_a_read_only_cache_is_read_and_not_called_corrupt(cli, project):
    cache = os.environ["AICODEGUARD_CACHE_DIR"]
    database = os.path.join(cache, "results.sqlite3")
    scan(cli, project)
    ((key, payload),) = _cache_rows(cache)
    data = json.loads(payload)
    data["findings"][0]["message"] = "as remembered by the cache"
    _sql(database, "UPDATE results SET payload = ?", json.dumps(data))
    _make_read_only_for_sqlite(database)
    (project / "other.py").write_text(SHELL.replace("cmd", "command"))  # a miss: not written
    result, report = scan(cli, project)
    messages = [note["message"] for note in report["notes"]]
    assert any("result cache is read-only" in m and "scanning without writing it" in m
               for m in messages), messages
    assert not any("corrupt" in m for m in messages)
    assert result.returncode == 1
    by_path = {f["location"]["path"]: f["message"] for f in report["findings"]}
    assert by_path["app.py"] == "as remembered by the cache"  # it was read
    assert "shell" in by_path["other.py"]
    assert os.path.exists(database) and open(database, "rb").read()[18] == 3  # untouched
    assert _sql(f"file:{database}?mode=ro", "SELECT count(*) FROM results", uri=True) == [(1,)]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions do not stop root; the SQLite write-version test "
                           "above covers the read-only path for root")
def test_a_chmod_read_only_cache_folder(cli, project):
    cache = os.environ["AICODEGUARD_CACHE_DIR"]
    scan(cli, project)
    for name in os.listdir(cache):
        os.chmod(os.path.join(cache, name), 0o444)
    os.chmod(cache, 0o555)
    try:
        result, report = scan(cli, project)
    finally:
        os.chmod(cache, 0o755)
    messages = [note["message"] for note in report["notes"]]
    assert any("result cache is read-only" in m for m in messages), messages
    assert not any("corrupt" in m for m in messages)
    assert result.returncode == 1 and rule_ids(report) == ["AIG102"]


def test_a_cache_that_cannot_exist_is_unavailable_not_corrupt(cli, project):
    blocker = project / "not-a-folder"
    blocker.write_text("")
    result, report = scan(cli, project, "app.py",
                          env={"AICODEGUARD_CACHE_DIR": str(blocker / "cache")})  # ENOTDIR
    messages = [note["message"] for note in report["notes"]]
    assert result.returncode == 1 and rule_ids(report) == ["AIG102"]
    assert any("result cache unavailable" in m for m in messages), messages
    assert not any("corrupt" in m for m in messages)
    folder = project / "cache-with-a-folder-for-a-database"
    (folder / "results.sqlite3").mkdir(parents=True)  # cannot be opened; must not be removed
    result, report = scan(cli, project, "app.py", env={"AICODEGUARD_CACHE_DIR": str(folder)})
    messages = [note["message"] for note in report["notes"]]
    assert result.returncode == 1 and rule_ids(report) == ["AIG102"]
    assert not any("corrupt" in m for m in messages), messages
    assert (folder / "results.sqlite3").is_dir()


def test_a_corrupt_cache_is_still_rebuilt(cli, project):
    cache = os.environ["AICODEGUARD_CACHE_DIR"]
    with open(os.path.join(cache, "results.sqlite3"), "wb") as handle:
        handle.write(b"this is not a database" * 100)
    result, report = scan(cli, project)
    assert result.returncode == 1 and rule_ids(report) == ["AIG102"]
    assert any("corrupt; rebuilt it" in note["message"] for note in report["notes"])
    assert len(_cache_rows(cache)) == 1
