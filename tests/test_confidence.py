"""Confidence: every finding says what it rests on (`evidence`), its confidence follows
from that in one place, tests and generated code lower it, and the gate needs both
severity and confidence (README, "Confidence")."""

from __future__ import annotations

import json

import jsonschema
import pytest

from aicodeguard.config import Config, ConfigError, parse_table
from aicodeguard.model import (
    Confidence,
    FileResult,
    Finding,
    Location,
    Severity,
    confidence_for,
)
from aicodeguard.policy import apply_policy, level

from .test_output_formats import load_schema

HEADER = '''import sqlite3
from flask import request

COLUMNS = ("id", "name")
TABLES = {"a": "users", "b": "groups"}
'''
FROM_REQUEST = '''
def search(conn):
    name = request.args["name"]
    return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")
'''
FROM_PARAMETER = '''
def search(conn, name):
    return conn.execute(f"SELECT * FROM users WHERE name = '{name}'")
'''
# The class's own constants: no caller chooses them (the rules may come to skip such
# statements altogether; while they report them, the confidence is low).
FROM_CONSTANTS = '''
class Users:
    TABLE = "users"
    FIELDS = ", ".join(COLUMNS)

    def listing(self, conn):
        return conn.execute(f"SELECT {self.FIELDS} FROM {self.TABLE}")

    def wipe(self, conn):
        conn.execute(f"DELETE FROM {self.TABLE}")
'''
PICKED_BY_PARAMETER = '''
def wipe_one(conn, kind):
    conn.execute(f"DELETE FROM {TABLES[kind]}")
'''
JAVASCRIPT = '''const COLUMNS = ["id", "name"];
app.get("/u", (req, res) => {
  db.query(`SELECT * FROM users WHERE name = '${req.query.name}'`);
});
function byParameter(db, name) {
  return db.query(`SELECT * FROM users WHERE name = '${name}'`);
}
function byConstants(db) {
  return db.query(`SELECT ${COLUMNS.join(", ")} FROM users`);
}
'''


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\ndependencies = ['flask']\n")
    return tmp_path


def scan_json(cli, folder, *args):
    result = cli("scan", "--format", "json", "--offline", *args, cwd=folder)
    assert result.returncode in (0, 1), result.err
    return result, json.loads(result.out)


def rated(report) -> list[tuple[int, str, str, str]]:
    return [(f["location"]["line"], f["severity"], f["confidence"], f["evidence"])
            for f in report["findings"]]


def test_evidence_table_is_the_one_place_confidence_comes_from():
    rule_default = Confidence.HIGH
    assert confidence_for("remote-input", Confidence.LOW) is Confidence.HIGH
    assert confidence_for("local-input", rule_default) is Confidence.MEDIUM
    assert confidence_for("parameter", rule_default) is Confidence.MEDIUM
    assert confidence_for("constant", rule_default) is Confidence.LOW
    assert confidence_for("pattern", rule_default) is rule_default
    assert confidence_for("secret", Confidence.MEDIUM) is Confidence.MEDIUM
    assert confidence_for("remote-input+test", rule_default) is Confidence.LOW
    assert confidence_for("known-secret+test", rule_default) is rule_default


def test_request_data_is_high_and_fails(cli, project):
    (project / "app.py").write_text(HEADER + FROM_REQUEST)
    result, report = scan_json(cli, project)
    assert rated(report) == [(9, "critical", "high", "remote-input")]
    assert result.returncode == 1


def test_a_parameter_is_medium_and_fails_at_the_default_gate(cli, project):
    (project / "app.py").write_text(HEADER + FROM_PARAMETER)
    result, report = scan_json(cli, project)
    assert rated(report) == [(8, "high", "medium", "parameter")]
    assert result.returncode == 1
    result, _ = scan_json(cli, project, "--fail-on-confidence", "high")
    assert result.returncode == 0


def test_constants_only_are_low_reported_and_pass_unless_the_gate_is_low(cli, project):
    (project / "app.py").write_text(HEADER + FROM_CONSTANTS + PICKED_BY_PARAMETER)
    result, report = scan_json(cli, project)
    assert rated(report) == [(12, "high", "low", "constant"), (15, "high", "low", "constant"),
                             (18, "high", "medium", "parameter")]  # TABLES[kind]: chosen
    assert report["summary"]["failing"] == 1 and report["summary"]["below_confidence_gate"] == 2
    (project / "app.py").write_text(HEADER + FROM_CONSTANTS)
    result = cli("scan", "--offline", cwd=project)
    assert result.returncode == 0, result.out
    assert "Found 2 findings" in result.out
    assert "2 below the confidence gate (informational)" in result.out
    assert "AIG101 [high · low confidence]" in result.out
    assert cli("scan", "--offline", "--fail-on-confidence", "low", cwd=project).returncode == 1
    (project / ".aicodeguard.toml").write_text('fail-on-confidence = "low"\n')
    assert cli("scan", "--offline", cwd=project).returncode == 1


def test_javascript_flows_get_the_same_evidence(cli, project):
    (project / "app.js").write_text(JAVASCRIPT)
    _, report = scan_json(cli, project)
    assert rated(report) == [(3, "critical", "high", "remote-input"),
                             (6, "high", "medium", "parameter"),
                             (9, "high", "low", "constant")]


def test_a_test_file_by_its_path_is_low_but_a_real_token_is_not(cli, project):
    (project / "tests").mkdir()
    token = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"  # built here: no token in git
    (project / "tests" / "test_search.py").write_text(
        HEADER + FROM_REQUEST + f'\nTOKEN = "{token}"\n')
    result, report = scan_json(cli, project)
    assert rated(report) == [(9, "critical", "low", "remote-input+test"),
                             (11, "high", "high", "known-secret+test")]
    assert [f["rule_id"] for f in report["findings"]] == ["AIG101", "AIG302"]
    assert result.returncode == 1  # the token: a leak wherever it is written
    (project / "tests" / "test_search.py").write_text(HEADER + FROM_REQUEST)
    result, report = scan_json(cli, project)
    assert result.returncode == 0 and report["summary"]["below_confidence_gate"] == 1


def test_configured_test_paths_count_and_are_project_relative(cli, project):
    (project / "checks").mkdir()
    (project / "checks" / "search.py").write_text(HEADER + FROM_PARAMETER)
    _, report = scan_json(cli, project)
    assert rated(report) == [(8, "high", "medium", "parameter")]
    (project / ".aicodeguard.toml").write_text('test-paths = ["checks/*"]\n')
    result, report = scan_json(cli, project)
    assert rated(report) == [(8, "high", "low", "parameter+test")]
    assert result.returncode == 0


def _finding(evidence: str, confidence: Confidence, rule_id: str = "AIG101") -> Finding:
    return Finding(rule_id, Severity.HIGH, confidence, "m", Location("src/app.py", 3, 5, 3, 9),
                   evidence=evidence)


@pytest.mark.parametrize("context", ["test", "generated"])
def test_a_file_whose_structure_says_test_or_generated_is_low(context):
    result = FileResult("src/app.py", language="python", context=frozenset({context}),
                        findings=[_finding("remote-input", Confidence.HIGH),
                                  _finding("known-secret", Confidence.HIGH, "AIG302")])
    outcome = apply_policy([result], Config(), frozenset({"AIG101", "AIG302"}), [])
    assert [(f.confidence, f.evidence) for f in outcome.findings] == [
        (Confidence.LOW, f"remote-input+{context}"),
        (Confidence.HIGH, f"known-secret+{context}")]
    assert [f.rule_id for f in outcome.failing(Config())] == ["AIG302"]


def test_levels_are_shared_by_sarif_and_the_editor():
    from lsprotocol import types

    from aicodeguard.lsp_server.checking import lsp_severity

    config = Config()
    gating = _finding("parameter", Confidence.MEDIUM)
    unlikely = _finding("constant", Confidence.LOW)
    below_fail_on = Finding("AIG101", Severity.MEDIUM, Confidence.HIGH, "m",
                            gating.location, evidence="remote-input")
    strict = Config(fail_on=Severity.HIGH, fail_on_confidence=Confidence.HIGH)
    assert [level(f, config) for f in (gating, unlikely, below_fail_on)] == \
        ["error", "note", "error"]
    assert [level(f, strict) for f in (gating, unlikely, below_fail_on)] == \
        ["warning", "note", "warning"]
    assert lsp_severity(gating, config) == types.DiagnosticSeverity.Error
    assert lsp_severity(gating, strict) == types.DiagnosticSeverity.Warning
    assert lsp_severity(unlikely, config) == types.DiagnosticSeverity.Information


def test_concise_json_and_sarif_show_confidence_and_evidence(cli, project):
    (project / "app.py").write_text(HEADER + FROM_PARAMETER + FROM_CONSTANTS)
    concise = cli("scan", "--offline", "--hook", cwd=project)
    assert concise.returncode == 1
    lines = concise.out.splitlines()
    assert lines[0].startswith("app.py:8:25: AIG101 [high/medium] SQL built")
    assert lines[1].startswith("app.py:15:29: AIG101 [high/low] SQL built")
    _, report = scan_json(cli, project)
    schema = load_schema("aicodeguard", "report", "json-schema.json")
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["summary"]["by_confidence"] == {"low": 2, "medium": 1, "high": 0}
    sarif = json.loads(cli("scan", "--offline", "--format", "sarif", cwd=project).out)
    jsonschema.Draft4Validator(load_schema("tests", "data", "sarif-schema-2.1.0.json")) \
        .validate(sarif)
    results = sarif["runs"][0]["results"]
    assert [(r["level"], r["rank"], r["properties"]["confidence"], r["properties"]["evidence"])
            for r in results] == [("error", 60.0, "medium", "parameter"),
                                  ("note", 20.0, "low", "constant"),
                                  ("note", 20.0, "low", "constant")]


def test_an_invalid_confidence_gate_is_a_configuration_error(cli, project):
    with pytest.raises(ConfigError, match="fail-on-confidence: unknown confidence 'sure'"):
        parse_table({"fail-on-confidence": "sure"}, "x.toml", "")
    with pytest.raises(ConfigError, match="fail-on-confidence: expected one of low"):
        parse_table({"fail-on-confidence": 2}, "x.toml", "")
    (project / "app.py").write_text(HEADER + FROM_PARAMETER)
    (project / ".aicodeguard.toml").write_text('fail-on-confidence = "certain"\n')
    result = cli("scan", cwd=project)
    assert result.returncode == 2
    assert "fail-on-confidence: unknown confidence 'certain'" in result.err
    (project / ".aicodeguard.toml").unlink()
    result = cli("scan", "--fail-on-confidence", "sure", cwd=project)
    assert result.returncode == 2 and "--fail-on-confidence" in result.err
