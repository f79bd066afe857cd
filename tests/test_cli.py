"""The command line as users run it: exit codes, standard input, rules, explain, cache,
parallel scans and file discovery."""

from __future__ import annotations

import json
import os
import subprocess

SQL = "def q(cur, n):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n"


def test_clean_findings_and_usage_exit_codes(cli, tmp_path):
    (tmp_path / "clean.py").write_text("print('hello')\n")
    assert cli("scan", "clean.py", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.py").write_text(SQL)
    assert cli("scan", cwd=tmp_path).returncode == 1
    assert cli("scan", "--exit-zero", cwd=tmp_path).returncode == 0
    assert cli("scan", "--format", "xml", cwd=tmp_path).returncode == 2
    assert cli(cwd=tmp_path).returncode == 2


def test_standard_input(cli, tmp_path):
    result = cli("scan", "-", "--stdin-filename", "src/app.py", "--format", "json",
                 cwd=tmp_path, stdin=SQL.encode())
    document = json.loads(result.out)
    assert result.returncode == 1
    assert [(f["location"]["path"], f["location"]["line"]) for f in document["findings"]] == [
        ("src/app.py", 2)]
    missing = cli("scan", "-", cwd=tmp_path, stdin=b"x")
    assert missing.returncode == 2 and "--stdin-filename" in missing.err


def test_rules_table_and_explain(cli):
    table = cli("rules")
    assert table.returncode == 0 and "AIG101" in table.out and "CWE-89" in table.out
    listed = json.loads(cli("rules", "--format", "json").out)
    assert {"id", "name", "severity", "cwe", "help_url"} <= set(listed[0])
    explained = cli("explain", "aig101")
    assert explained.returncode == 0 and "## Use instead" in explained.out
    assert cli("explain", "AIG999").returncode == 2


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and result.out.startswith("aicodeguard ")


def test_plain_scan_does_not_import_heavy_modules(tmp_path):
    (tmp_path / "a.py").write_text(SQL)
    probe = ("import sys, runpy\nsys.argv = ['aicodeguard', 'scan', '--no-cache', 'a.py']\n"
             "try:\n    runpy.run_module('aicodeguard', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "heavy = [m for m in ('pygls', 'lsprotocol', 'requests', 'bandit') "
             "if m in sys.modules]\nprint('HEAVY', heavy)\n")
    out = subprocess.run([os.sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120).stdout
    assert "HEAVY []" in out


def test_cache_makes_unchanged_files_free_and_survives_corruption(cli, tmp_path):
    cache = tmp_path / "cache"
    env = {"AICODEGUARD_CACHE_DIR": str(cache)}
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.py").write_text(SQL)
    first = cli("scan", "--format", "json", cwd=project, env=env)
    assert (cache / "results.sqlite3").exists()
    # Corrupt the cached entry: the result must still be right (entry treated as a miss).
    import sqlite3

    with sqlite3.connect(cache / "results.sqlite3") as db:
        db.execute("UPDATE results SET payload = 'not json'")
    second = cli("scan", "--format", "json", cwd=project, env=env)
    assert json.loads(second.out)["findings"] == json.loads(first.out)["findings"]
    # A cache file that is not a database at all is rebuilt with a note.
    for name in os.listdir(cache):
        os.remove(cache / name)
    (cache / "results.sqlite3").write_bytes(b"garbage" * 100)
    third = cli("scan", "--format", "json", cwd=project, env=env)
    document = json.loads(third.out)
    assert document["findings"] == json.loads(first.out)["findings"]
    assert any("rebuilt" in n["message"] for n in document["notes"])
    assert third.returncode == 1


def test_cache_hit_skips_analysis(tmp_path, monkeypatch):
    from aicodeguard import engine
    from aicodeguard.discovery import Discovery

    monkeypatch.setenv("AICODEGUARD_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "a.py").write_text(SQL)
    targets = Discovery(respect_gitignore=False).run([str(tmp_path / "a.py")])
    first = engine.Scanner(engine.ScanSettings()).scan(targets)
    calls = []
    monkeypatch.setattr(engine, "_analyze_job", lambda job: calls.append(job))
    second = engine.Scanner(engine.ScanSettings()).scan(targets)
    assert calls == [] and second[0].findings == first[0].findings


def test_parallel_scan_equals_serial_scan(cli, tmp_path):
    for index in range(40):
        lines = [f"# file {index}"] + ["x = 1"] * 200 + [SQL]
        (tmp_path / f"m{index}.py").write_text("\n".join(lines))
    serial = cli("scan", "--format", "json", "--no-cache", "--jobs", "1", cwd=tmp_path)
    parallel = cli("scan", "--format", "json", "--no-cache", "--jobs", "2", cwd=tmp_path)
    assert json.loads(serial.out)["findings"] == json.loads(parallel.out)["findings"]
    assert json.loads(parallel.out)["summary"]["findings"] == 40


def test_discovery_respects_gitignore_and_default_excludes(cli, tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    for folder in ("src", "ignored", "node_modules/pkg", ".venv/lib", "build"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text(SQL)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")  # a real venv
    (tmp_path / "tool").write_text("#!/usr/bin/env python3\n" + SQL)
    (tmp_path / "notes.txt").write_text(SQL)
    result = cli("scan", "--format", "json", cwd=tmp_path)
    paths = sorted(f["location"]["path"] for f in json.loads(result.out)["findings"])
    # Tool folders are skipped when recognised (node_modules by name, a virtual environment
    # by its pyvenv.cfg); a folder merely named `build` is someone's code and is scanned.
    assert paths == ["build/m.py", "src/m.py", "tool"]
    # Outside git: the same default excludes, and the explicit file is always scanned.
    subprocess.run(["rm", "-rf", str(tmp_path / ".git")], check=True)
    result = cli("scan", "--format", "json", ".", "node_modules/pkg/m.py", cwd=tmp_path)
    paths = sorted(f["location"]["path"] for f in json.loads(result.out)["findings"])
    assert paths == ["build/m.py", "ignored/m.py", "node_modules/pkg/m.py", "src/m.py", "tool"]


def test_configured_baseline_is_used_by_scan_and_baseline_create(cli, tmp_path):
    (tmp_path / "app.py").write_text(SQL)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / ".aicodeguard.toml").write_text('baseline = "accepted.json"\n')
    config = ["--config", "conf/.aicodeguard.toml"]
    created = cli("baseline", "create", *config, cwd=tmp_path)
    assert created.returncode == 0
    assert "wrote 1 finding from 2 files to" in created.out  # app.py and the config
    assert (tmp_path / "conf" / "accepted.json").is_file()  # relative to the config file
    quiet = cli("scan", *config, cwd=tmp_path)
    assert quiet.returncode == 0 and "1 in the baseline" in quiet.out
    (tmp_path / "other.json").write_text('{"aicodeguard_baseline": 1, "findings": []}\n')
    loud = cli("scan", *config, "--baseline", "other.json", cwd=tmp_path)
    assert loud.returncode == 1  # --baseline wins over the configuration's


def test_configured_baseline_inside_the_repository_only(cli, tmp_path):
    (tmp_path / "app.py").write_text(SQL)
    (tmp_path / ".aicodeguard.toml").write_text('baseline = "../elsewhere.json"\n')
    result = cli("scan", cwd=tmp_path)
    assert result.returncode == 2 and "outside the configuration's folder" in result.err


def test_language_server_uses_the_configured_baseline(tmp_path):
    from aicodeguard.baseline import write
    from aicodeguard.lsp_server.checking import without_baselined
    from aicodeguard.model import Confidence, Finding, Location, Severity
    from aicodeguard.policy import Outcome

    path = str(tmp_path / "app.py")
    finding = Finding("AIG101", Severity.HIGH, Confidence.HIGH, "m",
                      Location(path, 2, 5, 2, 9), snippet="cur.execute(q)")
    write([finding], str(tmp_path / "base.json"))
    kept = without_baselined(Outcome(findings=[finding]), str(tmp_path / "base.json"))
    assert kept.findings == [] and kept.baselined == 1
    missing = without_baselined(Outcome(findings=[finding]), str(tmp_path / "none.json"))
    assert missing.findings == [finding] and "baseline not used" in missing.notes[0].message


def test_concise_output_cuts_long_messages_at_a_boundary():
    from aicodeguard.report.text import short_message

    long = ("shell command built with an f-string is passed to `os.popen`; the shell runs "
            "whatever the value says")
    assert short_message(long) == "shell command built with an f-string is passed to `os.popen` …"
    assert short_message("short: message") == "short: message"
    unbroken = "x" * 120
    assert short_message(unbroken) == unbroken


def test_rules_table_has_a_header(cli):
    first = cli("rules").out.splitlines()[0]
    assert first.split()[:4] == ["ID", "SEVERITY", "CWE", "NAME"]


def test_diff_still_means_changed_lines_without_fix(cli, tmp_path):
    parser_help = cli("scan", "--help").out
    assert "--changed" in parser_help and "with --fix: print the fixes" in " ".join(
        parser_help.split())


def test_every_command_has_a_handler():
    """cli.py parses; each subcommand's handler lives in aicodeguard/commands/."""
    import argparse
    import importlib

    from aicodeguard.cli import HANDLERS, build_parser

    subparsers = next(action for action in build_parser()._actions
                      if isinstance(action, argparse._SubParsersAction))
    assert set(HANDLERS) == set(subparsers.choices)
    for module, function in HANDLERS.values():
        assert callable(getattr(importlib.import_module(f"aicodeguard.commands.{module}"),
                                function))


def test_show_settings_without_a_configuration(cli, tmp_path):
    result = cli("scan", "--show-settings", cwd=tmp_path)
    assert result.returncode == 0
    assert result.out.startswith("# configuration: none found (defaults)\n")
    assert 'fail-on = "medium"\n' in result.out
