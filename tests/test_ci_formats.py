"""CI formats: GitHub workflow commands, GitLab Code Quality and SAST reports, JUnit XML;
SARIF rule help only for rules with results; --statistics, --show-settings, --show-files.

The SAST report is validated against GitLab's published schema (vendored unchanged in
tests/data/, see its README); Code Quality has no published JSON schema, so it is
validated against one written by hand from GitLab's documented required fields."""

from __future__ import annotations

import json
import os
import re
from xml.etree import ElementTree

import jsonschema
import pytest

from aicodeguard.config import Config
from aicodeguard.model import Confidence, Finding, Location, Note, NoteLevel, Severity
from aicodeguard.policy import Outcome
from aicodeguard.report.ci import github_command, render_gitlab_sast

DATA = os.path.join(os.path.dirname(__file__), "data")
SAST_SCHEMA = "gitlab-sast-report-format-15.1.4.json"  # GitLab's own, unchanged
CODE_QUALITY_SCHEMA = "gitlab-code-quality.schema.json"  # hand-written: none is published
SQL = "def q(cur, n):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{n}'\")\n"
# A gating finding (SQL injection) and one below the gate (a test-style weak random).
SAMPLE = {
    "app.py": SQL,
    "util.py": "import random\n\ndef token():\n    return random.random()\n",
}


def _schema(name: str) -> dict:
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return json.load(handle)


def _validate_sast(document: dict) -> None:
    jsonschema.Draft7Validator(_schema(SAST_SCHEMA),
                               format_checker=jsonschema.FormatChecker()).validate(document)


@pytest.fixture
def project(tmp_path):
    for name, text in SAMPLE.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_github_annotations(cli, project):
    result = cli("scan", "--format", "github", cwd=project)
    assert result.returncode == 1
    lines = result.out.splitlines()
    assert lines and all(re.match(r"^::(error|warning) file=[^:]+::\S", line) for line in lines)
    sql = next(line for line in lines if "AIG101" in line)
    assert sql.startswith("::error file=app.py,line=2,col=")
    assert ",endLine=2,endColumn=" in sql and ",title=AIG101 " in sql


def test_github_escaping():
    finding = Finding("AIG101", Severity.LOW, Confidence.LOW, "100% bad, really: yes\r\nnext",
                      Location("dir,a:b/x%.py", 3, 1, 3, 5))
    line = github_command(finding, Config())
    assert line.startswith("::warning file=dir%2Ca%3Ab/x%25.py,line=3,col=1,endLine=3,"
                           "endColumn=5,title=AIG101 ")
    message = line.split("::", 2)[2]
    assert message.startswith("100%25 bad, really: yes%0D%0Anext")
    assert "\n" not in line and "\r" not in line


def test_gitlab_code_quality_matches_the_schema(cli, project):
    result = cli("scan", "--format", "gitlab", cwd=project)
    document = json.loads(result.out)
    jsonschema.Draft7Validator(_schema(CODE_QUALITY_SCHEMA)).validate(document)
    assert {entry["check_name"] for entry in document} >= {"AIG101"}
    assert len({entry["fingerprint"] for entry in document}) == len(document)
    sql = next(entry for entry in document if entry["check_name"] == "AIG101")
    assert sql["severity"] == "critical" and sql["location"] == {"path": "app.py",
                                                                  "lines": {"begin": 2}}


def test_gitlab_sast_matches_the_schema(cli, project):
    result = cli("scan", "--format", "gitlab-sast", cwd=project)
    document = json.loads(result.out)
    _validate_sast(document)
    assert document["version"] == _schema(SAST_SCHEMA)["self"]["version"]
    assert document["scan"]["type"] == "sast" and document["scan"]["status"] == "success"
    sql = next(v for v in document["vulnerabilities"] if v["name"].startswith("AIG101"))
    assert sql["severity"] == "High"
    assert sql["location"] == {"file": "app.py", "start_line": 2, "end_line": 2}
    assert {"type": "cwe", "name": "CWE-89", "value": "89",
            "url": "https://cwe.mitre.org/data/definitions/89.html"} in sql["identifiers"]
    again = json.loads(cli("scan", "--format", "gitlab-sast", cwd=project).out)
    assert [v["id"] for v in again["vulnerabilities"]] == \
        [v["id"] for v in document["vulnerabilities"]]  # stable across runs


def test_empty_gitlab_reports_are_valid(cli, tmp_path):
    (tmp_path / "ok.py").write_text("print(1)\n")
    assert json.loads(cli("scan", "--format", "gitlab", cwd=tmp_path).out) == []
    sast = json.loads(cli("scan", "--format", "gitlab-sast", cwd=tmp_path).out)
    _validate_sast(sast)


def test_gitlab_sast_messages_use_the_schema_levels():
    """A file that could not be checked is a fatal message (and a failed scan), a warning a
    warn; info notes stay out."""
    outcome = Outcome(notes=[Note("bad.py", "could not be parsed", NoteLevel.ERROR),
                             Note("big.py", "partly analysed", NoteLevel.WARNING),
                             Note("x.bin", "skipped: binary", NoteLevel.INFO)])
    document = json.loads(render_gitlab_sast(outcome, Config()))
    _validate_sast(document)
    assert document["scan"]["status"] == "failure"
    assert document["scan"]["messages"] == [
        {"level": "fatal", "value": "bad.py: could not be parsed"},
        {"level": "warn", "value": "big.py: partly analysed"}]


def test_junit_structure(cli, project):
    result = cli("scan", "--format", "junit", cwd=project)
    suite = ElementTree.fromstring(result.out.encode())
    assert suite.tag == "testsuite" and suite.get("name") == "aicodeguard"
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    failures = [case for case in cases if case.find("failure") is not None]
    skipped = [case for case in cases if case.find("skipped") is not None]
    assert int(suite.get("failures")) == len(failures) >= 1
    assert int(suite.get("skipped")) == len(skipped)
    assert len(failures) + len(skipped) == len(cases)
    sql = next(case for case in failures if case.get("name").startswith("AIG101"))
    assert sql.get("classname") == "app.py" and sql.get("line") == "2"
    assert sql.find("failure").get("type") == "AIG101"


def test_junit_clean_run_has_one_passing_case(cli, tmp_path):
    (tmp_path / "ok.py").write_text("print(1)\n")
    suite = ElementTree.fromstring(cli("scan", "--format", "junit", cwd=tmp_path).stdout)
    assert suite.get("tests") == "1" and suite.get("failures") == "0"
    assert suite.find("testcase").get("name") == "scan of 1 file"


def test_sarif_full_help_only_for_rules_with_results(cli, project):
    lean = json.loads(cli("scan", "--format", "sarif", cwd=project).out)
    full = json.loads(cli("scan", "--format", "sarif", "--sarif-all-rules", cwd=project).out)
    rules = {rule["id"]: rule for rule in lean["runs"][0]["tool"]["driver"]["rules"]}
    used = {result["ruleId"] for result in lean["runs"][0]["results"]}
    assert "AIG101" in used and "## Use instead" in rules["AIG101"]["help"]["markdown"]
    quiet = rules["AIG102"]
    assert "## Use instead" not in quiet["help"]["markdown"]
    assert quiet["help"]["text"] and quiet["fullDescription"]["text"]  # GitHub needs both
    full_rules = {rule["id"]: rule for rule in full["runs"][0]["tool"]["driver"]["rules"]}
    assert "## Use instead" in full_rules["AIG102"]["help"]["markdown"]
    assert set(full_rules) == set(rules)


def test_statistics(cli, project):
    result = cli("scan", "--statistics", cwd=project)
    lines = result.out.splitlines()
    assert re.match(r"^count\s+id\s+name\s+severity$", lines[0])
    assert any(re.match(r"^\s*1\s+AIG101\s+sql-built-from-strings\s+high$", line) for line in lines[1:])
    assert result.returncode == 1  # the gate still decides the exit status


def test_show_settings(cli, tmp_path):
    (tmp_path / ".aicodeguard.toml").write_text('fail-on = "high"\nbaseline = "base.json"\n')
    result = cli("scan", "--show-settings", cwd=tmp_path)
    assert result.returncode == 0
    assert result.out.startswith(f"# configuration: {tmp_path / '.aicodeguard.toml'}\n")
    assert 'fail-on = "high"\n' in result.out
    assert f'baseline = "{tmp_path / "base.json"}"' in result.out


def test_show_files(cli, tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "skip.py").write_text("x = 1\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "lib.js").write_text("x = 1\n")
    (tmp_path / ".aicodeguard.toml").write_text('exclude = ["skip.py"]\n')
    result = cli("scan", "--show-files", cwd=tmp_path)
    assert result.returncode == 0
    listed = result.out.splitlines()
    assert "app.py  (python)" in listed and not any("skip.py" in line for line in listed)
    assert "Would scan 2 files." in result.out  # app.py and the configuration file
    assert "1 file excluded by configuration" in result.out
    assert "tool folder" in result.out
