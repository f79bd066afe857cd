"""Configuration: discovery, validation with clear errors, and each key's effect."""

from __future__ import annotations

import json

import pytest

from aicodeguard.config import KEYS, Config, ConfigError, discover, load_file

SQL = "def q(cur, n):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n"


def test_every_config_field_has_a_key():
    fields = set(Config.__dataclass_fields__) - {"path"}
    assert {name for name, _ in KEYS.values()} == fields


def test_pyproject_without_section_is_skipped_and_search_walks_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.aicodeguard]\nfail-on = 'high'\n")
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    config = discover(str(inner))
    assert config.fail_on.label == "high" and config.path == str(tmp_path / "pyproject.toml")


def test_dot_file_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.aicodeguard]\nfail-on = 'high'\n")
    (tmp_path / ".aicodeguard.toml").write_text("fail-on = 'low'\n")
    assert discover(str(tmp_path)).fail_on.label == "low"


@pytest.mark.parametrize("body, words", [
    ("selct = ['AIG1']", "unknown key 'selct'"),
    ("fail-on = 'severe'", "fail-on: unknown severity 'severe'"),
    ("select = 'AIG1'\nignore = [1]", "ignore: expected a list of strings"),
    ("offline = 'yes'", "offline: expected true or false"),
    ("max-file-size = -1", "max-file-size: expected a whole number of bytes from 1"),
    ("max-file-size = 0", "max-file-size: expected a whole number of bytes from 1"),
    ("max-file-size = 2147483648", "to 1073741824, got 2147483648"),
    ("jobs = 257", "jobs: expected a whole number from 0 to 256, got 257"),
    ("jobs = 1.5", "jobs: expected a whole number"),
    ("per-file-ignores = ['x']", "per-file-ignores: expected a table"),
    ("network-deadline = 0", "network-deadline: expected a positive number"),
    ("network-deadline = 31", "network-deadline: expected a positive number of seconds, at "
                              "most 30, got 31"),
    ("network-deadline = 1e12", "network-deadline: expected a positive number"),
    ("network-deadline = nan", "got nan"),
    ("network-deadline = inf", "got inf"),
    ("network-deadline = -inf", "got -inf"),
    ("select = []", "select: empty, so no rule would run"),
    ("select = ['AIG1O1']", "select: unknown rule id 'AIG1O1' (did you mean AIG101?)"),
    ("ignore = ['AIG999']", "ignore: unknown rule id 'AIG999' (did you mean AIG902?)"),
    ("ignore = ['']", "ignore: empty rule id"),
    ("test-ignore = ['AIG3O1']", "test-ignore: unknown rule id 'AIG3O1' (did you mean AIG301?)"),
    ("[per-file-ignores]\n'x/*' = ['AIG51']\n'y/*' = ['AIGS02']",
     "per-file-ignores.'y/*': unknown rule id 'AIGS02' (did you mean AIG502?)"),
    ("exclude = ['']", "exclude: empty string"),
    ("aicodeguard = {}", "'aicodeguard' (this file takes the keys at its top level)"),
    ("project-indexes = true", "project-indexes can only be set by you"),
])
def test_invalid_values_name_the_file_and_key(tmp_path, body, words, name=".aicodeguard.toml"):
    path = tmp_path / name
    path.write_text(body + "\n")
    with pytest.raises(ConfigError) as caught:
        load_file(str(path))
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_cli_exits_2_on_bad_config_naming_file_and_key(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.aicodeguard]\nfail_on = 'high'\n")
    (tmp_path / "a.py").write_text(SQL)
    result = cli("scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml: unknown key 'fail_on' in [tool.aicodeguard]" in result.err
    result = cli("scan", cwd=tmp_path, env={})
    (tmp_path / "pyproject.toml").write_text("[tool.aicodeguard\n")
    result = cli("scan", cwd=tmp_path)
    assert result.returncode == 2 and "not valid TOML" in result.err


def findings(cli, folder, *args):
    result = cli("scan", "--format", "json", *args, cwd=folder)
    return result.returncode, [(f["location"]["path"], f["rule_id"])
                               for f in json.loads(result.out)["findings"]]


def test_select_ignore_fail_on_and_per_file_ignores(cli, tmp_path):
    (tmp_path / "app.py").write_text(SQL)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(SQL)
    assert findings(cli, tmp_path) == (1, [("app.py", "AIG101"), ("legacy/old.py", "AIG101")])
    (tmp_path / ".aicodeguard.toml").write_text(
        "[per-file-ignores]\n'legacy/*' = ['AIG1']\n")
    assert findings(cli, tmp_path) == (1, [("app.py", "AIG101")])
    assert findings(cli, tmp_path, "--ignore", "AIG101") == (0, [])
    assert findings(cli, tmp_path, "--select", "AIG4") == (0, [])
    assert findings(cli, tmp_path, "--fail-on", "critical") == (0, [("app.py", "AIG101")])
    (tmp_path / ".aicodeguard.toml").write_text("fail-on = 'critical'\n")
    assert findings(cli, tmp_path)[0] == 0
    assert findings(cli, tmp_path, "--fail-on", "high")[0] == 1


def test_excludes_from_config(cli, tmp_path):
    (tmp_path / "app.py").write_text(SQL)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "gen.py").write_text(SQL)
    (tmp_path / ".aicodeguard.toml").write_text("exclude = ['generated/']\n")
    assert findings(cli, tmp_path)[1] == [("app.py", "AIG101")]
    # explicit files are scanned anyway, unless --force-exclude (what hooks pass)
    assert findings(cli, tmp_path, "generated/gen.py")[1] == [("generated/gen.py", "AIG101")]
    assert findings(cli, tmp_path, "--force-exclude", "generated/gen.py") == (0, [])


def test_test_files_silence_test_noise_rules(tmp_path):
    from aicodeguard.policy import Policy

    config = Config(path=str(tmp_path / ".aicodeguard.toml"))
    policy = Policy(config)
    assert not policy.shown("AIG301", str(tmp_path / "tests" / "test_login.py"))
    assert policy.shown("AIG301", str(tmp_path / "app" / "login.py"))
    assert policy.shown("AIG101", str(tmp_path / "tests" / "test_login.py"))
    custom = Policy(Config(path=str(tmp_path / "x.toml"), test_ignore=("AIG101",)))
    assert not custom.shown("AIG101", str(tmp_path / "tests" / "test_db.py"))


def test_every_unknown_key_is_reported_at_once_with_suggestions(tmp_path):
    path = tmp_path / ".aicodeguard.toml"
    path.write_text("selct = ['AIG1']\nfail_on = 'high'\ncolour = true\njobs = -1\n")
    with pytest.raises(ConfigError) as caught:
        load_file(str(path))
    message = str(caught.value)
    assert "'selct' (did you mean 'select'?)" in message
    assert "'fail_on' (did you mean 'fail-on'?)" in message
    assert "'colour'" in message and "jobs: expected a whole number" in message


@pytest.mark.parametrize("body, words", [
    ("tool = 5", "key 'tool' must be a table ([tool.NAME] sections), found an integer"),
    ("[tool]\naicodeguard = 'x'", "key 'tool.aicodeguard' must be a table ([tool.aicodeguard]), "
                                  "found a string"),
    ("[tool]\naicodeguard = []", "key 'tool.aicodeguard' must be a table"),
    ("aicodeguard = []", "key 'aicodeguard' at the top level is not read"),
    ("[aicodeguard]\nselect = ['AIG1']", "settings go in [tool.aicodeguard]"),
])
def test_pyproject_of_any_shape_is_a_clear_error(tmp_path, body, words):
    test_invalid_values_name_the_file_and_key(tmp_path, body, words, name="pyproject.toml")


def test_project_indexes_only_from_a_file_the_user_names(tmp_path):
    path = tmp_path / ".aicodeguard.toml"
    path.write_text("project-indexes = true\n")
    with pytest.raises(ConfigError):
        discover(str(tmp_path))
    assert load_file(str(path), trusted=True).project_indexes is True
    assert Config().project_indexes is False
